/**
 * Applications nobody wrote by hand: fast-check composes workloads of every replicated and batch kind (ports, probes
 * of every handler, sidecars, init containers, autoscaling, zone spread, config mounts, Secrets created elsewhere, API
 * access with an RbacProfile, node agents, a call graph across two namespaces, an Ingress, a mesh, backups with a
 * restore drill), the library synthesizes them, and the judges we did not write grade what it accepted: Polaris, kube-score,
 * Pod Security Admission (restricted) and the Kubernetes schemas — plus our own audit. The example and the unseen
 * applications (polaris.test.ts, kube-score.test.ts) are shapes someone chose; these are not.
 */
import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { audit } from '../../lib/audit/audit';
import { BackupPlan, VolumeData } from '../../lib/backup/backup-plan';
import { PrivilegedNamespace } from '../../lib/cluster/privileged-namespace';
import { HardenedError } from '../../lib/errors';
import { IngressController } from '../../lib/ingress/ingress-controller';
import { IngressPathType, SecureIngress } from '../../lib/ingress/secure-ingress';
import { TlsSource } from '../../lib/ingress/tls';
import { LockedNamespace, NamespaceMesh } from '../../lib/namespace/locked-namespace';
import { Grant } from '../../lib/rbac/grants';
import { RbacProfile, RbacSubject } from '../../lib/rbac/rbac-profile';
import { ExistingSecret } from '../../lib/secrets/existing-secret';
import { StorageClass } from '../../lib/storage/storage-class';
import { ImmutableConfigMap } from '../../lib/workload/config-map';
import { PriorityClass, PriorityTier } from '../../lib/workload/priority-class';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureCronJob } from '../../lib/workload/secure-cron-job';
import { SecureDaemonSet } from '../../lib/workload/secure-daemon-set';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { SecureJob } from '../../lib/workload/secure-job';
import { SecureStatefulSet } from '../../lib/workload/secure-stateful-set';
import { SecureWorkload } from '../../lib/workload/secure-workload';
import { schemaErrorsOf } from '../support/k8s-schema';
import { judgeKubeScore, judgePolaris } from '../support/peer-judges';
import { evaluatePss } from '../support/pss';
import { isSynthRefusal } from '../support/synth-refusal';

const DIGEST = `sha256:${'4'.repeat(64)}`;
const image = (name: string): string => `registry.example.com/gen/${name}:2.1.0@${DIGEST}`;

/** The readiness and liveness pair of a serving container: always two different handlers or paths (HK-WORKLOAD-020). */
const probePairs = fc.constantFrom('http-paths', 'http-ready-tcp-live', 'exec-pair', 'grpc-services', 'default-live');
type ProbePair = 'http-paths' | 'http-ready-tcp-live' | 'exec-pair' | 'grpc-services' | 'default-live';

function probes(pair: ProbePair, port: number): { readinessProbe: HealthCheck; livenessProbe?: HealthCheck } {
  switch (pair) {
    case 'http-paths': return { readinessProbe: HealthCheck.httpGet('/ready', { port }), livenessProbe: HealthCheck.httpGet('/live', { port }) };
    case 'http-ready-tcp-live': return { readinessProbe: HealthCheck.httpGet('/ready', { port }), livenessProbe: HealthCheck.tcpSocket({ port }) };
    case 'exec-pair': return { readinessProbe: HealthCheck.exec(['/bin/ready']), livenessProbe: HealthCheck.exec(['/bin/alive']) };
    case 'grpc-services': return { readinessProbe: HealthCheck.grpc({ port, service: 'ready' }), livenessProbe: HealthCheck.grpc({ port, service: 'live' }) };
    default: return { readinessProbe: HealthCheck.httpGet('/ready', { port }) };
  }
}

const workloadSpec = fc.record({
  kind: fc.constantFrom('Deployment', 'Deployment', 'StatefulSet', 'Job', 'CronJob', 'DaemonSet'),
  // Most workloads share the first namespace; some live in a second one, so the call graph crosses namespaces.
  second: fc.boolean(),
  hostLogs: fc.boolean(),
  ports: fc.uniqueArray(fc.constantFrom(8080, 8443, 9000, 50051), { minLength: 1, maxLength: 2 }),
  probes: probePairs,
  replicas: fc.integer({ min: 2, max: 4 }),
  sidecar: fc.boolean(),
  init: fc.boolean(),
  writable: fc.boolean(),
  autoscale: fc.boolean(),
  spread: fc.boolean(),
  config: fc.boolean(),
  env: fc.boolean(),
  secret: fc.boolean(),
  apiAccess: fc.boolean(),
});

// Both namespaces share one mesh: callers across two meshes are refused by design (test/mesh).
const meshes = fc.constantFrom(NamespaceMesh.NONE, NamespaceMesh.NONE, NamespaceMesh.ISTIO, NamespaceMesh.ISTIO_AMBIENT, NamespaceMesh.LINKERD);

const appSpec = fc.record({
  mesh: meshes,
  workloads: fc.array(workloadSpec, { minLength: 1, maxLength: 5 }),
  edges: fc.array(fc.tuple(fc.nat(4), fc.nat(4)), { maxLength: 6 }),
  ingress: fc.boolean(),
});

/** Enough apps to meet every shape, few enough for the conformance run (about 0.1 s each). */
const RUNS = 60;

type AppSpec = typeof appSpec extends fc.Arbitrary<infer T> ? T : never;

function build(spec: AppSpec): any[] {
  const chart = new Chart(Testing.app(), 'gen');
  const locked = (name: string, mesh: NamespaceMesh) => new LockedNamespace(chart, name, {
    owner: 'gen-team',
    allowedRegistries: ['registry.example.com/gen'],
    mesh,
    storageClass: StorageClass.fromName('encrypted-ssd', 'created by the platform baseline, KMS-encrypted (PLAT-7)'),
    quota: { requestsCpu: '64', requestsMemory: '128Gi', limitsCpu: '128', limitsMemory: '256Gi', pods: 200 },
  });
  const first = locked('gen', spec.mesh);
  let second: LockedNamespace | undefined;
  let agents: PrivilegedNamespace | undefined;
  const priorityClass = new PriorityClass(chart, 'high', { tier: PriorityTier.HIGH, name: 'gen-high' });
  const serving: SecureWorkload[] = [];
  const all: SecureWorkload[] = [];
  spec.workloads.forEach((w, i) => {
    const name = `w${i}`;
    const ns = w.kind === 'DaemonSet'
      ? (agents ??= new PrivilegedNamespace(chart, 'agents', { name: 'gen-agents', owner: 'platform-team', reason: 'node agents read host logs, read-only' }))
      : w.second ? (second ??= locked('gen-b', spec.mesh)) : first;
    const common = {
      image: image(name),
      priorityClass,
      ...(w.apiAccess ? { serviceAccountToken: { audience: 'https://kubernetes.default.svc', reason: 'reads the ConfigMaps of its namespace' } } : {}),
      ...(w.writable ? { writablePaths: [{ path: '/tmp', sizeLimit: Size.mebibytes(32) }] } : {}),
      ...(w.env ? { env: { LOG_LEVEL: 'info', FEATURE_FLAGS: 'a,b' } } : {}),
    };
    const ports = w.ports.map((port, k) => ({ port, name: `p${k}-${port}` }));
    let workload: SecureWorkload;
    if (w.kind === 'Job') {
      workload = new SecureJob(ns, name, { ...common, command: ['/run'], activeDeadline: Duration.minutes(20) });
    } else if (w.kind === 'CronJob') {
      workload = new SecureCronJob(ns, name, { ...common, command: ['/run'], schedule: `${i * 7 % 60} 3 * * *`, activeDeadline: Duration.minutes(20) });
    } else if (w.kind === 'DaemonSet') {
      workload = new SecureDaemonSet(ns, name, {
        ...common,
        ports,
        ...probes(w.probes as ProbePair, w.ports[0]),
        tolerations: [{ operator: 'Exists' }],
        ...(w.hostLogs ? {
          hostPaths: [{ hostPath: '/var/log' }],
          exceptions: [{ practice: 'HK-WORKLOAD-011', reason: 'reads container logs under /var/log, read-only' }],
        } : {}),
      });
      serving.push(workload);
    } else {
      const serve = { ...common, ports, replicas: w.replicas, spreadAcrossZones: w.spread, ...probes(w.probes as ProbePair, w.ports[0]) };
      if (w.kind === 'StatefulSet') {
        workload = new SecureStatefulSet(ns, name, { ...serve, volumeClaims: [{ name: 'data', mountPath: '/data', size: Size.gibibytes(1) }] });
      } else {
        const d = new SecureDeployment(ns, name, serve);
        if (w.autoscale) d.autoscale({ minReplicas: w.replicas, maxReplicas: w.replicas + 3, cpuUtilization: 70 });
        workload = d;
      }
      serving.push(workload);
    }
    if (w.sidecar) {
      workload.addContainer({ name: 'sidecar', image: image(`${name}-sidecar`), port: 9901, readinessProbe: HealthCheck.httpGet('/ready', { port: 9901 }) });
    }
    if (w.init) workload.addInitContainer({ name: 'prepare', image: image(`${name}-init`), command: ['/prepare'] });
    if (w.config) workload.mountConfigMap(new ImmutableConfigMap(ns, `${name}-config`, { data: { 'app.yaml': `name: ${name}\n` } }), '/etc/app');
    if (w.secret) {
      workload.mountSecret(new ExistingSecret(ns, `${name}-ca`, { name: 'platform-ca', keys: ['ca.crt'], createdElsewhere: 'copied into every namespace by trust-manager' }), '/etc/ca');
    }
    if (w.apiAccess) {
      new RbacProfile(ns, `${name}-rbac`, { subjects: [RbacSubject.fromServiceAccount(workload.serviceAccount)], grants: [Grant.readConfigMaps()] });
    }
    all.push(workload);
  });
  // Volume data is backed up (HK-BACKUP-001): one hourly plan over the namespaces that hold a StatefulSet.
  const stateful = all.filter((w): w is SecureStatefulSet => w instanceof SecureStatefulSet);
  if (stateful.length > 0) {
    const backup = new BackupPlan(chart, 'backup', {
      namespaces: [...new Set(stateful.map((w) => w.namespace))].sort(),
      schedule: '0 * * * *',
      rpo: Duration.hours(1),
      volumes: VolumeData.csiSnapshots({ moveData: false }),
      storage: { bucket: 'gen-velero', prefix: 'gen', region: 'eu-west-1', kmsKeyId: 'alias/velero' },
    });
    for (const w of stateful) backup.protect(w);
    // Backups nobody restores are not known to work (HK-BACKUP-005).
    backup.addRestoreDrill('drill', {
      schedule: '0 3 * * *',
      rto: Duration.minutes(30),
      image: `registry.k8s.io/kubectl:v1.28.15@${DIGEST}`,
      apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 },
      owner: 'gen-team',
    });
  }
  for (const [to, from] of spec.edges) {
    const target = serving[to % Math.max(serving.length, 1)];
    const caller = all[from % all.length];
    if (target && caller !== target) target.allowFrom(caller);
  }
  if (spec.ingress && serving.length > 0) {
    const backend = serving.find((s) => s instanceof SecureDeployment) as SecureDeployment | undefined;
    const ns = backend === undefined ? undefined : LockedNamespace.of(backend);
    if (backend && ns) {
      const controller = IngressController.ingressNginx(chart, 'ingress-nginx', { mesh: spec.mesh });
      new SecureIngress(ns, 'ingress', {
        name: 'gen',
        controller,
        tls: TlsSource.existingSecret('gen-tls'),
        rules: [{ host: 'gen.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend, port: backend.declaredPorts[0].port }] }],
      });
    }
  }
  return Testing.synth(chart);
}

function podTemplateOf(o: any): any {
  return o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
}

describe('generated applications, judged by the peers', () => {
  test('whatever the library accepts passes Polaris, kube-score, restricted Pod Security, the schemas and our audit', () => {
    let accepted = 0;
    let refused = 0;
    const refusals: string[] = [];
    fc.assert(fc.property(appSpec, (spec) => {
      let objects: any[];
      try {
        objects = build(spec);
      } catch (e) {
        if (HardenedError.isHardenedError(e) || isSynthRefusal(e)) {
          refused++;
          refusals.push((e as Error).message.split('\n')[0]);
          return;
        }
        throw e;
      }
      accepted++;
      expect(judgePolaris(objects).findings).toEqual([]);
      expect(judgeKubeScore(objects).findings).toEqual([]);
      // Each pod is judged at the level its namespace enforces (restricted in a LockedNamespace).
      const level = (ns: string) => objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns)?.metadata.labels?.['pod-security.kubernetes.io/enforce'];
      const pss = objects.filter((o) => podTemplateOf(o)?.spec && level(o.metadata.namespace) !== 'privileged')
        .flatMap((o) => evaluatePss(podTemplateOf(o).metadata, podTemplateOf(o).spec, level(o.metadata.namespace), { minor: 28 } as any)
          .map((f) => `${o.kind}/${o.metadata.name}: ${f}`));
      expect(objects.filter((o) => podTemplateOf(o)?.spec && level(o.metadata.namespace) === undefined)).toEqual([]);
      expect(pss).toEqual([]);
      expect(schemaErrorsOf(objects)).toEqual([]);
      expect(audit(objects).findings.filter((f) => !f.excepted).map((f) => `${f.practiceId} ${f.message}`)).toEqual([]);
    }), { numRuns: RUNS, seed: 20261202 });
    // The generator makes valid apps: nearly all are accepted, so the judges judged something.
    // Refused apps are refused by the library's own rules (an unmeshed node agent calling a meshed workload), never by a crash.
    expect(accepted + refused).toBe(RUNS);
    expect({ accepted: accepted >= RUNS * 0.75, refusals }).toEqual({ accepted: true, refusals });
  });
});
