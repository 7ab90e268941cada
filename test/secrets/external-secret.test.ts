import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import { audit } from '../../lib/audit/audit';
import { HardenedError } from '../../lib/errors';
import { CATALOGUE_VERSION } from '../../lib/practices/catalogue';
import { ExternalSecret, ExternalSecretProps } from '../../lib/secrets/external-secret';
import { SecretStore, SecretStoreProvider } from '../../lib/secrets/secret-store';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(HardenedError.isHardenedError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

function build(provider: SecretStoreProvider, es: Partial<ExternalSecretProps> = {}) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'payments' });
  for (const name of ['payments-eso', 'sa']) new ApiObject(chart, name, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'payments' } });
  const store = new SecretStore(chart, 'Store', { name: 'payments-store', provider });
  const secret = new ExternalSecret(chart, 'Db', {
    name: 'db-credentials',
    store,
    data: { username: { key: 'prod/payments/db', property: 'username' }, password: { key: 'prod/payments/db', property: 'password' } },
    ...es,
  });
  const objects = Testing.synth(chart);
  return { chart, store, secret, objects, storeObject: objects.find((o) => o.kind === 'SecretStore'), es: objects.find((o) => o.kind === 'ExternalSecret') };
}

const irsa = () => SecretStoreProvider.awsSecretsManager({ region: 'eu-west-1', serviceAccount: { name: 'payments-eso' } });

describe('SecretStore', () => {
  test('AWS Secrets Manager: namespaced v1 store authenticated through the ServiceAccount (IRSA)', () => {
    const { storeObject } = build(irsa());
    expect(storeObject).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: {
        name: 'payments-store',
        namespace: 'payments',
        labels: { 'app.kubernetes.io/name': 'payments-store', 'app.kubernetes.io/part-of': 'test', 'app.kubernetes.io/managed-by': 'cdk8s-hardened' },
        annotations: { 'cdk8s-hardened.io/construct-path': 'test/Store/Resource', 'cdk8s-hardened.io/catalogue-version': CATALOGUE_VERSION },
      },
      spec: { provider: { aws: { service: 'SecretsManager', region: 'eu-west-1', auth: { jwt: { serviceAccountRef: { name: 'payments-eso' } } } } } },
    });
  });

  test('AWS Parameter Store with a role to assume', () => {
    const role = 'arn:aws:iam::111122223333:role/payments-read';
    const { storeObject } = build(SecretStoreProvider.awsParameterStore({ region: 'us-east-1', serviceAccount: { name: 'payments-eso' }, role }));
    expect(storeObject.spec.provider.aws).toEqual({
      service: 'ParameterStore', region: 'us-east-1', role, auth: { jwt: { serviceAccountRef: { name: 'payments-eso' } } },
    });
  });

  test('Vault: KV v2 mount, Kubernetes auth role, ServiceAccount, base64 CA bundle', () => {
    const { storeObject } = build(SecretStoreProvider.vault({
      server: 'https://vault.example.com:8200', path: 'secret', role: 'payments', serviceAccount: { name: 'payments-eso' }, caBundle: CA,
    }));
    expect(storeObject.spec.provider).toEqual({
      vault: {
        server: 'https://vault.example.com:8200',
        path: 'secret',
        version: 'v2',
        caBundle: Buffer.from(CA).toString('base64'),
        auth: { kubernetes: { mountPath: 'kubernetes', role: 'payments', serviceAccountRef: { name: 'payments-eso' } } },
      },
    });
  });

  test('no provider writes static credentials (no secretRef anywhere)', () => {
    for (const provider of [irsa(), SecretStoreProvider.vault({ server: 'https://v:8200', path: 'kv', role: 'r', serviceAccount: { name: 'sa' } })]) {
      expect(JSON.stringify(build(provider).storeObject)).not.toMatch(/secretRef"|SecretRef"/);
    }
  });

  test('refuses a Vault server without https', () => {
    expect(refusal(() => build(SecretStoreProvider.vault({ server: 'http://vault:8200', path: 'secret', role: 'r', serviceAccount: { name: 'sa' } })))).toBe(
      '[test/Store] SecretStore prop \'provider.server\' is \'http://vault:8200\', which is not an https:// address.\n'
      + 'Practice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\n'
      + 'Fix: use https://, e.g. \'https://vault.example.com:8200\'');
  });

  test('refuses a KV path with slashes at its ends', () => {
    expect(refusal(() => build(SecretStoreProvider.vault({ server: 'https://v', path: '/secret/', role: 'r', serviceAccount: { name: 'sa' } })))).toBe(
      '[test/Store] SecretStore prop \'provider.path\' is \'/secret/\', which is not a KV mount path.\n'
      + 'Practice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\n'
      + 'Fix: give the mount without slashes at either end, e.g. \'secret\'');
  });

  test('refuses a bad region, role ARN and ServiceAccount name', () => {
    expect(refusal(() => build(SecretStoreProvider.awsSecretsManager({ region: 'Ireland', serviceAccount: { name: 'sa' } })))).toBe(
      '[test/Store] SecretStore prop \'provider.region\' is \'Ireland\', which is not an AWS region.\n'
      + 'Practice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\n'
      + 'Fix: use a region code, e.g. \'eu-west-1\'');
    expect(refusal(() => build(SecretStoreProvider.awsSecretsManager({ region: 'eu-west-1', serviceAccount: { name: 'sa' }, role: 'admin' }))))
      .toMatch(/^\[test\/Store\] SecretStore prop 'provider.role' is 'admin', which is not an IAM role ARN\./);
    expect(refusal(() => build(SecretStoreProvider.awsSecretsManager({ region: 'eu-west-1', serviceAccount: { name: 'Bad_SA' } })))).toBe(
      '[test/Store] SecretStore prop \'provider.serviceAccount\' is \'Bad_SA\', which is not a ServiceAccount name.\n'
      + 'Practice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\n'
      + 'Fix: name the dedicated ServiceAccount the operator authenticates as (IRSA / Vault Kubernetes auth)');
  });

  test('refuses a store on the default ServiceAccount', () => {
    expect(refusal(() => build(SecretStoreProvider.awsSecretsManager({ region: 'eu-west-1', serviceAccount: { name: 'default' } })))).toBe(
      '[test/Store] SecretStore prop \'provider.serviceAccount\' is \'default\', the ServiceAccount every pod of the namespace runs as unless told otherwise.\n'
      + 'Practice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\n'
      + 'Fix: create a dedicated ServiceAccount for the operator to authenticate as (e.g. an RbacProfile\'s), so no other pod gets its cloud role');
  });

  test('refuses a store without namespace', () => {
    const chart = new Chart(Testing.app(), 'test');
    expect(refusal(() => new SecretStore(chart, 'Store', { provider: irsa() }))).toBe(
      '[test/Store] SecretStore prop \'namespace\' is not set and no enclosing chart has one.\n'
      + 'Practice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\n'
      + 'Fix: pass namespace, e.g. namespace: \'payments\' (a SecretStore is namespaced)');
  });
});

describe('ExternalSecret', () => {
  test('writes a v1 ExternalSecret: SecretStore ref, Owner target, 1h refresh, sorted key mapping', () => {
    const { es } = build(irsa());
    expect(es).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: {
        name: 'db-credentials',
        namespace: 'payments',
        labels: { 'app.kubernetes.io/name': 'db-credentials', 'app.kubernetes.io/part-of': 'test', 'app.kubernetes.io/managed-by': 'cdk8s-hardened' },
        annotations: { 'cdk8s-hardened.io/construct-path': 'test/Db/Resource', 'cdk8s-hardened.io/catalogue-version': CATALOGUE_VERSION },
      },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'SecretStore', name: 'payments-store' },
        target: { name: 'db-credentials', creationPolicy: 'Owner' },
        data: [
          { secretKey: 'password', remoteRef: { key: 'prod/payments/db', property: 'password' } },
          { secretKey: 'username', remoteRef: { key: 'prod/payments/db', property: 'username' } },
        ],
      },
    });
  });

  test('creationPolicy is Owner', () => {
    expect(build(irsa()).es.spec.target.creationPolicy).toBe('Owner');
  });

  test('a shorter refresh is written as a Go duration', () => {
    expect(build(irsa(), { refreshInterval: Duration.minutes(15) }).es.spec.refreshInterval).toBe('15m');
    expect(build(irsa(), { refreshInterval: Duration.seconds(90) }).es.spec.refreshInterval).toBe('1m30s');
  });

  test('type, labels and annotations go to the target template', () => {
    expect(build(irsa(), { type: 'kubernetes.io/basic-auth', labels: { app: 'payments' } }).es.spec.target.template)
      .toEqual({ type: 'kubernetes.io/basic-auth', metadata: { labels: { app: 'payments' } } });
  });

  test('version pins the remote value', () => {
    expect(build(irsa(), { data: { token: { key: '/prod/payments/token', version: '3' } } }).es.spec.data)
      .toEqual([{ secretKey: 'token', remoteRef: { key: '/prod/payments/token', version: '3' } }]);
  });

  test('exposes name, namespace and keys for mounting', () => {
    const { secret } = build(irsa());
    expect([secret.secretName, secret.secretNamespace, secret.keys]).toEqual(['db-credentials', 'payments', ['password', 'username']]);
  });

  test('store and ExternalSecret pass the HK-SECRETS-004 audit', () => {
    for (const provider of [irsa(), SecretStoreProvider.vault({ server: 'https://v:8200', path: 'kv', role: 'r', serviceAccount: { name: 'sa' } })]) {
      expect(audit(build(provider).objects).findings.filter((f) => f.practiceId === 'HK-SECRETS-004')).toEqual([]);
    }
  });

  test('refuses a refresh interval above 1 hour', () => {
    expect(refusal(() => build(irsa(), { refreshInterval: Duration.hours(2) }))).toBe(
      '[test/Db] ExternalSecret prop \'refreshInterval\' is 7200 seconds, outside 1 minute to 1 hour (whole seconds).\n'
      + 'Practice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\n'
      + 'Fix: use e.g. Duration.hours(1) (the default) or Duration.minutes(15)');
  });

  test('refuses a refresh interval below 1 minute', () => {
    expect(refusal(() => build(irsa(), { refreshInterval: Duration.seconds(30) }))).toMatch(/prop 'refreshInterval' is 30 seconds, outside 1 minute to 1 hour/);
  });

  test('refuses a store of another namespace', () => {
    expect(refusal(() => build(irsa(), { namespace: 'billing' }))).toBe(
      '[test/Db] ExternalSecret prop \'namespace\' is \'billing\', but SecretStore \'payments-store\' is in \'payments\'.\n'
      + 'Practice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\n'
      + 'Fix: define a SecretStore in the ExternalSecret\'s namespace; a namespaced store serves only its own namespace');
  });

  test('works with a SecretStore defined elsewhere', () => {
    const chart = new Chart(Testing.app(), 'test');
    const store = SecretStore.fromSecretStoreName(chart, 'Shared', 'platform-aws', 'payments');
    new ExternalSecret(chart, 'Db', { name: 'db', store, data: { password: { key: 'prod/db' } } });
    expect(Testing.synth(chart)[0].spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'platform-aws' });
  });

  test('refuses empty data and invalid keys', () => {
    expect(refusal(() => build(irsa(), { data: {} }))).toBe(
      '[test/Db] ExternalSecret prop \'data\' is empty.\n'
      + 'Fix: map at least one Secret key to a remote key, e.g. data: { password: { key: \'prod/payments/db\', property: \'password\' } }');
    expect(refusal(() => build(irsa(), { data: { 'a b': { key: 'x' } } }))).toBe(
      '[test/Db] ExternalSecret prop \'data\' has the key \'a b\', which is not a valid Secret key.\n'
      + 'Fix: use letters, digits, \'-\', \'_\' and \'.\'');
    expect(refusal(() => build(irsa(), { data: { a: { key: ' ' } } }))).toBe(
      '[test/Db] ExternalSecret prop \'data\' maps \'a\' to an empty remote key.\n'
      + 'Fix: give the secret\'s name or path in the store');
  });
});
