import { BACKUP_JOB_LABEL, isBackupJob, RESTORE_DRILL_LABEL } from './util';
import { Manifest } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function boundsProblems(cron: Manifest): string[] {
  if (!isBackupJob(cron)) return [];
  const spec = cron.spec ?? {};
  const job = spec.jobTemplate?.spec ?? {};
  const problems: string[] = [];
  if (spec.concurrencyPolicy !== 'Forbid') problems.push(`spec.concurrencyPolicy is ${JSON.stringify(spec.concurrencyPolicy ?? 'Allow')}, not Forbid: runs may overlap`);
  for (const field of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
    if (!isSet(spec[field])) problems.push(`spec.${field} is unset`);
  }
  for (const field of ['backoffLimit', 'activeDeadlineSeconds']) {
    if (!isSet(job[field])) problems.push(`spec.jobTemplate.spec.${field} is unset`);
  }
  if (isSet(job.ttlSecondsAfterFinished)) problems.push('spec.jobTemplate.spec.ttlSecondsAfterFinished is set; the history limits clean up instead');
  return problems;
}

/**
 * HK-BACKUP-007: backup CronJobs are those labelled `cdk8s-hardened.io/backup: "true"` or
 * `cdk8s-hardened.io/restore-drill`, or running a velero or etcd image or the velero/etcdctl/etcdutl commands.
 */
export const boundedBackupJobs: Practice = {
  id: 'HK-BACKUP-007',
  group: PracticeGroup.BACKUP,
  title: 'Bounded backup jobs',
  severity: Severity.LOW,
  why: 'Overlapping or hung backup jobs corrupt snapshots and hold credentials indefinitely.',
  criterion: `Every backup CronJob (labelled ${BACKUP_JOB_LABEL}: "true" or ${RESTORE_DRILL_LABEL}, or running a velero or etcd `
    + 'image, or the velero, etcdctl or etcdutl commands) sets concurrencyPolicy: Forbid, startingDeadlineSeconds, '
    + 'successfulJobsHistoryLimit and failedJobsHistoryLimit; its jobTemplate sets backoffLimit and activeDeadlineSeconds and no '
    + 'ttlSecondsAfterFinished.',
  library: 'BackupPlan sets every bound on its drill and etcd snapshot CronJobs.',
  fix: 'Set concurrencyPolicy: Forbid, startingDeadlineSeconds, both history limits, backoffLimit and activeDeadlineSeconds; drop '
    + 'ttlSecondsAfterFinished from the jobTemplate.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'The bounds cost nothing and prevent overlapping snapshots.',
  checkability: Checkability.MANIFESTS,
  sources: {
    kubeScore: ['cronjob-has-deadline', 'cronjob-restartpolicy'],
    kubeLinter: ['job-ttl-seconds-after-finished'],
    other: ['HK-WORKLOAD-022'],
  },
  evaluate: perObject(['CronJob'], boundsProblems),
};
