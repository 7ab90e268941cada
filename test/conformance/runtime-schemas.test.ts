/**
 * The runtime-defense custom resources validate against the upstream CRDs in ../shared/crds: the PrometheusRule of
 * SecurityAlerts against the Prometheus Operator's, and the HK-IMAGE-005 verifyImages policy with a scan attestor
 * (age, scanner and critical-findings conditions) against Kyverno's. Fails loudly when ../shared is missing.
 */
import { existsSync, readFileSync } from 'fs';
import { resolve } from 'path';
import Ajv from 'ajv';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { FluentBitAgent, LogDestination } from '../../lib/logging/fluent-bit-agent';
import { AdmissionPolicies, PolicyEngine } from '../../lib/policy/admission-policies';
import { SecurityAlerts } from '../../lib/runtime/security-alerts';

const CRDS = resolve(__dirname, '..', '..', '..', 'shared', 'crds');
if (!existsSync(CRDS)) {
  throw new Error(`conformance tests need the shared CRDs at ${CRDS}; clone the project beside ../shared or run only \`npm test\``);
}

/** CRD patterns are Go RE2: its inline `(?i)` flag becomes JavaScript's `i` flag. */
function re2(pattern: string, flags: string): RegExp {
  return pattern.includes('(?i)') ? new RegExp(pattern.replace(/\(\?i\)/g, ''), `${flags}i`) : new RegExp(pattern, flags);
}
const regExp = Object.assign(re2, { code: 're2' });
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true, code: { regExp } });

function schemaOf(file: string, version: string): any {
  const crd = parse(readFileSync(resolve(CRDS, file), 'utf8'));
  return crd.spec.versions.find((v: any) => v.name === version).schema.openAPIV3Schema;
}

function generated(): any[] {
  const chart = Testing.chart();
  new SecurityAlerts(chart, 'alerts', { ruleLabels: { release: 'kube-prometheus-stack' } });
  new AdmissionPolicies(chart, 'policies', {
    engines: [PolicyEngine.KYVERNO],
    practices: ['HK-IMAGE-001'],
    imageVerification: {
      signer: { publicKey: 'k8s://kyverno/release-cosign' },
      scanAttestor: { keyless: { issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/scan/.github/workflows/scan.yml@refs/heads/main' } },
      imageReferences: ['registry.example.com/*'],
    },
  });
  new FluentBitAgent(chart, 'logs', {
    image: `cr.fluentbit.io/fluent/fluent-bit:3.2.10@sha256:${'c'.repeat(64)}`,
    owner: 'platform-team',
    egressTo: ['10.20.0.0/24'],
    destination: LogDestination.loki({ host: 'loki.example.com' }),
    serviceMonitorLabels: { release: 'kube-prometheus-stack' },
  });
  return Testing.synth(chart);
}

const objects = generated();

test('the PrometheusRule validates against the Prometheus Operator CRD', () => {
  const validate = ajv.compile(schemaOf('prometheus-operator/monitoring.coreos.com_prometheusrules.yaml', 'v1'));
  const rule = objects.find((o) => o.kind === 'PrometheusRule');
  expect(validate(rule) ? [] : validate.errors).toEqual([]);
});

test('the verifyImages policy with a scan attestor validates against the Kyverno CRD', () => {
  const validate = ajv.compile(schemaOf('kyverno/kyverno.io_clusterpolicies.yaml', 'v1'));
  const policy = objects.find((o) => o.kind === 'ClusterPolicy' && o.metadata.name === 'hardened-hk-image-005');
  expect(policy.spec.rules[0].verifyImages[1].attestations[0].conditions[0].all).toHaveLength(3);
  expect(validate(policy) ? [] : validate.errors).toEqual([]);
});

test('the Fluent Bit ServiceMonitor validates against the Prometheus Operator CRD', () => {
  const validate = ajv.compile(schemaOf('prometheus-operator/monitoring.coreos.com_servicemonitors.yaml', 'v1'));
  const monitor = objects.find((o) => o.kind === 'ServiceMonitor');
  expect(validate(monitor) ? [] : validate.errors).toEqual([]);
});
