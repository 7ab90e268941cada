import { roleViolations } from './util';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity } from '../../practice';

const FIELDS = ['verbs', 'resources', 'apiGroups', 'nonResourceURLs'] as const;

/** HK-RBAC-004: judged on every role's effective rules; an aggregating ClusterRole inherits the wildcard. */
export const noWildcardRules: Practice = {
  id: 'HK-RBAC-004',
  group: PracticeGroup.RBAC,
  title: 'No wildcards in rules',
  severity: Severity.HIGH,
  why: '"*" silently grants every future resource and verb, including CRDs installed later.',
  criterion: 'No effective rule of a Role or ClusterRole (its own, or one of a ClusterRole it aggregates) has an entry containing '
    + '"*" in verbs, resources, apiGroups or nonResourceURLs; a binding to a built-in ClusterRole with such a rule (cluster-admin) '
    + 'is reported on the binding.',
  library: 'RbacProfile refuses wildcards (cdk8s-plus Role.allow takes any verb string).',
  fix: 'List the API groups, resources and verbs explicitly.',
  exception: ExceptionPolicy.RECORDABLE,
  checkability: Checkability.MANIFESTS,
  sources: {
    cis: ['5.1.3'],
    polaris: ['the cluster-admin checks also flag wildcard roles'],
    kubeLinter: ['wildcard-in-rules'],
    kyverno: ['other/restrict-wildcard-verbs', 'other/restrict-wildcard-resources'],
    checkov: ['CKV_K8S_49'],
    kubescape: ['C-0187'],
  },
  evaluate: (ctx: AuditContext) => roleViolations(ctx, (rule) => {
    const hits = FIELDS.filter((f) => rule[f].some((v) => v.includes('*')));
    return hits.length > 0 ? `has a wildcard in ${hits.join(', ')}` : undefined;
  }),
};
