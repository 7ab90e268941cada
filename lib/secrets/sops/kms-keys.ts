import type { DecryptCommandOutput, DescribeKeyCommandOutput, EncryptCommandOutput, GenerateDataKeyCommandOutput } from '@aws-sdk/client-kms';
import { KmsKeyEntry } from './metadata';
import { SopsError } from './sops-error';
import { DATA_KEY_BYTES } from './value-cipher';

/** The ARN form sops accepts in `sops.kms[].arn` (it takes the region from it). */
export const KMS_ARN = /^arn:aws[\w-]*:kms:(.+):[0-9]+:(key|alias)\/.+$/;

/**
 * The one method of an AWS SDK v3 client the library calls; a `KMSClient` of `@aws-sdk/client-kms` satisfies it.
 * Declared here so that the SDK's own declarations, which need newer Node typings than a stock cdk8s project has,
 * stay out of the library's public API.
 */
export interface IKmsClient {
  /** Sends one `@aws-sdk/client-kms` command (GenerateDataKey, Encrypt, Decrypt, DescribeKey) and resolves its output. */
  send(command: object): Promise<unknown>;
}

/** Returns the KMS client for a region; one client per region is shared by every file of a synth. */
export type KmsClientProvider = (region: string) => IKmsClient;

type KmsSdk = typeof import('@aws-sdk/client-kms');

/** The SDK is loaded on the first KMS call: the audit CLI and apps without KMS recipients never pay its start-up. */
function kmsSdk(): KmsSdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@aws-sdk/client-kms') as KmsSdk;
}

/**
 * A `KMSClient` for the region with the SDK's standard credential and endpoint chain (AWS_PROFILE,
 * AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL_KMS, ...), failing a request after `timeoutMs` when one is given.
 */
export function defaultKmsClient(region: string, timeoutMs?: number): IKmsClient {
  const { KMSClient } = kmsSdk();
  return new KMSClient({
    region,
    ...(timeoutMs === undefined ? {} : { requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs, throwOnRequestTimeout: true } }),
  });
}

/** Resolves the key ARN an alias points at (`kms:DescribeKey`); the alias itself when KMS names no ARN. */
export async function describeKeyArn(clients: KmsClientProvider, arn: string): Promise<string> {
  try {
    const out = await clients(regionOfArn(arn)).send(new (kmsSdk().DescribeKeyCommand)({ KeyId: arn })) as DescribeKeyCommandOutput;
    return out.KeyMetadata?.Arn ?? arn;
  } catch (e) {
    throw kmsFailure(e, 'DescribeKey', arn);
  }
}

/** The KMS operation a failure happened in, as IAM names it. */
export type KmsOperation = 'GenerateDataKey' | 'Encrypt' | 'Decrypt' | 'DescribeKey';

/** The region inside a KMS key or alias ARN. */
export function regionOfArn(arn: string): string {
  const m = KMS_ARN.exec(arn);
  if (!m) throw new SopsError(`'${arn}' is not a KMS key or alias ARN`, 'use arn:aws:kms:<region>:<account>:key/<id> or arn:aws:kms:<region>:<account>:alias/<name>');
  return m[1];
}

/** A client provider that builds each region's client once, with the SDK's standard credential and endpoint chain. */
export function cachingKmsClientProvider(factory: (region: string) => IKmsClient): KmsClientProvider {
  const clients = new Map<string, IKmsClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = factory(region);
      clients.set(region, client);
    }
    return client;
  };
}

/**
 * Asks KMS for a fresh data key under the first KMS key: one call yields both the plaintext key and the blob that
 * `kms:Decrypt` opens like an `Encrypt` result. The entry's `arn` is the key ARN KMS answers with, never an alias,
 * so that a repointed alias cannot make the file undecryptable.
 */
export async function generateDataKey(
  clients: KmsClientProvider,
  arn: string,
  context: Record<string, string> | undefined,
  createdAt: string,
): Promise<{ dataKey: Buffer; entry: KmsKeyEntry }> {
  try {
    const out = await clients(regionOfArn(arn)).send(new (kmsSdk().GenerateDataKeyCommand)({ KeyId: arn, KeySpec: 'AES_256', EncryptionContext: context ?? {} })) as GenerateDataKeyCommandOutput;
    if (!out.Plaintext || out.Plaintext.length !== DATA_KEY_BYTES || !out.CiphertextBlob) {
      throw new SopsError(`KMS GenerateDataKey with key ${arn} returned no 32-byte data key`, 'check that the key is a symmetric ENCRYPT_DECRYPT key');
    }
    return {
      dataKey: Buffer.from(out.Plaintext),
      entry: { arn: out.KeyId ?? arn, context, createdAt, enc: Buffer.from(out.CiphertextBlob).toString('base64'), awsProfile: '' },
    };
  } catch (e) {
    throw kmsFailure(e, 'GenerateDataKey', arn);
  }
}

/** Wraps an existing data key with one more KMS key (`kms:Encrypt`), as sops does for every KMS entry. */
export async function encryptDataKey(
  clients: KmsClientProvider,
  arn: string,
  context: Record<string, string> | undefined,
  dataKey: Buffer,
  createdAt: string,
): Promise<KmsKeyEntry> {
  try {
    const command = new (kmsSdk().EncryptCommand)({ KeyId: arn, Plaintext: dataKey, EncryptionContext: context ?? {} });
    const out = await clients(regionOfArn(arn)).send(command) as EncryptCommandOutput;
    if (!out.CiphertextBlob) throw new SopsError(`KMS Encrypt with key ${arn} returned no ciphertext`, 'check that the key is a symmetric ENCRYPT_DECRYPT key');
    return { arn: out.KeyId ?? arn, context, createdAt, enc: Buffer.from(out.CiphertextBlob).toString('base64'), awsProfile: '' };
  } catch (e) {
    throw kmsFailure(e, 'Encrypt', arn);
  }
}

/** Unwraps the data key of one `sops.kms[]` entry (`kms:Decrypt` with the entry's ARN and context). */
export async function decryptDataKey(clients: KmsClientProvider, entry: KmsKeyEntry): Promise<Buffer> {
  try {
    const out = await clients(regionOfArn(entry.arn)).send(new (kmsSdk().DecryptCommand)({
      KeyId: entry.arn,
      CiphertextBlob: Buffer.from(entry.enc, 'base64'),
      EncryptionContext: entry.context ?? {},
    })) as DecryptCommandOutput;
    if (!out.Plaintext || out.Plaintext.length !== DATA_KEY_BYTES) {
      throw new SopsError(`KMS Decrypt with key ${entry.arn} did not return a 32-byte data key`, 'restore the file from version control');
    }
    return Buffer.from(out.Plaintext);
  } catch (e) {
    throw kmsFailure(e, 'Decrypt', entry.arn);
  }
}

interface SdkError {
  readonly name?: string;
  readonly code?: string;
  readonly $fault?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
}

/**
 * Turns an SDK failure into a message naming the operation, the key and the way out. The SDK's own message is left
 * out: it is not ours to vouch for, and the error name says what happened.
 */
export function kmsFailure(error: unknown, op: KmsOperation, arn: string): SopsError {
  if (SopsError.isSopsError(error)) return error;
  const e = (error ?? {}) as SdkError;
  const name = e.name ?? 'Error';
  const attempts = e.$metadata?.attempts;
  const after = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  const what = `KMS ${op} with key ${arn}`;
  switch (name) {
    case 'NotFoundException':
      return new SopsError(`${what} failed: the key or alias does not exist (NotFoundException)`,
        'check the ARN\'s account, region and key id or alias name, or create the key');
    case 'AccessDeniedException':
      return new SopsError(`${what} failed: the caller is not allowed kms:${op} on this key (AccessDeniedException)`,
        `grant kms:${op} on the key to the identity the AWS credential chain resolves (AWS_PROFILE, AWS_ACCESS_KEY_ID, role), or run with one that has it`);
    case 'DisabledException':
    case 'KMSInvalidStateException':
      return new SopsError(`${what} failed: the key is disabled or pending deletion (${name})`,
        'enable the key (aws kms enable-key, or cancel its deletion), or wrap with another key');
    case 'InvalidCiphertextException':
      return new SopsError(`${what} failed: KMS refused the wrapped data key, so its encryption context or ciphertext was changed (InvalidCiphertextException)`,
        'restore the file\'s sops.kms entry from version control, or delete the file so the next synth encrypts afresh from the plaintext source');
    case 'IncorrectKeyException':
      return new SopsError(`${what} failed: the wrapped data key belongs to another KMS key (IncorrectKeyException)`,
        'restore the file\'s sops.kms entry from version control, or delete the file so the next synth encrypts afresh');
    case 'ThrottlingException':
    case 'LimitExceededException':
      return new SopsError(`${what} was throttled${after} (${name})`,
        'synth again in a moment, or raise the account\'s KMS request quota for the region');
    case 'TimeoutError':
    case 'RequestTimeout':
    case 'RequestTimeoutException':
      return new SopsError(`${what} got no answer in time${after} (${name})`,
        'check network access to the KMS endpoint (AWS_REGION, AWS_ENDPOINT_URL_KMS, proxies), or raise kmsTimeout');
    case 'CredentialsProviderError':
      return new SopsError(`${what} failed: no AWS credentials were found (CredentialsProviderError)`,
        'set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role is available');
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
      return new SopsError(`${what} failed: KMS rejected the request signature or access key (${name})`,
        'check the AWS credentials and the region of the ARN');
    default:
      if (e.code && /^E[A-Z]+$/.test(e.code)) {
        return new SopsError(`${what} could not reach KMS${after} (${e.code})`,
          'check network access to the KMS endpoint (AWS_REGION, AWS_ENDPOINT_URL_KMS, proxies)');
      }
      if (e.$fault === 'server' || (e.$metadata?.httpStatusCode ?? 0) >= 500) {
        return new SopsError(`${what} failed with a KMS server error${after} (${name}, HTTP ${e.$metadata?.httpStatusCode ?? '5xx'})`,
          'synth again later; if it persists check the AWS health dashboard for KMS in the region');
      }
      return new SopsError(`${what} failed (${name})`, 'check the key ARN, the credentials and network access to KMS');
  }
}
