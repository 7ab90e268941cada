import { Manifest } from '../../../lib/practices/manifest';
import { compliantSet, plus, withDeployment, withObject } from '../fixtures';
import { apiserver, replaceFlag } from './cluster';
import { PracticeCases } from './types';

/** The recommended audit Policy of cluster.md (b); `mutate` edits it. */
function policy(mutate: (p: any) => void = () => undefined): Manifest {
  const p: any = {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    omitManagedFields: true,
    rules: [
      {
        level: 'Metadata',
        resources: [
          { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
          { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
        ],
      },
      { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version'] },
      { level: 'None', resources: [{ group: '', resources: ['events'] }] },
      { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'], resources: [{ group: '', resources: ['endpoints', 'services', 'services/status'] }] },
      {
        level: 'RequestResponse',
        verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'],
        resources: [{ group: 'rbac.authorization.k8s.io' }, { group: 'admissionregistration.k8s.io' }, { group: 'networking.k8s.io' }, { group: 'policy' }],
      },
      { level: 'Metadata', resources: [{ group: '', resources: ['pods/exec', 'pods/attach', 'pods/portforward'] }] },
      { level: 'Request', verbs: ['get', 'list', 'watch'], resources: [{ group: '' }, { group: 'apps' }, { group: 'batch' }] },
      { level: 'Metadata' },
    ],
  };
  mutate(p);
  return p;
}

/** The compliant set with the Deployment annotated `key: value`. */
function annotated(key: string, value: string): Manifest[] {
  return withDeployment((d) => { d.metadata.annotations[key] = value; });
}

const EXC = 'exceptions.cdk8s-hardened.io/';

export const AUDIT_CASES: PracticeCases = {
  'HK-AUDIT-001': {
    pass: [
      { name: 'no apiserver: not judged', objects: compliantSet() },
      { name: 'log backend with retention', objects: [apiserver()] },
      { name: 'longer retention', objects: [apiserver(replaceFlag('--audit-log-maxage', '--audit-log-maxage=90'))] },
      {
        name: 'webhook backend needs no file retention',
        objects: [apiserver((f) => [...f.filter((x) => !x.startsWith('--audit-log')), '--audit-webhook-config-file=/etc/kubernetes/audit/webhook.yaml'])],
      },
    ],
    fail: [
      { name: 'no policy file', objects: [apiserver(replaceFlag('--audit-policy-file'))] },
      { name: 'no backend', objects: [apiserver(replaceFlag('--audit-log-path'))] },
      { name: 'maxage 7', objects: [apiserver(replaceFlag('--audit-log-maxage', '--audit-log-maxage=7'))] },
      { name: 'maxbackup unset', objects: [apiserver(replaceFlag('--audit-log-maxbackup'))] },
      { name: 'maxsize 10', objects: [apiserver(replaceFlag('--audit-log-maxsize', '--audit-log-maxsize=10'))] },
    ],
  },
  'HK-AUDIT-002': {
    pass: [
      { name: 'cluster.md recommended policy', objects: [policy()] },
      { name: 'a Kyverno Policy is not an audit Policy', objects: plus({ apiVersion: 'kyverno.io/v1', kind: 'Policy', metadata: { name: 'p', namespace: 'shop' }, spec: {} }) },
      {
        name: 'exec at RequestResponse',
        objects: [policy((p) => { p.rules[5].level = 'RequestResponse'; })],
      },
    ],
    fail: [
      { name: 'v1beta1', objects: [policy((p) => { p.apiVersion = 'audit.k8s.io/v1beta1'; })] },
      { name: 'no omitStages', objects: [policy((p) => { delete p.omitStages; })] },
      { name: 'empty rules', objects: [policy((p) => { p.rules = []; })] },
      { name: 'secrets at RequestResponse', objects: [policy((p) => { p.rules[0].level = 'RequestResponse'; })] },
      {
        name: 'blanket core Request rule before the secrets rule',
        objects: [policy((p) => { p.rules.unshift({ level: 'Request', resources: [{ group: '' }] }); })],
      },
      {
        name: 'Request rule for some users before the secrets rule',
        objects: [policy((p) => { p.rules.unshift({ level: 'RequestResponse', userGroups: ['system:serviceaccounts'], resources: [{ group: '', resources: ['secrets'] }] }); })],
      },
      { name: 'secrets not logged', objects: [policy((p) => { p.rules.unshift({ level: 'None', resources: [{ group: '', resources: ['secrets'] }] }); })] },
      { name: 'secrets dropped from the Metadata rule fall to the core Request rule', objects: [policy((p) => { p.rules[0].resources[0].resources = ['configmaps', 'serviceaccounts/token']; })] },
      { name: 'exec not logged', objects: [policy((p) => { p.rules[5].level = 'None'; })] },
      { name: 'RBAC writes at Metadata', objects: [policy((p) => { p.rules[4].level = 'Metadata'; })] },
      { name: 'no catch-all', objects: [policy((p) => { p.rules.pop(); })] },
      { name: 'catch-all at Request', objects: [policy((p) => { p.rules[p.rules.length - 1].level = 'Request'; })] },
    ],
  },
  'HK-AUDIT-003': {
    pass: [
      { name: 'no exceptions', objects: compliantSet() },
      { name: 'recordable practice with a reason', objects: annotated(`${EXC}HK-WORKLOAD-009`, 'legacy CMS writes its cache under /var/www (TICKET-412)') },
    ],
    fail: [
      { name: 'unknown practice id', objects: annotated(`${EXC}HK-WORKLOAD-999`, 'a reason that is long enough') },
      { name: 'misspelt practice id', objects: annotated(`${EXC}hk-workload-009`, 'a reason that is long enough') },
      { name: 'reason shorter than 10 characters', objects: annotated(`${EXC}HK-WORKLOAD-009`, 'legacy') },
      { name: 'reason of blanks', objects: annotated(`${EXC}HK-WORKLOAD-009`, '            ') },
      { name: 'exception for an exception-none practice', objects: annotated(`${EXC}HK-WORKLOAD-006`, 'the vendor image needs its default capabilities') },
      { name: 'exception for a none practice on a Namespace', objects: withObject('Namespace', (n) => { n.metadata.annotations[`${EXC}HK-NAMESPACE-005`] = 'shared namespace of two teams'; }) },
      { name: 'exception for an n/a practice', objects: annotated(`${EXC}HK-CLUSTER-002`, 'etcd is managed by the provider') },
      {
        name: 'exception on the pod template',
        objects: withDeployment((d) => { d.spec.template.metadata.annotations = { [`${EXC}HK-WORKLOAD-009`]: 'legacy CMS writes its cache (TICKET-412)' }; }),
      },
    ],
  },
  'HK-AUDIT-004': {
    pass: [
      { name: 'provenance on every object', objects: compliantSet() },
      { name: 'control-plane files are exempt', objects: plus(policy()) },
      { name: 'empty label value is valid', objects: withDeployment((d) => { d.metadata.labels['example.com/flag'] = ''; }) },
      {
        name: 'a third-party object that claims nothing of ours is not judged (without requireProvenance)',
        objects: plus({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vendor', namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'Helm' } } }),
      },
    ],
    fail: [
      { name: 'managed by another tool', objects: withDeployment((d) => { d.metadata.labels['app.kubernetes.io/managed-by'] = 'Helm'; }) },
      { name: 'no name label', objects: withDeployment((d) => { delete d.metadata.labels['app.kubernetes.io/name']; }) },
      { name: 'no part-of label', objects: withObject('Service', (s) => { delete s.metadata.labels['app.kubernetes.io/part-of']; }) },
      { name: 'no construct path', objects: withObject('ServiceAccount', (s) => { delete s.metadata.annotations['cdk8s-hardened.io/construct-path']; }) },
      { name: 'no catalogue version', objects: withObject('Namespace', (n) => { delete n.metadata.annotations['cdk8s-hardened.io/catalogue-version']; }) },
      { name: 'label value longer than 63', objects: withDeployment((d) => { d.metadata.labels['app.kubernetes.io/part-of'] = 'x'.repeat(64); }) },
      { name: 'label value with a slash', objects: withDeployment((d) => { d.metadata.labels.team = 'shop/payments'; }) },
      {
        name: 'claims to be managed by cdk8s-hardened but carries nothing else',
        objects: plus({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bare', namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-hardened' } } }),
      },
      {
        name: 'carries only an exception annotation of ours',
        objects: plus({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bare', namespace: 'shop', annotations: { 'exceptions.cdk8s-hardened.io/HK-IMAGE-001': 'x'.repeat(20) } } }),
      },
    ],
  },
};
