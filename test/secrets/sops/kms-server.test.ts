import { DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { LocalKmsServer } from '../../support/kms-server';

let kms: LocalKmsServer;
beforeAll(async () => {
  kms = await LocalKmsServer.start();
});
afterAll(() => kms.stop());

const errorName = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.name);

describe('local KMS endpoint', () => {
  test('rejects a request signed with the wrong secret (InvalidSignatureException)', async () => {
    const client = kms.client({ credentials: { accessKeyId: 'AKIDLOCALSTANDIN', secretAccessKey: 'wrong' } });
    await expect(errorName(client.send(new DescribeKeyCommand({ KeyId: kms.defaultKey.arn })))).resolves.toBe('InvalidSignatureException');
  });

  test('rejects an unknown access key (UnrecognizedClientException)', async () => {
    const client = kms.client({ credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'local-stand-in-secret' } });
    await expect(errorName(client.send(new DescribeKeyCommand({ KeyId: kms.defaultKey.arn })))).resolves.toBe('UnrecognizedClientException');
  });

  test('rejects a signature scoped to another region', async () => {
    const client = kms.client({ region: 'us-east-1' });
    await expect(errorName(client.send(new DescribeKeyCommand({ KeyId: kms.defaultKey.arn })))).resolves.toBe('InvalidSignatureException');
  });

  test('resolves aliases to the key ARN', async () => {
    const out = await kms.client().send(new DescribeKeyCommand({ KeyId: 'alias/cdk8s-hardened-test' }));
    expect(out.KeyMetadata?.Arn).toBe(kms.defaultKey.arn);
  });

  test('binds ciphertexts to the encryption context and the key', async () => {
    const client = kms.client();
    const other = kms.createKey();
    const { CiphertextBlob, KeyId } = await client.send(new EncryptCommand({ KeyId: kms.defaultKey.aliasArn, Plaintext: Buffer.alloc(32, 1), EncryptionContext: { a: 'b' } }));
    expect(KeyId).toBe(kms.defaultKey.arn);
    const plain = await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { a: 'b' } }));
    expect(Buffer.from(plain.Plaintext!).equals(Buffer.alloc(32, 1))).toBe(true);
    await expect(errorName(client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { a: 'c' } })))).resolves.toBe('InvalidCiphertextException');
    await expect(errorName(client.send(new DecryptCommand({ CiphertextBlob })))).resolves.toBe('InvalidCiphertextException');
    await expect(errorName(client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { a: 'b' }, KeyId: other.arn })))).resolves.toBe('IncorrectKeyException');
  });

  test('GenerateDataKey needs exactly one of KeySpec and NumberOfBytes', async () => {
    const client = kms.client();
    await expect(errorName(client.send(new GenerateDataKeyCommand({ KeyId: kms.defaultKey.arn })))).resolves.toBe('ValidationException');
    const out = await client.send(new GenerateDataKeyCommand({ KeyId: kms.defaultKey.arn, KeySpec: 'AES_256' }));
    expect(out.Plaintext).toHaveLength(32);
  });

  test('answers another account\'s ARN with NotFoundException and a malformed ARN with InvalidArnException', async () => {
    const client = kms.client();
    await expect(errorName(client.send(new DescribeKeyCommand({ KeyId: `arn:aws:kms:eu-west-1:999999999999:key/${kms.defaultKey.keyId}` })))).resolves.toBe('NotFoundException');
    await expect(errorName(client.send(new DescribeKeyCommand({ KeyId: 'arn:aws:kms:nope' })))).resolves.toBe('InvalidArnException');
  });
});
