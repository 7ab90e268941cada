/**
 * What the wrong-types property suite found, each fixed refusal asserted exactly: these props used to end in a
 * TypeError (or, for a numeric namespace, in a silently accepted `namespace: 42`).
 */
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import { CisBenchmark } from '../../lib/cluster/cis-benchmark';
import { EncryptionConfiguration } from '../../lib/cluster/encryption-configuration';
import { ExternalSecret } from '../../lib/secrets/external-secret';
import { SealedSecret, SealingCertificate } from '../../lib/secrets/sealed-secret';
import { SecretStore, SecretStoreProvider } from '../../lib/secrets/secret-store';
import { SecretValue } from '../../lib/secrets/secret-value';
import { refusal } from '../workload/support';

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
])('%s', (_name, fn, expected) => {
  expect(refusal(fn)).toBe(expected);
});
