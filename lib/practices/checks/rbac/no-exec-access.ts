import { grants, roleViolations } from './util';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity } from '../../practice';

const INTERACTIVE = [
  { group: '', resource: 'pods/exec' },
  { group: '', resource: 'pods/attach' },
  { group: '', resource: 'pods/portforward' },
  { group: '', resource: 'nodes/proxy' },
];

/** HK-RBAC-009: any verb counts, so a rule is asked about each of its own verbs (or `*`). */
export const noExecAccess: Practice = {
  id: 'HK-RBAC-009',
  group: PracticeGroup.RBAC,
  title: 'No exec / attach / port-forward / node proxy',
  severity: Severity.HIGH,
  why: 'pods/exec and friends are interactive shells inside running workloads; nodes/proxy reaches the kubelet API.',
  criterion: 'No effective rule covers (explicitly or through "*" or "*" + "/exec"-style entries) pods/exec, pods/attach, '
    + 'pods/portforward or nodes/proxy in the core group, with any verb.',
  library: 'RbacProfile refuses the interactive subresources.',
  fix: 'Remove the subresources from the role; keep break-glass access in a separate, excepted role bound only when needed.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Break-glass roles.',
  checkability: Checkability.MANIFESTS,
  sources: {
    cis: ['5.1.10'],
    polaris: ['clusterrolePodExecAttach', 'rolePodExecAttach', 'clusterrolebindingPodExecAttach', 'rolebindingClusterRolePodExecAttach',
      'rolebindingRolePodExecAttach'],
    kyverno: ['other/restrict-clusterrole-nodesproxy', 'other/block-pod-exec-* (deny exec at admission — complementary)'],
    checkov: ['CKV2_K8S_2'],
    kubescape: ['C-0002', 'C-0063', 'C-0279'],
  },
  evaluate: (ctx: AuditContext) => roleViolations(ctx, (rule) => {
    // Any verb counts: a rule grants one of its own verbs exactly when it grants its first (each is in its verbs).
    const verb = rule.verbs[0];
    const hits = verb === undefined ? []
      : INTERACTIVE.filter((t) => grants(rule, { group: t.group, resource: t.resource, verb })).map((t) => t.resource);
    return hits.length > 0 ? `grants ${rule.verbs.join(', ')} on ${hits.join(', ')}` : undefined;
  }),
};
