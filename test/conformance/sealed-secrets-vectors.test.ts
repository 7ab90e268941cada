/**
 * SealedSecret interoperates with the Sealed Secrets vectors in ../shared/vectors/sealed-secrets: the vectors unseal
 * with their controller key as the controller would (and the negative ones do not), and what SealedSecret seals to
 * the vector certificate unseals with the vector key. Fails loudly when ../shared is missing: a skipped
 * conformance run proves nothing.
 */
import { createPrivateKey, KeyObject } from 'crypto';
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { SealedSecret, SealingCertificate, SealingScope } from '../../lib/secrets/sealed-secret';
import { parseControllerCertificate } from '../../lib/secrets/sealing/certificate';
import { freshRandomness, sealValue, unsealValue } from '../../lib/secrets/sealing/hybrid';
import { scopeLabel, unsealManifest } from '../../lib/secrets/sealing/scope';
import { SealingError } from '../../lib/secrets/sealing/sealing-error';
import { SecretValue } from '../../lib/secrets/secret-value';

const VECTORS = resolve(__dirname, '../../../shared/vectors');
const SEALED = join(VECTORS, 'sealed-secrets');

if (!existsSync(SEALED)) {
  throw new Error(`conformance tests need the shared vectors at ${SEALED}; clone the project beside ../shared or run only \`npm test\``);
}

const read = (file: string) => readFileSync(join(SEALED, file), 'utf8');
const KEY: KeyObject = createPrivateKey(read('keys/controller.key.pem'));
/** Inside the vector certificate's validity (2026-11-22 .. 2036-11-19) and before the upstream one expires (2027-06-18). */
const NOW = new Date('2027-01-15T00:00:00Z');
const EXPECTED: Record<string, string> = Object.fromEntries(
  Object.entries(parse(read('expected.secret.yaml')).data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
);

function texts(values: Record<string, Buffer>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.toString('utf8')]));
}

describe('vectors unseal as the controller unseals them', () => {
  test.each(['strict.sealed.yaml', 'namespace-wide.sealed.yaml', 'cluster-wide.sealed.yaml', 'template-data.sealed.yaml'])('%s', (file) => {
    expect(texts(unsealManifest(parse(read(file)), KEY))).toEqual(EXPECTED);
  });

  test('template-data.sealed.yaml keeps its Go template for the controller', () => {
    expect(parse(read('template-data.sealed.yaml')).spec.template.data.dsn)
      .toBe('postgres://{{ .username }}:{{ .password }}@db.payments.svc:5432/payments');
  });

  test('raw-item.strict.txt (kubeseal --raw) unseals with the strict label', () => {
    expect(unsealValue(KEY, scopeLabel('strict', 'payments', 'db-credentials'), read('raw-item.strict.txt').trim()).toString('utf8'))
      .toBe('correct horse battery staple');
  });

  test.each([
    'negative/strict.renamed.sealed.yaml',
    'negative/strict.moved-namespace.sealed.yaml',
    'negative/cluster-label-without-annotation.sealed.yaml',
    'negative/annotation-only-on-template.sealed.yaml',
    'negative/unquoted-annotation.sealed.yaml',
  ])('refuses %s', (file) => {
    expect(() => unsealManifest(parse(read(file)), KEY)).toThrow(SealingError);
  });
});

describe('SealedSecret output unseals with the vector controller key', () => {
  const ENV = { password: 'HK_CONF_PASSWORD', username: 'HK_CONF_USERNAME', config: 'HK_CONF_CONFIG', key: 'HK_CONF_DERIVATION_KEY' };
  beforeEach(() => {
    process.env[ENV.password] = EXPECTED.password;
    process.env[ENV.username] = EXPECTED.username;
    process.env[ENV.config] = EXPECTED['config.json'];
    process.env[ENV.key] = 'conformance-derivation-key-0123456789abcdef';
  });
  afterEach(() => Object.values(ENV).forEach((name) => delete process.env[name]));

  const seal = (scope?: SealingScope) => {
    const chart = new Chart(Testing.app(), 'conf');
    new SealedSecret(chart, 'Db', {
      name: 'db-credentials',
      namespace: 'payments',
      certificate: SealingCertificate.fromFile(join(SEALED, 'keys/controller.cert.pem'), { now: NOW }),
      derivationKey: SecretValue.fromEnv(ENV.key),
      data: { 'password': SecretValue.fromEnv(ENV.password), 'username': SecretValue.fromEnv(ENV.username), 'config.json': SecretValue.fromEnv(ENV.config) },
      scope,
    });
    return Testing.synth(chart)[0];
  };

  test.each([
    ['strict', undefined, 'strict.sealed.yaml'],
    ['namespace-wide', SealingScope.namespaceWide('shared by two releases (TICKET-7)'), 'namespace-wide.sealed.yaml'],
    ['cluster-wide', SealingScope.clusterWide('copied to every namespace (TICKET-8)'), 'cluster-wide.sealed.yaml'],
  ])('%s: same plaintext, same scope annotation as the vector', (_name, scope, vector) => {
    const ours = seal(scope);
    const theirs = parse(read(vector));
    expect(texts(unsealManifest(ours, KEY))).toEqual(EXPECTED);
    const scopeAnnotations = (a: Record<string, string> | undefined) =>
      Object.fromEntries(Object.entries(a ?? {}).filter(([k]) => k.startsWith('sealedsecrets.bitnami.com/')));
    expect(scopeAnnotations(ours.metadata.annotations)).toEqual(scopeAnnotations(theirs.metadata.annotations));
    expect([ours.apiVersion, ours.kind, ours.metadata.name, ours.metadata.namespace])
      .toEqual([theirs.apiVersion, theirs.kind, theirs.metadata.name, theirs.metadata.namespace]);
    expect(Object.keys(ours.spec.encryptedData).sort()).toEqual(Object.keys(theirs.spec.encryptedData).sort());
  });

  test('blob sizes match the vector blobs of the same plaintext', () => {
    const ours = seal().spec.encryptedData;
    const theirs = parse(read('strict.sealed.yaml')).spec.encryptedData;
    for (const key of Object.keys(theirs)) expect(Buffer.from(ours[key], 'base64').length).toBe(Buffer.from(theirs[key], 'base64').length);
  });

  test('the vector certificate is the one the README describes', () => {
    const cert = parseControllerCertificate(read('keys/controller.cert.pem'), { now: NOW });
    expect(cert.modulusBits).toBe(4096);
    expect(cert.sha256Fingerprint.startsWith('92:60:58:77:')).toBe(true);
    expect(cert.sha256Fingerprint.endsWith(':5D:3F')).toBe(true);
  });
});

describe('upstream kubeseal test certificate', () => {
  const PEM = () => read('upstream/kubeseal-test-cert.pem');

  test('parses as RSA 4096 with the modulus upstream TestParseKey asserts', () => {
    const cert = parseControllerCertificate(PEM(), { now: NOW });
    expect(cert.modulusBits).toBe(4096);
    const n = Buffer.from(cert.publicKey.export({ format: 'jwk' }).n as string, 'base64url').toString('hex').toUpperCase();
    expect(n.startsWith('BE88496E0C9C7026')).toBe(true);
  });

  test('sealing to it gives controller-sized blobs starting with Ag', () => {
    const cert = parseControllerCertificate(PEM(), { now: NOW });
    const sealed = sealValue(cert.publicKey, scopeLabel('strict', 'payments', 'db'), Buffer.from('payments_app'), freshRandomness());
    expect(sealed.startsWith('Ag')).toBe(true);
    expect(Buffer.from(sealed, 'base64').length).toBe(2 + 512 + 'payments_app'.length + 16);
  });

  test('is refused once expired (2027-06-18), as kubeseal refuses it', () => {
    expect(() => parseControllerCertificate(PEM(), { now: new Date('2027-07-01T00:00:00Z') })).toThrow(/^holds a certificate that expired at 2027-06-18/);
  });
});
