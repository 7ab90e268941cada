/** N SecureDeployments in LockedNamespaces, audited by HardenedAudit (bench row builder). */
import { App, Chart } from 'cdk8s';
import { callerOf, IMAGE, layout, QUOTA } from './workloads';
import { HardenedAudit, HealthCheck, LockedNamespace, SecureDeployment } from 'cdk8s-hardened';

/** Readiness asks the application; liveness stays the default TCP check (HK-WORKLOAD-020). */
const READY = HealthCheck.httpGet('/ready');

/**
 * `n` workloads over `charts` charts, each namespace a LockedNamespace; the app-wide audit on unless `appAudit` is
 * false (the constructs then only check their own objects against the per-object practices).
 */
export function build(app: App, n: number, charts: number, appAudit = true): void {
  if (appAudit) HardenedAudit.enable(app);
  const chartList = Array.from({ length: charts }, (_, c) => new Chart(app, `bench-${c}`));
  const all: SecureDeployment[] = [];
  for (const slot of layout(n, charts)) {
    const ns = new LockedNamespace(chartList[slot.chart], slot.name, { owner: 'bench-team', allowedRegistries: ['registry.example.com'], quota: QUOTA });
    for (const i of slot.workloads) {
      all[i] = new SecureDeployment(ns, `w-${i}`, { image: IMAGE, port: 8080, readinessProbe: READY });
      const caller = callerOf(i);
      if (caller !== undefined) all[i].allowFrom(all[caller]);
    }
  }
}
