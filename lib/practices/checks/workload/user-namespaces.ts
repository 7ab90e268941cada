import { Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-WORKLOAD-023: offered by the constructs, never demanded by the audit (alpha on 1.28). */
export const userNamespaces: Practice = {
  id: 'HK-WORKLOAD-023',
  group: PracticeGroup.WORKLOAD,
  title: 'User namespaces (`hostUsers: false`) — opt-in',
  severity: Severity.LOW,
  why: 'Maps container root to an unprivileged host UID, containing most escape impacts.',
  criterion: 'The pod spec sets hostUsers: false when the target cluster supports it (alpha on 1.28, beta later); off by default and not judged.',
  library: 'SecureDeployment offers an optional prop that sets hostUsers: false.',
  fix: 'Where the nodes support user namespaces, set hostUsers: false on the pod spec.',
  exception: ExceptionPolicy.NOT_APPLICABLE,
  exceptionNote: 'An opt-in hardening: nothing to except.',
  checkability: Checkability.OPT_IN,
  sources: {
    kubesec: ['HostUsers'],
    other: ['PSS: from policy 1.35 several restricted checks are relaxed for hostUsers: false pods'],
  },
};
