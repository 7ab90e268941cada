import { Testing } from 'cdk8s';
import { AdmissionPolicies, AdmissionPoliciesProps, PolicyEngine } from '../../lib/policy/admission-policies';
import { ImageVerification } from '../../lib/policy/kyverno';

function verifyRule(imageVerification: ImageVerification): any {
  const chart = Testing.chart();
  new AdmissionPolicies(chart, 'policies', { engines: [PolicyEngine.KYVERNO], practices: ['HK-IMAGE-001'], imageVerification });
  return Testing.synth(chart).find((o) => o.metadata.name === 'hardened-hk-image-005').spec.rules[0];
}

function refusal(imageVerification: any, props: AdmissionPoliciesProps = {}): string {
  try {
    new AdmissionPolicies(Testing.chart(), 'policies', { engines: [PolicyEngine.KYVERNO], ...props, imageVerification });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

const KEY = 'k8s://kyverno/release-cosign';
const SCANNER = { keyless: { issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/scan/.github/workflows/scan.yml@refs/heads/main' } };

describe('HK-IMAGE-005 vulnerability-scan attestation', () => {
  const rule = verifyRule({ signer: { publicKey: KEY }, scanAttestor: SCANNER, imageReferences: ['registry.example.com/*'], maxScanAgeHours: 24 });
  const [signature, scan] = rule.verifyImages;

  test('the image signature is checked against the signer, the scan attestation against the named scan attestor', () => {
    expect(signature.attestors).toEqual([{ count: 1, entries: [{ keys: { publicKeys: KEY } }] }]);
    expect(scan.attestations[0].attestors).toEqual([{ entries: [SCANNER] }]);
    expect(scan.attestations[0].type).toBe('https://cosign.sigstore.dev/attestation/vuln/v1');
  });

  test('the attestation must be younger than the maximum age, come from Trivy and report no critical vulnerability', () => {
    expect(scan.attestations[0].conditions).toEqual([{
      all: [
        {
          key: '{{ time_since(\'\', \'{{ metadata.scanFinishedOn }}\', \'\') }}',
          operator: 'LessThanOrEquals',
          value: '24h',
          message: 'the vulnerability scan is older than 24h: re-scan the image and attest the result',
        },
        {
          key: '{{ scanner.uri }}',
          operator: 'Equals',
          value: 'pkg:github/aquasecurity/trivy@*',
          message: 'the vulnerability scan comes from a scanner whose report this policy cannot read',
        },
        {
          key: '{{ scanner.result.Results[].Vulnerabilities[?Severity == \'CRITICAL\'][] | length(@) }}',
          operator: 'Equals',
          value: 0,
          message: 'the image has critical vulnerabilities: fix them, rebuild, re-scan',
        },
      ],
    }]);
    expect(scan.failureAction).toBe('Enforce');
    expect(scan.verifyDigest).toBe(true);
  });

  test('without a scan attestor the image signer attests the scan', () => {
    const r = verifyRule({ signer: { publicKey: KEY }, imageReferences: ['registry.example.com/*'] });
    expect(r.verifyImages[1].attestations[0].attestors).toEqual([{ entries: [{ keys: { publicKeys: KEY } }] }]);
    expect(r.verifyImages[1].attestations[0].conditions[0].all[0].value).toBe('168h');
  });

  test('another scanner can be named', () => {
    const r = verifyRule({ signer: { publicKey: KEY }, imageReferences: ['registry.example.com/*'], scannerUri: 'pkg:github/aquasecurity/trivy@v0.6*' });
    expect(r.verifyImages[1].attestations[0].conditions[0].all[1].value).toBe('pkg:github/aquasecurity/trivy@v0.6*');
  });

  const FIX = 'Practice HK-IMAGE-005 (Admit only scanned and signed images) refuses it.\n'
    + 'Fix: give a cosign publicKey (PEM or k8s://<ns>/<secret>) or a keyless { issuer, subject }.';

  test('refuses a scan attestor with both a key and a keyless identity', () => {
    expect(refusal({ signer: { publicKey: KEY }, scanAttestor: { publicKey: KEY, ...SCANNER }, imageReferences: ['x/*'] })).toBe(
      `[test/policies] AdmissionPolicies prop 'imageVerification.scanAttestor' must name exactly one of publicKey and keyless.\n${FIX}`);
  });

  test('refuses wrong types from plain JavaScript', () => {
    expect(refusal({ signer: null, imageReferences: ['x/*'] })).toBe(`[test/policies] AdmissionPolicies prop 'imageVerification.signer' is null, not a signer.\n${FIX}`);
    expect(refusal({ signer: { publicKey: 42 }, imageReferences: ['x/*'] })).toBe(
      `[test/policies] AdmissionPolicies prop 'imageVerification.signer.publicKey' is 42, not a PEM key or k8s:// reference.\n${FIX}`);
    expect(refusal({ signer: { keyless: { issuer: '', subject: 's' } }, imageReferences: ['x/*'] })).toBe(
      `[test/policies] AdmissionPolicies prop 'imageVerification.signer.keyless.issuer' is '', not a non-empty string.\n${FIX}`);
  });

  test('refuses a maximum scan age that is not a whole number of hours', () => {
    for (const [value, shown] of [[NaN, 'NaN'], [-1, '-1'], [1.5, '1.5'], ['24h', '\'24h\'']] as const) {
      expect(refusal({ signer: { publicKey: KEY }, imageReferences: ['x/*'], maxScanAgeHours: value })).toBe(
        `[test/policies] AdmissionPolicies prop 'imageVerification.maxScanAgeHours' is ${shown}, not a whole number of hours.\n`
        + 'Practice HK-IMAGE-005 (Admit only scanned and signed images) refuses it.\n'
        + 'Fix: give the maximum age of the vulnerability scan in hours, e.g. 168 (one week); 0 turns the scan attestation off.');
    }
  });

  test('refuses an empty scanner URI', () => {
    expect(refusal({ signer: { publicKey: KEY }, imageReferences: ['x/*'], scannerUri: ' ' })).toBe(
      '[test/policies] AdmissionPolicies prop \'imageVerification.scannerUri\' is \' \', not a scanner URI.\n'
      + 'Practice HK-IMAGE-005 (Admit only scanned and signed images) refuses it.\n'
      + 'Fix: give the scanner.uri the attestations carry, e.g. \'pkg:github/aquasecurity/trivy@*\'.');
  });
});
