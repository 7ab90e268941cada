import { grantedVerbs, roleViolations } from './util';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity } from '../../practice';

/** Every verb the API serves on secrets. */
const SECRET_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** HK-RBAC-005: wildcards count: `*` resources or verbs grant secrets too. */
export const minimalSecretAccess: Practice = {
  id: 'HK-RBAC-005',
  group: PracticeGroup.RBAC,
  title: 'Minimal Secret access',
  severity: Severity.HIGH,
  why: 'list/watch on secrets returns every secret\'s content; get without resourceNames is almost as broad.',
  criterion: 'Every effective rule that covers core secrets (apiGroups "" or "*", resources secrets or "*") grants only get, and '
    + 'only with non-empty resourceNames; never list, watch, another verb or "*".',
  library: 'RbacProfile refuses anything broader than get on named Secrets.',
  fix: 'Grant get on secrets with resourceNames naming the Secrets the workload reads; mount Secrets as volumes instead of '
    + 'reading them through the API.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Operators that manage Secrets they cannot name in advance.',
  checkability: Checkability.MANIFESTS,
  sources: {
    cis: ['5.1.2'],
    kubeLinter: ['access-to-secrets'],
    kyverno: ['other/restrict-secret-role-verbs (stricter: denies get/list/watch on secrets outright, even with resourceNames)'],
    checkov: ['CKV2_K8S_5'],
    kubescape: ['C-0015', 'C-0186', 'C-0255'],
  },
  evaluate: (ctx: AuditContext) => roleViolations(ctx, (rule) => {
    const verbs = grantedVerbs(rule, '', 'secrets', SECRET_VERBS);
    if (verbs.length === 0) return undefined;
    const broad = verbs.filter((v) => v !== 'get');
    if (broad.length > 0) return `grants ${broad.join(', ')} on secrets`;
    return rule.resourceNames.length === 0 ? 'grants get on secrets without resourceNames, i.e. on every Secret of its scope' : undefined;
  }),
};
