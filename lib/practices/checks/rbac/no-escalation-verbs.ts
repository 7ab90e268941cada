import { grants, PolicyRule, RBAC_GROUP, roleViolations } from './util';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity } from '../../practice';

const ROLE_RESOURCES = ['roles', 'clusterroles'];
const IMPERSONATION_TARGETS = [
  { group: '', resource: 'users' },
  { group: '', resource: 'groups' },
  { group: '', resource: 'serviceaccounts' },
  { group: 'authentication.k8s.io', resource: 'uids' },
];

/** Every verb `escalations` asks about. */
const ESCALATION_VERBS = ['bind', 'escalate', 'impersonate', '*'];

/** The escalation grants of one rule: `bind`/`escalate` per role resource, `impersonate` per target. */
function escalations(rule: PolicyRule): { verb: string; resource: string }[] {
  // Almost every rule of a set has none of these verbs: it is ruled out before any resource is looked at.
  if (!rule.verbs.some((v) => ESCALATION_VERBS.includes(v))) return [];
  const out: { verb: string; resource: string }[] = [];
  for (const verb of ['bind', 'escalate']) {
    for (const resource of ROLE_RESOURCES) if (grants(rule, { group: RBAC_GROUP, resource, verb })) out.push({ verb, resource });
  }
  for (const t of IMPERSONATION_TARGETS) if (grants(rule, { ...t, verb: 'impersonate' })) out.push({ verb: 'impersonate', resource: t.resource });
  return out;
}

/** Only `bind` limited to named roles may be excepted; `escalate` and `impersonate` never. */
function exceptable(rule: PolicyRule): boolean {
  return rule.resourceNames.length > 0 && escalations(rule).every((e) => e.verb === 'bind');
}

/** HK-RBAC-007: a rule whose only escalation is `bind` on named roles yields an exceptable finding. */
export const noEscalationVerbs: Practice = {
  id: 'HK-RBAC-007',
  group: PracticeGroup.RBAC,
  title: 'No bind / escalate / impersonate',
  severity: Severity.CRITICAL,
  why: 'These verbs exist to bypass RBAC\'s own escalation check.',
  criterion: 'No effective rule grants (explicitly or through "*") bind or escalate on rbac.authorization.k8s.io roles or '
    + 'clusterroles, or impersonate on users, groups, serviceaccounts or authentication.k8s.io uids.',
  library: 'RbacProfile refuses bind, escalate and impersonate.',
  fix: 'Remove bind, escalate and impersonate; a provisioner that must grant roles gets bind with resourceNames listing exactly '
    + 'those roles, and a recorded exception.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Only for bind restricted by resourceNames to named roles (the least-privilege way for a namespace provisioner or '
    + 'GitOps agent to grant them); escalate and impersonate never.',
  checkability: Checkability.MANIFESTS,
  sources: {
    cis: ['5.1.8'],
    kyverno: ['other/restrict-escalation-verbs-roles'],
    checkov: ['CKV_K8S_157', 'CKV_K8S_158', 'CKV2_K8S_1', 'CKV2_K8S_3'],
    kubescape: ['C-0191', 'C-0065'],
  },
  evaluate: (ctx: AuditContext) => roleViolations(ctx, (rule) => {
    const hits = escalations(rule);
    if (hits.length === 0) return undefined;
    const names = rule.resourceNames.length > 0 ? ` (resourceNames ${rule.resourceNames.join(', ')})` : '';
    return `grants ${hits.map((h) => `${h.verb} on ${h.resource}`).join(', ')}${names}`;
  }, { exceptable }),
};
