import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/**
 * HK-RBAC-011: every cluster-wide RBAC object needs a recorded reason, `system:` ones included: the audited set is
 * what gets applied, so a built-in role that appears in it is being overwritten, which deserves the same scrutiny.
 */
export const namespacedRbac: Practice = {
  id: 'HK-RBAC-011',
  group: PracticeGroup.RBAC,
  title: 'Namespaced Role/RoleBinding by default',
  severity: Severity.MEDIUM,
  why: 'A ClusterRoleBinding turns a namespace-scoped need into cluster-wide access.',
  criterion: 'The set holds no ClusterRole and no ClusterRoleBinding; one is accepted only with a recorded exception (cluster-scoped '
    + 'resources). A RoleBinding to a ClusterRole stays namespaced and passes.',
  library: 'RbacProfile emits Role + RoleBinding in the workload\'s namespace.',
  fix: 'Use a Role and RoleBinding in the workload\'s namespace; keep a ClusterRole only for cluster-scoped resources and record why.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Access to cluster-scoped resources (nodes, namespaces, CRDs), with the reason recorded.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Role-based access control (least privilege)'],
    cis: ['5.1 (intent)'],
  },
  evaluate: perObject(['ClusterRole', 'ClusterRoleBinding'], (obj) => [
    obj.kind === 'ClusterRole' ? 'is a ClusterRole: cluster-wide permissions' : 'is a ClusterRoleBinding: grants its role in every namespace',
  ]),
};
