import { Manifest } from '../../../lib/practices/manifest';
import { clone, compliantSet, NS, plus, provenance, secureDeployment, withObject } from '../fixtures';
import { PracticeCases } from './types';

/** The compliant set without the objects of the listed kinds, then with `extra` added. */
function withoutKinds(kinds: string[], ...extra: Manifest[]): Manifest[] {
  return [...compliantSet().filter((o) => !kinds.includes(o.kind ?? '')), ...clone(extra)];
}

/** The compliant Namespace with `mutate` applied to its labels. */
const withNamespaceLabels = (mutate: (labels: Record<string, string>) => void) => withObject('Namespace', (n) => mutate(n.metadata.labels));

/** Every PSA version label set to `version`. */
const pinAll = (version: string) => withNamespaceLabels((l) => {
  for (const mode of ['enforce', 'audit', 'warn']) l[`pod-security.kubernetes.io/${mode}-version`] = version;
});

/** A ConfigMap of the shop app in `namespace` (undefined leaves metadata.namespace unset). */
function configMap(namespace: string | undefined, partOf = 'shop'): Manifest {
  const meta = provenance('cfg', 'test/cfg');
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg', ...(namespace === undefined ? {} : { namespace }), labels: { ...meta.labels, 'app.kubernetes.io/part-of': partOf }, annotations: meta.annotations },
    data: { mode: 'prod' },
  };
}

export const NAMESPACE_CASES: PracticeCases = {
  'HK-NAMESPACE-001': {
    pass: [
      { name: 'every object in the shop namespace', objects: compliantSet() },
      {
        name: 'cluster-scoped and control-plane objects need no namespace',
        objects: plus(
          { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [] },
          { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: [] },
        ),
      },
    ],
    fail: [
      { name: 'namespace unset', objects: plus(configMap(undefined)) },
      { name: 'explicit default', objects: plus(configMap('default')) },
      { name: 'kube-system', objects: plus(configMap('kube-system')) },
      { name: 'kube-node-lease', objects: plus(configMap('kube-node-lease')) },
      { name: 'a custom resource without namespace', objects: plus({ apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'db' }, spec: {} }) },
    ],
  },
  'HK-NAMESPACE-002': {
    pass: [
      { name: 'restricted, pinned to the default target v1.28', objects: compliantSet() },
      { name: 'pinned to v1.31 when the target is 1.31', objects: pinAll('v1.31'), targetVersion: '1.31' },
      { name: 'no Namespace object: nothing to judge', objects: withoutKinds(['Namespace']) },
    ],
    fail: [
      { name: 'enforce baseline', objects: withNamespaceLabels((l) => { l['pod-security.kubernetes.io/enforce'] = 'baseline'; }) },
      { name: 'warn label missing', objects: withNamespaceLabels((l) => { delete l['pod-security.kubernetes.io/warn']; }) },
      { name: 'version latest', objects: pinAll('latest') },
      { name: 'pinned to v1.28 but the target is 1.31', objects: compliantSet(), targetVersion: '1.31' },
      { name: 'pinned to v1.31 but the target is 1.28', objects: pinAll('v1.31') },
      { name: 'version without the v prefix', objects: pinAll('1.28') },
    ],
  },
  'HK-NAMESPACE-003': {
    pass: [
      { name: 'quota with every key and zero service counts', objects: compliantSet() },
      { name: 'no workloads: nothing to judge', objects: withoutKinds(['Deployment', 'ResourceQuota']) },
      {
        name: 'keys split over two quotas',
        objects: withObject('ResourceQuota', (q) => { delete q.spec.hard['services.nodeports']; }).concat(clone([{
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'services', namespace: NS, ...provenance('services', 'test/shop/services') },
          spec: { hard: { 'services.nodeports': '0' } },
        }])),
      },
    ],
    fail: [
      { name: 'no quota (Namespace in the set)', objects: withoutKinds(['ResourceQuota']) },
      { name: 'no quota and no Namespace object', objects: withoutKinds(['ResourceQuota', 'Namespace']) },
      { name: 'NodePorts allowed', objects: withObject('ResourceQuota', (q) => { q.spec.hard['services.nodeports'] = '2'; }) },
      { name: 'LoadBalancer key missing', objects: withObject('ResourceQuota', (q) => { delete q.spec.hard['services.loadbalancers']; }) },
      { name: 'no ephemeral-storage cap', objects: withObject('ResourceQuota', (q) => { delete q.spec.hard['requests.ephemeral-storage']; }) },
    ],
  },
  'HK-NAMESPACE-004': {
    pass: [
      { name: 'container defaults, maxima and PVC max', objects: compliantSet() },
      { name: 'no workloads: nothing to judge', objects: withoutKinds(['Deployment', 'LimitRange']) },
    ],
    fail: [
      { name: 'no LimitRange', objects: withoutKinds(['LimitRange']) },
      { name: 'no PVC maximum', objects: withObject('LimitRange', (l) => { l.spec.limits = l.spec.limits.filter((x: any) => x.type === 'Container'); }) },
      { name: 'no ephemeral-storage default', objects: withObject('LimitRange', (l) => { delete l.spec.limits[0].default['ephemeral-storage']; }) },
      { name: 'no container max', objects: withObject('LimitRange', (l) => { delete l.spec.limits[0].max; }) },
    ],
  },
  'HK-NAMESPACE-005': {
    pass: [
      { name: 'Namespace and objects labelled for one app', objects: compliantSet() },
      { name: 'object in a namespace outside the set is not compared', objects: plus(configMap('elsewhere', 'other-app')) },
    ],
    fail: [
      { name: 'no owner label', objects: withNamespaceLabels((l) => { delete l.owner; }) },
      { name: 'no part-of label on the Namespace', objects: withNamespaceLabels((l) => { delete l['app.kubernetes.io/part-of']; }) },
      { name: 'a second app in the namespace', objects: plus(configMap(NS, 'billing')) },
      {
        name: 'object without name label',
        objects: [...compliantSet().filter((o) => o.kind !== 'Deployment'), (() => {
          const d = secureDeployment();
          delete d.metadata.labels['app.kubernetes.io/name'];
          return d;
        })()],
      },
    ],
  },
};
