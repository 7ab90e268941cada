import { randomBytes as cryptoRandomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { HardenedError } from '../errors';
import { ageIdentitiesFromEnvironment, wrapForAge } from './sops/age-keys';
import { decryptSopsYaml, DecryptedSopsFile } from './sops/decrypt';
import { cachingKmsClientProvider, defaultKmsClient, describeKeyArn, encryptDataKey, generateDataKey, IKmsClient, KmsClientProvider } from './sops/kms-keys';
import { AgeKeyEntry, KmsKeyEntry } from './sops/metadata';
import { encryptSecretDocument, PreviousEncryption, SecretEntry } from './sops/secret-envelope';
import { SopsError } from './sops/sops-error';
import { DATA_KEY_BYTES } from './sops/value-cipher';
import { getEntry, parseSopsYaml, stringOf } from './sops/yaml-tree';
import { SopsRecipient } from './sops-recipient';
import { readTextFileSync } from '../yaml/read-text';
import { YamlInputError } from '../yaml/yaml-input-error';

/** Options of `EncryptedSecret.prepareAll`: where keys, clock and previous output come from. */
export interface PrepareEncryptedSecretsOptions {
  /**
   * Directory holding the previously synthesized (committed) YAML. Files in it (recursively) whose first document
   * is a SOPS-encrypted Secret of the same namespace and name are reused: when the plaintext and the recipients are
   * unchanged the new file is byte-identical, and a changed value changes only that value, the MAC and
   * `lastmodified`. `cdk8s synth` empties its output directory before running the app, so point this at the
   * GitOps checkout (or a copy of the last output) when synthesizing through the cdk8s CLI.
   * @default - the app's `outdir`
   */
  readonly previousDir?: string;
  /**
   * age identities (`AGE-SECRET-KEY-1...`) that open previous files encrypted to age recipients.
   * @default - those sops would use: `SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`, then `~/.config/sops/age/keys.txt`
   */
  readonly ageIdentities?: string[];
  /**
   * The KMS client for a region (e.g. one with a custom endpoint or credentials): any object with the SDK's
   * `send(command)`, such as `new KMSClient({ region, credentials })` of `@aws-sdk/client-kms`.
   * @default - `new KMSClient({ region })` per region, with the SDK's standard credential and endpoint chain
   *   (AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL_KMS, ...) and the `kmsTimeout` below
   */
  readonly kmsClient?: (region: string) => IKmsClient;
  /**
   * How long one KMS request may take before it counts as failed (the SDK retries it).
   * @default Duration.seconds(10)
   */
  readonly kmsTimeout?: Duration;
  /**
   * The clock for `lastmodified` and `created_at` when a file is (re-)encrypted.
   * @default - the system clock
   */
  readonly clock?: () => Date;
  /**
   * Source of data keys and IVs when no KMS key generates them.
   * @default - `crypto.randomBytes`
   */
  readonly randomBytes?: (size: number) => Buffer;
}

/** What one secret hands to the preparation. Holds no plaintext: values are read inside `prepareSecret`. */
export interface EncryptionRequest {
  /** Construct path, for messages. */
  readonly path: string;
  /** Secret namespace (possibly empty) and name, to find the previous file. */
  readonly namespace: string;
  /** Secret name. */
  readonly name: string;
  /** The clear-text part as cdk8s renders it. */
  readonly skeleton: Record<string, unknown>;
  /** Reads the values; called once. */
  readonly readEntries: () => SecretEntry[];
  /** The recipients, KMS contexts already filled in. */
  readonly recipients: readonly SopsRecipient[];
  /** An explicit previous file for this secret. */
  readonly previousFile?: string;
}

const PREPARATION_FAILURE = Symbol.for('cdk8s-hardened.PreparationFailure');

/** A secret's failure, with the secret's own `fix`; `EncryptedSecret` turns it into a refusal naming its path. */
export class PreparationFailure extends HardenedError {
  /** Whether `x` is a PreparationFailure, from this copy of the library or another. */
  public static isPreparationFailure(x: unknown): x is PreparationFailure {
    return typeof x === 'object' && x !== null && PREPARATION_FAILURE in x;
  }

  constructor(public readonly request: EncryptionRequest, public readonly cause: SopsError) {
    super({ message: cause.message, fix: cause.fix });
    this.name = 'PreparationFailure';
    Object.defineProperty(this, PREPARATION_FAILURE, { value: true });
  }
}

/** One synth's shared state: KMS clients per region, alias resolutions, the previous files' index. */
export class SopsPreparation {
  private readonly kms: KmsClientProvider;
  private readonly aliases = new Map<string, Promise<string>>();
  private readonly ageIdentities: readonly string[];
  private readonly clock: () => Date;
  private readonly randomBytes: (size: number) => Buffer;
  private previousIndex?: Map<string, string>;

  constructor(private readonly outdir: string, private readonly options: PrepareEncryptedSecretsOptions) {
    const timeout = (options.kmsTimeout ?? Duration.seconds(10)).toMilliseconds();
    this.kms = cachingKmsClientProvider(options.kmsClient ?? ((region) => defaultKmsClient(region, timeout)));
    this.ageIdentities = options.ageIdentities ?? ageIdentitiesFromEnvironment();
    this.clock = options.clock ?? (() => new Date());
    this.randomBytes = options.randomBytes ?? cryptoRandomBytes;
  }

  /** Encrypts one secret; every I/O it needs (KMS, age) is awaited concurrently with the other secrets'. */
  public async prepareSecret(request: EncryptionRequest): Promise<Record<string, unknown>> {
    try {
      return await this.prepare(request);
    } catch (e) {
      if (SopsError.isSopsError(e)) throw new PreparationFailure(request, e);
      throw e;
    }
  }

  private async prepare(request: EncryptionRequest): Promise<Record<string, unknown>> {
    const now = formatTimestamp(this.clock());
    const previousFile = request.previousFile ?? this.findPrevious(request.namespace, request.name);
    const previous = previousFile !== undefined && fs.existsSync(previousFile) ? readPrevious(previousFile) : undefined;
    const entries = request.readEntries();
    if (previous !== undefined && await this.sameRecipients(previous, request)) {
      const opened = await this.openPrevious(previous, previousFile!);
      return encryptSecretDocument({
        skeleton: request.skeleton,
        entries,
        dataKey: opened.dataKey,
        age: opened.metadata.age,
        kms: opened.metadata.kms,
        previous: reuseOf(opened),
        now,
        randomBytes: this.randomBytes,
      });
    }
    const { dataKey, age, kms } = await this.freshDataKey(request.recipients, now);
    return encryptSecretDocument({ skeleton: request.skeleton, entries, dataKey, age, kms, now, randomBytes: this.randomBytes });
  }

  private async openPrevious(text: string, file: string): Promise<DecryptedSopsFile> {
    try {
      return await decryptSopsYaml(text, { ageIdentities: this.ageIdentities, kmsClients: this.kms }, `previous file ${file}`);
    } catch (e) {
      if (!SopsError.isSopsError(e)) throw e;
      throw new SopsError(e.problem, `${e.fix}; or delete ${file} so this synth encrypts afresh (every value then changes)`);
    }
  }

  /** One data key per file: generated by the first KMS key (one call) or locally, then wrapped for the others. */
  private async freshDataKey(
    recipients: readonly SopsRecipient[],
    createdAt: string,
  ): Promise<{ dataKey: Buffer; age: AgeKeyEntry[]; kms: KmsKeyEntry[] }> {
    const kmsRecipients = recipients.filter((r) => r.type === 'kms');
    const ageRecipients = recipients.filter((r) => r.type === 'age').map((r) => r.id);
    let dataKey: Buffer;
    const kms: KmsKeyEntry[] = [];
    if (kmsRecipients.length > 0) {
      const first = await generateDataKey(this.kms, kmsRecipients[0].id, contextOf(kmsRecipients[0]), createdAt);
      dataKey = first.dataKey;
      kms.push(first.entry);
    } else {
      dataKey = this.randomBytes(DATA_KEY_BYTES);
    }
    const [others, age] = await Promise.all([
      Promise.all(kmsRecipients.slice(1).map((r) => encryptDataKey(this.kms, r.id, contextOf(r), dataKey, createdAt))),
      wrapForAge(dataKey, ageRecipients),
    ]);
    return { dataKey, age, kms: [...kms, ...others] };
  }

  /** Whether the previous file is encrypted for exactly the configured recipients (aliases resolved to key ARNs). */
  private async sameRecipients(previous: string, request: EncryptionRequest): Promise<boolean> {
    const sops = getEntry(parseSopsYaml(previous, 'previous file')[0], 'sops');
    const listed = (field: string) => {
      const node = getEntry(sops, field);
      return node?.kind === 'seq' ? node.items : [];
    };
    const previousAge = listed('age').map((e) => stringOf(getEntry(e, 'recipient')) ?? '').sort();
    const previousKms = listed('kms').map((e) => {
      const ctx = getEntry(e, 'context');
      const context = ctx?.kind === 'map' ? Object.fromEntries(ctx.entries.map(([k, v]) => [k, v.kind === 'scalar' && v.scalar.type !== 'null' ? String(v.scalar.value) : ''])) : {};
      return recipientKey(stringOf(getEntry(e, 'arn')) ?? '', context);
    }).sort();
    const wantedAge = request.recipients.filter((r) => r.type === 'age').map((r) => r.id).sort();
    const wantedKms = (await Promise.all(request.recipients.filter((r) => r.type === 'kms')
      .map(async (r) => recipientKey(await this.keyArn(r.id), contextOf(r) ?? {})))).sort();
    return JSON.stringify([previousAge, previousKms]) === JSON.stringify([wantedAge, wantedKms]);
  }

  /** The key ARN behind an alias ARN (one DescribeKey per alias per synth); key ARNs are returned as they are. */
  private keyArn(arn: string): Promise<string> {
    if (!/:alias\//.test(arn)) return Promise.resolve(arn);
    let resolved = this.aliases.get(arn);
    if (!resolved) {
      resolved = describeKeyArn(this.kms, arn);
      this.aliases.set(arn, resolved);
    }
    return resolved;
  }

  /** Finds the previous file of a Secret by content, so renamed charts and output layouts do not matter. */
  private findPrevious(namespace: string, name: string): string | undefined {
    if (!this.previousIndex) {
      this.previousIndex = new Map();
      const dir = this.options.previousDir ?? this.outdir;
      for (const file of yamlFiles(dir)) {
        let head: string;
        try {
          head = readTextFileSync(file);
        } catch (e) {
          // A pipe, a device or an oversized file is not a previous output of ours; sops never wrote it.
          if (!YamlInputError.isYamlInputError(e)) throw e;
          continue;
        }
        if (!/^sops:/m.test(head)) continue;
        try {
          const first = parseSopsYaml(head, file)[0];
          if (stringOf(getEntry(first, 'kind')) !== 'Secret' || getEntry(first, 'sops') === undefined) continue;
          const meta = getEntry(first, 'metadata');
          this.previousIndex.set(`${stringOf(getEntry(meta, 'namespace')) ?? ''}/${stringOf(getEntry(meta, 'name'))}`, file);
        } catch (e) {
          // A file that does not parse is not a previous output of ours; sops never wrote it.
          if (!SopsError.isSopsError(e)) throw e;
        }
      }
    }
    return this.previousIndex.get(`${namespace}/${name}`);
  }
}

function reuseOf(opened: DecryptedSopsFile): PreviousEncryption {
  return { stash: opened.stash, mac: opened.mac, lastModified: opened.metadata.lastModified };
}

function contextOf(recipient: SopsRecipient): Record<string, string> | undefined {
  return recipient.context && Object.keys(recipient.context).length > 0 ? { ...recipient.context } : undefined;
}

function recipientKey(arn: string, context: Record<string, string>): string {
  return JSON.stringify([arn, Object.keys(context).sort().map((k) => [k, context[k]])]);
}

/** RFC 3339, UTC, whole seconds: the form sops writes and uses as the MAC's AAD. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) out.push(...yamlFiles(full));
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** The previous file of a secret, read by the shared loader's rules (regular file, size limit, UTF-8). */
function readPrevious(file: string): string {
  try {
    return readTextFileSync(file);
  } catch (e) {
    if (YamlInputError.isYamlInputError(e)) throw new SopsError(e.message, 'remove or restore the previous output file; it is read to reuse its data key');
    throw e;
  }
}
