/**
 * Plain-JavaScript callers: every public construct (workloads of each kind, namespaces, RBAC, secrets, ingress and
 * gateway, cluster files, backup, runtime and logging), given a wrong-typed prop (null, NaN, Infinity, a number where a
 * list or text is expected, a string iterated as a list, an object for a string), either synthesizes or refuses with
 * a HardenedError naming the construct path and prop — never a TypeError or any other error. What is accepted must be
 * valid: the Kubernetes schemas over built-in kinds, text in the metadata of every object.
 */
import { join } from 'path';
import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { BackupPlan, VolumeData } from '../../lib/backup/backup-plan';
import { EtcdSnapshot } from '../../lib/backup/etcd-snapshot';
import { VeleroNamespaceLock } from '../../lib/backup/velero-namespace-lock';
import { AuditPolicy } from '../../lib/cluster/audit-policy';
import { CisBenchmark } from '../../lib/cluster/cis-benchmark';
import { EncryptionConfiguration } from '../../lib/cluster/encryption-configuration';
import { PrivilegedNamespace } from '../../lib/cluster/privileged-namespace';
import { HardenedError } from '../../lib/errors';
import { SecureGateway } from '../../lib/gateway/secure-gateway';
import { SecureGrpcRoute } from '../../lib/gateway/secure-grpc-route';
import { RoutePathType, SecureHttpRoute } from '../../lib/gateway/secure-http-route';
import { IngressController, IngressControllerKind } from '../../lib/ingress/ingress-controller';
import { IngressPathType, SecureIngress } from '../../lib/ingress/secure-ingress';
import { CertIssuer, TlsSource } from '../../lib/ingress/tls';
import { FluentBitAgent, LogDestination } from '../../lib/logging/fluent-bit-agent';
import { LockedNamespace, NamespaceMesh } from '../../lib/namespace/locked-namespace';
import { HardenedNodePool } from '../../lib/nodes/hardened-node-pool';
import { AdmissionPolicies } from '../../lib/policy/admission-policies';
import { RbacProfile } from '../../lib/rbac/rbac-profile';
import { FalcoRules } from '../../lib/runtime/falco-rules';
import { SecurityAlerts } from '../../lib/runtime/security-alerts';
import { TrivyOperatorConfig } from '../../lib/runtime/trivy-operator-config';
import { EncryptedSecret } from '../../lib/secrets/encrypted-secret';
import { ExistingSecret } from '../../lib/secrets/existing-secret';
import { ExternalSecret } from '../../lib/secrets/external-secret';
import { SealedSecret, SealingCertificate } from '../../lib/secrets/sealed-secret';
import { SecretStore, SecretStoreProvider } from '../../lib/secrets/secret-store';
import { SecretValue } from '../../lib/secrets/secret-value';
import { SopsRecipient } from '../../lib/secrets/sops-recipient';
import { StorageClass, StorageProvisioner } from '../../lib/storage/storage-class';
import { ImmutableConfigMap } from '../../lib/workload/config-map';
import { PriorityClass, PriorityTier } from '../../lib/workload/priority-class';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureCronJob } from '../../lib/workload/secure-cron-job';
import { SecureDaemonSet } from '../../lib/workload/secure-daemon-set';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { SecureJob } from '../../lib/workload/secure-job';
import { SecureStatefulSet } from '../../lib/workload/secure-stateful-set';
import { etcdSnapshotProps, repositoryPassword } from '../backup/support';
import { ageKeyPair, tempDir } from '../secrets/sops/helpers';
import { schemaErrorsOf } from '../support/k8s-schema';
import { image, ready } from '../workload/support';

/** One construct: valid props, and how to build it from props in a fresh chart. */
interface Subject {
  readonly name: string;
  readonly props: () => Record<string, unknown>;
  readonly build: (scope: Construct, props: any) => void;
}

const SUBJECTS: Subject[] = [
  {
    name: 'LockedNamespace',
    props: () => ({
      name: 'shop', owner: 'shop-team', partOf: 'shop', podSecurityVersion: 'v1.28', quota: { pods: 10 }, limits: { max: { cpu: '1' } }, allowedRegistries: ['registry.example.com'],
    }),
    build: (scope, props) => new LockedNamespace(scope, 'shop', props),
  },
  {
    name: 'SecureDeployment',
    props: () => ({ image: image(), port: 8080, readinessProbe: ready(), replicas: 2 }),
    build: (scope, props) => new SecureDeployment(new LockedNamespace(scope, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] }), 'api', props),
  },
  {
    name: 'RbacProfile',
    props: () => ({ name: 'reader', namespace: 'shop', partOf: 'shop', grants: [], exceptions: [] }),
    build: (scope, props) => new RbacProfile(scope, 'reader', props),
  },
  {
    name: 'BackupPlan',
    props: () => ({
      namespaces: ['payments'],
      schedule: '15 * * * *',
      rpo: Duration.hours(1),
      volumes: VolumeData.csiSnapshots({ repositoryPassword: repositoryPassword() }),
      storage: { bucket: 'acme-prod-velero', region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' },
    }),
    build: (scope, props) => new BackupPlan(scope, 'plan', props),
  },
  {
    name: 'VeleroNamespaceLock',
    props: () => ({ namespace: 'velero', apiServer: { cidrs: ['10.0.0.10/32'] }, objectStore: { cidrs: ['52.218.0.0/17'] } }),
    build: (scope, props) => new VeleroNamespaceLock(scope, 'lock', props),
  },
  {
    name: 'AdmissionPolicies',
    props: () => ({ allowedRegistries: ['registry.example.com'] }),
    build: (scope, props) => new AdmissionPolicies(scope, 'policies', props),
  },
  {
    name: 'SecureJob',
    props: () => ({ image: image('job'), backoffLimit: 2, activeDeadline: Duration.minutes(5), env: { MODE: 'batch' } }),
    build: (scope, props) => new SecureJob(shop(scope), 'job', props),
  },
  {
    name: 'SecureCronJob',
    props: () => ({ image: image('cron'), schedule: '30 2 * * *', timeZone: 'Europe/Paris', successfulJobsHistoryLimit: 1 }),
    build: (scope, props) => new SecureCronJob(shop(scope), 'cron', props),
  },
  {
    name: 'SecureDaemonSet',
    props: () => ({
      image: image('agent'),
      port: 2020,
      readinessProbe: ready(),
      hostPaths: [{ hostPath: '/var/log' }],
      exceptions: [{ practice: 'HK-WORKLOAD-011', reason: 'reads /var/log on each node, read-only' }],
    }),
    build: (scope, props) => new SecureDaemonSet(
      new PrivilegedNamespace(scope, 'agents', { name: 'agents', owner: 'platform-team', reason: 'node agents need host access on every node' }), 'agent', props),
  },
  {
    name: 'SecureStatefulSet',
    props: () => ({
      image: image('db'),
      port: 5432,
      readinessProbe: HealthCheck.exec(['pg_isready']),
      volumeClaims: [{ name: 'data', mountPath: '/data', size: Size.gibibytes(1), storageClass: StorageClass.fromName('ssd', 'created by the platform baseline, KMS-encrypted (PLAT-7)') }],
    }),
    build: (scope, props) => new SecureStatefulSet(shop(scope), 'db', props),
  },
  {
    name: 'ImmutableConfigMap',
    props: () => ({ name: 'web-config', data: { 'nginx.conf': 'listen 8080;', 'LOG_LEVEL': 'info' } }),
    build: (scope, props) => new ImmutableConfigMap(shop(scope), 'cm', props),
  },
  {
    name: 'PriorityClass',
    props: () => ({ tier: PriorityTier.HIGH, name: 'shop-high' }),
    build: (scope, props) => new PriorityClass(scope, 'pc', props),
  },
  {
    name: 'SecretStore',
    props: () => ({ name: 'payments-store', provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-west-1', serviceAccount: { name: 'eso' } }) }),
    build: (scope, props) => new SecretStore(shop(scope), 'store', props),
  },
  {
    name: 'ExternalSecret',
    props: () => ({ name: 'api', data: { token: { key: 'prod/api', property: 'token' } }, refreshInterval: Duration.hours(1) }),
    build: (scope, props) => {
      const ns = shop(scope);
      const store = new SecretStore(ns, 'store', { provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-west-1', serviceAccount: { name: 'eso' } }) });
      new ExternalSecret(ns, 'ext', { store, ...props });
    },
  },
  {
    name: 'SealedSecret',
    props: () => ({
      name: 'db-credentials',
      namespace: 'payments',
      certificate: SealingCertificate.fromFile(join(__dirname, '..', 'fixtures', 'sealed-secrets', 'test-only-controller.cert.pem'), { now: new Date('2027-03-01T00:00:00Z') }),
      derivationKey: SecretValue.fromEnv('HK_TEST_WRONG_TYPES_KEY'),
      data: { password: SecretValue.fromEnv('HK_TEST_WRONG_TYPES_PASSWORD') },
    }),
    build: (scope, props) => new SealedSecret(scope, 'sealed', props),
  },
  {
    name: 'SecureIngress',
    props: () => ({ name: 'web', partOf: 'shop', tls: TlsSource.certManager(CertIssuer.issuer('shop-ca')), exceptions: [] }),
    build: (scope, props) => {
      const ns = shop(scope);
      const web = new SecureDeployment(ns, 'web', { image: image('web'), readinessProbe: ready(), port: 8080 });
      new SecureIngress(ns, 'ingress', {
        controller: IngressController.ingressNginx(scope, 'nginx'),
        rules: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: web }] }],
        ...props,
      });
    },
  },
  {
    name: 'SecureGateway',
    props: () => ({
      namespace: 'edge',
      gatewayClassName: 'istio',
      tls: TlsSource.certManager(CertIssuer.clusterIssuer('letsencrypt')),
      listeners: [{ name: 'shop', hostname: 'shop.example.com' }],
      allowedRouteNamespaces: ['shop'],
      partOf: 'edge',
    }),
    build: (scope, props) => new SecureGateway(scope, 'public', {
      proxy: new IngressController(scope, 'proxy', { namespace: 'edge', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' }, serviceAccount: 'public-istio' }),
      ...props,
    }),
  },
  {
    name: 'EncryptionConfiguration',
    props: () => ({ kmsProviders: [{ name: 'aws-kms-prod', endpoint: 'unix:///var/run/kmsplugin/socket.sock' }], resources: ['secrets'], migrating: false }),
    build: (scope, props) => new EncryptionConfiguration(scope, 'enc', props),
  },
  {
    name: 'AuditPolicy',
    props: () => ({ maxAgeDays: 30, maxBackups: 10, maxSizeMegabytes: 100, logPath: '/var/log/kubernetes/audit/audit.log' }),
    build: (scope, props) => new AuditPolicy(scope, 'audit', props),
  },
  {
    name: 'CisBenchmark',
    props: () => ({ owner: 'platform-team', image: `docker.io/aquasec/kube-bench:v0.15.6@sha256:${'d'.repeat(64)}`, schedule: '0 3 * * *', retentionDays: 30 }),
    build: (scope, props) => new CisBenchmark(scope, 'cis', props),
  },
  {
    name: 'FluentBitAgent',
    props: () => ({
      image: `cr.fluentbit.io/fluent/fluent-bit:3.2.10@sha256:${'c'.repeat(64)}`,
      owner: 'platform-team',
      egressTo: ['10.20.0.0/24'],
      destination: LogDestination.s3({ bucket: 'acme-logs', region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/fluent-bit' }),
    }),
    build: (scope, props) => new FluentBitAgent(scope, 'logs', props),
  },
  {
    name: 'FalcoRules',
    props: () => ({ namespace: 'falco', watchNamespaces: ['payments'], allowedNetworks: ['10.0.0.0/8'] }),
    build: (scope, props) => new FalcoRules(scope, 'falco', props),
  },
  {
    name: 'SecurityAlerts',
    props: () => ({ ruleLabels: { release: 'kube-prometheus-stack' }, maxBackupAge: Duration.hours(2), admissionDenialRatio: 0.1 }),
    build: (scope, props) => new SecurityAlerts(scope, 'alerts', props),
  },
  {
    name: 'TrivyOperatorConfig',
    props: () => ({ scannerImage: `mirror.gcr.io/aquasec/trivy:0.67.2@sha256:${'b'.repeat(64)}`, rescanInterval: Duration.hours(24), concurrentScanJobs: 2 }),
    build: (scope, props) => new TrivyOperatorConfig(scope, 'trivy', props),
  },
  {
    name: 'RestoreDrill',
    props: () => ({
      schedule: '0 2 * * *',
      rto: Duration.minutes(30),
      image: `registry.k8s.io/kubectl:v1.28.15@sha256:${'a'.repeat(64)}`,
      apiServer: { cidrs: ['10.0.0.10/32'], port: 6443, audience: 'https://kubernetes.default.svc.cluster.local' },
      owner: 'payments-team',
      drillNamespace: 'payments-drill',
      quota: { pods: 20 },
    }),
    build: (scope, props) => new BackupPlan(scope, 'plan', plan() as any).addRestoreDrill('drill', props),
  },
  {
    name: 'EtcdSnapshot',
    props: () => ({
      ...etcdSnapshotProps(),
      schedule: '0 */6 * * *',
      storage: '20Gi',
      retentionDays: 14,
      namespace: 'etcd-backup',
      pkiPath: '/etc/kubernetes/pki/etcd',
      clientCertificate: 'healthcheck-client',
    }),
    build: (scope, props) => new EtcdSnapshot(scope, 'etcd', props),
  },
  {
    name: 'HardenedNodePool',
    props: () => ({ nodeLabel: { key: 'node.example.com/image', value: 'cis-al2023' }, taint: { key: 'node.example.com/hardened', value: 'true', effect: 'NoSchedule' } }),
    build: (scope, props) => {
      const pool = new HardenedNodePool(scope, 'pool', props);
      const ns = shop(scope);
      pool.requireIn(ns);
      new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready(), nodeSelector: pool.nodeSelector, tolerations: pool.tolerations });
    },
  },
  {
    name: 'IngressController',
    props: () => ({
      namespace: 'ingress-nginx',
      podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' },
      serviceAccount: 'ingress-nginx',
      ingressClassName: 'nginx',
      kind: IngressControllerKind.INGRESS_NGINX,
      mesh: NamespaceMesh.NONE,
      egressPolicy: true,
      egressPolicyName: 'shop-routes',
    }),
    build: (scope, props) => {
      const ns = shop(scope);
      const web = new SecureDeployment(ns, 'web', { image: image('web'), readinessProbe: ready(), port: 8080 });
      new SecureIngress(ns, 'ingress', {
        controller: new IngressController(scope, 'nginx', props),
        tls: TlsSource.certManager(CertIssuer.issuer('shop-ca')),
        rules: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: web }] }],
      });
    },
  },
  {
    name: 'SecureHttpRoute',
    props: () => ({
      name: 'web',
      hostnames: ['shop.example.com'],
      rules: [{ path: '/', pathType: RoutePathType.PATH_PREFIX, port: 8080 }],
      hstsMaxAge: Duration.days(365),
      partOf: 'shop',
      exceptions: [],
    }),
    build: (scope, props) => {
      const { ns, gateway, web } = routed(scope);
      new SecureHttpRoute(ns, 'route', { gateway, ...props, rules: withBackend(props.rules, web) });
    },
  },
  {
    name: 'SecureGrpcRoute',
    props: () => ({
      name: 'cart',
      hostnames: ['shop.example.com'],
      rules: [{ service: 'shop.v1.Cart', method: 'Get', port: 8080 }],
      partOf: 'shop',
      exceptions: [],
    }),
    build: (scope, props) => {
      const { ns, gateway, web } = routed(scope);
      new SecureGrpcRoute(ns, 'route', { gateway, ...props, rules: withBackend(props.rules, web) });
    },
  },
  {
    name: 'PrivilegedNamespace',
    props: () => ({ name: 'agents', owner: 'platform-team', reason: 'node agents need host access on every node', podSecurityVersion: 'v1.28', maxClaimStorage: '50Gi' }),
    build: (scope, props) => {
      const ns = new PrivilegedNamespace(scope, 'agents', props);
      new SecureDaemonSet(ns, 'agent', {
        image: image('agent'),
        port: 2020,
        readinessProbe: ready(),
        hostPaths: [{ hostPath: '/var/log' }],
        exceptions: [{ practice: 'HK-WORKLOAD-011', reason: 'reads /var/log on each node, read-only' }],
      });
    },
  },
  {
    name: 'ExistingSecret',
    props: () => ({ name: 'platform-ca', keys: ['ca.crt'], createdElsewhere: 'copied into every namespace by trust-manager' }),
    build: (scope, props) => {
      const ns = shop(scope);
      new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready() }).mountSecret(new ExistingSecret(ns, 'ca', props), '/etc/platform-ca');
    },
  },
  {
    name: 'StorageClass',
    props: () => ({ name: 'encrypted-ssd', provisioner: StorageProvisioner.awsEbs(), allowVolumeExpansion: true }),
    build: (scope, props) => new StorageClass(scope, 'ssd', props),
  },
];

/** A LockedNamespace 'shop' (registry allow-list) to put a workload in. */
function shop(scope: Construct): LockedNamespace {
  return new LockedNamespace(scope, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] });
}

/** Metadata of every object, custom resources included (their schemas are judged in the conformance suite): names and label and annotation values are text. */
function metadataErrorsOf(objects: any[]): string[] {
  return objects.flatMap((o) => {
    const m = o.metadata ?? {};
    const texts: Array<[string, unknown]> = [['name', m.name], ...(m.namespace === undefined ? [] : [['namespace', m.namespace] as [string, unknown]]),
      ...Object.entries(m.labels ?? {}).map(([k, v]) => [`labels.${k}`, v] as [string, unknown]),
      ...Object.entries(m.annotations ?? {}).map(([k, v]) => [`annotations.${k}`, v] as [string, unknown])];
    return texts.filter(([k, v]) => typeof v !== 'string' || (k === 'name' && v === '')).map(([k, v]) => `${o.kind} ${String(m.name)}: metadata.${k} is ${JSON.stringify(v)}`);
  });
}

/** Valid BackupPlan props (the plan drills and snapshots hang off). */
function plan(): Record<string, unknown> {
  return {
    namespaces: ['payments'],
    schedule: '15 * * * *',
    rpo: Duration.hours(1),
    volumes: VolumeData.csiSnapshots({ repositoryPassword: repositoryPassword() }),
    storage: { bucket: 'acme-prod-velero', region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' },
  };
}

/** A Gateway admitting routes from 'shop', and a workload in 'shop' to route to. */
function routed(scope: Construct): { ns: LockedNamespace; gateway: SecureGateway; web: SecureDeployment } {
  const gateway = new SecureGateway(scope, 'public', {
    namespace: 'edge',
    gatewayClassName: 'istio',
    proxy: new IngressController(scope, 'proxy', { namespace: 'edge', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' }, serviceAccount: 'public-istio' }),
    tls: TlsSource.certManager(CertIssuer.clusterIssuer('letsencrypt')),
    listeners: [{ name: 'shop', hostname: 'shop.example.com' }],
    allowedRouteNamespaces: ['shop'],
  });
  const ns = shop(scope);
  return { ns, gateway, web: new SecureDeployment(ns, 'web', { image: image('web'), readinessProbe: ready(), port: 8080 }) };
}

/** The rules with the workload as backend of each (a wrong-typed rule list is passed through as is). */
function withBackend(rules: unknown, backend: SecureDeployment): unknown {
  return Array.isArray(rules) ? rules.map((r) => (r && typeof r === 'object' && !Array.isArray(r) ? { ...r, backend } : r)) : rules;
}

beforeAll(() => {
  process.env.HK_TEST_WRONG_TYPES_KEY = `${'a'.repeat(16)}0123456789abcdef0123456789abcdef`;
  process.env.HK_TEST_WRONG_TYPES_PASSWORD = 'correct horse battery staple';
});
afterAll(() => {
  delete process.env.HK_TEST_WRONG_TYPES_KEY;
  delete process.env.HK_TEST_WRONG_TYPES_PASSWORD;
});

const WRONG: fc.Arbitrary<unknown> = fc.constantFrom(null, NaN, Infinity, -1, 0, 42, '', 'abc', {}, { a: 1 }, [], [null], [42], true);

/** Replaces the value at a path of props (top level or one level down) with a wrong one. */
function mutate(props: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  if (path.length === 1) return { ...props, [path[0]]: value };
  const inner = props[path[0]];
  return { ...props, [path[0]]: { ...(inner && typeof inner === 'object' ? inner : {}), [path[1]]: value } };
}

function pathsOf(props: Record<string, unknown>): string[][] {
  return Object.entries(props).flatMap(([k, v]) => [[k], ...(v && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
    ? Object.keys(v).map((inner) => [k, inner]) : [])]);
}

describe.each(SUBJECTS)('$name under wrong-typed props', (subject) => {
  test('synthesizes or refuses with a HardenedError, never a TypeError', () => {
    const paths = pathsOf(subject.props());
    fc.assert(fc.property(fc.constantFrom(...paths), WRONG, (path, value) => {
      const chart = new Chart(Testing.app(), 'test');
      try {
        subject.build(chart, mutate(subject.props(), path, value));
        // Accepted: then what was written must be valid objects, not a wrong type carried into the YAML.
        const objects = Testing.synth(chart);
        expect([...schemaErrorsOf(objects), ...metadataErrorsOf(objects)]).toEqual([]);
      } catch (e) {
        if (HardenedError.isHardenedError(e)) {
          expect(e.message).toMatch(/^\[test(\/[^\]]*)?\] [A-Za-z.]+ prop '[^']+' [^\n]+\.\n(Practice [A-Z0-9-]+ .*refuses it\.\n)?Fix: .+/s);
          return;
        }
        if (e instanceof Error && /^Validation failed with the following errors:\n/.test(e.message)) return; // synth-time refusal of the whole app
        throw new Error(`${subject.name} prop ${path.join('.')} = ${String(JSON.stringify(value))}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
      }
    }), { numRuns: 150, seed: 20261202 });
  });
});

/**
 * EncryptedSecret is its own chart and encrypts asynchronously (`prepareAll`), here to a throw-away age key: no KMS,
 * no network. Wrong-typed props must be refused at construction, before any encryption.
 */
describe('EncryptedSecret under wrong-typed props', () => {
  let keys: { identity: string; recipient: string };
  beforeAll(async () => {
    keys = await ageKeyPair();
  });
  const props = (): Record<string, unknown> => ({
    name: 'db-credentials',
    namespace: 'payments',
    data: { password: SecretValue.fromEnv('HK_TEST_WRONG_TYPES_PASSWORD') },
    stringData: { username: SecretValue.fromEnv('HK_TEST_WRONG_TYPES_KEY') },
    recipients: [SopsRecipient.age(keys.recipient)],
    type: 'Opaque',
    labels: { 'app.kubernetes.io/name': 'payments-api' },
    annotations: { 'example.com/rotated': '2026-12-01' },
    previousFile: join(tempDir(), 'absent.yaml'),
  });

  test('synthesizes or refuses with a HardenedError, never a TypeError', async () => {
    const paths = pathsOf(props());
    await fc.assert(fc.asyncProperty(fc.constantFrom(...paths), WRONG, async (path, value) => {
      const app = new App({ outdir: tempDir() });
      try {
        const secret = new EncryptedSecret(app, 'db', mutate(props(), path, value) as any);
        await EncryptedSecret.prepareAll(app, { ageIdentities: [keys.identity], clock: () => new Date('2026-12-02T00:00:00Z') });
        const objects = Testing.synth(secret);
        expect(metadataErrorsOf(objects)).toEqual([]);
        expect(objects.map((o) => typeof o.type)).toEqual(['string']);
      } catch (e) {
        if (HardenedError.isHardenedError(e)) {
          expect(e.message).toMatch(/^\[db\] EncryptedSecret prop '[^']+' [^\n]+\.\n(Practice [A-Z0-9-]+ .*refuses it\.\n)?Fix: .+/s);
          return;
        }
        throw new Error(`EncryptedSecret prop ${path.join('.')} = ${String(JSON.stringify(value))}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
      }
    }), { numRuns: 60, seed: 20261202 });
  });
});
