/**
 * The plain cdk8s-plus-28 twin of mixed-hardened: the same Deployments, StatefulSets (with a claim template, written
 * as a raw patch since cdk8s-plus has no claim templates) and CronJobs, Services and `allowFrom`.
 */
import { App, Chart, Cron, JsonPatch, ApiObject } from 'cdk8s';
import { CronJob, Deployment, Namespace, Probe, Service, StatefulSet, Workload } from 'cdk8s-plus-28';
import { kindOf } from './mixed';
import { callerOf, IMAGE, layout } from './workloads';

/** `n` workloads over `charts` charts, laid out as the hardened app lays them out. */
export function build(app: App, n: number, charts: number): void {
  const chartList = Array.from({ length: charts }, (_, c) => new Chart(app, `bench-${c}`));
  const all: Workload[] = [];
  for (const slot of layout(n, charts)) {
    const chart = chartList[slot.chart];
    new Namespace(chart, slot.name, { metadata: { name: slot.name } });
    for (const i of slot.workloads) {
      const container = { image: IMAGE, portNumber: 8080, readiness: Probe.fromHttpGet('/ready') };
      switch (kindOf(i)) {
        case 'statefulset': {
          const service = new Service(chart, `w-${i}-headless`, { metadata: { namespace: slot.name }, clusterIP: 'None', ports: [{ port: 8080 }] });
          const sts = new StatefulSet(chart, `w-${i}`, { metadata: { namespace: slot.name }, replicas: 2, containers: [container], service });
          ApiObject.of(sts).addJsonPatch(JsonPatch.add('/spec/volumeClaimTemplates', [{
            metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOncePod'], storageClassName: 'encrypted-ssd', resources: { requests: { storage: '1Gi' } } },
          }]));
          all[i] = sts;
          break;
        }
        case 'cronjob':
          all[i] = new CronJob(chart, `w-${i}`, { metadata: { namespace: slot.name }, schedule: Cron.daily(), containers: [{ image: IMAGE }] });
          break;
        default: {
          const d = new Deployment(chart, `w-${i}`, { metadata: { namespace: slot.name }, replicas: 2, containers: [container] });
          d.exposeViaService();
          all[i] = d;
        }
      }
      const caller = callerOf(i);
      if (caller === undefined) continue;
      if (kindOf(i) === 'cronjob') all[caller].connections.allowFrom(all[i]);
      else if (kindOf(caller) !== 'cronjob') all[i].connections.allowFrom(all[caller]);
    }
  }
}
