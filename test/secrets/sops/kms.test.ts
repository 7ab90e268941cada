import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { parse } from 'yaml';
import { ageKeyPair, fixedClock, readTree, setEnv, synthSecrets, tempDir } from './helpers';
import { EncryptedSecretProps } from '../../../lib/secrets/encrypted-secret';
import { SecretValue } from '../../../lib/secrets/secret-value';
import { decryptSopsYaml } from '../../../lib/secrets/sops/decrypt';
import { SopsRecipient } from '../../../lib/secrets/sops-recipient';
import { LocalKmsServer, TEST_CREDENTIALS } from '../../support/kms-server';

const CANARY = 'kms-canary-7d1f0c2a-value';
let kms: LocalKmsServer;
let keys: { identity: string; recipient: string };
let restore: () => void;

beforeAll(async () => {
  kms = await LocalKmsServer.start();
  keys = await ageKeyPair();
  restore = setEnv({ TEST_KMS_SECRET: CANARY });
});
afterAll(async () => {
  restore();
  await kms.stop();
});
beforeEach(() => kms.reset());

function secret(name: string, recipients: SopsRecipient[]): { id: string; props: EncryptedSecretProps } {
  return { id: name, props: { name, namespace: 'payments', stringData: { token: SecretValue.fromEnv('TEST_KMS_SECRET') }, recipients } };
}
/** What a CI job would export to reach the local endpoint through the SDK's own chain. */
function sdkEnvironment(): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_KMS: kms.endpoint,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PROFILE: '',
  };
}
const clients = (maxAttempts = 1) => ({ kmsClient: () => kms.client({ maxAttempts }), clock: fixedClock('2026-03-04T05:06:07Z'), ageIdentities: [] as string[] });

describe('EncryptedSecret with AWS KMS (local endpoint, real SDK)', () => {
  test('wraps the data key with GenerateDataKey under the key ARN and the default encryption context', async () => {
    const text = (await synthSecrets(tempDir(), [secret('api', [SopsRecipient.kms(kms.defaultKey.aliasArn)])], clients()))['api.k8s.yaml'];
    const entry = parse(text).sops.kms[0];
    expect(Object.keys(entry)).toEqual(['arn', 'aws_profile', 'context', 'created_at', 'enc']);
    expect(entry.arn).toBe(kms.defaultKey.arn);
    expect(entry.aws_profile).toBe('');
    expect(entry.context).toEqual({ 'cdk8s-hardened/namespace': 'payments', 'cdk8s-hardened/secret': 'api' });
    expect(entry.created_at).toBe('2026-03-04T05:06:07Z');
    expect(entry.enc).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(kms.requests.map((r) => [r.operation, r.keyId, r.context])).toEqual([
      ['GenerateDataKey', kms.defaultKey.aliasArn, { 'cdk8s-hardened/namespace': 'payments', 'cdk8s-hardened/secret': 'api' }],
    ]);
  });

  test('the default client follows the SDK chain unchanged (AWS_ENDPOINT_URL_KMS, AWS_ACCESS_KEY_ID, ...)', async () => {
    const undo = setEnv(sdkEnvironment());
    try {
      const files = await synthSecrets(tempDir(), [secret('api', [SopsRecipient.kms(kms.defaultKey.arn)])], { clock: fixedClock('2026-03-04T05:06:07Z'), ageIdentities: [] });
      expect(parse(files['api.k8s.yaml']).sops.kms[0].arn).toBe(kms.defaultKey.arn);
      expect(kms.requests.map((r) => r.operation)).toEqual(['GenerateDataKey']);
    } finally {
      undo();
    }
  });

  test('decrypts through KMS Decrypt and verifies the MAC', async () => {
    const text = (await synthSecrets(tempDir(), [secret('api', [SopsRecipient.kms(kms.defaultKey.arn)])], clients()))['api.k8s.yaml'];
    const out = await decryptSopsYaml(text, { kmsClients: () => kms.client() }, 'api');
    expect(out.stash.get('stringData:token:#0')!.plaintext.toString()).toBe(CANARY);
  });

  test('wraps the same data key for KMS and age; either one decrypts', async () => {
    const second = kms.createKey();
    const text = (await synthSecrets(tempDir(), [secret('api', [
      SopsRecipient.kms(kms.defaultKey.arn), SopsRecipient.kms(second.arn, { context: { team: 'payments' } }), SopsRecipient.age(keys.recipient),
    ])], clients()))['api.k8s.yaml'];
    expect(kms.requests.map((r) => r.operation)).toEqual(['GenerateDataKey', 'Encrypt']);
    const sops = parse(text).sops;
    expect(sops.kms.map((k: { arn: string }) => k.arn)).toEqual([kms.defaultKey.arn, second.arn]);
    expect(sops.kms[1].context).toEqual({ team: 'payments' });
    const viaAge = await decryptSopsYaml(text, { ageIdentities: [keys.identity] }, 'api');
    const viaKms = await decryptSopsYaml(text, { kmsClients: () => kms.client() }, 'api');
    expect(viaAge.dataKey.equals(viaKms.dataKey)).toBe(true);
  });

  test('re-synthesis reuses the previous data key with one Decrypt and is byte-identical', async () => {
    const dir = tempDir();
    const recipients = [SopsRecipient.kms(kms.defaultKey.aliasArn)];
    const first = (await synthSecrets(dir, [secret('api', recipients)], clients()))['api.k8s.yaml'];
    kms.reset();
    const second = (await synthSecrets(dir, [secret('api', recipients)], { ...clients(), clock: fixedClock('2027-01-01T00:00:00Z') }))['api.k8s.yaml'];
    expect(second).toBe(first);
    expect(kms.requests.map((r) => r.operation).sort()).toEqual(['Decrypt', 'DescribeKey']);
  });

  test('issues the data-key operations of many secrets concurrently, one per secret', async () => {
    const slow = await LocalKmsServer.start({ latencyMs: 1000 });
    try {
      const names = Array.from({ length: 8 }, (_, i) => `secret-${i}`);
      const secrets = names.map((n) => secret(n, [SopsRecipient.kms(slow.defaultKey.arn)]));
      await synthSecrets(tempDir(), secrets, { ...clients(), kmsClient: () => slow.client() });
      expect(slow.requests.filter((r) => r.operation === 'GenerateDataKey')).toHaveLength(8);
      expect(slow.requests).toHaveLength(8);
      expect(slow.maxInFlight).toBe(8);
    } finally {
      await slow.stop();
    }
  });

  describe('faults give a clear synth error and leave no file', () => {
    const expectRefusal = async (setup: () => void, expected: RegExp, maxAttempts = 1, arn = kms.defaultKey.arn) => {
      setup();
      const out = tempDir();
      const err = await synthSecrets(out, [secret('api', [SopsRecipient.kms(arn)])], clients(maxAttempts)).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(expected);
      expect((err as Error).message).not.toContain(CANARY);
      expect(readTree(out)).toEqual({});
    };

    test('throttling is retried as the SDK does, then reported', async () => {
      await expectRefusal(() => kms.injectFault({ kind: 'throttling' }),
        /^\[api\] EncryptedSecret prop 'recipients' could not be encrypted: KMS GenerateDataKey with key arn:aws:kms:eu-west-1:111122223333:key\/[0-9a-f-]+ was throttled after 2 attempts \(ThrottlingException\)\.\nFix: synth again in a moment, or raise the account's KMS request quota for the region$/, 2);
      expect(kms.requests).toHaveLength(2);
    });

    test('a throttle that clears on retry succeeds', async () => {
      kms.injectFault({ kind: 'throttling', times: 1 });
      const files = await synthSecrets(tempDir(), [secret('api', [SopsRecipient.kms(kms.defaultKey.arn)])], clients(3));
      expect(Object.keys(files)).toEqual(['api.k8s.yaml']);
      expect(kms.requests.map((r) => r.status)).toEqual([400, 200]);
    });

    test('AccessDenied names the operation, the key and the permission to grant', async () => {
      await expectRefusal(() => kms.injectFault({ kind: 'accessDenied' }),
        /could not be encrypted: KMS GenerateDataKey with key .* failed: the caller is not allowed kms:GenerateDataKey on this key \(AccessDeniedException\)\.\nFix: grant kms:GenerateDataKey on the key to the identity the AWS credential chain resolves/);
    });

    test('an unknown alias is NotFound', async () => {
      await expectRefusal(() => undefined, /KMS GenerateDataKey with key arn:aws:kms:eu-west-1:111122223333:alias\/missing failed: the key or alias does not exist \(NotFoundException\)\.\nFix: check the ARN's account, region and key id or alias name/,
        1, kms.aliasArn('missing'));
    });

    test('a disabled key says how to enable it', async () => {
      const key = kms.createKey();
      kms.setEnabled(key.keyId, false);
      await expectRefusal(() => undefined, /failed: the key is disabled or pending deletion \(DisabledException\)\.\nFix: enable the key/, 1, key.arn);
    });

    test('5xx is retried and reported as a server error', async () => {
      await expectRefusal(() => kms.injectFault({ kind: 'internal' }),
        /KMS GenerateDataKey with key .* failed with a KMS server error after 2 attempts \(KMSInternalException, HTTP 500\)\.\nFix: synth again later/, 2);
      expect(kms.requests).toHaveLength(2);
    });

    test('a KMS that does not answer times out (default client, kmsTimeout)', async () => {
      kms.injectFault({ kind: 'timeout' });
      const out = tempDir();
      const undo = setEnv(sdkEnvironment());
      try {
        const err = await synthSecrets(out, [secret('api', [SopsRecipient.kms(kms.defaultKey.arn)])], {
          clock: fixedClock('2026-03-04T05:06:07Z'), ageIdentities: [], kmsTimeout: Duration.millis(200),
        }).catch((e: Error) => e);
        expect((err as Error).message).toMatch(/KMS GenerateDataKey with key .* got no answer in time after 3 attempts \(TimeoutError\)\.\nFix: check network access to the KMS endpoint/);
      } finally {
        undo();
      }
      expect(readTree(out)).toEqual({});
    });

    test('a changed encryption context in the previous file is refused on Decrypt (InvalidCiphertext)', async () => {
      const dir = tempDir();
      await synthSecrets(dir, [secret('api', [SopsRecipient.kms(kms.defaultKey.arn, { context: { team: 'payments' } })])], clients());
      const file = path.join(dir, 'api.k8s.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('team: payments', 'team: billing'));
      const err = await synthSecrets(dir, [secret('api', [SopsRecipient.kms(kms.defaultKey.arn, { context: { team: 'billing' } })])], clients()).catch((e: Error) => e);
      expect((err as Error).message).toMatch(/KMS Decrypt with key .* failed: KMS refused the wrapped data key, so its encryption context or ciphertext was changed \(InvalidCiphertextException\)\.\nFix: restore the file's sops\.kms entry from version control.*; or delete .*api\.k8s\.yaml so this synth encrypts afresh/);
    });
  });
});
