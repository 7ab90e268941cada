import * as fs from 'fs';
import * as path from 'path';
import { readTree, setEnv, synthSecrets, tempDir, ageKeyPair, fixedClock } from './helpers';
import { SecretValue } from '../../../lib/secrets/secret-value';
import { SopsRecipient } from '../../../lib/secrets/sops-recipient';
import { CANARIES, leakForms } from '../../support/canaries';
import { LocalKmsServer } from '../../support/kms-server';

const CANARY_VALUES = [CANARIES.sopsEnv, CANARIES.sopsFile];

describe('canary: SOPS plaintext never leaks', () => {
  let kms: LocalKmsServer;
  const output: string[] = [];
  const spies: jest.SpyInstance[] = [];
  let restore: () => void;

  beforeAll(async () => {
    kms = await LocalKmsServer.start();
    const dir = tempDir('cdk8s-hardened-canary-src-');
    fs.writeFileSync(path.join(dir, 'token'), CANARIES.sopsFile);
    restore = setEnv({ CANARY_SOPS_PASSWORD: CANARIES.sopsEnv, CANARY_SOPS_TOKEN_FILE: path.join(dir, 'token') });
    for (const stream of [process.stdout, process.stderr]) {
      spies.push(jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown) => {
        output.push(String(chunk));
        return true;
      }) as never));
    }
    for (const method of ['log', 'warn', 'error', 'info', 'debug'] as const) {
      spies.push(jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        output.push(args.map(String).join(' '));
      }));
    }
  });
  afterAll(async () => {
    for (const s of spies) s.mockRestore();
    restore();
    await kms.stop();
  });

  test('no emitted file, thrown message, log line or console output holds a canary (raw, base64, hex)', async () => {
    const age = await ageKeyPair();
    const secret = (recipients: SopsRecipient[]) => [{
      id: 'canary',
      props: {
        name: 'canary',
        namespace: 'payments',
        recipients,
        data: { password: SecretValue.fromEnv('CANARY_SOPS_PASSWORD') },
        stringData: { token: SecretValue.fromFile(process.env.CANARY_SOPS_TOKEN_FILE!) },
      },
    }];
    const options = { kmsClient: () => kms.client(), ageIdentities: [age.identity], clock: fixedClock('2026-01-01T00:00:00Z') };
    const dir = tempDir();
    const texts: string[] = [];
    await synthSecrets(dir, secret([SopsRecipient.kms(kms.defaultKey.arn), SopsRecipient.age(age.recipient)]), options);
    await synthSecrets(dir, secret([SopsRecipient.kms(kms.defaultKey.arn), SopsRecipient.age(age.recipient)]), options);
    texts.push(...Object.values(readTree(dir)));
    for (const kind of ['accessDenied', 'throttling', 'internal', 'notFound', 'disabled'] as const) {
      kms.reset();
      kms.injectFault({ kind });
      const failedDir = tempDir();
      const err = await synthSecrets(failedDir, secret([SopsRecipient.kms(kms.defaultKey.arn)]), options).catch((e: Error) => e);
      texts.push(String((err as Error).message), String((err as Error).stack));
      texts.push(...Object.values(readTree(failedDir)));
    }
    kms.reset();
    texts.push(JSON.stringify(kms.requests));
    expect(texts.length).toBeGreaterThan(10);
    const haystack = [...texts, ...output].join('\n');
    const hits = CANARY_VALUES.flatMap(leakForms).filter((f) => haystack.includes(f));
    expect(hits).toEqual([]);
    expect(haystack).toContain('ENC[AES256_GCM,');
  });
});
