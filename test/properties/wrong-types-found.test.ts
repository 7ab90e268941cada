/**
 * What the wrong-types property suite found, each fixed refusal asserted exactly: these props used to end in a
 * TypeError, or were silently accepted (a number or list passing a RegExp test by its text form, `owner: 42` written
 * as a label the API server refuses, a namespace never checked at all).
 */
import * as path from 'path';
import { App, Chart, Duration, Testing } from 'cdk8s';
import { BackupPlan, VolumeData } from '../../lib/backup/backup-plan';
import { EtcdSnapshot } from '../../lib/backup/etcd-snapshot';
import { VeleroNamespaceLock } from '../../lib/backup/velero-namespace-lock';
import { CisBenchmark } from '../../lib/cluster/cis-benchmark';
import { EncryptionConfiguration } from '../../lib/cluster/encryption-configuration';
import { PrivilegedNamespace } from '../../lib/cluster/privileged-namespace';
import { SecureGateway } from '../../lib/gateway/secure-gateway';
import { RoutePathType, SecureHttpRoute } from '../../lib/gateway/secure-http-route';
import { IngressController } from '../../lib/ingress/ingress-controller';
import { CertIssuer, TlsSource } from '../../lib/ingress/tls';
import { FluentBitAgent, LogDestination } from '../../lib/logging/fluent-bit-agent';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { RbacProfile } from '../../lib/rbac/rbac-profile';
import { EncryptedSecret } from '../../lib/secrets/encrypted-secret';
import { ExternalSecret } from '../../lib/secrets/external-secret';
import { SealedSecret, SealingCertificate } from '../../lib/secrets/sealed-secret';
import { SecretStore, SecretStoreProvider } from '../../lib/secrets/secret-store';
import { SecretValue } from '../../lib/secrets/secret-value';
import { SopsRecipient } from '../../lib/secrets/sops-recipient';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { etcdSnapshotProps, repositoryPassword } from '../backup/support';
import { image, ready, refusal } from '../workload/support';

const chart = () => new Chart(Testing.app(), 'test', { namespace: 'payments' });
const provider = () => SecretStoreProvider.awsSecretsManager({ region: 'eu-west-1', serviceAccount: { name: 'eso' } });

beforeAll(() => {
  process.env.HK_TEST_FOUND_KEY = `${'a'.repeat(16)}0123456789abcdef0123456789abcdef`;
  process.env.HK_TEST_FOUND_PASSWORD = 'correct horse battery staple';
});
afterAll(() => {
  delete process.env.HK_TEST_FOUND_KEY;
  delete process.env.HK_TEST_FOUND_PASSWORD;
});

const sealed = (props: Record<string, unknown>) => () => new SealedSecret(chart(), 'sealed', {
  name: 'db',
  namespace: 'payments',
  certificate: SealingCertificate.fromFile(path.join(__dirname, '..', 'fixtures', 'sealed-secrets', 'test-only-controller.cert.pem'), { now: new Date('2027-03-01T00:00:00Z') }),
  derivationKey: SecretValue.fromEnv('HK_TEST_FOUND_KEY'),
  data: { password: SecretValue.fromEnv('HK_TEST_FOUND_PASSWORD') },
  ...props,
} as any);

const KUBECTL = `registry.k8s.io/kubectl:v1.28.15@sha256:${'a'.repeat(64)}`;
const AGE_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const plan = () => new BackupPlan(chart(), 'plan', {
  namespaces: ['payments'],
  schedule: '15 * * * *',
  rpo: Duration.hours(1),
  volumes: VolumeData.csiSnapshots({ repositoryPassword: repositoryPassword() }),
  storage: { bucket: 'acme-prod-velero', region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' },
});
const drill = (props: Record<string, unknown>) => () => plan().addRestoreDrill('drill', {
  schedule: '0 2 * * *', rto: Duration.minutes(30), image: KUBECTL, apiServer: { cidrs: ['10.0.0.10/32'] }, owner: 'payments-team', ...props,
} as any);
const etcd = (props: Record<string, unknown>) => () => new EtcdSnapshot(chart(), 'etcd', etcdSnapshotProps(props as any));
const privileged = (props: Record<string, unknown>) => () => new PrivilegedNamespace(chart(), 'agents', {
  name: 'agents', owner: 'platform-team', reason: 'node agents need host access on every node', ...props,
} as any);
const encrypted = (props: Record<string, unknown>) => () => new EncryptedSecret(new App(), 'db', {
  name: 'db', namespace: 'payments', stringData: { password: SecretValue.fromEnv('HK_TEST_FOUND_PASSWORD') }, recipients: [SopsRecipient.age(AGE_RECIPIENT)], ...props,
} as any);
const httpRoute = (props: Record<string, unknown>) => () => {
  const c = new Chart(Testing.app(), 'test');
  const gateway = new SecureGateway(c, 'public', {
    namespace: 'edge',
    gatewayClassName: 'istio',
    proxy: new IngressController(c, 'proxy', { namespace: 'edge', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' }, serviceAccount: 'public-istio' }),
    tls: TlsSource.certManager(CertIssuer.clusterIssuer('letsencrypt')),
    listeners: [{ name: 'shop', hostname: 'shop.example.com' }],
    allowedRouteNamespaces: ['shop'],
  });
  const shop = new LockedNamespace(c, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] });
  const web = new SecureDeployment(shop, 'web', { image: image('web'), readinessProbe: ready(), port: 8080 });
  new SecureHttpRoute(shop, 'route', { gateway, hostnames: ['shop.example.com'], rules: [{ path: '/', pathType: RoutePathType.PATH_PREFIX, backend: web }], ...props } as any);
};

test.each<[string, () => unknown, string]>([
  ['SecretStore name null', () => new SecretStore(chart(), 'store', { name: null, provider: provider() } as any),
    '[test/store] SecretStore prop \'name\' is \'null\', which is not a DNS subdomain name.\nPractice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\nFix: use lowercase letters, digits, \'-\' and \'.\''],
  ['SecretStore namespace 42', () => new SecretStore(chart(), 'store', { namespace: 42, provider: provider() } as any),
    '[test/store] SecretStore prop \'namespace\' is \'42\', which is not a DNS label.\nPractice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\nFix: use lowercase letters, digits and \'-\''],
  ['ExternalSecret refreshInterval 42', () => {
    const c = chart();
    new ExternalSecret(c, 'ext', { name: 'api', store: new SecretStore(c, 'store', { provider: provider() }), data: { t: { key: 'k' } }, refreshInterval: 42 } as any);
  },
  '[test/ext] ExternalSecret prop \'refreshInterval\' is 42, not a Duration.\nPractice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\nFix: use e.g. Duration.hours(1) (the default) or Duration.minutes(15)'],
  ['SealedSecret name null', sealed({ name: null }),
    '[test/sealed] SealedSecret prop \'name\' is \'null\', which is not a DNS subdomain name.\nFix: use lowercase letters, digits, \'-\' and \'.\''],
  ['SealedSecret namespace 42', sealed({ namespace: 42 }),
    '[test/sealed] SealedSecret prop \'namespace\' is \'42\', which is not a DNS label.\nFix: use lowercase letters, digits and \'-\' (at most 63)'],
  ['SealedSecret certificate null', sealed({ certificate: null }),
    '[test/sealed] SealedSecret prop \'certificate\' is null, not a SealingCertificate.\nPractice HK-SECRETS-003 (Sealed Secrets with strict scope) refuses it.\nFix: load the controller certificate with SealingCertificate.fromFile(\'sealed-secrets-cert.pem\') or .fromPem(text)'],
  ['EncryptionConfiguration kmsProviders 42', () => new EncryptionConfiguration(chart(), 'enc', { kmsProviders: 42 } as any),
    '[test/enc] EncryptionConfiguration prop \'kmsProviders\' is 42, not a list of { name, endpoint }.\nPractice HK-SECRETS-008 (etcd encryption at rest via EncryptionConfiguration) refuses it.\nFix: give at least one KMS v2 plugin, e.g. [{ name: \'aws-kms-prod\', endpoint: \'unix:///var/run/kmsplugin/socket.sock\' }].'],
  ['EncryptionConfiguration resources text', () => new EncryptionConfiguration(chart(), 'enc', {
    kmsProviders: [{ name: 'aws-kms-prod', endpoint: 'unix:///var/run/kmsplugin/socket.sock' }], resources: 'secrets',
  } as any),
  '[test/enc] EncryptionConfiguration prop \'resources\' is "secrets", not a list of resource names.\nPractice HK-SECRETS-008 (etcd encryption at rest via EncryptionConfiguration) refuses it.\nFix: give e.g. [\'secrets\'] (the default), or [\'secrets\', \'configmaps\'].'],
  ['CisBenchmark schedule 42', () => new CisBenchmark(chart(), 'cis', {
    owner: 'platform-team', image: `docker.io/aquasec/kube-bench:v0.15.6@sha256:${'d'.repeat(64)}`, schedule: 42,
  } as any),
  '[test/cis] CisBenchmark prop \'schedule\' is \'42\', which is not text.\nPractice HK-CLUSTER-005 (Scheduled CIS benchmark job) refuses it.\nFix: write five cron fields, e.g. \'0 3 * * 0\'.'],
  ['ExternalSecret refreshInterval of a day', () => {
    const c = chart();
    new ExternalSecret(c, 'ext', { name: 'api', store: new SecretStore(c, 'store', { provider: provider() }), data: { t: { key: 'k' } }, refreshInterval: Duration.days(1) });
  },
  '[test/ext] ExternalSecret prop \'refreshInterval\' is 86400 seconds, outside 1 minute to 1 hour (whole seconds).\nPractice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\nFix: use e.g. Duration.hours(1) (the default) or Duration.minutes(15)'],
  ['LockedNamespace owner 42', () => new LockedNamespace(chart(), 'shop', { owner: 42 } as any),
    '[test/shop] LockedNamespace prop \'owner\' is 42, not a label value naming a team.\nPractice HK-NAMESPACE-005 (One team/app per namespace, owner labels) refuses it.\nFix: name the owning team in lower case, e.g. \'payments-team\'.'],
  ['LockedNamespace name 42', () => new LockedNamespace(chart(), 'shop', { name: 42, owner: 'shop-team' } as any),
    '[test/shop] LockedNamespace prop \'name\' is 42, not a DNS label.\nPractice HK-NAMESPACE-001 (Never the `default` or `kube-*` namespaces) refuses it.\nFix: use lower-case letters, digits and \'-\', at most 63 characters.'],
  ['LockedNamespace partOf true', () => new LockedNamespace(chart(), 'shop', { owner: 'shop-team', partOf: true } as any),
    '[test/shop] LockedNamespace prop \'partOf\' is true, not a label value.\nPractice HK-AUDIT-004 (Provenance metadata on every object) refuses it.\nFix: give at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending alphanumeric.'],
  ['RbacProfile name 42', () => new RbacProfile(chart(), 'reader', { name: 42 } as any),
    '[test/reader] RbacProfile prop \'name\' is 42, not a DNS label.\nFix: use lower-case letters, digits and \'-\', at most 63 characters.'],
  ['RbacProfile namespace 42', () => new RbacProfile(chart(), 'reader', { namespace: 42 } as any),
    '[test/reader] RbacProfile prop \'namespace\' is 42, not a namespace name.\nPractice HK-RBAC-011 (Namespaced Role/RoleBinding by default) refuses it.\nFix: give the application\'s namespace, e.g. \'payments\' (lower-case letters, digits and \'-\').'],
  ['RbacProfile partOf [42]', () => new RbacProfile(chart(), 'reader', { partOf: [42] } as any),
    '[test/reader] RbacProfile prop \'partOf\' is a list, not a label value.\nPractice HK-AUDIT-004 (Provenance metadata on every object) refuses it.\nFix: give at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending alphanumeric.'],
  ['VeleroNamespaceLock namespace 42', () => new VeleroNamespaceLock(chart(), 'lock', {
    namespace: 42, apiServer: { cidrs: ['10.0.0.10/32'] }, objectStore: { cidrs: ['52.218.0.0/17'] },
  } as any),
  '[test/lock] VeleroNamespaceLock prop \'namespace\' is 42, not a DNS label of its own (never default or kube-*).\nPractice HK-NAMESPACE-001 (Never the `default` or `kube-*` namespaces) refuses it.\nFix: give a lower-case name such as \'velero\'.'],
  ['CisBenchmark owner null', () => new CisBenchmark(chart(), 'cis', { owner: null, image: `docker.io/aquasec/kube-bench:v0.15.6@sha256:${'d'.repeat(64)}` } as any),
    '[test/cis] CisBenchmark prop \'owner\' is null, not a label value naming a team.\nPractice HK-NAMESPACE-005 (One team/app per namespace, owner labels) refuses it.\nFix: name the owning team in lower case, e.g. \'payments-team\'.'],
  ['CisBenchmark image as a one-element list', () => new CisBenchmark(chart(), 'cis', { owner: 'platform-team', image: [`docker.io/aquasec/kube-bench:v0.15.6@sha256:${'d'.repeat(64)}`] } as any),
    '[test/cis] CisBenchmark prop \'image\' is a list, not a fully qualified image pinned by digest.\nPractice HK-IMAGE-001 (Pin every image by digest) refuses it.\nFix: give \'<registry>/<repository>[:tag]@sha256:<64 hex digits>\', e.g. \'registry.k8s.io/etcd:3.6.4-0@sha256:…\'.'],
  ['FluentBitAgent owner 42', () => new FluentBitAgent(chart(), 'logs', {
    image: `cr.fluentbit.io/fluent/fluent-bit:3.2.10@sha256:${'c'.repeat(64)}`,
    owner: 42,
    egressTo: ['10.20.0.0/24'],
    destination: LogDestination.s3({ bucket: 'acme-logs', region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/fluent-bit' }),
  } as any),
  '[test/logs] FluentBitAgent prop \'owner\' is 42, not a label value naming a team.\nPractice HK-NAMESPACE-005 (One team/app per namespace, owner labels) refuses it.\nFix: name the owning team in lower case, e.g. \'payments-team\'.'],
  ['RestoreDrill rto 42', drill({ rto: 42 }),
    '[test/plan/drill] RestoreDrill prop \'rto\' is 42, not a Duration.\nPractice HK-BACKUP-005 (Scheduled restore drills into scratch namespaces) refuses it.\nFix: give the recovery time objective, e.g. Duration.minutes(30).'],
  ['RestoreDrill apiServer.cidrs 42', drill({ apiServer: { cidrs: 42 } }),
    '[test/plan/drill] RestoreDrill prop \'apiServer.cidrs\' is 42, not a list, so the runner could not reach the API server.\nPractice HK-NETWORK-003 (Least-access policies from declared dependencies) refuses it.\nFix: list the API server endpoint addresses (kubectl get endpoints kubernetes), e.g. [\'10.0.0.10/32\'].'],
  ['RestoreDrill owner true', drill({ owner: true }),
    '[test/plan/drill] RestoreDrill prop \'owner\' is true, not a label value naming a team.\nPractice HK-NAMESPACE-005 (One team/app per namespace, owner labels) refuses it.\nFix: name the owning team in lower case, e.g. \'payments-team\'.'],
  ['EtcdSnapshot owner 42', etcd({ owner: 42 }),
    '[test/etcd] EtcdSnapshot prop \'owner\' is 42, not a label value naming a team.\nPractice HK-NAMESPACE-005 (One team/app per namespace, owner labels) refuses it.\nFix: name the owning team in lower case, e.g. \'payments-team\'.'],
  ['EtcdSnapshot storage {}', etcd({ storage: {} }),
    '[test/etcd] EtcdSnapshot prop \'storage\' is an object, not a Kubernetes quantity.\nPractice HK-BACKUP-006 (etcd snapshots to an RWX volume, exceptions recorded) refuses it.\nFix: give the snapshot volume\'s size, e.g. \'20Gi\'.'],
  ['PrivilegedNamespace name null', privileged({ name: null }),
    '[test/agents] PrivilegedNamespace prop \'name\' is null, not a DNS label of its own (never default or kube-*).\nPractice HK-NAMESPACE-001 (Never the `default` or `kube-*` namespaces) refuses it.\nFix: give the job its own namespace, e.g. \'etcd-backup\' or \'cis-benchmark\'.'],
  ['PrivilegedNamespace reason 42', privileged({ reason: 42 }),
    '[test/agents] PrivilegedNamespace prop \'reason\' is 42, not a reason of at least 10 characters.\nPractice HK-NAMESPACE-002 (PSA `restricted`, version-pinned) refuses it.\nFix: say why the namespace\'s jobs need host access, e.g. \'etcd snapshot pods read the etcd PKI through a hostPath\'.'],
  ['PrivilegedNamespace maxClaimStorage 42', privileged({ maxClaimStorage: 42 }),
    '[test/agents] PrivilegedNamespace prop \'maxClaimStorage\' is 42, not a Kubernetes quantity.\nPractice HK-NAMESPACE-004 (LimitRange defaults and maxima) refuses it.\nFix: write e.g. \'20Gi\'.'],
  ['SecureHttpRoute partOf 42', httpRoute({ partOf: 42 }),
    '[test/shop/route] SecureHttpRoute prop \'partOf\' is 42, not a label value.\nPractice HK-AUDIT-004 (Provenance metadata on every object) refuses it.\nFix: give at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending alphanumeric.'],
  ['EncryptedSecret name 42', encrypted({ name: 42 }),
    '[db] EncryptedSecret prop \'name\' is 42, which is not a DNS subdomain name.\nPractice HK-SECRETS-002 (SOPS envelope encryption with KMS) refuses it.\nFix: use lowercase letters, digits, \'-\' and \'.\''],
  ['EncryptedSecret namespace 42', encrypted({ namespace: 42 }),
    '[db] EncryptedSecret prop \'namespace\' is 42, which is not a namespace name.\nPractice HK-NAMESPACE-001 (Never the `default` or `kube-*` namespaces) refuses it.\nFix: use lowercase letters, digits and \'-\''],
  ['EncryptedSecret recipients Infinity', encrypted({ recipients: Infinity }),
    '[db] EncryptedSecret prop \'recipients\' is Infinity, not a list of recipients.\nPractice HK-SECRETS-002 (SOPS envelope encryption with KMS) refuses it.\nFix: add SopsRecipient.kms(\'arn:aws:kms:...\') and/or SopsRecipient.age(\'age1...\')'],
  ['EncryptedSecret recipients [42]', encrypted({ recipients: [42] }),
    '[db] EncryptedSecret prop \'recipients\' holds 42, not a SopsRecipient.\nPractice HK-SECRETS-002 (SOPS envelope encryption with KMS) refuses it.\nFix: use SopsRecipient.age(\'age1...\') or SopsRecipient.kms(\'arn:aws:kms:<region>:<account>:key/<id>\')'],
  ['EncryptedSecret labels value 42', encrypted({ labels: { team: 42 } }),
    '[db] EncryptedSecret prop \'labels.team\' is 42, not a label value.\nPractice HK-SECRETS-002 (SOPS envelope encryption with KMS) refuses it.\nFix: give the value as text, e.g. \'payments-api\''],
  ['EncryptedSecret stringData text', encrypted({ stringData: 'abc' }),
    '[db] EncryptedSecret prop \'stringData\' is "abc", not a map of keys to SecretValues.\nPractice HK-SECRETS-001 (No plaintext Secret data in synthesized YAML) refuses it.\nFix: give e.g. { password: SecretValue.fromEnv(\'DB_PASSWORD\') }'],
  ['EncryptedSecret type 42', encrypted({ type: 42 }),
    '[db] EncryptedSecret prop \'type\' is 42, not a Secret type.\nPractice HK-SECRETS-002 (SOPS envelope encryption with KMS) refuses it.\nFix: use e.g. \'Opaque\' (the default) or \'kubernetes.io/tls\''],
  ['ExternalSecret name 42 (a number passing a RegExp test)', () => {
    const c = chart();
    new ExternalSecret(c, 'ext', { name: 42, store: new SecretStore(c, 'store', { provider: provider() }), data: { t: { key: 'k' } } } as any);
  },
  '[test/ext] ExternalSecret prop \'name\' is 42, which is not a DNS subdomain name.\nFix: use lowercase letters, digits, \'-\' and \'.\''],
  ['SecretStore aws region as a list', () => new SecretStore(chart(), 'store', {
    provider: SecretStoreProvider.awsSecretsManager({ region: ['eu-west-1'], serviceAccount: { name: 'eso' } } as any),
  }),
  '[test/store] SecretStore prop \'provider.region\' is a list, which is not an AWS region.\nPractice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\nFix: use a region code, e.g. \'eu-west-1\''],
  ['SecretStore vault server as a list', () => new SecretStore(chart(), 'store', {
    provider: SecretStoreProvider.vault({ server: ['https://vault.example.com'], path: 'secret', role: 'shop', serviceAccount: { name: 'eso' } } as any),
  }),
  '[test/store] SecretStore prop \'provider.server\' is a list, which is not an https:// address.\nPractice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\nFix: use https://, e.g. \'https://vault.example.com:8200\''],
  ['EncryptionConfiguration kmsProviders[0].name 42 (a number passing a RegExp test)', () => new EncryptionConfiguration(chart(), 'enc', {
    kmsProviders: [{ name: 42, endpoint: 'unix:///var/run/kmsplugin/socket.sock' }],
  } as any),
  '[test/enc] EncryptionConfiguration prop \'kmsProviders[0].name\' is 42, not a lower-case name.\nPractice HK-SECRETS-008 (etcd encryption at rest via EncryptionConfiguration) refuses it.\nFix: name the provider e.g. \'aws-kms-prod\'; it becomes part of the stored prefix.'],
  ['EncryptionConfiguration kmsProviders[0].timeout 3', () => new EncryptionConfiguration(chart(), 'enc', {
    kmsProviders: [{ name: 'aws-kms-prod', endpoint: 'unix:///var/run/kmsplugin/socket.sock', timeout: 3 }],
  } as any),
  '[test/enc] EncryptionConfiguration prop \'kmsProviders[0].timeout\' is 3, not a Duration.\nPractice HK-SECRETS-008 (etcd encryption at rest via EncryptionConfiguration) refuses it.\nFix: keep the default Duration.seconds(3).'],
])('%s', (_name, fn, expected) => {
  expect(refusal(fn)).toBe(expected);
});
