import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Testing, YamlOutputType } from 'cdk8s';
import { parse } from 'yaml';
import { ageKeyPair, fixedClock, readTree, setEnv, synthSecrets, tempDir } from './helpers';
import { CATALOGUE_VERSION } from '../../../lib/practices/catalogue';
import { EncryptedSecret } from '../../../lib/secrets/encrypted-secret';
import { SecretValue } from '../../../lib/secrets/secret-value';
import { decryptSopsYaml, renderDecrypted } from '../../../lib/secrets/sops/decrypt';
import { SopsRecipient } from '../../../lib/secrets/sops-recipient';

const ENC = /^ENC\[AES256_GCM,data:[A-Za-z0-9+/]+=*,iv:[A-Za-z0-9+/]{43}=,tag:[A-Za-z0-9+/]{22}==,type:str\]$/;
let keys: { identity: string; recipient: string };
let restore: () => void;

beforeAll(async () => {
  keys = await ageKeyPair();
  restore = setEnv({ TEST_DB_PASSWORD: 'correct horse battery staple', TEST_DB_USER: 'payments_app', TEST_GREETING: 'grüße, 世界' });
});
afterAll(() => restore());

function dbSecret(extra: Partial<ConstructorParameters<typeof EncryptedSecret>[2]> = {}) {
  return {
    id: 'db-credentials',
    props: {
      name: 'db-credentials',
      namespace: 'payments',
      data: { password: SecretValue.fromEnv('TEST_DB_PASSWORD') },
      stringData: { username: SecretValue.fromEnv('TEST_DB_USER'), greeting: SecretValue.fromEnv('TEST_GREETING') },
      recipients: [SopsRecipient.age(keys.recipient)],
      labels: { 'app.kubernetes.io/name': 'payments-api' },
      ...extra,
    },
  };
}

const options = (clock = '2026-01-02T03:04:05Z') => ({ ageIdentities: [keys.identity], clock: fixedClock(clock) });

describe('EncryptedSecret (age)', () => {
  test('writes one SOPS document per file, named after the secret chart', async () => {
    const files = await synthSecrets(tempDir(), [dbSecret()], options());
    expect(Object.keys(files)).toEqual(['db-credentials.k8s.yaml']);
    expect(files['db-credentials.k8s.yaml'].includes('\n---')).toBe(false);
  });

  test('encrypts every data and stringData value in the sops format, leaving metadata readable', async () => {
    const text = (await synthSecrets(tempDir(), [dbSecret()], options()))['db-credentials.k8s.yaml'];
    const doc = parse(text);
    expect(doc.apiVersion).toBe('v1');
    expect(doc.kind).toBe('Secret');
    expect(doc.metadata).toEqual({
      name: 'db-credentials',
      namespace: 'payments',
      labels: { 'app.kubernetes.io/name': 'payments-api', 'app.kubernetes.io/part-of': 'db-credentials', 'app.kubernetes.io/managed-by': 'cdk8s-hardened' },
      annotations: { 'cdk8s-hardened.io/construct-path': 'db-credentials/Resource', 'cdk8s-hardened.io/catalogue-version': CATALOGUE_VERSION },
    });
    expect(doc.type).toBe('Opaque');
    expect(doc.data.password).toMatch(ENC);
    expect(doc.stringData.username).toMatch(ENC);
    expect(doc.stringData.greeting).toMatch(ENC);
  });

  test('writes the sops block with sops 3.13 field names and order', async () => {
    const text = (await synthSecrets(tempDir(), [dbSecret()], options()))['db-credentials.k8s.yaml'];
    const sops = parse(text).sops;
    expect(Object.keys(sops)).toEqual(['age', 'encrypted_regex', 'lastmodified', 'mac', 'version']);
    expect(sops.encrypted_regex).toBe('^(data|stringData)$');
    expect(sops.lastmodified).toBe('2026-01-02T03:04:05Z');
    expect(text).toContain('lastmodified: "2026-01-02T03:04:05Z"');
    expect(sops.mac).toMatch(/^ENC\[AES256_GCM,data:[A-Za-z0-9+/]{171}=,iv:[A-Za-z0-9+/]{43}=,tag:[A-Za-z0-9+/]{22}==,type:str\]$/);
    expect(sops.version).toBe('3.13.2');
    expect(sops.age).toHaveLength(1);
    expect(sops.age[0].recipient).toBe(keys.recipient);
    expect(sops.age[0].enc).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END AGE ENCRYPTED FILE-----\n$/);
    expect(text).toMatch(/ {4}- enc: \|\n {8}-----BEGIN AGE ENCRYPTED FILE-----/);
  });

  test('round-trips: decrypting the file gives back the plaintext and the MAC verifies', async () => {
    const text = (await synthSecrets(tempDir(), [dbSecret()], options()))['db-credentials.k8s.yaml'];
    const decrypted = await decryptSopsYaml(text, { ageIdentities: [keys.identity] }, 'out');
    expect(parse(renderDecrypted(decrypted.documents))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db-credentials',
        namespace: 'payments',
        labels: { 'app.kubernetes.io/name': 'payments-api', 'app.kubernetes.io/part-of': 'db-credentials', 'app.kubernetes.io/managed-by': 'cdk8s-hardened' },
        annotations: { 'cdk8s-hardened.io/construct-path': 'db-credentials/Resource', 'cdk8s-hardened.io/catalogue-version': CATALOGUE_VERSION },
      },
      data: { password: Buffer.from('correct horse battery staple').toString('base64') },
      stringData: { greeting: 'grüße, 世界', username: 'payments_app' },
      type: 'Opaque',
    });
  });

  test('fails the MAC check when a clear-text field is edited after encryption', async () => {
    const text = (await synthSecrets(tempDir(), [dbSecret()], options()))['db-credentials.k8s.yaml'];
    const renamed = text.replace('name: db-credentials', 'name: prefix-db-credentials');
    await expect(decryptSopsYaml(renamed, { ageIdentities: [keys.identity] }, 'f')).rejects.toThrow(/^f: MAC mismatch: /);
  });

  test('fails to decrypt a value moved to another key (the path is the AAD)', async () => {
    const text = (await synthSecrets(tempDir(), [dbSecret()], options()))['db-credentials.k8s.yaml'];
    const doc = parse(text);
    const swapped = text.replace(doc.stringData.username, '@@').replace(doc.stringData.greeting, doc.stringData.username).replace('@@', doc.stringData.greeting);
    await expect(decryptSopsYaml(swapped, { ageIdentities: [keys.identity] }, 'f')).rejects.toThrow(/^f value at 'stringData\.(greeting|username)' does not decrypt/);
  });

  test('re-synthesizing unchanged plaintext and recipients gives a byte-identical file', async () => {
    const dir = tempDir();
    const first = (await synthSecrets(dir, [dbSecret()], options('2026-01-02T03:04:05Z')))['db-credentials.k8s.yaml'];
    const second = (await synthSecrets(dir, [dbSecret()], options('2026-06-07T08:09:10Z')))['db-credentials.k8s.yaml'];
    expect(second).toBe(first);
  });

  test('changing one value changes only that value, the mac and lastmodified', async () => {
    const dir = tempDir();
    const first = (await synthSecrets(dir, [dbSecret()], options('2026-01-02T03:04:05Z')))['db-credentials.k8s.yaml'];
    const undo = setEnv({ TEST_DB_USER: 'payments_app_v2' });
    let second: string;
    try {
      second = (await synthSecrets(dir, [dbSecret()], options('2026-06-07T08:09:10Z')))['db-credentials.k8s.yaml'];
    } finally {
      undo();
    }
    const a = first.split('\n');
    const b = second.split('\n');
    expect(b).toHaveLength(a.length);
    const changed = a.map((line, i) => (line === b[i] ? undefined : b[i].trim().split(':')[0])).filter((x) => x !== undefined);
    expect(changed).toEqual(['username', 'lastmodified', 'mac']);
    expect(parse(second).sops.lastmodified).toBe('2026-06-07T08:09:10Z');
  });

  test('finds the previous file by namespace and name in previousDir, wherever it lies', async () => {
    const gitops = tempDir();
    const first = (await synthSecrets(tempDir(), [dbSecret()], options()))['db-credentials.k8s.yaml'];
    fs.mkdirSync(path.join(gitops, 'payments'));
    fs.writeFileSync(path.join(gitops, 'payments', 'secret.yaml'), first);
    const second = (await synthSecrets(tempDir(), [dbSecret()], { ...options('2027-01-01T00:00:00Z'), previousDir: gitops }))['db-credentials.k8s.yaml'];
    expect(second).toBe(first);
  });

  test('re-encrypts with a new data key when the recipients change', async () => {
    const dir = tempDir();
    const first = parse((await synthSecrets(dir, [dbSecret()], options()))['db-credentials.k8s.yaml']);
    const other = await ageKeyPair();
    const second = parse((await synthSecrets(dir, [dbSecret({ recipients: [SopsRecipient.age(keys.recipient), SopsRecipient.age(other.recipient)] })], options()))['db-credentials.k8s.yaml']);
    expect(second.sops.age.map((a: { recipient: string }) => a.recipient)).toEqual([keys.recipient, other.recipient]);
    expect(second.data.password).not.toBe(first.data.password);
    const withOther = await decryptSopsYaml(fs.readFileSync(path.join(dir, 'db-credentials.k8s.yaml'), 'utf8'), { ageIdentities: [other.identity] }, 'f');
    expect(withOther.documents).toHaveLength(1);
  });

  test('computes the MAC over what is written: JSON patches, and values go-yaml retypes (0o17 reads as 15)', async () => {
    const dir = tempDir();
    const app = new App({ outdir: dir });
    const secret = new EncryptedSecret(app, 'db-credentials', dbSecret({ labels: { 'team.example.com/octal': '0o17' } }).props);
    ApiObject.of(secret).addJsonPatch(JsonPatch.add('/metadata/annotations', { 'example.com/reviewed': 'true' }));
    await EncryptedSecret.prepareAll(app, options());
    app.synth();
    const text = readTree(dir)['db-credentials.k8s.yaml'];
    expect(text).toContain('team.example.com/octal: 0o17');
    expect(text).toContain('example.com/reviewed: "true"');
    await expect(decryptSopsYaml(text, { ageIdentities: [keys.identity] }, 'f')).resolves.toBeDefined();
  });

  test('mounts: exposes the Secret name, namespace and keys, never values', () => {
    const app = Testing.app();
    const secret = new EncryptedSecret(app, 'db-credentials', dbSecret().props);
    expect(secret.secretName).toBe('db-credentials');
    expect(secret.secretNamespace).toBe('payments');
    expect(secret.keys).toEqual(['greeting', 'password', 'username']);
  });

  test('takes the namespace of the enclosing chart by default', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'apps', { namespace: 'billing' });
    const { namespace: _ignored, ...props } = dbSecret().props;
    expect(new EncryptedSecret(chart, 'db', props).secretNamespace).toBe('billing');
  });
});

describe('EncryptedSecret refusals', () => {
  const refusal = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected a refusal');
  };

  test('fails synth with the exact call to make when prepareAll was not awaited', () => {
    const app = Testing.app();
    new EncryptedSecret(app, 'db-credentials', dbSecret().props);
    expect(refusal(() => app.synthYaml())).toContain(
      "EncryptedSecret 'payments/db-credentials' is not encrypted yet. Fix: call `await EncryptedSecret.prepareAll(app)` after defining every construct and before `app.synth()`",
    );
  });

  test('refuses an environment variable that is not set, naming it but no value', () => {
    const app = Testing.app();
    expect(refusal(() => new EncryptedSecret(app, 'db', dbSecret({ data: { password: SecretValue.fromEnv('TEST_UNSET_VARIABLE_XYZ') } }).props))).toBe(
      "[db] EncryptedSecret prop 'data' value 'password' reads environment variable TEST_UNSET_VARIABLE_XYZ, which is not set.\n"
      + 'Practice HK-SECRETS-001 (No plaintext Secret data in synthesized YAML) refuses it.\n'
      + 'Fix: set the variable or create the file outside the repository before synthesizing',
    );
  });

  test('refuses a file inside the git work tree', () => {
    const app = Testing.app();
    const inRepo = path.join(__dirname, 'helpers.ts');
    expect(refusal(() => new EncryptedSecret(app, 'db', dbSecret({ data: { password: SecretValue.fromFile(inRepo) } }).props)))
      .toMatch(/^\[db\] EncryptedSecret prop 'data' value 'password' reads file .*helpers\.ts, which is inside the git work tree /);
  });

  test('refuses a literal value', () => {
    const app = Testing.app();
    expect(refusal(() => new EncryptedSecret(app, 'db', dbSecret({ data: { password: 'hunter2' as unknown as SecretValue } }).props))).toBe(
      "[db] EncryptedSecret prop 'data' has a plain value for 'password'.\n"
      + 'Practice HK-SECRETS-001 (No plaintext Secret data in synthesized YAML) refuses it.\n'
      + 'Fix: read it with SecretValue.fromEnv(), .fromFile() or .fromStdin(); never write a secret in program text',
    );
  });

  test('refuses a label key that encrypted_regex would encrypt', () => {
    const app = Testing.app();
    expect(refusal(() => new EncryptedSecret(app, 'db', dbSecret({ labels: { data: 'x' } }).props))).toMatch(
      /^\[db\] EncryptedSecret prop 'labels' has the key 'data', which encrypted_regex \^\(data\|stringData\)\$ would encrypt/,
    );
  });

  test('refuses a malformed KMS ARN and a missing recipient', () => {
    const app = Testing.app();
    expect(refusal(() => new EncryptedSecret(app, 'a', dbSecret({ recipients: [SopsRecipient.kms('alias/gitops')] }).props)))
      .toMatch(/^\[a\] EncryptedSecret prop 'recipients' has 'alias\/gitops', which is not a KMS key or alias ARN/);
    expect(refusal(() => new EncryptedSecret(app, 'b', dbSecret({ recipients: [] }).props)))
      .toMatch(/^\[b\] EncryptedSecret prop 'recipients' is empty\./);
  });

  test('refuses FILE_PER_APP output, which would mix the SOPS document with other objects', async () => {
    const app = new App({ outdir: tempDir(), yamlOutputType: YamlOutputType.FILE_PER_APP });
    new EncryptedSecret(app, 'db-credentials', dbSecret().props);
    await expect(EncryptedSecret.prepareAll(app, options())).rejects.toThrow(/^\[db-credentials\] EncryptedSecret prop 'app.yamlOutputType' is FILE_PER_APP/);
  });

  test('refuses a previous file it cannot open, and writes nothing', async () => {
    const dir = tempDir();
    await synthSecrets(dir, [dbSecret()], options());
    const stranger = await ageKeyPair();
    const out = tempDir();
    const err = await synthSecrets(out, [dbSecret()], { ageIdentities: [stranger.identity], previousDir: dir }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^\[db-credentials\] EncryptedSecret prop 'recipients' could not be encrypted: previous file .*db-credentials\.k8s\.yaml: no available key unwraps the data key/);
    expect((err as Error).message).toMatch(/Fix: set SOPS_AGE_KEY_FILE .*; or delete .*db-credentials\.k8s\.yaml so this synth encrypts afresh/);
    expect(readTree(out)).toEqual({});
  });
});
