import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';
import { staticPods, StaticPodComponent } from '../cluster/util';

/** Retention floors: days, files, megabytes (CIS 1.2.17–1.2.19). */
const RETENTION: readonly [string, number][] = [['audit-log-maxage', 30], ['audit-log-maxbackup', 10], ['audit-log-maxsize', 100]];

function loggingProblems(a: StaticPodComponent): string[] {
  const problems: string[] = [];
  if (!a.flags.get('audit-policy-file')) problems.push('--audit-policy-file is not set, so no audit events are recorded');
  const logPath = a.flags.get('audit-log-path');
  const webhook = a.flags.get('audit-webhook-config-file');
  if (!logPath && !webhook) problems.push('neither --audit-log-path nor --audit-webhook-config-file is set');
  if (logPath) {
    for (const [flag, floor] of RETENTION) {
      const value = a.flags.get(flag);
      if (!(value !== undefined && /^\d+$/.test(value) && Number(value) >= floor)) problems.push(`--${flag} is ${value ?? 'unset'}, below ${floor}`);
    }
  }
  return problems;
}

/** HK-AUDIT-001: judged on kube-apiserver static pods in the set; retention applies to the log backend only. */
export const auditLogging: Practice = {
  id: 'HK-AUDIT-001',
  group: PracticeGroup.AUDIT,
  title: 'API server audit logging with retention',
  severity: Severity.HIGH,
  why: 'Without audit logs there is no record of who read a Secret or created a binding.',
  criterion: 'Every kube-apiserver static pod sets --audit-policy-file and --audit-log-path or --audit-webhook-config-file; with '
    + '--audit-log-path it also sets --audit-log-maxage >= 30, --audit-log-maxbackup >= 10 and --audit-log-maxsize >= 100.',
  library: 'Documents/generates the flag set next to the Policy; audits supplied manifests.',
  fix: 'Start kube-apiserver with --audit-policy-file=<policy> --audit-log-path=<file> --audit-log-maxage=30 '
    + '--audit-log-maxbackup=10 --audit-log-maxsize=100 (or a webhook backend).',
  exception: ExceptionPolicy.NOT_APPLICABLE,
  exceptionNote: 'Control-plane files carry no exception annotations.',
  checkability: Checkability.CONTROL_PLANE,
  sources: {
    nsa: ['Kubernetes native audit logging configuration', 'the audit-flag example appendix (ks C-0067; tv 8.0–8.2)'],
    cis: ['1.2.16', '1.2.17', '1.2.18', '1.2.19', '3.2.1'],
    checkov: ['CKV_K8S_91', 'CKV_K8S_92', 'CKV_K8S_93', 'CKV_K8S_94'],
    kubescape: ['C-0067', 'C-0130', 'C-0131', 'C-0132', 'C-0133', 'C-0160', 'C-0254'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const a of staticPods(ctx, 'kube-apiserver')) out.push(...loggingProblems(a).map((message) => ({ object: a.pod, message })));
    return out;
  },
};
