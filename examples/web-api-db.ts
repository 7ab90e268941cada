import { Chart, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { addShopGateway } from './gateway';
import { BackupPlan, CertIssuer, HealthCheck, ImmutableConfigMap, IngressController, IngressPathType, LockedNamespace, NamespaceMesh, PodField, PriorityClass, PriorityTier, PrivilegedNamespace, SecureCronJob, SecureDaemonSet, SecureDeployment, SecureIngress, SecureStatefulSet, StorageClass, TlsSource, VolumeData } from 'cdk8s-hardened';

/** Digests of the example images (illustrative: resolve real ones with `crane digest`). */
const DIGEST = {
  web: 'sha256:3f1c5a3e0c1d4b6f9a7e2d8c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928',
  api: 'sha256:9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c4b3a',
  db: 'sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
  report: 'sha256:5d4c3b2a1908f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c',
  agent: 'sha256:7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b',
  kubectl: 'sha256:5f1b4d0e6c8e4f8b0a1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6',
};

/** The nginx site web serves: the configuration it reads from its ConfigMap. */
const NGINX_SITE = [
  'server {',
  '  listen 8080;',
  '  location /healthz { return 200; }',
  '  location /api/ { proxy_pass http://api.shop.svc.cluster.local:8080/; }',
  '  location / { root /usr/share/nginx/html; }',
  '}',
  '',
].join('\n');

/** The workloads of the example and their namespaces. */
export interface WebApiDb {
  readonly namespace: LockedNamespace;
  readonly web: SecureDeployment;
  readonly api: SecureDeployment;
  readonly db: SecureStatefulSet;
  readonly report: SecureCronJob;
  readonly agents: PrivilegedNamespace;
  readonly logAgent: SecureDaemonSet;
  readonly backup: BackupPlan;
  /** The ingress controller the shop is reached through (ingress-nginx), described once. */
  readonly ingressController: IngressController;
  /** web's Ingress: shop.example.com over TLS from cert-manager. */
  readonly ingress: SecureIngress;
}

/**
 * A realistic shop: the ingress controller reaches web through a SecureIngress (TLS from cert-manager; nginx, its
 * site from an immutable ConfigMap), web reaches
 * api (autoscaled), api reaches the database — a single-primary PostgreSQL StatefulSet on its own claim, backed up
 * hourly by a BackupPlan with a nightly restore drill. A nightly CronJob builds a report through api, and a log agent
 * DaemonSet in a namespace of its own reads the nodes' /var/log read-only. Everything else is denied. Every
 * relaxation is a recorded exception with its reason; with a mesh, the graph becomes mTLS authorization.
 */
export function addWebApiDb(scope: Construct, options: { readonly mesh?: NamespaceMesh } = {}): WebApiDb {
  const namespace = new LockedNamespace(scope, 'shop', {
    owner: 'shop-team',
    allowedRegistries: ['registry.example.com/shop'],
    mesh: options.mesh ?? NamespaceMesh.NONE,
    // The platform creates the class; the reason is recorded on the StatefulSet whose claims use it.
    storageClass: StorageClass.fromName('encrypted-ssd', 'created by the platform baseline: EBS gp3, encrypted with the cluster KMS key'),
  });
  const critical = new PriorityClass(scope, 'critical', { tier: PriorityTier.CRITICAL, name: 'shop-critical' });
  const high = new PriorityClass(scope, 'high', { tier: PriorityTier.HIGH, name: 'shop-high' });
  const batch = new PriorityClass(scope, 'batch', { tier: PriorityTier.BATCH, name: 'shop-batch' });

  const db = new SecureStatefulSet(namespace, 'db', {
    image: `registry.example.com/shop/postgres:16.4@${DIGEST.db}`,
    port: 5432,
    replicas: 1,
    priorityClass: high,
    // Ready when the server accepts queries; alive while it accepts connections (the default liveness check).
    readinessProbe: HealthCheck.exec(['pg_isready', '--host=127.0.0.1', '--port=5432']),
    writablePaths: [{ path: '/tmp' }, { path: '/var/run/postgresql' }],
    volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: Size.gibibytes(20) }],
    fieldEnv: { POD_NAME: PodField.POD_NAME },
    terminationGracePeriod: Duration.seconds(60),
    exceptions: [{
      practice: 'HK-WORKLOAD-021',
      reason: 'single-primary PostgreSQL: a second replica needs streaming replication (SHOP-212); recovery is the hourly backup, RPO 1h',
    }],
  });
  const api = new SecureDeployment(namespace, 'api', {
    image: `registry.example.com/shop/api:1.4.2@${DIGEST.api}`,
    port: 8080,
    priorityClass: high,
    readinessProbe: HealthCheck.httpGet('/ready'),
    livenessProbe: HealthCheck.httpGet('/healthz'),
    podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' },
  });
  api.autoscale({ maxReplicas: 6, cpuUtilization: 70 });

  const site = new ImmutableConfigMap(namespace, 'web-site', { data: { 'default.conf': NGINX_SITE } });
  const web = new SecureDeployment(namespace, 'web', {
    image: `registry.example.com/shop/web:2.0.1@${DIGEST.web}`,
    port: 8080,
    priorityClass: high,
    readinessProbe: HealthCheck.httpGet('/'),
    livenessProbe: HealthCheck.httpGet('/healthz'),
    writablePaths: [{ path: '/tmp' }, { path: '/var/cache/nginx' }],
    // Let in-flight requests finish before the endpoint is gone everywhere.
    preStop: ['/bin/sleep', '5'],
  });
  web.mountConfigMap(site, '/etc/nginx/conf.d');

  const report = new SecureCronJob(namespace, 'nightly-report', {
    image: `registry.example.com/shop/report:1.0.3@${DIGEST.report}`,
    command: ['/report', '--since=24h'],
    schedule: '30 2 * * *',
    timeZone: 'Europe/Paris',
    activeDeadline: Duration.minutes(30),
    priorityClass: batch,
  });

  const agents = new PrivilegedNamespace(scope, 'shop-agents', {
    name: 'shop-agents',
    owner: 'platform-team',
    reason: 'the log agent reads container logs under /var/log on every node, read-only',
  });
  const logAgent = new SecureDaemonSet(agents, 'log-agent', {
    image: `registry.example.com/shop/fluent-bit:3.1.4@${DIGEST.agent}`,
    port: 2020,
    priorityClass: critical,
    readinessProbe: HealthCheck.httpGet('/api/v1/health'),
    tolerations: [{ operator: 'Exists' }],
    hostPaths: [{ hostPath: '/var/log' }],
    fieldEnv: { NODE_NAME: PodField.NODE_NAME },
    exceptions: [{ practice: 'HK-WORKLOAD-011', reason: 'reads container logs under /var/log on each node, read-only; never writes to the node' }],
  });

  api.allowFrom(web);
  api.allowFrom(report);
  db.allowFrom(api);

  const backup = new BackupPlan(scope, 'shop-backup', {
    namespaces: ['shop'],
    schedule: '0 * * * *',
    rpo: Duration.hours(1),
    volumes: VolumeData.csiSnapshots({ moveData: false }),
    storage: { bucket: 'acme-prod-velero', prefix: 'shop', region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' },
  });
  backup.protect(db);
  backup.addRestoreDrill('drill', {
    schedule: '0 3 * * *',
    rto: Duration.minutes(30),
    image: `registry.k8s.io/kubectl:v1.28.15@${DIGEST.kubectl}`,
    apiServer: { cidrs: ['10.0.0.10/32', '10.0.0.11/32', '10.0.0.12/32'], port: 6443 },
    owner: 'shop-team',
  });
  const ingressController = IngressController.ingressNginx(scope, 'ingress-nginx', { mesh: options.mesh ?? NamespaceMesh.NONE, egressPolicyName: 'shop-routes' });
  const ingress = new SecureIngress(namespace, 'web-ingress', {
    name: 'web',
    controller: ingressController,
    tls: TlsSource.certManager(CertIssuer.clusterIssuer('letsencrypt')),
    rules: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: web }] }],
  });
  return { namespace, web, api, db, report, agents, logAgent, backup, ingressController, ingress };
}

/** A chart holding the shop example, reached through its Ingress and through the Gateway API variant. */
export class WebApiDbChart extends Chart {
  /** The example's workloads. */
  public readonly shop: WebApiDb;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.shop = addWebApiDb(this);
    addShopGateway(this, this.shop);
  }
}
