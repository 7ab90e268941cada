import { isNamespaced } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** Namespaces no application object may live in. */
export const RESERVED_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Whether constructs must refuse `name` as an application namespace: a reserved one or any `kube-*`. */
export function isReservedNamespace(name: string): boolean {
  return typeof name === 'string' && (RESERVED_NAMESPACES.includes(name) || name.startsWith('kube-'));
}

/** HK-NAMESPACE-001: every namespaced object; control-plane configuration files are not objects and are skipped. */
export const dedicatedNamespace: Practice = {
  id: 'HK-NAMESPACE-001',
  group: PracticeGroup.NAMESPACE,
  title: 'Never the `default` or `kube-*` namespaces',
  severity: Severity.MEDIUM,
  why: '`default` has no policies, quotas or RBAC boundaries; `kube-system` is for the control plane.',
  criterion: 'Every namespaced object (any kind not known to be cluster-scoped; control-plane configuration files excluded) has '
    + 'metadata.namespace set and not default, kube-system, kube-public or kube-node-lease. Judged whether or not the Namespace '
    + 'object is in the set, since the rule is about the object\'s own field.',
  library: 'Refuses objects without a namespace (cdk8s leaves it unset, which means default) and the reserved namespaces.',
  fix: 'Set metadata.namespace to the application\'s own LockedNamespace.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'kube-system only, for cluster add-ons that upstream installs there, in audited manifests; never default.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Namespaces (tv 1.12)'],
    cis: ['5.7.1', '5.7.4'],
    kubeLinter: ['use-namespace'],
    kyverno: ['best-practices/disallow-default-namespace'],
    checkov: ['CKV_K8S_21'],
    kubescape: ['C-0061', 'C-0209', 'C-0212'],
  },
  evaluate: perObject('all', (obj) => {
    if (!isNamespaced(obj)) return [];
    const ns = obj.metadata?.namespace;
    if (typeof ns !== 'string' || ns === '') return ['metadata.namespace is not set, so the object lands in default'];
    return RESERVED_NAMESPACES.includes(ns) ? [`metadata.namespace is the reserved namespace "${ns}"`] : [];
  }),
};
