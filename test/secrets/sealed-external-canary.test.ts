import { createPrivateKey } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { ExternalSecret } from '../../lib/secrets/external-secret';
import { SealedSecret, SealingCertificate, SealingScope } from '../../lib/secrets/sealed-secret';
import { unsealValue } from '../../lib/secrets/sealing/hybrid';
import { scopeLabel, unsealManifest } from '../../lib/secrets/sealing/scope';
import { SecretStore, SecretStoreProvider } from '../../lib/secrets/secret-store';
import { SecretValue } from '../../lib/secrets/secret-value';
import { CANARIES, leakForms } from '../support/canaries';

/**
 * Leak proof for the Sealed Secrets and External Secrets modes: synthesize with canary plaintexts, then search every
 * written file, every thrown message and everything written to stdout/stderr or the console for the canaries, raw,
 * base64 and hex.
 */
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'sealed-secrets');
const NOW = new Date('2027-03-01T00:00:00Z');
const CANARY_VALUE = CANARIES.sealedValue;
const CANARY_KEY = CANARIES.derivationKey;
const CANARY_SHORT_KEY = CANARIES.shortKey;
const ENV = { value: 'HK_CANARY_SEALED_VALUE', key: 'HK_CANARY_DERIVATION_KEY', shortKey: 'HK_CANARY_SHORT_KEY' };

const NEEDLES = [CANARY_VALUE, CANARY_KEY, CANARY_SHORT_KEY].flatMap(leakForms);
const hits = (text: string) => NEEDLES.filter((n) => text.includes(n));

function readTree(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? readTree(p) : [fs.readFileSync(p, 'utf8')];
  });
}

let outdir: string;
let captured: string[];
let restore: Array<() => void>;

beforeEach(() => {
  process.env[ENV.value] = CANARY_VALUE;
  process.env[ENV.key] = CANARY_KEY;
  process.env[ENV.shortKey] = CANARY_SHORT_KEY;
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-canary-'));
  captured = [];
  restore = [];
  for (const stream of [process.stdout, process.stderr]) {
    const spy = jest.spyOn(stream, 'write').mockImplementation((chunk: any) => {
      captured.push(String(chunk));
      return true;
    });
    restore.push(() => spy.mockRestore());
  }
  for (const method of ['log', 'warn', 'error', 'info', 'debug'] as const) {
    const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.push(args.map(String).join(' '));
    });
    restore.push(() => spy.mockRestore());
  }
});

afterEach(() => {
  restore.forEach((r) => r());
  for (const name of Object.values(ENV)) delete process.env[name];
  fs.rmSync(outdir, { recursive: true, force: true });
});

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return `${(e as Error).message}\n${(e as Error).stack ?? ''}`;
  }
  throw new Error('expected a refusal');
}

test('the canary is really sealed (the search below would find nothing otherwise)', () => {
  const app = new App({ outdir });
  const chart = new Chart(app, 'payments', { namespace: 'payments' });
  const ss = new SealedSecret(chart, 'Db', {
    name: 'db',
    certificate: SealingCertificate.fromFile(path.join(FIXTURES, 'test-only-controller.cert.pem'), { now: NOW }),
    derivationKey: SecretValue.fromEnv(ENV.key),
    data: { password: SecretValue.fromEnv(ENV.value) },
  });
  const key = createPrivateKey(fs.readFileSync(path.join(FIXTURES, 'test-only-controller.key.pem')));
  const manifest = (ss.node.defaultChild as any).toJson();
  expect(unsealManifest(manifest, key).password.toString('utf8')).toBe(CANARY_VALUE);
});

test('no canary in synthesized files, console, stdout or stderr', () => {
  const app = new App({ outdir });
  const chart = new Chart(app, 'payments', { namespace: 'payments' });
  const cert = SealingCertificate.fromFile(path.join(FIXTURES, 'test-only-controller.cert.pem'), { now: NOW });
  new SealedSecret(chart, 'Strict', { name: 'db', certificate: cert, derivationKey: SecretValue.fromEnv(ENV.key), data: { password: SecretValue.fromEnv(ENV.value) } });
  new SealedSecret(chart, 'Wide', {
    name: 'pull',
    certificate: cert,
    derivationKey: SecretValue.fromEnv(ENV.key),
    data: { token: SecretValue.fromEnv(ENV.value) },
    scope: SealingScope.clusterWide('copied into every namespace by the registry controller'),
  });
  new ApiObject(chart, 'Eso', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'eso' } });
  const store = new SecretStore(chart, 'Store', { provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-west-1', serviceAccount: { name: 'eso' } }) });
  new ExternalSecret(chart, 'Ext', { name: 'api', store, data: { token: { key: 'prod/api', property: 'token' } } });
  app.synth();
  const files = readTree(outdir);
  expect(files.length).toBeGreaterThan(0);
  expect(files.join('\n')).toContain('kind: SealedSecret');
  expect(files.flatMap(hits)).toEqual([]);
  expect(captured.flatMap(hits)).toEqual([]);
});

test('no canary in any refusal or unsealing error', () => {
  const chart = new Chart(new App({ outdir }), 'payments', { namespace: 'payments' });
  const cert = SealingCertificate.fromFile(path.join(FIXTURES, 'test-only-controller.cert.pem'), { now: NOW });
  const base = { name: 'db', certificate: cert, derivationKey: SecretValue.fromEnv(ENV.key), data: { password: SecretValue.fromEnv(ENV.value) } };
  const messages = [
    messageOf(() => new SealedSecret(chart, 'ShortKey', { ...base, derivationKey: SecretValue.fromEnv(ENV.shortKey) })),
    messageOf(() => new SealedSecret(chart, 'Expired', { ...base, certificate: SealingCertificate.fromFile(path.join(FIXTURES, 'test-only-expired.cert.pem')) })),
    messageOf(() => new SealedSecret(chart, 'BadKey', { ...base, data: { 'bad/key': SecretValue.fromEnv(ENV.value) } })),
    messageOf(() => new SealedSecret(chart, 'Plain', { ...base, data: { password: CANARY_VALUE as unknown as SecretValue } })),
    messageOf(() => new SealedSecret(chart, 'NoReason', { ...base, scope: SealingScope.namespaceWide('short') })),
    messageOf(() => new SealedSecret(chart, 'CanaryAsCertificate', { ...base, certificate: SealingCertificate.fromPem(CANARY_VALUE) })),
  ];
  const sealed = new SealedSecret(chart, 'Ok', base);
  const key = createPrivateKey(fs.readFileSync(path.join(FIXTURES, 'test-only-controller.key.pem')));
  const blob = (sealed.node.defaultChild as any).toJson().spec.encryptedData.password;
  messages.push(messageOf(() => unsealValue(key, scopeLabel('strict', 'other', 'db'), blob)));
  expect(messages).toHaveLength(7);
  expect(messages.flatMap(hits)).toEqual([]);
  expect(captured.flatMap(hits)).toEqual([]);
});
