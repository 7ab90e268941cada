/**
 * N workloads in LockedNamespaces, a tenth of them SecureStatefulSets with a claim (protected by one BackupPlan per
 * chart) and a tenth SecureCronJobs calling their namespace's first workload, audited by HardenedAudit.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { kindOf, SCHEDULE } from './mixed';
import { callerOf, IMAGE, layout, QUOTA } from './workloads';
import { BackupPlan, HardenedAudit, HealthCheck, LockedNamespace, SecureCronJob, SecureDeployment, SecureStatefulSet, SecureWorkload, StorageClass, VolumeData } from 'cdk8s-hardened';

const READY = HealthCheck.httpGet('/ready');
const KUBECTL = `registry.example.com/bench/kubectl:1.28.15@sha256:${'e'.repeat(64)}`;

/** `n` workloads over `charts` charts, the mix of `kindOf`, the audit on. */
export function build(app: App, n: number, charts: number): void {
  HardenedAudit.enable(app);
  const chartList = Array.from({ length: charts }, (_, c) => new Chart(app, `bench-${c}`));
  // One plan per chart, created with the chart's first stateful namespace; protect() adds the others.
  const plans: BackupPlan[] = [];
  const planFor = (c: number, namespace: string) => plans[c] ??= new BackupPlan(chartList[c], `backup-${c}`, {
    namespaces: [namespace],
    schedule: '0 * * * *',
    rpo: Duration.hours(1),
    volumes: VolumeData.csiSnapshots({ moveData: false }),
    storage: { bucket: 'bench-velero', region: 'eu-west-1', kmsKeyId: 'alias/velero' },
  });
  const all: SecureWorkload[] = [];
  for (const slot of layout(n, charts)) {
    const ns = new LockedNamespace(chartList[slot.chart], slot.name, {
      owner: 'bench-team', allowedRegistries: ['registry.example.com'], storageClass: StorageClass.fromName('encrypted-ssd', 'created by the platform baseline, KMS-encrypted (PLAT-7)'), quota: QUOTA,
    });
    for (const i of slot.workloads) {
      const caller = callerOf(i);
      switch (kindOf(i)) {
        case 'statefulset': {
          const sts = new SecureStatefulSet(ns, `w-${i}`, {
            image: IMAGE, port: 8080, readinessProbe: READY, volumeClaims: [{ name: 'data', mountPath: '/data', size: Size.gibibytes(1) }],
          });
          planFor(slot.chart, slot.name).protect(sts);
          all[i] = sts;
          break;
        }
        case 'cronjob':
          all[i] = new SecureCronJob(ns, `w-${i}`, { image: IMAGE, schedule: SCHEDULE });
          break;
        default:
          all[i] = new SecureDeployment(ns, `w-${i}`, { image: IMAGE, port: 8080, readinessProbe: READY });
      }
      if (caller === undefined) continue;
      // A CronJob serves nothing: it calls its caller instead of being called.
      if (kindOf(i) === 'cronjob') all[caller].allowFrom(all[i]);
      else if (kindOf(caller) !== 'cronjob') all[i].allowFrom(all[caller]);
    }
  }
  for (const plan of plans.filter((p) => p !== undefined)) {
    plan.addRestoreDrill('drill', {
      namespace: plan.namespaces[0],
      schedule: '0 4 * * *',
      rto: Duration.minutes(30),
      image: KUBECTL,
      apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 },
      owner: 'bench-team',
    });
  }
}
