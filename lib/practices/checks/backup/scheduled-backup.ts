import { PROTECTED_BY_ANNOTATION, veleroObjects } from './util';
import { isCronProblem, parseCron } from '../../../units/cron';
import { parseGoDuration } from '../../../units/duration';
import { asArray, Manifest, namespaceOf } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

function cronProblem(schedule: unknown): string | undefined {
  if (typeof schedule !== 'string' || schedule.trim() === '') return 'spec.schedule is not set';
  const fields = schedule.trim().replace(/^(?:CRON_TZ|TZ)=\S+\s+/, '').split(/\s+/);
  if (fields.length !== 5) return `spec.schedule '${schedule}' is not a 5-field cron expression (minute hour day-of-month month day-of-week)`;
  const parsed = parseCron(schedule);
  return isCronProblem(parsed) ? `spec.schedule '${schedule}' ${parsed.problem}` : undefined;
}

function scheduleProblems(s: Manifest): string[] {
  if (s.apiVersion !== 'velero.io/v1') return [`apiVersion is ${s.apiVersion}, not velero.io/v1`];
  const spec = s.spec ?? {};
  const template = spec.template ?? {};
  const problems: string[] = [];
  const cron = cronProblem(spec.schedule);
  if (cron) problems.push(cron);
  const namespaces = asArray(template.includedNamespaces);
  if (namespaces.length === 0) problems.push('spec.template.includedNamespaces is empty, so the Schedule backs up every namespace');
  for (const ns of namespaces) {
    if (typeof ns !== 'string' || /[*?[\]]/.test(ns)) problems.push(`spec.template.includedNamespaces has the glob ${JSON.stringify(ns)}; name the plan's namespaces`);
  }
  const ttl = template.ttl;
  const ttlSeconds = typeof ttl === 'string' ? parseGoDuration(ttl) : undefined;
  if (ttlSeconds === undefined || ttlSeconds <= 0) {
    problems.push(ttl === undefined ? 'spec.template.ttl is not set' : `spec.template.ttl ${JSON.stringify(ttl)} is not a positive Go duration`);
  }
  if (typeof template.storageLocation !== 'string' || template.storageLocation === '') problems.push('spec.template.storageLocation names no BackupStorageLocation');
  if (spec.useOwnerReferencesInBackup === true) problems.push('spec.useOwnerReferencesInBackup is true: deleting the Schedule would delete its backups');
  return problems;
}

/** Whether the object holds data: a PersistentVolumeClaim, or a StatefulSet with volumeClaimTemplates. */
function holdsData(o: Manifest): boolean {
  return o.kind === 'PersistentVolumeClaim' || asArray(o.spec?.volumeClaimTemplates).length > 0;
}

/**
 * Objects holding data when the set has no Schedule at all: each must name the Schedule elsewhere that covers it, or
 * nothing shows its data is backed up.
 */
function undeclaredState(ctx: AuditContext): Violation[] {
  return ctx.ofKind('StatefulSet', 'PersistentVolumeClaim').filter(holdsData)
    .filter((o) => !/^[a-z0-9-]+\/[a-z0-9-]+$/.test(String(o.metadata?.annotations?.[PROTECTED_BY_ANNOTATION] ?? '')))
    .map((object) => ({
      object,
      message: `${object.kind}/${object.metadata?.name} holds volume data, but the set has no Velero Schedule and the object does not name the one `
        + `that backs it up (annotation ${PROTECTED_BY_ANNOTATION}: <velero namespace>/<schedule>); protect it with a BackupPlan (plan.protect(workload))`,
    }));
}

/** Namespaces of the set that hold state: a StatefulSet or a PersistentVolumeClaim. */
function statefulNamespaces(ctx: AuditContext): Map<string, Manifest[]> {
  const out = new Map<string, Manifest[]>();
  for (const o of ctx.ofKind('StatefulSet', 'PersistentVolumeClaim')) {
    out.set(namespaceOf(o), [...out.get(namespaceOf(o)) ?? [], o]);
  }
  return out;
}

/**
 * HK-BACKUP-001: every Velero Schedule is judged; when the set holds at least one Schedule, every namespace of the set
 * with a StatefulSet or PersistentVolumeClaim must be covered by one (a set without Schedules backs up elsewhere).
 */
export const scheduledBackup: Practice = {
  id: 'HK-BACKUP-001',
  group: PracticeGroup.BACKUP,
  title: 'Scheduled Velero backup for stateful namespaces',
  severity: Severity.HIGH,
  why: 'Ransomware, operator error and failed upgrades are recovered from backups, not from Git.',
  criterion: 'Every velero.io/v1 Schedule has a valid 5-field cron spec.schedule (an optional CRON_TZ= prefix allowed), non-empty '
    + 'spec.template.includedNamespaces naming namespaces (no globs), spec.template.ttl a positive Go duration, '
    + 'spec.template.storageLocation named, and spec.useOwnerReferencesInBackup not true. When the set holds Schedules, every '
    + 'namespace with a StatefulSet or PersistentVolumeClaim is in some Schedule\'s includedNamespaces. When the set holds no '
    + 'Schedule, every PersistentVolumeClaim and every StatefulSet with volumeClaimTemplates names the Schedule elsewhere that backs '
    + 'it up in the annotation backup.cdk8s-hardened.io/schedule (<velero namespace>/<schedule>). That the Schedule lives in '
    + 'the namespace Velero runs in cannot be seen from the manifests.',
  library: 'BackupPlan generates the Schedule; plan.protect(statefulSet) adds the workload\'s namespace and writes the annotation.',
  fix: 'Create a velero.io/v1 Schedule in the Velero namespace with a 5-field cron, includedNamespaces listing the stateful '
    + 'namespaces, ttl (e.g. 720h0m0s), storageLocation and useOwnerReferencesInBackup: false (BackupPlan, then plan.protect(db)); '
    + 'when the Schedule is managed elsewhere, annotate the StatefulSet or claim with backup.cdk8s-hardened.io/schedule.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'State without a backup is not recoverable.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Fault tolerance'],
    kyverno: ['velero/validate-cron-schedule'],
    kubescape: ['C-0007 (data destruction, MITRE) as the threat'],
    other: ['field notes (backup/restore, DR)'],
  },
  evaluate: (ctx: AuditContext) => {
    const schedules = veleroObjects(ctx, 'Schedule');
    const out: Violation[] = schedules.flatMap((object) => scheduleProblems(object).map((message) => ({ object, message })));
    if (schedules.length === 0) return undeclaredState(ctx);
    const covered = new Set(schedules.flatMap((s) => asArray(s.spec?.template?.includedNamespaces)));
    for (const [ns, objects] of statefulNamespaces(ctx)) {
      if (covered.has(ns)) continue;
      const namespace = ctx.ofKind('Namespace').find((n) => n.metadata?.name === ns);
      const message = `namespace "${ns}" holds state (${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}) but no Schedule of the set includes it`;
      for (const object of namespace ? [namespace] : objects) out.push({ object, message });
    }
    return out;
  },
};
