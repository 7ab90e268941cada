import { asArray, Manifest, podSpecOf } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

const BATCH_RESTART_POLICIES: readonly string[] = ['OnFailure', 'Never'];

/**
 * HK-WORKLOAD-022: a Pod owned by a controller (as `kubectl get -o yaml` shows it) is not bare; a Job owned by a
 * CronJob is judged as part of that CronJob, so it needs no TTL of its own.
 */
export const boundedJobs: Practice = {
  id: 'HK-WORKLOAD-022',
  group: PracticeGroup.WORKLOAD,
  title: 'No bare Pods; bounded Jobs and CronJobs',
  severity: Severity.LOW,
  why: 'Bare Pods are not rescheduled; unbounded Jobs pile up, retry forever and keep credentials mounted.',
  criterion: 'No Pod without a controlling owner; every Job sets backoffLimit and activeDeadlineSeconds, and a standalone Job (not '
    + 'owned by a CronJob) also ttlSecondsAfterFinished; every CronJob sets concurrencyPolicy: Forbid, startingDeadlineSeconds, '
    + 'successfulJobsHistoryLimit and failedJobsHistoryLimit, its jobTemplate sets backoffLimit and activeDeadlineSeconds but no '
    + 'ttlSecondsAfterFinished (it races the history limits); Job and CronJob pods set restartPolicy OnFailure or Never.',
  library: 'The constructs emit no bare Pods and set every bound on their Jobs and CronJobs.',
  fix: 'Run the Pod under a Deployment, StatefulSet or Job; give Jobs backoffLimit, activeDeadlineSeconds and (standalone) '
    + 'ttlSecondsAfterFinished; give CronJobs concurrencyPolicy: Forbid, startingDeadlineSeconds and both history limits, and drop '
    + 'ttlSecondsAfterFinished from their jobTemplate.',
  exception: ExceptionPolicy.NONE,
  checkability: Checkability.MANIFESTS,
  sources: {
    kubeScore: ['cronjob-has-deadline', 'cronjob-restartpolicy'],
    kubeLinter: ['job-ttl-seconds-after-finished'],
    kyverno: ['other/prevent-bare-pods', 'other/add-ttl-jobs'],
    kubescape: ['C-0073', 'C-0026'],
  },
  evaluate: perObject(['Pod', 'Job', 'CronJob'], (obj) => {
    switch (obj.kind) {
      case 'Pod': return hasController(obj) ? [] : ['is a bare Pod: nothing reschedules it; run it under a Deployment, StatefulSet or Job'];
      case 'Job': return jobProblems(obj);
      default: return cronJobProblems(obj);
    }
  }),
};

function hasController(obj: Manifest): boolean {
  return asArray(obj.metadata?.ownerReferences).some((o) => o?.controller === true);
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function jobSpecProblems(spec: any, prefix: string): string[] {
  const problems: string[] = [];
  if (!isSet(spec?.backoffLimit)) problems.push(`${prefix}backoffLimit is unset (the API defaults it to 6 retries)`);
  if (!isSet(spec?.activeDeadlineSeconds)) problems.push(`${prefix}activeDeadlineSeconds is unset, so the Job may run forever`);
  return problems;
}

function restartPolicyProblems(obj: Manifest): string[] {
  const policy = podSpecOf(obj)?.restartPolicy;
  if (BATCH_RESTART_POLICIES.includes(policy)) return [];
  return [`pod restartPolicy is ${policy === undefined ? 'unset' : JSON.stringify(policy)}, not OnFailure or Never`];
}

function jobProblems(job: Manifest): string[] {
  const problems = jobSpecProblems(job.spec, 'spec.');
  const ownedByCronJob = asArray(job.metadata?.ownerReferences).some((o) => o?.kind === 'CronJob');
  if (!ownedByCronJob && !isSet(job.spec?.ttlSecondsAfterFinished)) problems.push('spec.ttlSecondsAfterFinished is unset on a standalone Job');
  return [...problems, ...restartPolicyProblems(job)];
}

function cronJobProblems(cron: Manifest): string[] {
  const spec = cron.spec ?? {};
  const problems: string[] = [];
  if (spec.concurrencyPolicy !== 'Forbid') problems.push(`spec.concurrencyPolicy is ${JSON.stringify(spec.concurrencyPolicy ?? 'Allow')}, not Forbid`);
  for (const field of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
    if (!isSet(spec[field])) problems.push(`spec.${field} is unset`);
  }
  const jobSpec = spec.jobTemplate?.spec;
  problems.push(...jobSpecProblems(jobSpec, 'spec.jobTemplate.spec.'));
  if (isSet(jobSpec?.ttlSecondsAfterFinished)) {
    problems.push('spec.jobTemplate.spec.ttlSecondsAfterFinished is set; it races the history limits, which clean up instead');
  }
  return [...problems, ...restartPolicyProblems(cron)];
}
