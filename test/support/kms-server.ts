import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomUUID } from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
import { KMSClient, KMSClientConfig } from '@aws-sdk/client-kms';

/**
 * A local AWS KMS stand-in for tests: the real `@aws-sdk/client-kms` talks to it over AWS JSON 1.1
 * (`X-Amz-Target: TrentService.<op>`) with SigV4-signed requests on 127.0.0.1. Ciphertext blobs are AES-GCM under
 * per-key material with the key id and the canonical encryption context as AAD, so a changed context, another key or
 * another server's blob fails like real KMS. Faults (throttling, AccessDenied, NotFound, disabled keys, 5xx,
 * timeouts) are injected per test; every request is recorded (operation, KeyId, context, never plaintext).
 */

/** Static credentials the server accepts. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDLOCALSTANDIN', secretAccessKey: 'local-stand-in-secret' };

/** A fault to inject. */
export type KmsFaultKind = 'throttling' | 'accessDenied' | 'notFound' | 'disabled' | 'internal' | 'timeout' | 'incorrectKey';

/** Which requests a fault hits and how often. */
export interface KmsFault {
  /** The fault. */
  readonly kind: KmsFaultKind;
  /** Only this operation (e.g. `Decrypt`); every operation when absent. */
  readonly operation?: string;
  /** How many requests it hits; every one when absent. */
  readonly times?: number;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  /** `Encrypt`, `Decrypt`, `GenerateDataKey`, `DescribeKey`, ... */
  readonly operation: string;
  /** The KeyId member sent, if any. */
  readonly keyId?: string;
  /** The EncryptionContext member sent, if any. */
  readonly context?: Record<string, string>;
  /** The HTTP status answered. */
  status?: number;
}

interface KeyRecord {
  readonly keyId: string;
  readonly arn: string;
  readonly material: Buffer;
  enabled: boolean;
}

class KmsRequestError extends Error {
  constructor(public readonly status: number, public readonly type: string, message?: string, public readonly messageField = 'message') {
    super(message ?? type);
  }
}

const BLOB_MAGIC = Buffer.from('LKMS1', 'utf8');

/** The local KMS endpoint. */
export class LocalKmsServer {
  /** Starts a server on 127.0.0.1 with an ephemeral port and one enabled key with alias `alias/cdk8s-hardened-test`. */
  public static async start(options: { region?: string; account?: string; latencyMs?: number } = {}): Promise<LocalKmsServer> {
    const server = new LocalKmsServer(options.region ?? 'eu-west-1', options.account ?? '111122223333', options.latencyMs ?? 0);
    await new Promise<void>((resolve) => server.http.listen(0, '127.0.0.1', resolve));
    return server;
  }

  /** Every request received, in arrival order. */
  public readonly requests: RecordedRequest[] = [];
  /** The most requests that were being handled at the same time. */
  public maxInFlight = 0;
  /** The default key. */
  public readonly defaultKey: { keyId: string; arn: string; aliasArn: string };

  private readonly http: http.Server;
  private readonly keys = new Map<string, KeyRecord>();
  private readonly aliases = new Map<string, string>();
  private faults: Array<{ fault: KmsFault; remaining: number }> = [];
  private inFlight = 0;
  private readonly hanging = new Set<http.ServerResponse>();

  private constructor(public readonly region: string, public readonly account: string, private readonly latencyMs: number) {
    this.http = http.createServer((req, res) => this.handle(req, res));
    const key = this.createKey();
    this.addAlias('cdk8s-hardened-test', key.keyId);
    this.defaultKey = { ...key, aliasArn: this.aliasArn('cdk8s-hardened-test') };
  }

  /** `http://127.0.0.1:<port>`. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Creates an enabled symmetric key. */
  public createKey(): { keyId: string; arn: string } {
    const keyId = randomUUID();
    const arn = `arn:aws:kms:${this.region}:${this.account}:key/${keyId}`;
    this.keys.set(keyId, { keyId, arn, material: randomBytes(32), enabled: true });
    return { keyId, arn };
  }

  /** Points `alias/<name>` at a key. */
  public addAlias(name: string, keyId: string): void {
    this.aliases.set(`alias/${name}`, keyId);
  }

  /** The ARN of `alias/<name>`. */
  public aliasArn(name: string): string {
    return `arn:aws:kms:${this.region}:${this.account}:alias/${name}`;
  }

  /** Disables (or re-enables) a key. */
  public setEnabled(keyId: string, enabled: boolean): void {
    this.keys.get(keyId)!.enabled = enabled;
  }

  /** Injects a fault. */
  public injectFault(fault: KmsFault): void {
    this.faults.push({ fault, remaining: fault.times ?? Infinity });
  }

  /** Removes every fault and forgets recorded requests. */
  public reset(): void {
    this.faults = [];
    this.requests.length = 0;
    this.maxInFlight = 0;
  }

  /** A real SDK client for this server (static test credentials, one attempt unless overridden). */
  public client(overrides: Partial<KMSClientConfig> = {}): KMSClient {
    return new KMSClient({ region: this.region, endpoint: this.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1, ...overrides });
  }

  /** Stops the server, dropping any request held by a timeout fault. */
  public async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const finish = (status: number, body: unknown) => {
        this.inFlight--;
        if (res.destroyed) return;
        res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID() });
        res.end(JSON.stringify(body));
      };
      const record: RecordedRequest = { operation: String(req.headers['x-amz-target'] ?? '').replace(/^TrentService\./, '') };
      let timeout = false;
      let result: { status: number; body: unknown };
      try {
        const body = Buffer.concat(chunks);
        this.verifyProtocol(req);
        this.verifySignature(req, body);
        const input = this.parseBody(body);
        Object.assign(record, { keyId: typeof input.KeyId === 'string' ? input.KeyId : undefined, context: input.EncryptionContext });
        this.requests.push(record);
        const fault = this.takeFault(record.operation);
        if (fault === 'timeout') timeout = true;
        else if (fault) throw faultError(fault, record.operation, String(input.KeyId ?? ''));
        result = { status: 200, body: this.dispatch(record.operation, input) };
      } catch (e) {
        if (!this.requests.includes(record)) this.requests.push(record);
        if (!(e instanceof KmsRequestError)) throw e;
        result = { status: e.status, body: { __type: e.type, [e.messageField]: e.message } };
      }
      record.status = timeout ? 0 : result.status;
      if (timeout) {
        this.hanging.add(res);
        res.on('close', () => {
          this.hanging.delete(res);
          this.inFlight--;
        });
        return;
      }
      setTimeout(() => finish(result.status, result.body), this.latencyMs);
    });
  }

  private verifyProtocol(req: http.IncomingMessage): void {
    if (req.method !== 'POST' || req.url !== '/') throw new KmsRequestError(400, 'UnknownOperationException');
    if (req.headers['content-type'] !== 'application/x-amz-json-1.1') throw new KmsRequestError(400, 'UnknownOperationException');
    const target = String(req.headers['x-amz-target'] ?? '');
    if (!/^TrentService\.(Encrypt|Decrypt|GenerateDataKey|DescribeKey)$/.test(target)) throw new KmsRequestError(400, 'UnknownOperationException');
  }

  /** SigV4: canonical request from the headers as received, scope `<date>/<region>/kms/aws4_request`. */
  private verifySignature(req: http.IncomingMessage, body: Buffer): void {
    const auth = String(req.headers.authorization ?? '');
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) throw new KmsRequestError(400, 'IncompleteSignatureException', 'Authorization header is malformed');
    const [, accessKey, date, region, service, signedHeaders, signature] = m;
    if (accessKey !== TEST_CREDENTIALS.accessKeyId) throw new KmsRequestError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    if (region !== this.region || service !== 'kms') throw new KmsRequestError(400, 'InvalidSignatureException', 'Credential should be scoped to a valid region and service \'kms\'.');
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    const when = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (!amzDate.startsWith(date) || Number.isNaN(when) || Math.abs(Date.now() - when) > 15 * 60 * 1000) {
      throw new KmsRequestError(400, 'InvalidSignatureException', 'Signature expired or not yet valid.');
    }
    const payloadHash = createHash('sha256').update(body).digest('hex');
    if (req.headers['x-amz-content-sha256'] !== undefined && req.headers['x-amz-content-sha256'] !== payloadHash) {
      throw new KmsRequestError(400, 'InvalidSignatureException', 'The provided body hash does not match.');
    }
    const names = signedHeaders.split(';');
    if (!names.includes('host')) throw new KmsRequestError(400, 'InvalidSignatureException', 'host must be signed.');
    const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
    const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, payloadHash].join('\n');
    const scope = `${date}/${region}/kms/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
    let key: Buffer = Buffer.from(`AWS4${TEST_CREDENTIALS.secretAccessKey}`, 'utf8');
    for (const part of [date, region, 'kms', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
    if (expected !== signature) {
      throw new KmsRequestError(400, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
    }
  }

  private parseBody(body: Buffer): Record<string, any> {
    try {
      const parsed = JSON.parse(body.toString('utf8') || '{}');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      return parsed;
    } catch {
      throw new KmsRequestError(400, 'SerializationException', 'Start of structure or map found where not expected.');
    }
  }

  private takeFault(operation: string): KmsFaultKind | undefined {
    const hit = this.faults.find((f) => f.remaining > 0 && (f.fault.operation === undefined || f.fault.operation === operation));
    if (!hit) return undefined;
    hit.remaining--;
    return hit.fault.kind;
  }

  private dispatch(operation: string, input: Record<string, any>): unknown {
    switch (operation) {
      case 'Encrypt': {
        const key = this.usableKey(input.KeyId);
        const plaintext = blob(input.Plaintext, 'Plaintext', 1, 4096);
        return { CiphertextBlob: this.seal(key, plaintext, input.EncryptionContext).toString('base64'), KeyId: key.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      }
      case 'GenerateDataKey': {
        const key = this.usableKey(input.KeyId);
        if ((input.KeySpec === undefined) === (input.NumberOfBytes === undefined)) {
          throw new KmsRequestError(400, 'ValidationException', 'Please specify either number of bytes or key spec.');
        }
        let size: number;
        if (input.KeySpec !== undefined) {
          if (input.KeySpec !== 'AES_256' && input.KeySpec !== 'AES_128') throw new KmsRequestError(400, 'ValidationException', 'Invalid KeySpec.');
          size = input.KeySpec === 'AES_256' ? 32 : 16;
        } else {
          size = Number(input.NumberOfBytes);
          if (!Number.isInteger(size) || size < 1 || size > 1024) throw new KmsRequestError(400, 'ValidationException', 'NumberOfBytes must be between 1 and 1024.');
        }
        const plaintext = randomBytes(size);
        return { CiphertextBlob: this.seal(key, plaintext, input.EncryptionContext).toString('base64'), Plaintext: plaintext.toString('base64'), KeyId: key.arn };
      }
      case 'Decrypt': {
        const ciphertext = blob(input.CiphertextBlob, 'CiphertextBlob', 1, 6144);
        const { keyId, iv, tag, data } = parseBlob(ciphertext);
        const key = this.keys.get(keyId);
        if (!key) throw new KmsRequestError(400, 'InvalidCiphertextException');
        if (input.KeyId !== undefined && this.resolveKey(input.KeyId).keyId !== keyId) {
          throw new KmsRequestError(400, 'IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
        }
        if (!key.enabled) throw new KmsRequestError(400, 'DisabledException', `${key.arn} is disabled.`);
        const decipher = createDecipheriv('aes-256-gcm', key.material, iv);
        decipher.setAAD(contextAad(keyId, input.EncryptionContext));
        decipher.setAuthTag(tag);
        try {
          const plaintext = Buffer.concat([decipher.update(data), decipher.final()]);
          return { Plaintext: plaintext.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
        } catch {
          throw new KmsRequestError(400, 'InvalidCiphertextException');
        }
      }
      case 'DescribeKey': {
        const key = this.resolveKey(input.KeyId);
        return {
          KeyMetadata: {
            AWSAccountId: this.account,
            Arn: key.arn,
            KeyId: key.keyId,
            Enabled: key.enabled,
            KeyState: key.enabled ? 'Enabled' : 'Disabled',
            KeyUsage: 'ENCRYPT_DECRYPT',
            KeySpec: 'SYMMETRIC_DEFAULT',
            KeyManager: 'CUSTOMER',
          },
        };
      }
    }
    throw new KmsRequestError(400, 'UnknownOperationException');
  }

  private resolveKey(keyId: unknown): KeyRecord {
    if (typeof keyId !== 'string' || keyId === '') throw new KmsRequestError(400, 'ValidationException', 'KeyId is required.');
    let ref = keyId;
    if (ref.startsWith('arn:')) {
      const m = /^arn:aws[\w-]*:kms:([^:]+):(\d{12}):((?:key|alias)\/.+)$/.exec(ref);
      if (!m) throw new KmsRequestError(400, 'InvalidArnException', `ARN ${keyId} is not valid.`);
      if (m[1] !== this.region || m[2] !== this.account) throw new KmsRequestError(400, 'NotFoundException', `Key '${keyId}' does not exist`);
      ref = m[3].replace(/^key\//, '');
    }
    if (ref.startsWith('alias/')) {
      const target = this.aliases.get(ref);
      if (!target) throw new KmsRequestError(400, 'NotFoundException', `Alias ${this.aliasArn(ref.slice(6))} is not found.`);
      ref = target;
    }
    const key = this.keys.get(ref);
    if (!key) throw new KmsRequestError(400, 'NotFoundException', `Key '${keyId}' does not exist`);
    return key;
  }

  private usableKey(keyId: unknown): KeyRecord {
    const key = this.resolveKey(keyId);
    if (!key.enabled) throw new KmsRequestError(400, 'DisabledException', `${key.arn} is disabled.`);
    return key;
  }

  private seal(key: KeyRecord, plaintext: Buffer, context: unknown): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.material, iv);
    cipher.setAAD(contextAad(key.keyId, context));
    const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const id = Buffer.from(key.keyId, 'utf8');
    return Buffer.concat([BLOB_MAGIC, Buffer.from([id.length]), id, iv, cipher.getAuthTag(), data]);
  }
}

function faultError(kind: KmsFaultKind, operation: string, keyId: string): KmsRequestError {
  switch (kind) {
    case 'throttling': return new KmsRequestError(400, 'ThrottlingException', 'Rate exceeded');
    case 'accessDenied':
      return new KmsRequestError(400, 'AccessDeniedException',
        `User: arn:aws:iam::111122223333:user/ci is not authorized to perform: kms:${operation} on resource: ${keyId} because no identity-based policy allows the kms:${operation} action`,
        'Message');
    case 'notFound': return new KmsRequestError(400, 'NotFoundException', `Key '${keyId}' does not exist`);
    case 'disabled': return new KmsRequestError(400, 'DisabledException', `${keyId} is disabled.`);
    case 'incorrectKey': return new KmsRequestError(400, 'IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
    case 'internal': return new KmsRequestError(500, 'KMSInternalException', 'An internal error occurred.');
    case 'timeout': throw new Error('timeout faults hold the request instead');
  }
}

function blob(value: unknown, member: string, min: number, max: number): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
  if (bytes.length < min || bytes.length > max) {
    throw new KmsRequestError(400, 'ValidationException', `1 validation error detected: Value at '${member.charAt(0).toLowerCase() + member.slice(1)}' failed to satisfy constraint: Member must have length between ${min} and ${max}`);
  }
  return bytes;
}

function parseBlob(ciphertext: Buffer): { keyId: string; iv: Buffer; tag: Buffer; data: Buffer } {
  if (ciphertext.length < BLOB_MAGIC.length + 1 + 12 + 16 || !ciphertext.subarray(0, BLOB_MAGIC.length).equals(BLOB_MAGIC)) {
    throw new KmsRequestError(400, 'InvalidCiphertextException');
  }
  const idLength = ciphertext[BLOB_MAGIC.length];
  let at = BLOB_MAGIC.length + 1;
  const keyId = ciphertext.subarray(at, at + idLength).toString('utf8');
  at += idLength;
  const iv = ciphertext.subarray(at, at + 12);
  const tag = ciphertext.subarray(at + 12, at + 28);
  const data = ciphertext.subarray(at + 28);
  if (iv.length !== 12 || tag.length !== 16) throw new KmsRequestError(400, 'InvalidCiphertextException');
  return { keyId, iv, tag, data };
}

/** The key id plus the context's sorted pairs: a context differing in any pair fails authentication. */
function contextAad(keyId: string, context: unknown): Buffer {
  const pairs = context && typeof context === 'object' ? Object.entries(context as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
  return Buffer.from(JSON.stringify([keyId, pairs]), 'utf8');
}
