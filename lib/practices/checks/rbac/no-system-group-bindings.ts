import { RbacModel } from './util';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

/** Subjects that mean "no credentials", "any credentials" or "bypass RBAC". */
const FORBIDDEN_SUBJECTS: readonly string[] = ['system:anonymous', 'system:unauthenticated', 'system:authenticated', 'system:masters'];

/** HK-RBAC-008: judged on every binding subject, whatever its kind. */
export const noSystemGroupBindings: Practice = {
  id: 'HK-RBAC-008',
  group: PracticeGroup.RBAC,
  title: 'No bindings to system groups or anonymous',
  severity: Severity.CRITICAL,
  why: 'Binding system:anonymous/system:unauthenticated grants access without credentials; system:authenticated grants it to every '
    + 'token holder; system:masters bypasses RBAC entirely.',
  criterion: `No RoleBinding or ClusterRoleBinding subject is named ${FORBIDDEN_SUBJECTS.join(', ')}.`,
  library: 'RbacProfile refuses system groups and anonymous subjects.',
  fix: 'Bind a named ServiceAccount, User or team Group instead.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'Access without credentials, or for every credential, is never least privilege.',
  checkability: Checkability.MANIFESTS,
  sources: {
    cis: ['5.1.7'],
    kyverno: ['other/restrict-binding-system-groups'],
    gatekeeper: ['K8sDisallowAnonymous'],
    kubesec: ['BindingsToSystemAnonymous'],
    kubescape: ['C-0246', 'C-0262', 'C-0265'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const binding of RbacModel.of(ctx).bindings) {
      for (const s of binding.subjects) {
        if (FORBIDDEN_SUBJECTS.includes(s.name)) out.push({ object: binding.object, message: `binds ${s.kind || 'subject'} ${s.name}` });
      }
    }
    return out;
  },
};
