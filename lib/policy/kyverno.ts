import { Construct } from 'constructs';
import { AdmissionPractice } from './admission-practices';
import { PolicyObjectOptions, policyAnnotations, policyName } from './policy-options';
import * as kyverno from '../imports/kyverno-clusterpolicy-kyverno.io';
import { PRACTICES_ANNOTATION } from '../practices/admission/admission-rule';
import { effectiveExpression, effectiveMessage, POD_VARIABLES, PolicySettings, settingsVariables } from '../practices/admission/cel';
import { kindGroupsOf, matchesPods } from '../practices/admission/resources';

const Operation = kyverno.ClusterPolicySpecRulesMatchAnyResourcesOperations;
const WRITE_OPERATIONS = [Operation.CREATE, Operation.UPDATE];
const RuleAction = kyverno.ClusterPolicySpecRulesValidateFailureAction;
const ImageAction = kyverno.ClusterPolicySpecRulesVerifyImagesFailureAction;
const Condition = kyverno.ClusterPolicySpecRulesVerifyImagesAttestationsConditionsAllOperator;

/** The cosign predicate type of vulnerability-scan attestations (current cosign; older ones omit `https://`). */
export const DEFAULT_VULN_PREDICATE_TYPE = 'https://cosign.sigstore.dev/attestation/vuln/v1';

/** Who must have signed the images (HK-IMAGE-005). Give exactly one of `publicKey` and `keyless`. */
export interface ImageSigner {
  /**
   * A cosign public key: PEM text, or `k8s://<namespace>/<secret>` naming a Secret whose `cosign.pub` holds it.
   * @default - none; `keyless` must be given
   */
  readonly publicKey?: string;
  /**
   * A keyless (Fulcio) identity: the OIDC issuer and the certificate subject of the signing workflow.
   * @default - none; `publicKey` must be given
   */
  readonly keyless?: { readonly issuer: string; readonly subject: string };
}

/**
 * The scanner the vulnerability-scan attestation must come from: the `scanner.uri` of a cosign `vuln/v1` predicate,
 * with Kyverno wildcards. Trivy's `--format cosign-vuln` writes `pkg:github/aquasecurity/trivy@<version>` and puts its
 * JSON report (`Results[].Vulnerabilities[].Severity`) in `scanner.result`, which the critical-findings condition reads.
 */
export const TRIVY_SCANNER_URI = 'pkg:github/aquasecurity/trivy@*';

/** Signature and scan requirements for images, rendered as a Kyverno `verifyImages` rule. */
export interface ImageVerification {
  /** The signer every image must be signed by. */
  readonly signer: ImageSigner;
  /**
   * Who signs the vulnerability-scan attestations, when that is not the image signer (e.g. a scanning pipeline with
   * its own key or keyless identity). Give exactly one of `publicKey` and `keyless`.
   * @default - the image signer
   */
  readonly scanAttestor?: ImageSigner;
  /**
   * Image reference globs to verify.
   * @default - every allowed registry, as `<registry>/*`
   */
  readonly imageReferences?: string[];
  /**
   * Require a vulnerability-scan attestation, by `scanAttestor`, no older than this many hours and reporting no
   * critical vulnerability. 0 turns the scan attestation off (signatures are still verified).
   * @default 168 (one week)
   */
  readonly maxScanAgeHours?: number;
  /**
   * The attestation predicate type the scanner writes; confirm with `cosign verify-attestation --type vuln`.
   * @default DEFAULT_VULN_PREDICATE_TYPE
   */
  readonly vulnPredicateType?: string;
  /**
   * The scanner the attestation must name (`scanner.uri`, Kyverno wildcards). The critical-findings condition reads
   * Trivy's report layout, so an attestation from any other scanner is refused rather than passed unread.
   * @default TRIVY_SCANNER_URI
   */
  readonly scannerUri?: string;
}

/** Emits one Kyverno ClusterPolicy per practice, each rule with its own `validate.failureAction` and CEL. */
export function emitKyvernoPolicies(
  scope: Construct, entries: readonly AdmissionPractice[], settings: PolicySettings, options: PolicyObjectOptions,
): kyverno.ClusterPolicy[] {
  const failureAction = options.enforce ? RuleAction.ENFORCE : RuleAction.AUDIT;
  return entries.map(({ practice, rule }) => {
    const variables = [...settingsVariables(settings), ...(matchesPods(rule.match) ? POD_VARIABLES : [])];
    return new kyverno.ClusterPolicy(scope, `Kyverno-${practice.id}`, {
      metadata: {
        name: policyName(practice),
        annotations: {
          ...policyAnnotations(practice),
          'policies.kyverno.io/title': practice.title,
          'policies.kyverno.io/severity': practice.severity,
          'policies.kyverno.io/category': `cdk8s-hardened ${practice.group}`,
          'policies.kyverno.io/description': practice.why,
        },
      },
      spec: {
        background: true,
        rules: [{
          name: practice.id.toLowerCase(),
          match: {
            any: [{
              resources: {
                kinds: kindGroupsOf(rule.match).flatMap((g) => g.kinds),
                operations: WRITE_OPERATIONS,
                namespaceSelector: options.namespaceSelector,
              },
            }],
          },
          validate: {
            failureAction,
            cel: {
              variables: variables.map((v) => ({ name: v.name, expression: v.expression })),
              expressions: rule.validations.map((v) => ({ expression: effectiveExpression(practice, v), message: effectiveMessage(practice, v) })),
            },
          },
        }],
      },
    });
  });
}

/**
 * Emits the HK-IMAGE-005 ClusterPolicy: every image under `imageReferences` signed by the signer, and (unless
 * `maxScanAgeHours` is 0) carrying a recent vulnerability-scan attestation. `mutateDigest` is off: images are
 * pinned by digest already (HK-IMAGE-001), and an admission webhook that rewrites them would hide drift.
 */
export function emitKyvernoImageVerification(scope: Construct, verification: ImageVerification, imageReferences: string[], enforce: boolean,
  namespaceSelector: PolicyObjectOptions['namespaceSelector'], practiceTitle: string): kyverno.ClusterPolicy {
  const failureAction = enforce ? ImageAction.ENFORCE : ImageAction.AUDIT;
  const entries = [attestorEntry(verification.signer)];
  const scanEntries = [attestorEntry(verification.scanAttestor ?? verification.signer)];
  const maxAge = verification.maxScanAgeHours ?? 168;
  const verify: kyverno.ClusterPolicySpecRulesVerifyImages[] = [{
    imageReferences,
    failureAction,
    mutateDigest: false,
    verifyDigest: true,
    required: true,
    attestors: [{ count: 1, entries }],
  }];
  if (maxAge > 0) {
    verify.push({
      imageReferences,
      failureAction,
      mutateDigest: false,
      verifyDigest: true,
      attestations: [{
        type: verification.vulnPredicateType ?? DEFAULT_VULN_PREDICATE_TYPE,
        attestors: [{ entries: scanEntries }],
        conditions: [{
          all: [
            {
              key: '{{ time_since(\'\', \'{{ metadata.scanFinishedOn }}\', \'\') }}',
              operator: Condition.LESS_THAN_OR_EQUALS,
              value: `${maxAge}h`,
              message: `the vulnerability scan is older than ${maxAge}h: re-scan the image and attest the result`,
            },
            {
              key: '{{ scanner.uri }}',
              operator: Condition.EQUALS,
              value: verification.scannerUri ?? TRIVY_SCANNER_URI,
              message: 'the vulnerability scan comes from a scanner whose report this policy cannot read',
            },
            {
              // Trivy's report in the predicate: every result's vulnerabilities, critical ones counted.
              key: '{{ scanner.result.Results[].Vulnerabilities[?Severity == \'CRITICAL\'][] | length(@) }}',
              operator: Condition.EQUALS,
              value: 0,
              message: 'the image has critical vulnerabilities: fix them, rebuild, re-scan',
            },
          ],
        }],
      }],
    });
  }
  return new kyverno.ClusterPolicy(scope, 'Kyverno-HK-IMAGE-005', {
    metadata: {
      name: 'hardened-hk-image-005',
      annotations: {
        [PRACTICES_ANNOTATION]: 'HK-IMAGE-005',
        'cdk8s-hardened.io/title': practiceTitle,
        'policies.kyverno.io/title': practiceTitle,
        'policies.kyverno.io/severity': 'high',
      },
    },
    spec: {
      // Signature checks call out to registries at admission; they cannot run as background scans.
      background: false,
      webhookConfiguration: { failurePolicy: kyverno.ClusterPolicySpecWebhookConfigurationFailurePolicy.FAIL, timeoutSeconds: 30 },
      rules: [{
        name: 'hk-image-005',
        match: {
          any: [{
            resources: {
              kinds: ['Pod'],
              operations: WRITE_OPERATIONS,
              namespaceSelector,
            },
          }],
        },
        verifyImages: verify,
      }],
    },
  });
}

function attestorEntry(signer: ImageSigner): kyverno.ClusterPolicySpecRulesVerifyImagesAttestorsEntries {
  return signer.publicKey !== undefined
    ? { keys: { publicKeys: signer.publicKey } }
    : { keyless: { issuer: signer.keyless!.issuer, subject: signer.keyless!.subject } };
}
