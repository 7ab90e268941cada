import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

const MODES = ['enforce', 'audit', 'warn'];
const PREFIX = 'pod-security.kubernetes.io/';

/** HK-NAMESPACE-002: judged on Namespace objects in the set; a namespace only referenced by workloads has no labels to judge. */
export const psaRestricted: Practice = {
  id: 'HK-NAMESPACE-002',
  group: PracticeGroup.NAMESPACE,
  title: 'PSA `restricted`, version-pinned',
  severity: Severity.HIGH,
  why: 'The admission controller is the backstop for anything applied outside the library; pinning the version stops a cluster upgrade from silently changing the rules.',
  criterion: 'Every Namespace object in the set has labels pod-security.kubernetes.io/enforce, /audit and /warn set to restricted, '
    + 'and /enforce-version, /audit-version and /warn-version set to v<major>.<minor> of the audit\'s target version (v1.28 by '
    + 'default); latest, another minor or a missing label fails. Namespaces that workloads reference but the set does not '
    + 'contain cannot be judged here: their labels are not in the set.',
  library: 'LockedNamespace sets all six labels, pinned to the target version.',
  fix: 'Label the Namespace pod-security.kubernetes.io/{enforce,audit,warn}: restricted and {enforce,audit,warn}-version: v<target minor> '
    + '(e.g. v1.28); record an exception for a namespace that must run privileged jobs.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Privileged namespaces for BackupPlan etcd snapshots or kube-bench jobs use privileged with the reason recorded.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Pod security enforcement (ks C-0068 legacy PSP)'],
    cis: ['5.2.1'],
    kyverno: ['psa/add-psa-labels', 'psa/deny-privileged-profile'],
    kubescape: ['C-0192'],
  },
  evaluate: perObject(['Namespace'], (ns, ctx) => {
    const labels = ns.metadata?.labels ?? {};
    const version = `v${ctx.settings.targetVersion.major}.${ctx.settings.targetVersion.minor}`;
    const problems: string[] = [];
    for (const mode of MODES) {
      const level = labels[`${PREFIX}${mode}`];
      if (level !== 'restricted') problems.push(`label ${PREFIX}${mode} is ${level === undefined ? 'not set' : `"${level}"`}; it must be restricted`);
      const pinned = labels[`${PREFIX}${mode}-version`];
      if (pinned !== version) problems.push(`label ${PREFIX}${mode}-version is ${pinned === undefined ? 'not set' : `"${pinned}"`}; it must be ${version}, the target version`);
    }
    return problems;
  }),
};
