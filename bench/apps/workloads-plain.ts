/**
 * The plain cdk8s-plus-28 twin of workloads-hardened: a Namespace object per namespace, Deployments with the same
 * image, port and readiness check, Services and `allowFrom`.
 */
import { App, Chart } from 'cdk8s';
import { Deployment, Namespace, Probe } from 'cdk8s-plus-28';
import { callerOf, IMAGE, layout } from './workloads';

/** `n` workloads over `charts` charts, laid out as the hardened app lays them out. */
export function build(app: App, n: number, charts: number, _appAudit = true): void {
  const chartList = Array.from({ length: charts }, (_, c) => new Chart(app, `bench-${c}`));
  const all: Deployment[] = [];
  for (const slot of layout(n, charts)) {
    const chart = chartList[slot.chart];
    new Namespace(chart, slot.name, { metadata: { name: slot.name } });
    for (const i of slot.workloads) {
      all[i] = new Deployment(chart, `w-${i}`, {
        metadata: { namespace: slot.name },
        replicas: 2,
        containers: [{ image: IMAGE, portNumber: 8080, readiness: Probe.fromHttpGet('/ready') }],
      });
      all[i].exposeViaService();
      const caller = callerOf(i);
      if (caller !== undefined) all[i].connections.allowFrom(all[caller]);
    }
  }
}
