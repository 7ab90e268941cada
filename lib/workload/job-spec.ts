import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Refuse } from '../refusal';
import { isCronProblem, parseCron } from '../units/cron';
import { isKnownTimeZone } from '../units/time-zone';

/** What a Job does when its pod fails. */
export enum JobRestartPolicy {
  /** A failed pod stays failed and a new pod is started (counted against backoffLimit; the failure stays visible). */
  NEVER = 'Never',
  /** The kubelet restarts the failed container in the same pod. */
  ON_FAILURE = 'OnFailure',
}

/** The bounds every run of a Job or CronJob obeys (HK-WORKLOAD-022). */
export interface JobBoundsProps {
  /** Retries before the Job is marked failed (0–100). @default 3 */
  readonly backoffLimit?: number;
  /** Longest a run may take, retries included, before it is stopped. @default Duration.hours(1) */
  readonly activeDeadline?: Duration;
  /** Pods that must succeed. @default 1 */
  readonly completions?: number;
  /** Pods run at once (at most completions). @default 1 */
  readonly parallelism?: number;
  /** @default JobRestartPolicy.NEVER */
  readonly restartPolicy?: JobRestartPolicy;
}

/** Validated bounds. */
export interface JobBounds {
  readonly backoffLimit: number;
  readonly activeDeadlineSeconds: number;
  readonly completions: number;
  readonly parallelism: number;
  readonly restartPolicy: 'Never' | 'OnFailure';
}

/** The schedule of a CronJob. */
export interface CronScheduleProps {
  /** Five-field cron expression (or `@daily`-style descriptor), e.g. `'30 2 * * *'`. */
  readonly schedule: string;
  /**
   * IANA time zone the schedule is read in; written explicitly so the controller's zone never decides.
   * @default 'Etc/UTC'
   */
  readonly timeZone?: string;
  /** How late a missed run may still start (at least 10 seconds, the controller's resolution). @default Duration.minutes(5) */
  readonly startingDeadline?: Duration;
  /** Finished successful Jobs kept for inspection (0–100). @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** Failed Jobs kept for inspection (1–100, so a failure is never cleaned up before someone sees it). @default 3 */
  readonly failedJobsHistoryLimit?: number;
}

/** A validated schedule. */
export interface CronSettings {
  readonly schedule: string;
  readonly timeZone: string;
  readonly startingDeadlineSeconds: number;
  readonly successfulJobsHistoryLimit: number;
  readonly failedJobsHistoryLimit: number;
}

/** Whole seconds of `d` within [min, max], or a refusal naming `prop`. */
export function boundedSeconds(refuse: Refuse, prop: string, d: unknown, fallback: number, min: number, max: number, practiceId?: string): number {
  if (d === undefined) return fallback;
  let s = NaN;
  if (d instanceof Duration) {
    try {
      s = d.toSeconds();
    } catch {
      s = NaN; // a fraction of a second
    }
  }
  if (!Number.isInteger(s) || s < min || s > max) {
    refuse(prop, `is ${Number.isNaN(s) ? `${d instanceof Duration ? 'not a whole number of seconds' : `${JSON.stringify(d)}, not a Duration`}` : `${s} seconds`}`,
      `give a Duration from ${min} to ${max} seconds, e.g. Duration.minutes(${Math.max(1, Math.round(Math.min(max, Math.max(min, 300)) / 60))}).`, practiceId);
  }
  return s;
}

/** A whole number within [min, max], or a refusal naming `prop`. */
export function boundedCount(refuse: Refuse, prop: string, v: unknown, fallback: number, min: number, max: number, practiceId?: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    refuse(prop, `is ${JSON.stringify(v) ?? 'undefined'}, not a whole number from ${min} to ${max}`, `give a whole number from ${min} to ${max}.`, practiceId);
  }
  return v;
}

/** Validates the bounds of a Job or of a CronJob's jobs. */
export function resolveJobBounds(refuse: Refuse, props: JobBoundsProps): JobBounds {
  const restartPolicy = props.restartPolicy ?? JobRestartPolicy.NEVER;
  if (restartPolicy !== JobRestartPolicy.NEVER && restartPolicy !== JobRestartPolicy.ON_FAILURE) {
    refuse('restartPolicy', `is ${JSON.stringify(restartPolicy)}`, 'use JobRestartPolicy.NEVER or JobRestartPolicy.ON_FAILURE.', 'HK-WORKLOAD-022');
  }
  const completions = boundedCount(refuse, 'completions', props.completions, 1, 1, 10000, 'HK-WORKLOAD-022');
  const parallelism = boundedCount(refuse, 'parallelism', props.parallelism, 1, 1, 10000, 'HK-WORKLOAD-022');
  if (parallelism > completions) {
    refuse('parallelism', `is ${parallelism}, more than the ${completions} completions`, 'run at most as many pods at once as must succeed.', 'HK-WORKLOAD-022');
  }
  return {
    backoffLimit: boundedCount(refuse, 'backoffLimit', props.backoffLimit, 3, 0, 100, 'HK-WORKLOAD-022'),
    activeDeadlineSeconds: boundedSeconds(refuse, 'activeDeadline', props.activeDeadline, 3600, 1, 7 * 24 * 3600, 'HK-WORKLOAD-022'),
    completions,
    parallelism,
    restartPolicy,
  };
}

/** Whether `zone` is an IANA time zone this runtime knows, written as a zone name (not an offset). */
function isTimeZone(zone: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone) && isKnownTimeZone(zone);
}

/** Validates a CronJob schedule: five fields, an explicit IANA zone, a starting deadline and both history limits. */
export function resolveCronSchedule(refuse: Refuse, props: CronScheduleProps): CronSettings {
  const schedule = props.schedule;
  if (typeof schedule !== 'string' || schedule.trim().length === 0) {
    refuse('schedule', `is ${JSON.stringify(schedule) ?? 'undefined'}, not a cron expression`, 'give five fields, e.g. \'30 2 * * *\' for 02:30 every day.');
  }
  if (/^\s*(CRON_TZ|TZ)=/.test(schedule)) {
    refuse('schedule', `is '${schedule}', with a time zone prefix the API server refuses`, 'drop the prefix and set timeZone instead.');
  }
  const parsed = parseCron(schedule);
  if (isCronProblem(parsed)) refuse('schedule', `is '${schedule}', which ${parsed.problem}`, 'give five fields, e.g. \'30 2 * * *\' for 02:30 every day.');
  const timeZone = props.timeZone ?? 'Etc/UTC';
  if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) {
    refuse('timeZone', `is ${JSON.stringify(timeZone) ?? 'undefined'}, not an IANA time zone`, 'give a zone such as \'Etc/UTC\' or \'Europe/Paris\'.');
  }
  return {
    schedule: schedule.trim(),
    timeZone,
    startingDeadlineSeconds: boundedSeconds(refuse, 'startingDeadline', props.startingDeadline, 300, 10, 24 * 3600, 'HK-WORKLOAD-022'),
    successfulJobsHistoryLimit: boundedCount(refuse, 'successfulJobsHistoryLimit', props.successfulJobsHistoryLimit, 3, 0, 100, 'HK-WORKLOAD-022'),
    failedJobsHistoryLimit: boundedCount(refuse, 'failedJobsHistoryLimit', props.failedJobsHistoryLimit, 3, 1, 100, 'HK-WORKLOAD-022'),
  };
}

/** A Job spec (pure): every bound explicit; `ttlSecondsAfterFinished` only for a standalone Job. */
export function jobSpec(bounds: JobBounds, template: k8s.PodTemplateSpec, ttlSecondsAfterFinished?: number): k8s.JobSpec {
  return {
    backoffLimit: bounds.backoffLimit,
    activeDeadlineSeconds: bounds.activeDeadlineSeconds,
    completions: bounds.completions,
    parallelism: bounds.parallelism,
    ...(ttlSecondsAfterFinished !== undefined ? { ttlSecondsAfterFinished } : {}),
    template,
  };
}

/**
 * A CronJob spec (pure): runs never overlap (concurrencyPolicy Forbid), the zone is explicit, a missed run has a
 * deadline, and both history limits are written; the jobs carry no TTL, which would race the history limits.
 */
export function cronJobSpec(
  cron: CronSettings, bounds: JobBounds, template: k8s.PodTemplateSpec, jobLabels: Record<string, string>,
): k8s.CronJobSpec {
  return {
    schedule: cron.schedule,
    timeZone: cron.timeZone,
    concurrencyPolicy: 'Forbid',
    startingDeadlineSeconds: cron.startingDeadlineSeconds,
    successfulJobsHistoryLimit: cron.successfulJobsHistoryLimit,
    failedJobsHistoryLimit: cron.failedJobsHistoryLimit,
    suspend: false,
    jobTemplate: { metadata: { labels: { ...jobLabels } }, spec: jobSpec(bounds, template) },
  };
}
