/**
 * Applications shaped unlike the example, built the way a user would, for the peers' judges
 * (test/conformance/polaris.test.ts, kube-score.test.ts): minimal props everywhere, a StatefulSet with volumes, a Job
 * and a CronJob, a host agent in a PrivilegedNamespace, an autoscaled Deployment behind an Ingress with an existing
 * TLS secret, Gateway HTTP and gRPC routes, the example's shop under each mesh, and odd-but-valid props (named ports,
 * gRPC and exec probes, sidecar and init containers, zone spreading, a NodePort-free LoadBalancer-free service).
 */
import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import { addShopGateway } from '../../examples/gateway';
import { addWebApiDb } from '../../examples/web-api-db';
import { PrivilegedNamespace } from '../../lib/cluster/privileged-namespace';
import { SecureGateway } from '../../lib/gateway/secure-gateway';
import { SecureGrpcRoute } from '../../lib/gateway/secure-grpc-route';
import { RoutePathType, SecureHttpRoute } from '../../lib/gateway/secure-http-route';
import { IngressController } from '../../lib/ingress/ingress-controller';
import { IngressPathType, SecureIngress } from '../../lib/ingress/secure-ingress';
import { TlsSource } from '../../lib/ingress/tls';
import { LockedNamespace, NamespaceMesh } from '../../lib/namespace/locked-namespace';
import { StorageClass } from '../../lib/storage/storage-class';
import { ImmutableConfigMap } from '../../lib/workload/config-map';
import { PriorityClass, PriorityTier } from '../../lib/workload/priority-class';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureCronJob } from '../../lib/workload/secure-cron-job';
import { SecureDaemonSet } from '../../lib/workload/secure-daemon-set';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { SecureJob } from '../../lib/workload/secure-job';
import { SecureStatefulSet } from '../../lib/workload/secure-stateful-set';

const DIGEST = 'sha256:1111111111111111111111111111111111111111111111111111111111111111';
const image = (name: string): string => `registry.example.com/${name}:1.0.0@${DIGEST}`;

/** One unseen application: its name and every object it synthesizes. */
export interface UnseenApp {
  readonly name: string;
  readonly objects: any[];
}

function synth(build: (chart: Chart) => void): any[] {
  const app: App = Testing.app();
  const chart = new Chart(app, 'app');
  build(chart);
  return Testing.synth(chart);
}

/** Every unseen application, synthesized. */
export function unseenApps(): UnseenApp[] {
  return [
    {
      name: 'minimal props everywhere',
      objects: synth((chart) => {
        const ns = new LockedNamespace(chart, 'minimal', { owner: 'team-a' });
        const web = new SecureDeployment(ns, 'web', { image: image('web'), port: 8080, readinessProbe: HealthCheck.httpGet('/ready') });
        const worker = new SecureStatefulSet(ns, 'worker', { image: image('worker'), port: 9000, readinessProbe: HealthCheck.exec(['/bin/ready']) });
        new SecureJob(ns, 'migrate', { image: image('migrate') });
        new SecureCronJob(ns, 'cleanup', { image: image('cleanup'), schedule: '0 4 * * *' });
        worker.allowFrom(web);
      }),
    },
    {
      name: 'stateful set with volumes',
      objects: synth((chart) => {
        const ns = new LockedNamespace(chart, 'data', { owner: 'data-team', storageClass: StorageClass.fromName('encrypted-ssd', 'created by the platform baseline, KMS-encrypted (PLAT-7)') });
        const high = new PriorityClass(chart, 'high', { tier: PriorityTier.HIGH, name: 'data-high' });
        const settings = new ImmutableConfigMap(ns, 'settings', { data: { 'redis.conf': 'appendonly yes\n' } });
        const cache = new SecureStatefulSet(ns, 'cache', {
          image: image('redis'),
          port: 6379,
          replicas: 3,
          priorityClass: high,
          readinessProbe: HealthCheck.exec(['redis-cli', 'ping']),
          volumeClaims: [
            { name: 'data', mountPath: '/data', size: Size.gibibytes(10) },
            { name: 'aof', mountPath: '/aof', size: Size.gibibytes(2) },
          ],
          writablePaths: [{ path: '/tmp', sizeLimit: Size.mebibytes(64) }],
        });
        cache.mountConfigMap(settings, '/etc/redis');
      }),
    },
    {
      name: 'batch: Job and CronJob',
      objects: synth((chart) => {
        const ns = new LockedNamespace(chart, 'batch', { owner: 'batch-team' });
        const low = new PriorityClass(chart, 'batch-low', { tier: PriorityTier.BATCH, name: 'batch-low' });
        new SecureJob(ns, 'import', {
          image: image('importer'),
          command: ['/import', '--all'],
          backoffLimit: 2,
          activeDeadline: Duration.hours(1),
          completions: 3,
          parallelism: 3,
          ttlAfterFinished: Duration.hours(6),
          priorityClass: low,
        });
        new SecureCronJob(ns, 'rollup', {
          image: image('rollup'),
          schedule: '*/15 * * * *',
          startingDeadline: Duration.minutes(5),
          activeDeadline: Duration.minutes(10),
          priorityClass: low,
          writablePaths: [{ path: '/scratch' }],
        });
      }),
    },
    {
      name: 'host agent in a PrivilegedNamespace',
      objects: synth((chart) => {
        const critical = new PriorityClass(chart, 'node-critical', { tier: PriorityTier.CRITICAL, name: 'node-critical' });
        const agents = new PrivilegedNamespace(chart, 'node-agents', {
          name: 'node-agents',
          owner: 'platform-team',
          reason: 'the metrics agent reads /proc and /sys of every node, read-only',
        });
        new SecureDaemonSet(agents, 'node-metrics', {
          image: image('node-exporter'),
          port: 9100,
          priorityClass: critical,
          readinessProbe: HealthCheck.httpGet('/metrics'),
          livenessProbe: HealthCheck.tcpSocket(),
          hostPaths: [{ hostPath: '/proc' }, { hostPath: '/sys' }],
          exceptions: [{ practice: 'HK-WORKLOAD-011', reason: 'reads node metrics under /proc and /sys, read-only, never writes to the node' }],
        });
      }),
    },
    {
      name: 'autoscaled Deployment behind an Ingress with TLS',
      objects: synth((chart) => {
        const ns = new LockedNamespace(chart, 'store', { owner: 'store-team' });
        const high = new PriorityClass(chart, 'store-high', { tier: PriorityTier.HIGH, name: 'store-high' });
        const front = new SecureDeployment(ns, 'front', {
          image: image('front'),
          port: 8443,
          priorityClass: high,
          replicas: 3,
          readinessProbe: HealthCheck.httpGet('/ready', { scheme: 'HTTPS' }),
          livenessProbe: HealthCheck.httpGet('/live', { scheme: 'HTTPS' }),
          spreadAcrossZones: true,
        });
        front.autoscale({ minReplicas: 3, maxReplicas: 12, cpuUtilization: 60 });
        const controller = IngressController.ingressNginx(chart, 'ingress-nginx', {});
        new SecureIngress(ns, 'front-ingress', {
          name: 'front',
          controller,
          tls: TlsSource.existingSecret('front-tls'),
          rules: [{ host: 'store.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: front }] }],
        });
      }),
    },
    {
      name: 'Gateway HTTP and gRPC routes',
      objects: synth((chart) => {
        const ns = new LockedNamespace(chart, 'apis', { owner: 'api-team' });
        const proxy = new IngressController(chart, 'gateway-proxy', {
          namespace: 'gateways',
          podLabels: { 'gateway.networking.k8s.io/gateway-name': 'external' },
          serviceAccount: 'external-istio',
          egressPolicyName: 'api-routes',
        });
        const gateway = new SecureGateway(chart, 'external', {
          namespace: 'gateways',
          gatewayClassName: 'istio',
          proxy,
          tls: TlsSource.existingSecret('external-tls'),
          listeners: [{ name: 'api', hostname: 'api.example.com' }],
          allowedRouteNamespaces: ['apis'],
        });
        const rest = new SecureDeployment(ns, 'rest', {
          image: image('rest'),
          ports: [{ port: 8080, name: 'http' }, { port: 9090, name: 'metrics' }],
          readinessProbe: HealthCheck.httpGet('/ready', { port: 8080 }),
          livenessProbe: HealthCheck.httpGet('/live', { port: 8080 }),
        });
        const rpc = new SecureDeployment(ns, 'rpc', {
          image: image('rpc'),
          ports: [{ port: 50051, name: 'grpc' }],
          readinessProbe: HealthCheck.grpc({ service: 'ready' }),
          livenessProbe: HealthCheck.grpc({ service: 'live' }),
        });
        new SecureHttpRoute(ns, 'rest-route', { name: 'rest', gateway, hostnames: ['api.example.com'], rules: [{ path: '/v1', pathType: RoutePathType.PATH_PREFIX, backend: rest, port: 8080 }] });
        new SecureGrpcRoute(ns, 'rpc-route', { name: 'rpc', gateway, hostnames: ['api.example.com'], rules: [{ service: 'acme.Orders', backend: rpc }] });
      }),
    },
    ...[NamespaceMesh.ISTIO, NamespaceMesh.ISTIO_AMBIENT, NamespaceMesh.LINKERD].map((mesh) => ({
      name: `the shop with mesh ${mesh.kind}`,
      objects: synth((chart) => {
        const shop = addWebApiDb(chart, { mesh });
        addShopGateway(chart, shop, { mesh });
      }),
    })),
    {
      name: 'odd but valid props',
      objects: synth((chart) => {
        const ns = new LockedNamespace(chart, 'odd', { owner: 'odd-team', mesh: NamespaceMesh.LINKERD });
        const app = new SecureDeployment(ns, 'app', {
          image: image('app'),
          workloadName: 'a',
          ports: [{ port: 8080, name: 'web' }, { port: 8081, name: 'admin' }, { port: 5353, name: 'dns', protocol: 'UDP' }],
          readinessProbe: HealthCheck.httpGet('/ready', { port: 8081, period: Duration.seconds(3), failureThreshold: 10 }),
          livenessProbe: HealthCheck.exec(['/bin/health', '--live']),
          startupProbe: HealthCheck.tcpSocket({ port: 8080 }),
          replicas: 7,
          env: { LOG_LEVEL: 'debug', EMPTY: '' },
          terminationGracePeriod: Duration.seconds(1),
        });
        app.addInitContainer({ name: 'wait', image: image('wait'), command: ['/wait', 'db'] });
        app.addContainer({
          name: 'sidecar',
          image: image('sidecar'),
          port: 9901,
          readinessProbe: HealthCheck.httpGet('/ready'),
          livenessProbe: HealthCheck.httpGet('/live'),
        });
        app.addSharedVolume('shared', { sizeLimit: Size.mebibytes(16) });
        app.mountSharedVolume('shared', '/shared');
      }),
    },
  ];
}
