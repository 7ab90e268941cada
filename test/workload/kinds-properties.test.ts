import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { image, ready, shop } from './support';
import { audit } from '../../lib/audit/audit';
import { PrivilegedNamespace } from '../../lib/cluster/privileged-namespace';
import { HardenedError } from '../../lib/errors';
import { StorageClass } from '../../lib/storage/storage-class';
import { ImmutableConfigMap } from '../../lib/workload/config-map';
import { PriorityClass, PriorityTier } from '../../lib/workload/priority-class';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureCronJob } from '../../lib/workload/secure-cron-job';
import { SecureDaemonSet } from '../../lib/workload/secure-daemon-set';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { SecureJob } from '../../lib/workload/secure-job';
import { SecureStatefulSet } from '../../lib/workload/secure-stateful-set';
import { isSynthRefusal } from '../support/synth-refusal';

/** Values a plain-JavaScript caller might pass by mistake: every JSON type, NaN, and the wrong shapes. */
const wrong = fc.oneof(
  fc.constant(null), fc.constant(Number.NaN), fc.constant(-1), fc.constant(0), fc.constant(1.5), fc.constant(''), fc.constant('x'),
  fc.constant([]), fc.constant(['a']), fc.constant({}), fc.constant({ a: 1 }), fc.constant(true),
);

/** Mostly absent (the secure default), sometimes a valid value, sometimes a wrong one. */
function prop<T>(...valid: T[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 8 },
    ...(valid.length > 0 ? [{ arbitrary: fc.constantFrom(...valid), weight: 3 }] : []),
    { arbitrary: wrong, weight: 1 },
  );
}

const common = {
  replicas: prop(2, 3, 1),
  // 'own' becomes a PriorityClass of the app (see resolve); a class the app does not define is the coherence check's.
  priorityClass: prop<unknown>('own', PriorityClass.fromName('system-node-critical')),
  nodeSelector: prop({ 'kubernetes.io/os': 'linux' }),
  tolerations: prop([{ key: 'dedicated', value: 'shop', effect: 'NoSchedule' }], [{ operator: 'Exists' }]),
  podLabels: prop({ team: 'shop' }, { 'app.kubernetes.io/name': 'x' }),
  podAnnotations: prop({ 'prometheus.io/scrape': 'true' }),
  fieldEnv: prop({ POD_NAME: 'metadata.name' }),
  preStop: prop(['/bin/sleep', '5']),
  terminationGracePeriod: prop(Duration.seconds(10)),
  exceptions: prop([{ practice: 'HK-WORKLOAD-021', reason: 'single primary, restored from backups (TICKET-1)' }]),
};

/** Replaces the 'own' marker by a PriorityClass created in `chart`. */
function resolve(chart: Chart, p: Record<string, unknown>): any {
  return p.priorityClass === 'own' ? { ...p, priorityClass: new PriorityClass(chart, 'pc', { tier: PriorityTier.HIGH, name: 'shop-high' }) } : p;
}

/**
 * Runs `build` on generated props: the result is either a set the audit accepts (but for the findings `allowed`
 * names, which the test's app deliberately lacks) or a HardenedError, never anything else.
 */
function property(name: string, arb: fc.Arbitrary<Record<string, unknown>>, build: (p: any) => Chart, allowed: readonly string[] = []): void {
  test(`${name}: valid, audit-clean output or a HardenedError, nothing else`, () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(fc.property(arb, (p) => {
      try {
        const set = Testing.synth(build(p));
        expect(audit(set).findings.filter((f) => !f.excepted && !allowed.includes(f.practiceId))).toEqual([]);
        accepted++;
      } catch (e) {
        if (!HardenedError.isHardenedError(e) && !isSynthRefusal(e)) throw e;
        refused++;
      }
    }), { numRuns: 100, seed: 20261202 });
    expect(accepted).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
  });
}

describe('every workload kind under generated props', () => {
  const sizes = prop(Size.gibibytes(1), Size.gibibytes(500));
  property('SecureStatefulSet', fc.record({
    ...common,
    volumeClaims: fc.oneof(
      { arbitrary: fc.constant([{ name: 'data', mountPath: '/data', size: Size.gibibytes(1), storageClass: StorageClass.fromName('ssd', 'created by the platform baseline, KMS-encrypted (PLAT-7)') }]), weight: 4 },
      fc.record({ name: prop('data', 'Bad'), mountPath: prop('/data', '/tmp'), size: sizes, storageClass: prop(StorageClass.fromName('ssd', 'created by the platform baseline, KMS-encrypted (PLAT-7)')) }).map((c) => [c]),
      wrong,
    ),
    podManagementPolicy: prop('Parallel', 'OrderedReady'),
    partition: prop(0, 1),
    claimRetention: prop({ whenDeleted: 'Delete' }),
    clusterIpService: prop(true),
  }), (p) => {
    const { chart, ns } = shop();
    new SecureStatefulSet(ns, 'db', { image: image('db'), port: 5432, readinessProbe: HealthCheck.exec(['pg_isready']), ...resolve(chart, p) });
    return chart;
  }, ['HK-BACKUP-001']);

  property('SecureJob', fc.record({
    ...common,
    backoffLimit: prop(0, 6),
    activeDeadline: prop(Duration.minutes(5)),
    ttlAfterFinished: prop(Duration.hours(1)),
    completions: prop(2),
    parallelism: prop(2),
    restartPolicy: prop('OnFailure', 'Always'),
    // A batch pod has no replicas to excuse: the exception would excuse nothing, which is refused (see exceptions.test.ts).
    exceptions: prop(),
  }), (p) => {
    const { chart, ns } = shop();
    new SecureJob(ns, 'j', { image: image('job'), ...resolve(chart, p) });
    return chart;
  });

  property('SecureCronJob', fc.record({
    ...common,
    schedule: fc.oneof({ arbitrary: fc.constant('30 2 * * *'), weight: 6 }, fc.constantFrom('@daily', '0 0 30 2 *', '* * *', 'TZ=UTC 0 1 * * *'), wrong),
    timeZone: prop('Europe/Paris', 'Mars/Olympus'),
    startingDeadline: prop(Duration.seconds(5), Duration.minutes(2)),
    successfulJobsHistoryLimit: prop(0, 1),
    failedJobsHistoryLimit: prop(0, 1),
    exceptions: prop(),
  }), (p) => {
    const { chart, ns } = shop();
    new SecureCronJob(ns, 'c', { image: image('cron'), ...resolve(chart, p) });
    return chart;
  });

  property('SecureDaemonSet', fc.record({
    ...common,
    priorityClass: fc.oneof({ arbitrary: fc.constant('own'), weight: 6 }, fc.constant(undefined), wrong),
    hostPaths: prop([{ hostPath: '/var/log' }], [{ hostPath: '/var/run' }], [{ hostPath: 'relative' }]),
    hostNetwork: prop(true, false),
    hostPid: prop(true),
    maxUnavailable: prop(1, 3, 0),
    exceptions: prop(
      [{ practice: 'HK-WORKLOAD-011', reason: 'reads /var/log on each node, read-only' }],
      [{ practice: 'HK-WORKLOAD-010', reason: 'reports the node network statistics' }, { practice: 'HK-WORKLOAD-012', reason: 'scraped on the node address' }],
    ),
  }), (p) => {
    const chart = new Chart(Testing.app(), 't');
    const agents = new PrivilegedNamespace(chart, 'agents', { name: 'agents', owner: 'platform-team', reason: 'node agents need host access on every node' });
    new SecureDaemonSet(agents, 'agent', { image: image('agent'), port: 2020, readinessProbe: ready(), ...resolve(chart, p) });
    return chart;
  });

  property('autoscale()', fc.record({
    minReplicas: prop(2, 1, 3),
    maxReplicas: fc.oneof(fc.constantFrom(4, 10, 40), wrong),
    cpuUtilization: prop(50, 150),
    memoryUtilization: prop(80),
    scaleDownStabilization: prop(Duration.minutes(1)),
    scaleDownPodsPerMinute: prop(2),
  }), (p) => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready() }).autoscale(p as any);
    return chart;
  });

  property('ImmutableConfigMap and PriorityClass', fc.record({
    data: fc.oneof({ arbitrary: fc.constant({ 'app.conf': 'x=1' }), weight: 4 }, fc.constant({ api_token: 'canary' }), fc.constant({ 'bad key!': 'x' }), wrong),
    name: prop('web-config', 'x'.repeat(60)),
    tier: fc.oneof({ arbitrary: fc.constantFrom(PriorityTier.HIGH, PriorityTier.BATCH), weight: 4 }, wrong),
    className: prop('shop-high', 'system-x'),
  }), (p) => {
    const { chart, ns } = shop();
    new ImmutableConfigMap(ns, 'cm', { data: p.data, name: p.name });
    new PriorityClass(chart, 'pc', { tier: p.tier, name: p.className });
    return chart;
  });
});
