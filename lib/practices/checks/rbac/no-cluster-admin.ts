import { RbacModel, RoleModel, roleLabel, ruleLabel } from './util';
import { EXTERNAL_REFERENCES_ANNOTATION, recordedExternalReferences } from '../../external-references';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

/** The first effective rule granting every verb on every resource of every group, if any. */
function fullAccessRule(role: RoleModel): string | undefined {
  const r = role.rules.find(({ rule }) => rule.apiGroups.includes('*') && rule.resources.includes('*') && rule.verbs.includes('*'));
  return r ? ruleLabel(role, r) : undefined;
}

/** HK-RBAC-003: judged on bindings; the role they grant is resolved over the set (aggregation included). */
export const noClusterAdminBindings: Practice = {
  id: 'HK-RBAC-003',
  group: PracticeGroup.RBAC,
  title: 'No cluster-admin bindings',
  severity: Severity.CRITICAL,
  why: 'cluster-admin is unrestricted control of the cluster and every Secret in it.',
  criterion: 'No RoleBinding or ClusterRoleBinding has roleRef ClusterRole cluster-admin, or a roleRef to a Role/ClusterRole of the '
    + 'set whose effective rules (its own, plus those of every ClusterRole it aggregates) include apiGroups "*", resources "*" '
    + 'and verbs "*" in one rule. Every roleRef resolves to a role of the set or a built-in ClusterRole (judged by its rules), '
    + `or the binding records the role as created elsewhere in its ${EXTERNAL_REFERENCES_ANNOTATION} annotation `
    + '("ClusterRole/<name>: <who creates it and why>"): a role nobody can read could be cluster-admin in all but name.',
  library: 'RbacProfile refuses a binding to cluster-admin or to a full-access role; bindClusterRole to a role neither built in nor in '
    + 'the app needs a reason, written as the binding\'s external-references annotation.',
  fix: 'Bind a role that lists only the resources and verbs the subject needs; for an operator, replace cluster-admin with a '
    + 'narrowed ClusterRole.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Cluster-wide operators that upstream ships bound to cluster-admin, e.g. the Velero server BackupPlan relies on '
    + '(its chart\'s rbac.clusterAdministrator defaults to true); prefer a narrowed ClusterRole.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Role-based access control (ks C-0035)'],
    cis: ['5.1.1'],
    polaris: ['clusterrolebindingClusterAdmin', 'rolebindingClusterAdminClusterRole', 'rolebindingClusterAdminRole'],
    kubeLinter: ['cluster-admin-role-binding'],
    kyverno: ['other/restrict-binding-clusteradmin', 'other/block-cluster-admin-from-ns'],
    kubescape: ['C-0035', 'C-0185', 'C-0267', 'C-0272'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const binding of RbacModel.of(ctx).bindings) {
      if (binding.roleKind === 'ClusterRole' && binding.roleName === 'cluster-admin') {
        out.push({ object: binding.object, message: 'binds ClusterRole cluster-admin' });
        continue;
      }
      if (!binding.role) {
        if (!recordedExternalReferences(binding.object).has(`${binding.roleKind}/${binding.roleName}`)) {
          const where = binding.roleKind === 'ClusterRole' ? 'neither in the audited set nor built in' : 'not in the audited set';
          out.push({ object: binding.object, message: `binds ${binding.roleKind} ${binding.roleName}, which is ${where}: what it grants cannot be judged` });
        }
        continue;
      }
      const rule = fullAccessRule(binding.role);
      if (rule) {
        out.push({ object: binding.object, message: `binds ${roleLabel(binding.role)}, whose ${rule} grants every verb on every resource (cluster-admin in all but name)` });
      }
    }
    return out;
  },
};
