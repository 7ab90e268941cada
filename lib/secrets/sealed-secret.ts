import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { IMountableSecret } from './mountable-secret';
import { ControllerCertificate, parseControllerCertificate } from './sealing/certificate';
import { derivedRandomness, MIN_DERIVATION_KEY_BYTES } from './sealing/derivation';
import { sealValue } from './sealing/hybrid';
import { CLUSTER_WIDE_ANNOTATION, NAMESPACE_WIDE_ANNOTATION, ScopeKind, scopeLabel } from './sealing/scope';
import { SealingError } from './sealing/sealing-error';
import { SecretValue } from './secret-value';
import { SealedSecret as SealedSecretObject } from '../imports/sealed-secrets-bitnami.com';
import { enclosingNamespace, partOfFor } from '../namespace/enclosing-namespace';
import { isAcceptableReason, MIN_REASON_LENGTH } from '../practices/exceptions';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../practices/manifest';
import { recordedExceptionAnnotations } from '../practices/peer-exemptions';
import { stampProvenance } from '../provenance';
import { refuser, shown } from '../refusal';
import { enableAppChecks } from '../synth/app-checks';
import { SynthPass } from '../synth/synth-pass';

const SCOPE_PRACTICE = 'HK-SECRETS-003';
const PLAINTEXT_PRACTICE = 'HK-SECRETS-001';
const EXCEPTION_PRACTICE = 'HK-AUDIT-003';
/** Kubernetes Secret keys (`IsConfigMapKey`). */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** The API server's limit on one Secret. */
const MAX_SECRET_BYTES = 1024 * 1024;

/** How the controller's certificate is judged. */
export interface SealingCertificateOptions {
  /**
   * The instant the certificate's validity is judged at. Only this check reads the clock; the sealed output never
   * depends on it.
   * @default - the system clock
   */
  readonly now?: Date;
  /**
   * SHA-256 fingerprint the certificate must have (hex, colons optional), e.g. as `openssl x509 -noout
   * -fingerprint -sha256 -in cert.pem` prints it. Pinning turns a swapped certificate file into an error.
   * @default - not pinned
   */
  readonly sha256Fingerprint?: string;
}

/**
 * The Sealed Secrets controller's public certificate: what `kubeseal --fetch-cert` prints. Only the first
 * certificate of the PEM text is read (as kubeseal does); it must hold an RSA key of at least 2048 bits and be
 * valid now.
 */
export class SealingCertificate {
  /** The certificate as PEM text. */
  public static fromPem(pem: string, options: SealingCertificateOptions = {}): SealingCertificate {
    return new SealingCertificate(() => pem, 'the PEM text', options);
  }

  /** The certificate in a PEM file, e.g. one written by `kubeseal --fetch-cert > sealed-secrets-cert.pem`. */
  public static fromFile(file: string, options: SealingCertificateOptions = {}): SealingCertificate {
    const resolved = path.resolve(file);
    return new SealingCertificate(() => {
      if (!fs.existsSync(resolved)) throw new SealingError(`reads file ${resolved}, which does not exist`, 'write it with `kubeseal --fetch-cert > cert.pem`');
      return fs.readFileSync(resolved, 'utf8');
    }, `file ${resolved}`, options);
  }

  private constructor(
    private readonly read: () => string,
    /** Where the certificate comes from, for messages. */
    public readonly description: string,
    private readonly options: SealingCertificateOptions,
  ) {}

  /**
   * Reads and judges the certificate.
   * @internal
   */
  public _load(): ControllerCertificate {
    return parseControllerCertificate(this.read(), { now: this.options.now ?? new Date(), sha256Fingerprint: this.options.sha256Fingerprint });
  }
}

/**
 * Which names and namespaces a sealed value unseals under. Strict binds it to one name in one namespace
 * (HK-SECRETS-003); the wider scopes let anyone who can create a SealedSecret there reuse the ciphertext under
 * another name, so they need a recorded reason.
 */
export class SealingScope {
  /** Bound to this name in this namespace (label `namespace/name`). The default. */
  public static strict(): SealingScope {
    return new SealingScope('strict');
  }

  /**
   * Any name in this namespace (label `namespace`); writes `sealedsecrets.bitnami.com/namespace-wide: "true"` and
   * the exception annotation of HK-SECRETS-003 with `reason` (at least 10 characters).
   */
  public static namespaceWide(reason: string): SealingScope {
    return new SealingScope('namespace-wide', reason);
  }

  /**
   * Any name in any namespace (empty label); writes `sealedsecrets.bitnami.com/cluster-wide: "true"` and the
   * exception annotation of HK-SECRETS-003 with `reason` (at least 10 characters).
   */
  public static clusterWide(reason: string): SealingScope {
    return new SealingScope('cluster-wide', reason);
  }

  private constructor(
    /** The controller's name for the scope. */
    public readonly kind: ScopeKind,
    /** Why a wider scope is needed; recorded in the manifest. */
    public readonly reason?: string,
  ) {}
}

/** Props of a SealedSecret. */
export interface SealedSecretProps {
  /** Name of the SealedSecret and of the Secret the controller creates from it. */
  readonly name: string;
  /**
   * Namespace of the SealedSecret and its Secret; part of the sealing label for strict and namespace-wide scope.
   * @default - the namespace of the enclosing chart; refused if there is none, unless the scope is cluster-wide
   */
  readonly namespace?: string;
  /** The controller's public certificate the values are sealed to. */
  readonly certificate: SealingCertificate;
  /** The values, by Secret key. Each is read once, sealed, and dropped; none is ever written in clear. */
  readonly data: Record<string, SecretValue>;
  /**
   * A secret of at least 32 bytes (e.g. `openssl rand -hex 32`) from which each value's session key and RSA-OAEP
   * seed are derived, so an unchanged value seals to the same bytes on every synth. Keep it with the other CI
   * secrets, never in git: whoever holds it can test guesses of a value against the sealed bytes.
   */
  readonly derivationKey: SecretValue;
  /**
   * Sealing scope.
   * @default SealingScope.strict()
   */
  readonly scope?: SealingScope;
  /**
   * `type` of the Secret the controller creates.
   * @default 'Opaque'
   */
  readonly type?: string;
  /**
   * Labels of the created Secret (`spec.template.metadata.labels`).
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the created Secret (`spec.template.metadata.annotations`); clear text, never secret.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Whether the created Secret is immutable.
   * @default false
   */
  readonly immutable?: boolean;
}

/**
 * A Bitnami `SealedSecret` (bitnami.com/v1alpha1) sealed at synth time from the controller's certificate, exactly as
 * the controller unseals it: per value RSA-OAEP-SHA256 of a session key with the scope label, then AES-256-GCM.
 * Strict scope by default (HK-SECRETS-003); plaintext only from `SecretValue` sources (HK-SECRETS-001).
 *
 * Re-synthesis is byte-identical: the randomness of each seal is derived from `derivationKey`, the controller
 * key, the scope label, the data key and the value, so only a changed value (or name, namespace, scope, key)
 * changes the output.
 */
export class SealedSecret extends Construct implements IMountableSecret {
  /** Name of the Secret the controller creates. */
  public readonly secretName: string;
  /** Namespace of the SealedSecret and its Secret (absent only for a cluster-wide seal without namespace). */
  public readonly secretNamespace?: string;
  /** The keys of the Secret (sorted), each becoming one file when mounted; never the values. */
  public readonly keys: string[];
  /** The scope the values are sealed for. */
  public readonly scope: SealingScope;
  /** SHA-256 fingerprint of the certificate the values are sealed to. */
  public readonly certificateFingerprint: string;

  private readonly resource: SealedSecretObject;

  constructor(scope: Construct, id: string, props: SealedSecretProps) {
    super(scope, id);
    SynthPass.of(this).checkRenderedObjects(this);
    enableAppChecks(this);
    const refuse = (prop: string, problem: string, fix: string, practiceId: string | null = SCOPE_PRACTICE): never =>
      refuser(this, 'SealedSecret')(prop, problem, fix, practiceId ?? undefined);
    const sealingScope = props.scope ?? SealingScope.strict();
    if (!(sealingScope instanceof SealingScope)) refuse('scope', 'is not a SealingScope', 'use SealingScope.strict(), .namespaceWide(reason) or .clusterWide(reason)');
    if (sealingScope.kind !== 'strict' && !isAcceptableReason(sealingScope.reason)) {
      refuse('scope', `is ${sealingScope.kind} with a reason shorter than ${MIN_REASON_LENGTH} characters`,
        `say why the secret must unseal under other names${sealingScope.kind === 'cluster-wide' ? ' or namespaces' : ''}, e.g. a ticket, or keep the strict default`,
        EXCEPTION_PRACTICE);
    }
    if (typeof props.name !== 'string' || !DNS_SUBDOMAIN.test(props.name) || props.name.length > 253) {
      refuse('name', `is '${String(props.name)}', which is not a DNS subdomain name`, 'use lowercase letters, digits, \'-\' and \'.\'', null);
    }
    const namespace = props.namespace ?? enclosingNamespace(scope);
    if (namespace === undefined && sealingScope.kind !== 'cluster-wide') {
      refuse('namespace', `is not set and no enclosing chart has one, but ${sealingScope.kind} scope seals for a namespace`,
        'pass namespace, e.g. namespace: \'payments\'');
    }
    if (namespace !== undefined && (typeof namespace !== 'string' || !DNS_LABEL.test(namespace) || namespace.length > 63)) {
      refuse('namespace', `is '${String(namespace)}', which is not a DNS label`, 'use lowercase letters, digits and \'-\' (at most 63)', null);
    }
    const entries = Object.entries(props.data ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) refuse('data', 'is empty', 'give at least one value, e.g. data: { password: SecretValue.fromEnv(\'DB_PASSWORD\') }');
    const sources: SecretValue[] = [];
    for (const [key, value] of entries) {
      if (!SECRET_KEY.test(key) || key.length > 253) refuse('data', `has the key '${key}', which is not a valid Secret key`, 'use letters, digits, \'-\', \'_\' and \'.\'', null);
      if (!(value instanceof SecretValue)) {
        refuse('data', `has a plain value for '${key}'`, 'read it with SecretValue.fromEnv(), .fromFile() or .fromStdin(); never write a secret in program text',
          PLAINTEXT_PRACTICE);
      }
      const problem = value._problem();
      if (problem) refuse('data', `value '${key}' ${problem}`, 'set the variable or create the file outside the repository before synthesizing', PLAINTEXT_PRACTICE);
      sources.push(value);
    }
    if (!(props.derivationKey instanceof SecretValue)) {
      refuse('derivationKey', 'is not a SecretValue', 'read it with SecretValue.fromEnv(\'SEALING_DERIVATION_KEY\') (generate one with `openssl rand -hex 32`)', PLAINTEXT_PRACTICE);
    }
    const keyProblem = props.derivationKey._problem();
    if (keyProblem) refuse('derivationKey', keyProblem, 'set the variable or create the file outside the repository before synthesizing', PLAINTEXT_PRACTICE);
    if ([...sources, props.derivationKey].filter((v) => v.source === 'stdin').length > 1) {
      refuse('data', 'reads standard input for more than one value (including derivationKey)', 'read one value from standard input and the others from files or environment variables', null);
    }

    if (!(props.certificate instanceof SealingCertificate)) {
      refuse('certificate', `is ${shown(props.certificate)}, not a SealingCertificate`,
        'load the controller certificate with SealingCertificate.fromFile(\'sealed-secrets-cert.pem\') or .fromPem(text)');
    }
    let certificate: ControllerCertificate | undefined;
    try {
      certificate = props.certificate._load();
    } catch (e) {
      if (!SealingError.isSealingError(e)) throw e;
      refuse('certificate', `(${props.certificate.description}) ${e.problem}`, e.fix);
    }

    const stdin = stdinOnce();
    const derivationKey = props.derivationKey._read(stdin);
    if (derivationKey.length < MIN_DERIVATION_KEY_BYTES) {
      derivationKey.fill(0);
      refuse('derivationKey', `(${props.derivationKey.description}) holds ${derivationKey.length} bytes, fewer than ${MIN_DERIVATION_KEY_BYTES}`,
        'use a random key of at least 32 bytes, e.g. `openssl rand -hex 32`', null);
    }
    const label = scopeLabel(sealingScope.kind, namespace ?? '', props.name);
    const encryptedData: Record<string, string> = {};
    let total = 0;
    try {
      for (const [key, value] of entries) {
        const plaintext = value._read(stdin);
        total += plaintext.length;
        if (total > MAX_SECRET_BYTES) {
          plaintext.fill(0);
          refuse('data', `holds more than ${MAX_SECRET_BYTES} bytes in all (at key '${key}'), above the size limit of a Secret`,
            'keep large files out of Secrets, e.g. in a volume', null);
        }
        const randomness = derivedRandomness(derivationKey, { publicKeySha256: certificate!.publicKeySha256, label, secretKey: key, plaintext });
        encryptedData[key] = sealValue(certificate!.publicKey, label, plaintext, randomness);
        plaintext.fill(0);
        randomness.sessionKey.fill(0);
      }
    } finally {
      derivationKey.fill(0);
    }

    const annotations: Record<string, string> = {};
    if (sealingScope.kind !== 'strict') {
      annotations[sealingScope.kind === 'cluster-wide' ? CLUSTER_WIDE_ANNOTATION : NAMESPACE_WIDE_ANNOTATION] = 'true';
      Object.assign(annotations, recordedExceptionAnnotations([{ practice: SCOPE_PRACTICE, reason: sealingScope.reason! }]));
    }
    this.secretName = props.name;
    this.secretNamespace = namespace;
    this.keys = entries.map(([key]) => key);
    this.scope = sealingScope;
    this.certificateFingerprint = certificate!.sha256Fingerprint;
    this.resource = new SealedSecretObject(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace,
        annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
      },
      spec: {
        encryptedData,
        template: {
          metadata: {
            labels: props.labels,
            annotations: props.annotations,
          },
          type: props.type ?? 'Opaque',
          immutable: props.immutable,
        },
      },
    });
    stampProvenance(this.resource, { name: props.name, partOf: partOfFor(this) });
    this.node.addValidation({ validate: () => this.sealedForRenderedObject(sealingScope.kind, namespace) });
  }

  /**
   * A patch or chart default that renames, moves or re-scopes the rendered object would make every value fail to
   * unseal in the cluster; caught here instead.
   */
  private sealedForRenderedObject(kind: ScopeKind, namespace: string | undefined): string[] {
    const meta = this.resource.toJson().metadata ?? {};
    const rendered = meta.annotations?.[CLUSTER_WIDE_ANNOTATION] === 'true' ? 'cluster-wide'
      : meta.annotations?.[NAMESPACE_WIDE_ANNOTATION] === 'true' ? 'namespace-wide' : 'strict';
    const problems: string[] = [];
    if (rendered !== kind) problems.push(`SealedSecret '${this.secretName}' was sealed with ${kind} scope but renders as ${rendered}`);
    if (kind === 'strict' && meta.name !== this.secretName) {
      problems.push(`SealedSecret '${this.secretName}' was sealed for name '${this.secretName}' but renders as '${meta.name}'`);
    }
    if (kind !== 'cluster-wide' && meta.namespace !== namespace) {
      problems.push(`SealedSecret '${this.secretName}' was sealed for namespace '${namespace}' but renders in '${meta.namespace}'`);
    }
    return problems.map((p) => `${p}, so the controller could not unseal it. Fix: remove the patch, or seal for the rendered name and namespace.`);
  }
}

/** Standard input, read at most once per process (it cannot be read twice). */
let stdinBytes: Buffer | undefined;
function stdinOnce(): () => Buffer {
  return () => Buffer.from(stdinBytes ??= fs.readFileSync(0));
}

