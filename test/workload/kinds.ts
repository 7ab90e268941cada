import { Chart, Testing } from 'cdk8s';
import { image, ready } from './support';
import { PrivilegedNamespace } from '../../lib/cluster/privileged-namespace';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { Manifest } from '../../lib/practices/manifest';
import { PriorityClass, PriorityTier } from '../../lib/workload/priority-class';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureCronJob } from '../../lib/workload/secure-cron-job';
import { SecureDaemonSet } from '../../lib/workload/secure-daemon-set';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { SecureJob } from '../../lib/workload/secure-job';

/** One workload of every kind, wired to each other, in a shop namespace and an agents namespace. */
export interface EveryKind {
  readonly chart: Chart;
  readonly ns: LockedNamespace;
  readonly api: SecureDeployment;
  readonly job: SecureJob;
  readonly cron: SecureCronJob;
  readonly agent: SecureDaemonSet;
  readonly critical: PriorityClass;
}

/** Builds one workload of every kind: api ← migrate (Job), report (CronJob) and the log agent (DaemonSet). */
export function everyKind(): EveryKind {
  const chart = new Chart(Testing.app(), 'kinds');
  const ns = new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] });
  const critical = new PriorityClass(chart, 'critical', { tier: PriorityTier.CRITICAL, name: 'shop-critical' });
  const batch = new PriorityClass(chart, 'batch', { tier: PriorityTier.BATCH, name: 'shop-batch' });
  const api = new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready(), priorityClass: critical });
  const job = new SecureJob(ns, 'migrate', { image: image('migrate'), command: ['/migrate'], priorityClass: batch });
  const cron = new SecureCronJob(ns, 'report', { image: image('report'), schedule: '30 2 * * *', timeZone: 'Europe/Paris', priorityClass: batch });
  const agents = new PrivilegedNamespace(chart, 'agents', { name: 'agents', owner: 'platform-team', reason: 'the log agent reads /var/log on every node (read-only)' });
  const agent = new SecureDaemonSet(agents, 'log-agent', {
    image: image('fluent-bit'),
    port: 2020,
    readinessProbe: HealthCheck.httpGet('/api/v1/health'),
    priorityClass: critical,
    hostPaths: [{ hostPath: '/var/log' }],
    tolerations: [{ operator: 'Exists' }],
    exceptions: [{ practice: 'HK-WORKLOAD-011', reason: 'reads container logs under /var/log on each node, read-only' }],
  });
  api.allowFrom(job);
  api.allowFrom(cron);
  api.allowFrom(agent);
  return { chart, ns, api, job, cron, agent, critical };
}

/** The object of `kind` named `name`. */
export function byKind(set: Manifest[], kind: string, name: string): any {
  const found = set.find((m) => m.kind === kind && m.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}
