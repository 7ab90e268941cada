import * as fs from 'fs';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { IMountableSecret } from './mountable-secret';
import { SecretValue } from './secret-value';
import { HardenedError, UnattributedProblem } from '../errors';
import { DNS_LABEL, DNS_SUBDOMAIN, LABEL_VALUE, QUALIFIED_KEY } from '../practices/manifest';
import { stampProvenance } from '../provenance';
import { isText, quoted, refuser, shown } from '../refusal';
import { SecretEntry } from './sops/secret-envelope';
import { SopsError } from './sops/sops-error';
import { PrepareEncryptedSecretsOptions, PreparationFailure, SopsPreparation } from './sops-preparation';
import { SopsRecipient } from './sops-recipient';
import { enclosingNamespace, partOfFor } from '../namespace/enclosing-namespace';
import { enableAppChecks } from '../synth/app-checks';
import { SynthPass } from '../synth/synth-pass';

const ENCRYPTED_SECRET = Symbol.for('cdk8s-hardened.EncryptedSecret');
const SOPS_PRACTICE = 'HK-SECRETS-002';
const PLAINTEXT_PRACTICE = 'HK-SECRETS-001';
/** Kubernetes Secret keys (`IsConfigMapKey`). */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** Keys `encrypted_regex: ^(data|stringData)$` would also encrypt, breaking the object for kustomize and Flux. */
const RESERVED_METADATA_KEYS = ['data', 'stringData'];

/** Props of an EncryptedSecret. */
export interface EncryptedSecretProps {
  /** Name of the Kubernetes Secret. */
  readonly name: string;
  /**
   * Namespace of the Secret (pods can only mount Secrets of their own namespace).
   * @default - the namespace of the chart the secret is defined in; refused if there is none
   */
  readonly namespace?: string;
  /**
   * Values written under `data` (their base64 text is encrypted). Use for bytes such as keystores.
   * @default - none
   */
  readonly data?: Record<string, SecretValue>;
  /**
   * Values written under `stringData` (UTF-8 text, encrypted as is).
   * @default - none
   */
  readonly stringData?: Record<string, SecretValue>;
  /** Who can decrypt: KMS keys and/or age recipients; each wraps the same data key, any one of them decrypts. */
  readonly recipients: SopsRecipient[];
  /**
   * Secret `type`.
   * @default 'Opaque'
   */
  readonly type?: string;
  /**
   * Labels of the Secret (clear text; keys `data`/`stringData` are refused).
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the Secret (clear text; keys `data`/`stringData` are refused).
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * The previous encrypted file of this secret, when it is not found in `previousDir` of `prepareAll`.
   * @default - looked up by namespace and name in `previousDir`
   */
  readonly previousFile?: string;
}

/**
 * A Kubernetes Secret encrypted with SOPS (HK-SECRETS-002) exactly as `sops` 3.x writes it, so the sops CLI, Flux's
 * kustomize-controller and KSOPS decrypt it: `encrypted_regex: ^(data|stringData)$`, AES-256-GCM per value, a data
 * key wrapped by AWS KMS and/or age, and a MAC over the document as written.
 *
 * It is its own chart, so cdk8s writes it to a file of its own (one SOPS document per file, as `sops -d` and KSOPS
 * need). Encryption is asynchronous; call `await EncryptedSecret.prepareAll(app)` before `app.synth()`:
 *
 * ```ts
 * const app = new App();
 * new EncryptedSecret(app, 'db-credentials', {
 *   name: 'db-credentials', namespace: 'payments',
 *   stringData: { password: SecretValue.fromEnv('DB_PASSWORD') },
 *   recipients: [SopsRecipient.kms('arn:aws:kms:eu-west-1:111122223333:alias/gitops')],
 * });
 * await EncryptedSecret.prepareAll(app);
 * app.synth();
 * ```
 */
export class EncryptedSecret extends Chart implements IMountableSecret {
  /**
   * Encrypts every EncryptedSecret of the app, all concurrently: one data-key operation per secret (a KMS
   * `GenerateDataKey`, or a `Decrypt` of the previous file's key when it is reused), plus one `Encrypt` per further
   * KMS key. Nothing is written here; a failure leaves no file behind and `app.synth()` is never reached.
   */
  public static async prepareAll(app: App, options: PrepareEncryptedSecretsOptions = {}): Promise<void> {
    const secrets = app.node.findAll().filter(EncryptedSecret.isEncryptedSecret);
    if (secrets.length === 0) return;
    if (app.yamlOutputType === YamlOutputType.FILE_PER_APP) {
      refuser(secrets[0], 'EncryptedSecret')('app.yamlOutputType',
        'is FILE_PER_APP, which would put the SOPS document in one file with other objects (sops -d and KSOPS read one document per file)',
        'use YamlOutputType.FILE_PER_CHART (the default), FILE_PER_RESOURCE or FOLDER_PER_CHART_FILE_PER_RESOURCE', SOPS_PRACTICE);
    }
    let preparation: SopsPreparation;
    try {
      preparation = new SopsPreparation(app.outdir, options);
    } catch (e) {
      if (!SopsError.isSopsError(e)) throw e;
      refuser(secrets[0], 'EncryptedSecret')('prepareAll(options)', `cannot start: ${e.problem}`, e.fix);
    }
    const results = await Promise.allSettled(secrets.map(async (s) => s._setDocument(await preparation.prepareSecret(s._request()))));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      const reason = failure.reason;
      if (!PreparationFailure.isPreparationFailure(reason)) throw reason;
      const secret = secrets.find((s) => s.node.path === reason.request.path)!;
      refuser(secret, 'EncryptedSecret')('recipients', `could not be encrypted: ${reason.cause.problem}`, reason.cause.fix);
    }
  }

  /** Whether `x` is an EncryptedSecret, from this copy of the library or another. */
  public static isEncryptedSecret(x: unknown): x is EncryptedSecret {
    return typeof x === 'object' && x !== null && ENCRYPTED_SECRET in x;
  }

  /** Name of the Kubernetes Secret. */
  public readonly secretName: string;
  /** Namespace of the Secret. */
  public readonly secretNamespace: string;
  /** The keys the Secret holds (sorted), each becoming one file when mounted; never the values. */
  public readonly keys: string[];
  /** The recipients that can decrypt, KMS contexts filled in. */
  public readonly recipients: SopsRecipient[];

  private readonly resource: SopsSecretObject;
  private readonly values: ReadonlyArray<{ section: 'data' | 'stringData'; key: string; value: SecretValue }>;
  private readonly previousFile?: string;

  constructor(scope: Construct, id: string, props: EncryptedSecretProps) {
    const namespace = props.namespace ?? enclosingNamespace(scope);
    super(scope, id, { namespace, disableResourceNameHashes: true });
    SynthPass.of(this).checkRenderedObjects(this);
    enableAppChecks(this);
    Object.defineProperty(this, ENCRYPTED_SECRET, { value: true });
    const refuse = (prop: string, problem: string, fix: string, practiceId = SOPS_PRACTICE): never => refuser(this, 'EncryptedSecret')(prop, problem, fix, practiceId);
    if (!namespace) refuse('namespace', 'is not set and no enclosing chart has one', 'pass namespace, e.g. namespace: \'payments\'', 'HK-NAMESPACE-001');
    if (!isText(namespace, DNS_LABEL) || namespace.length > 63) refuse('namespace', `is ${quoted(namespace)}, which is not a namespace name`, 'use lowercase letters, digits and \'-\'', 'HK-NAMESPACE-001');
    if (!isText(props.name, DNS_SUBDOMAIN) || props.name.length > 253) refuse('name', `is ${quoted(props.name)}, which is not a DNS subdomain name`, 'use lowercase letters, digits, \'-\' and \'.\'');
    if (props.type !== undefined && (typeof props.type !== 'string' || props.type === '')) {
      refuse('type', `is ${quoted(props.type)}, not a Secret type`, 'use e.g. \'Opaque\' (the default) or \'kubernetes.io/tls\'');
    }
    if (props.previousFile !== undefined && (typeof props.previousFile !== 'string' || props.previousFile === '')) {
      refuse('previousFile', `is ${quoted(props.previousFile)}, not a file path`, 'give the path of the previous encrypted file, or leave it out to look it up in previousDir');
    }
    for (const [prop, map] of [['labels', props.labels], ['annotations', props.annotations]] as const) {
      if (map === undefined) continue;
      if (map === null || typeof map !== 'object' || Array.isArray(map)) refuse(prop, `is ${shown(map)}, not a map of keys to values`, 'give e.g. { \'app.kubernetes.io/name\': \'payments-api\' }');
      for (const [key, value] of Object.entries(map)) {
        if (!QUALIFIED_KEY.test(key) || key.length > 316) refuse(`${prop}.${key}`, 'is not a valid key', 'use an optional DNS prefix and a name, e.g. \'app.kubernetes.io/name\'');
        if (typeof value !== 'string' || (prop === 'labels' && !LABEL_VALUE.test(value))) {
          refuse(`${prop}.${key}`, `is ${quoted(value)}, not a ${prop === 'labels' ? 'label value' : 'string'}`, 'give the value as text, e.g. \'payments-api\'');
        }
      }
      for (const key of Object.keys(map)) {
        if (RESERVED_METADATA_KEYS.includes(key)) {
          refuse(prop, `has the key '${key}', which encrypted_regex ^(data|stringData)$ would encrypt, hiding it from kustomize and Flux`, 'rename the key');
        }
      }
    }
    const values: Array<{ section: 'data' | 'stringData'; key: string; value: SecretValue }> = [];
    for (const section of ['data', 'stringData'] as const) {
      const given: unknown = props[section];
      if (given === undefined) continue;
      if (given === null || typeof given !== 'object' || Array.isArray(given)) {
        refuse(section, `is ${shown(given)}, not a map of keys to SecretValues`, 'give e.g. { password: SecretValue.fromEnv(\'DB_PASSWORD\') }', PLAINTEXT_PRACTICE);
      }
      for (const [key, value] of Object.entries(given as Record<string, SecretValue>)) {
        if (!SECRET_KEY.test(key)) refuse(section, `has the key '${key}', which is not a valid Secret key`, 'use letters, digits, \'-\', \'_\' and \'.\'');
        if (values.some((v) => v.key === key)) refuse(section, `repeats the key '${key}' of data in stringData`, 'give each key one source');
        if (!(value instanceof SecretValue)) {
          refuse(section, `has a plain value for '${key}'`, 'read it with SecretValue.fromEnv(), .fromFile() or .fromStdin(); never write a secret in program text', PLAINTEXT_PRACTICE);
        }
        const problem = value._problem();
        if (problem) refuse(section, `value '${key}' ${problem}`, 'set the variable or create the file outside the repository before synthesizing', PLAINTEXT_PRACTICE);
        values.push({ section, key, value });
      }
    }
    if (values.length === 0) refuse('data', 'and stringData are both empty', 'give at least one value');
    if (values.filter((v) => v.value.source === 'stdin').length > 1) {
      refuse('data', 'reads standard input for more than one value', 'read one value from standard input and the others from files or environment variables');
    }
    if (!Array.isArray(props.recipients) || props.recipients.length === 0) {
      refuse('recipients', Array.isArray(props.recipients) ? 'is empty' : `is ${shown(props.recipients)}, not a list of recipients`, 'add SopsRecipient.kms(\'arn:aws:kms:...\') and/or SopsRecipient.age(\'age1...\')');
    }
    const seen = new Set<string>();
    this.recipients = props.recipients.map((r) => {
      if (typeof (r as unknown as SopsRecipient | null)?._problem !== 'function') {
        refuse('recipients', `holds ${shown(r)}, not a SopsRecipient`, 'use SopsRecipient.age(\'age1...\') or SopsRecipient.kms(\'arn:aws:kms:<region>:<account>:key/<id>\')');
      }
      const problem = r._problem();
      if (problem) refuse('recipients', problem, 'use SopsRecipient.age(\'age1...\') or SopsRecipient.kms(\'arn:aws:kms:<region>:<account>:key/<id>\')');
      if (seen.has(`${r.type}:${r.id}`)) refuse('recipients', `lists ${r.id} twice`, 'list each recipient once');
      seen.add(`${r.type}:${r.id}`);
      return r.type === 'kms' && !r.context
        ? SopsRecipient.kms(r.id, { context: { 'cdk8s-hardened/namespace': namespace!, 'cdk8s-hardened/secret': props.name } })
        : r;
    });

    this.secretName = props.name;
    this.secretNamespace = namespace!;
    this.keys = values.map((v) => v.key).sort();
    this.values = values;
    this.previousFile = props.previousFile;
    this.resource = new SopsSecretObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: props.name, namespace, labels: props.labels, annotations: props.annotations },
      type: props.type ?? 'Opaque',
    });
    stampProvenance(this.resource, { name: props.name, partOf: partOfFor(this) });
    this.node.addValidation({ validate: () => (this.resource.prepared ? [] : [notPrepared(this).message]) });
  }

  /** @internal */
  public _request() {
    return {
      path: this.node.path,
      namespace: this.secretNamespace,
      name: this.secretName,
      skeleton: this.resource.skeleton(),
      recipients: this.recipients,
      previousFile: this.previousFile,
      readEntries: (): SecretEntry[] => {
        let stdin: Buffer | undefined;
        const readStdin = () => (stdin ??= fs.readFileSync(0));
        return this.values.map(({ section, key, value }) => {
          const bytes = value._read(readStdin);
          return { section, key, plaintext: section === 'data' ? Buffer.from(bytes.toString('base64'), 'utf8') : bytes };
        });
      },
    };
  }

  /** @internal */
  public _setDocument(document: Record<string, unknown>): void {
    this.resource.prepared = { document, skeleton: JSON.stringify(this.resource.skeleton()) };
  }
}

function notPrepared(secret: EncryptedSecret): UnattributedProblem {
  const fix = 'call `await EncryptedSecret.prepareAll(app)` after defining every construct and before `app.synth()` '
    + '(or `Testing.synth`); in a cdk8s main file, wrap it in an async function.';
  return { message: `EncryptedSecret '${secret.secretNamespace}/${secret.secretName}' is not encrypted yet. Fix: ${fix}`, fix };
}


/** The Secret object: renders the prepared SOPS document instead of its props. */
class SopsSecretObject extends ApiObject {
  public prepared?: { document: Record<string, unknown>; skeleton: string };

  /** The clear-text part exactly as cdk8s renders it (labels of the chart, patches, key order). */
  public skeleton(): Record<string, unknown> {
    return super.toJson();
  }

  public toJson(): any {
    if (!this.prepared) throw new HardenedError(notPrepared(this.node.scope as EncryptedSecret));
    if (JSON.stringify(this.skeleton()) !== this.prepared.skeleton) {
      const fix = 'finish defining constructs before `await EncryptedSecret.prepareAll(app)`.';
      throw new HardenedError({
        message: `EncryptedSecret '${this.node.scope!.node.path}' changed after it was encrypted (a label, annotation or patch was added). Fix: ${fix}`,
        fix,
      });
    }
    return this.prepared.document;
  }
}
