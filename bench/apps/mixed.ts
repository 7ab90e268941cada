/** The workload mix both mixed apps share: which index is a Deployment, a StatefulSet or a CronJob. */

/** What workload `i` is: in each namespace of 50, indexes ending in 3 are StatefulSets, ending in 7 CronJobs. */
export function kindOf(i: number): 'deployment' | 'statefulset' | 'cronjob' {
  const digit = i % 10;
  if (digit === 3) return 'statefulset';
  if (digit === 7) return 'cronjob';
  return 'deployment';
}

/** The nightly schedule of every CronJob of the mix. */
export const SCHEDULE = '30 2 * * *';
