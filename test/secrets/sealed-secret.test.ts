import { createPrivateKey } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { audit } from '../../lib/audit/audit';
import { HardenedError } from '../../lib/errors';
import { CATALOGUE_VERSION } from '../../lib/practices/catalogue';
import { SealedSecret, SealedSecretProps, SealingCertificate, SealingScope } from '../../lib/secrets/sealed-secret';
import { parseControllerCertificate } from '../../lib/secrets/sealing/certificate';
import { freshRandomness, sealValue, unsealValue } from '../../lib/secrets/sealing/hybrid';
import { scopeLabel, unsealManifest } from '../../lib/secrets/sealing/scope';
import { SealingError } from '../../lib/secrets/sealing/sealing-error';
import { SecretValue } from '../../lib/secrets/secret-value';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'sealed-secrets');
const fixture = (name: string) => path.join(FIXTURES, name);
/** A clock inside the test controller certificate's validity (2026-01-01 .. 2036-01-01). */
const NOW = new Date('2027-03-01T00:00:00Z');
const PRIVATE_KEY = createPrivateKey(fs.readFileSync(fixture('test-only-controller.key.pem')));
const certificate = () => SealingCertificate.fromFile(fixture('test-only-controller.cert.pem'), { now: NOW });

const ENV = {
  password: 'HK_TEST_SEALED_PASSWORD',
  username: 'HK_TEST_SEALED_USERNAME',
  key: 'HK_TEST_SEALED_DERIVATION_KEY',
};

beforeEach(() => {
  process.env[ENV.password] = 'correct horse battery staple';
  process.env[ENV.username] = 'payments_app';
  process.env[ENV.key] = 'a'.repeat(16) + '0123456789abcdef0123456789abcdef';
});
afterEach(() => {
  for (const name of Object.values(ENV)) delete process.env[name];
});

function props(overrides: Partial<SealedSecretProps> = {}): SealedSecretProps {
  return {
    name: 'db-credentials',
    namespace: 'payments',
    certificate: certificate(),
    derivationKey: SecretValue.fromEnv(ENV.key),
    data: { password: SecretValue.fromEnv(ENV.password), username: SecretValue.fromEnv(ENV.username) },
    ...overrides,
  };
}

function synth(overrides: Partial<SealedSecretProps> = {}, chartNamespace?: string): any {
  const chart = new Chart(Testing.app(), 'test', { namespace: chartNamespace });
  new SealedSecret(chart, 'Db', props(overrides));
  const objects = Testing.synth(chart);
  expect(objects).toHaveLength(1);
  return objects[0];
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(HardenedError.isHardenedError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

function plain(values: Record<string, Buffer>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.toString('utf8')]));
}

describe('SealedSecret output', () => {
  test('writes a bitnami.com/v1alpha1 SealedSecret with strict scope and no scope annotation by default', () => {
    const ss = synth();
    expect(ss.apiVersion).toBe('bitnami.com/v1alpha1');
    expect(ss.kind).toBe('SealedSecret');
    expect(ss.metadata).toEqual({
      name: 'db-credentials',
      namespace: 'payments',
      labels: { 'app.kubernetes.io/name': 'db-credentials', 'app.kubernetes.io/part-of': 'test', 'app.kubernetes.io/managed-by': 'cdk8s-hardened' },
      annotations: { 'cdk8s-hardened.io/construct-path': 'test/Db/Resource', 'cdk8s-hardened.io/catalogue-version': CATALOGUE_VERSION },
    });
    expect(Object.keys(ss.spec.encryptedData)).toEqual(['password', 'username']);
    expect(ss.spec.template).toEqual({ metadata: {}, type: 'Opaque' });
    expect(ss.spec.data).toBeUndefined();
  });

  test('values unseal with the controller private key to the plaintexts', () => {
    expect(plain(unsealManifest(synth(), PRIVATE_KEY))).toEqual({ password: 'correct horse battery staple', username: 'payments_app' });
  });

  test('each blob has the controller layout: u16be 512, 512-byte RSA block, ciphertext, 16-byte tag', () => {
    const blob = Buffer.from(synth().spec.encryptedData.username, 'base64');
    expect(blob.readUInt16BE(0)).toBe(512);
    expect(blob.length).toBe(2 + 512 + 'payments_app'.length + 16);
    expect(synth().spec.encryptedData.username.startsWith('Ag')).toBe(true);
  });

  test('strict scope binds name and namespace: renamed or moved, it no longer unseals', () => {
    const ss = synth();
    expect(() => unsealManifest({ ...ss, metadata: { ...ss.metadata, name: 'db-credentials-copy' } }, PRIVATE_KEY)).toThrow(SealingError);
    expect(() => unsealManifest({ ...ss, metadata: { ...ss.metadata, namespace: 'billing' } }, PRIVATE_KEY)).toThrow(SealingError);
    expect(() => unsealManifest({ ...ss, metadata: { ...ss.metadata, annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } } }, PRIVATE_KEY))
      .toThrow(SealingError);
  });

  test('a wrong label fails with a message that names the cause and holds no plaintext', () => {
    const sealed = synth().spec.encryptedData.password;
    let message = '';
    try {
      unsealValue(PRIVATE_KEY, scopeLabel('strict', 'billing', 'db-credentials'), sealed);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('cannot be unsealed: RSA-OAEP decryption failed (another key, or another scope, name or namespace). '
      + 'Fix: use the controller key that sealed it and the name, namespace and scope it was sealed for');
  });

  test('namespace-wide writes the controller annotation and the HK-SECRETS-003 exception, and unseals under any name', () => {
    const reason = 'shared by two releases of the same app (TICKET-7)';
    const ss = synth({ scope: SealingScope.namespaceWide(reason) });
    expect(ss.metadata.annotations).toEqual({
      'exceptions.cdk8s-hardened.io/HK-SECRETS-003': reason,
      'sealedsecrets.bitnami.com/namespace-wide': 'true',
      'cdk8s-hardened.io/construct-path': 'test/Db/Resource',
      'cdk8s-hardened.io/catalogue-version': CATALOGUE_VERSION,
    });
    expect(plain(unsealManifest({ ...ss, metadata: { ...ss.metadata, name: 'other' } }, PRIVATE_KEY)).username).toBe('payments_app');
    expect(() => unsealManifest({ ...ss, metadata: { ...ss.metadata, namespace: 'billing' } }, PRIVATE_KEY)).toThrow(SealingError);
  });

  test('cluster-wide writes its annotation, seals with the empty label, and needs no namespace', () => {
    const reason = 'registry pull secret copied into every namespace by a controller';
    const ss = synth({ scope: SealingScope.clusterWide(reason), namespace: undefined });
    expect(ss.metadata).toEqual({
      name: 'db-credentials',
      labels: { 'app.kubernetes.io/name': 'db-credentials', 'app.kubernetes.io/part-of': 'test', 'app.kubernetes.io/managed-by': 'cdk8s-hardened' },
      annotations: {
        'exceptions.cdk8s-hardened.io/HK-SECRETS-003': reason,
        'sealedsecrets.bitnami.com/cluster-wide': 'true',
        'cdk8s-hardened.io/construct-path': 'test/Db/Resource',
        'cdk8s-hardened.io/catalogue-version': CATALOGUE_VERSION,
      },
    });
    expect(plain(unsealManifest({ ...ss, metadata: { ...ss.metadata, name: 'x', namespace: 'billing' } }, PRIVATE_KEY)).password)
      .toBe('correct horse battery staple');
  });

  test('takes the namespace of the enclosing chart', () => {
    const ss = synth({ namespace: undefined }, 'orders');
    expect(ss.metadata.namespace).toBe('orders');
    expect(plain(unsealManifest(ss, PRIVATE_KEY)).username).toBe('payments_app');
  });

  test('template carries type, labels, annotations and immutable', () => {
    const ss = synth({ type: 'kubernetes.io/basic-auth', labels: { app: 'payments' }, annotations: { team: 'core' }, immutable: true });
    expect(ss.spec.template).toEqual({ metadata: { labels: { app: 'payments' }, annotations: { team: 'core' } }, type: 'kubernetes.io/basic-auth', immutable: true });
  });

  test('audit: strict passes HK-SECRETS-003; a wider scope is reported as excepted, not failing', () => {
    const strict = audit([synth()]).findings.filter((f) => f.practiceId === 'HK-SECRETS-003');
    expect(strict).toEqual([]);
    const wide = audit([synth({ scope: SealingScope.namespaceWide('shared by two releases (TICKET-7)') })]).findings
      .filter((f) => f.practiceId === 'HK-SECRETS-003');
    expect(wide.map((f) => [f.excepted, f.exceptionReason])).toEqual([[true, 'shared by two releases (TICKET-7)']]);
  });

  test('exposes name, namespace and keys for mounting, never values', () => {
    const chart = new Chart(Testing.app(), 'test');
    const ss = new SealedSecret(chart, 'Db', props());
    expect([ss.secretName, ss.secretNamespace, ss.keys]).toEqual(['db-credentials', 'payments', ['password', 'username']]);
    expect(ss.certificateFingerprint).toBe(parseControllerCertificate(fs.readFileSync(fixture('test-only-controller.cert.pem'), 'utf8'), { now: NOW }).sha256Fingerprint);
  });
});

describe('SealedSecret determinism', () => {
  test('re-synthesis with unchanged inputs is byte-identical', () => {
    expect(JSON.stringify(synth())).toBe(JSON.stringify(synth()));
  });

  test('a changed value changes only that key', () => {
    const before = synth().spec.encryptedData;
    process.env[ENV.password] = 'Tr0ub4dor&3';
    const after = synth().spec.encryptedData;
    expect(after.username).toBe(before.username);
    expect(after.password).not.toBe(before.password);
  });

  test('the same value under two keys seals to unrelated bytes', () => {
    const ss = synth({ data: { a: SecretValue.fromEnv(ENV.username), b: SecretValue.fromEnv(ENV.username) } });
    expect(ss.spec.encryptedData.a.slice(0, 100)).not.toBe(ss.spec.encryptedData.b.slice(0, 100));
  });

  test('another derivation key, name or scope gives other bytes', () => {
    const base = synth().spec.encryptedData.username;
    expect(synth({ name: 'db-credentials-2' }).spec.encryptedData.username).not.toBe(base);
    process.env[ENV.key] = 'b'.repeat(48);
    expect(synth().spec.encryptedData.username).not.toBe(base);
  });
});

describe('sealing primitives', () => {
  test('sealValue with fresh randomness round-trips through unsealValue', () => {
    const cert = parseControllerCertificate(fs.readFileSync(fixture('test-only-controller.cert.pem'), 'utf8'), { now: NOW });
    const label = scopeLabel('strict', 'payments', 'db');
    const sealed = sealValue(cert.publicKey, label, Buffer.from('grüße, 世界'), freshRandomness());
    expect(unsealValue(PRIVATE_KEY, label, sealed).toString('utf8')).toBe('grüße, 世界');
  });

  test('unsealValue refuses a truncated blob and an altered ciphertext', () => {
    const sealed = synth().spec.encryptedData.username;
    expect(() => unsealValue(PRIVATE_KEY, scopeLabel('strict', 'payments', 'db-credentials'), 'AQ==')).toThrow('is shorter than its 2-byte length prefix');
    const blob = Buffer.from(sealed, 'base64');
    blob[blob.length - 20] = (blob[blob.length - 20] + 1) % 256;
    expect(() => unsealValue(PRIVATE_KEY, scopeLabel('strict', 'payments', 'db-credentials'), blob.toString('base64')))
      .toThrow('cannot be unsealed: AES-GCM authentication failed (the value was altered)');
  });
});

describe('SealedSecret refusals', () => {
  const certRefusal = (file: string, problem: string, fix: string, options = {}) =>
    expect(refusal(() => synth({ certificate: SealingCertificate.fromFile(fixture(file), options) }))).toBe(
      `[test/Db] SealedSecret prop 'certificate' (file ${fixture(file)}) ${problem}.\n`
      + 'Practice HK-SECRETS-003 (Sealed Secrets with strict scope) refuses it.\n'
      + `Fix: ${fix}`);
  const FETCH = 'pass the controller\'s current certificate as `kubeseal --fetch-cert > cert.pem` prints it';

  test('refuses a certificate with an EC key', () => {
    certRefusal('test-only-ec.cert.pem', 'holds a certificate with an EC key; the Sealed Secrets controller seals with RSA keys only', FETCH, { now: NOW });
  });

  test('refuses an expired certificate, judged by the real clock by default', () => {
    const file = fixture('test-only-expired.cert.pem');
    const message = refusal(() => synth({ certificate: SealingCertificate.fromFile(file) }));
    const checkedAt = /checked at (\S+)\)/.exec(message)?.[1] ?? '';
    expect(Math.abs(Date.parse(checkedAt) - Date.now())).toBeLessThan(60_000);
    expect(message).toBe(`[test/Db] SealedSecret prop 'certificate' (file ${file}) holds a certificate that expired at 2021-01-01T00:00:00.000Z `
      + `(checked at ${checkedAt}).\n`
      + 'Practice HK-SECRETS-003 (Sealed Secrets with strict scope) refuses it.\n'
      + `Fix: ${FETCH}; the controller renews its key every 30 days and serves the newest certificate`);
  });

  test('refuses a certificate not valid yet', () => {
    certRefusal('test-only-notyet.cert.pem',
      'holds a certificate that is not valid before 2040-01-01T00:00:00.000Z (checked at 2027-03-01T00:00:00.000Z)',
      `check the clock of this machine, or ${FETCH}`, { now: NOW });
  });

  test('refuses the valid certificate once `now` is past its end', () => {
    certRefusal('test-only-controller.cert.pem',
      'holds a certificate that expired at 2036-01-01T00:00:00.000Z (checked at 2036-06-01T00:00:00.000Z)',
      `${FETCH}; the controller renews its key every 30 days and serves the newest certificate`, { now: new Date('2036-06-01T00:00:00Z') });
  });

  test('refuses an RSA key below 2048 bits', () => {
    certRefusal('test-only-small.cert.pem', 'holds a 1024-bit RSA key, below the 2048-bit minimum',
      'use the controller\'s own certificate (4096-bit by default, controller flag --key-size)', { now: NOW });
  });

  test('refuses a certificate that does not match the pinned fingerprint', () => {
    certRefusal('test-only-controller.cert.pem',
      `holds a certificate with SHA-256 fingerprint ${certificateFingerprint()}, not the pinned AA:BB`,
      'fetch the certificate from the intended controller, or update the pin after verifying the new certificate out of band',
      { now: NOW, sha256Fingerprint: 'AA:BB' });
  });

  test('accepts a matching pin written in lower case without colons', () => {
    const pin = certificateFingerprint().replace(/:/g, '').toLowerCase();
    expect(synth({ certificate: SealingCertificate.fromFile(fixture('test-only-controller.cert.pem'), { now: NOW, sha256Fingerprint: pin }) }).kind)
      .toBe('SealedSecret');
  });

  test('refuses PEM text without a certificate', () => {
    expect(refusal(() => synth({ certificate: SealingCertificate.fromPem('hello', { now: NOW }) }))).toBe(
      '[test/Db] SealedSecret prop \'certificate\' (the PEM text) holds no PEM certificate (no -----BEGIN CERTIFICATE----- block).\n'
      + 'Practice HK-SECRETS-003 (Sealed Secrets with strict scope) refuses it.\n'
      + `Fix: ${FETCH}`);
  });

  test('refuses a missing environment variable, naming it', () => {
    delete process.env[ENV.password];
    expect(refusal(() => synth())).toBe(
      '[test/Db] SealedSecret prop \'data\' value \'password\' reads environment variable HK_TEST_SEALED_PASSWORD, which is not set.\n'
      + 'Practice HK-SECRETS-001 (No plaintext Secret data in synthesized YAML) refuses it.\n'
      + 'Fix: set the variable or create the file outside the repository before synthesizing');
  });

  test('refuses a plain string value', () => {
    expect(refusal(() => synth({ data: { password: 'hunter2' as unknown as SecretValue } }))).toBe(
      '[test/Db] SealedSecret prop \'data\' has a plain value for \'password\'.\n'
      + 'Practice HK-SECRETS-001 (No plaintext Secret data in synthesized YAML) refuses it.\n'
      + 'Fix: read it with SecretValue.fromEnv(), .fromFile() or .fromStdin(); never write a secret in program text');
  });

  test('refuses a value file inside the git work tree', () => {
    const inRepo = fixture('test-only-controller.cert.pem');
    const message = refusal(() => synth({ data: { password: SecretValue.fromFile(inRepo) } }));
    expect(message).toMatch(/^\[test\/Db\] SealedSecret prop 'data' value 'password' reads file .*test-only-controller\.cert\.pem, which is inside the git work tree /);
  });

  test('reads a value from a file outside the repository', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-sealed-'));
    const file = path.join(dir, 'password');
    fs.writeFileSync(file, Buffer.from([0, 1, 2, 255]));
    try {
      const ss = synth({ data: { bin: SecretValue.fromFile(file) } });
      expect(unsealManifest(ss, PRIVATE_KEY).bin).toEqual(Buffer.from([0, 1, 2, 255]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses a namespace-wide scope without a reason', () => {
    expect(refusal(() => synth({ scope: SealingScope.namespaceWide('because') }))).toBe(
      '[test/Db] SealedSecret prop \'scope\' is namespace-wide with a reason shorter than 10 characters.\n'
      + 'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
      + 'Fix: say why the secret must unseal under other names, e.g. a ticket, or keep the strict default');
  });

  test('refuses strict scope without a namespace', () => {
    expect(refusal(() => synth({ namespace: undefined }))).toBe(
      '[test/Db] SealedSecret prop \'namespace\' is not set and no enclosing chart has one, but strict scope seals for a namespace.\n'
      + 'Practice HK-SECRETS-003 (Sealed Secrets with strict scope) refuses it.\n'
      + 'Fix: pass namespace, e.g. namespace: \'payments\'');
  });

  test('refuses a short derivation key without echoing it', () => {
    process.env[ENV.key] = 'short-key';
    expect(refusal(() => synth())).toBe(
      '[test/Db] SealedSecret prop \'derivationKey\' (environment variable HK_TEST_SEALED_DERIVATION_KEY) holds 9 bytes, fewer than 32.\n'
      + 'Fix: use a random key of at least 32 bytes, e.g. `openssl rand -hex 32`');
  });

  test('refuses empty data', () => {
    expect(refusal(() => synth({ data: {} }))).toBe(
      '[test/Db] SealedSecret prop \'data\' is empty.\n'
      + 'Practice HK-SECRETS-003 (Sealed Secrets with strict scope) refuses it.\n'
      + 'Fix: give at least one value, e.g. data: { password: SecretValue.fromEnv(\'DB_PASSWORD\') }');
  });

  test('refuses an invalid Secret key', () => {
    expect(refusal(() => synth({ data: { 'a/b': SecretValue.fromEnv(ENV.password) } }))).toBe(
      '[test/Db] SealedSecret prop \'data\' has the key \'a/b\', which is not a valid Secret key.\n'
      + 'Fix: use letters, digits, \'-\', \'_\' and \'.\'');
  });

  test('fails synthesis when a patch renames the sealed object', () => {
    const chart = new Chart(Testing.app(), 'test');
    const ss = new SealedSecret(chart, 'Db', props());
    ApiObject.of(ss).addJsonPatch(JsonPatch.replace('/metadata/name', 'renamed'));
    expect(() => Testing.synth(chart)).toThrow(
      'SealedSecret \'db-credentials\' was sealed for name \'db-credentials\' but renders as \'renamed\', so the controller could not unseal it.');
  });
});

function certificateFingerprint(): string {
  return parseControllerCertificate(fs.readFileSync(fixture('test-only-controller.cert.pem'), 'utf8'), { now: NOW }).sha256Fingerprint;
}
