import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { IMountableSecret } from './mountable-secret';
import { ISecretStore, SecretStore } from './secret-store';
import { EXTERNAL_REFERENCES_ANNOTATION } from '../coherence/coherence';
import {
  ExternalSecret as ExternalSecretObject,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
} from '../imports/eso-externalsecret-external-secrets.io';
import { enclosingNamespace, partOfFor } from '../namespace/enclosing-namespace';
import { DNS_SUBDOMAIN } from '../practices/manifest';
import { stampProvenance } from '../provenance';
import { isText, quoted, refuser, shown } from '../refusal';
import { enableAppChecks } from '../synth/app-checks';
import { SynthPass } from '../synth/synth-pass';

const STORE_PRACTICE = 'HK-SECRETS-004';
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** HK-SECRETS-004: a rotated or revoked value reaches the cluster within an hour. */
const MAX_REFRESH_SECONDS = 3600;
/** Below a minute every ExternalSecret turns into a steady stream of provider API calls (billed, rate-limited). */
const MIN_REFRESH_SECONDS = 60;

/** Where one Secret key comes from in the store. */
export interface RemoteReference {
  /** The secret's key in the store: a Secrets Manager name or ARN, a Parameter Store path, a Vault KV path. */
  readonly key: string;
  /**
   * A property of a JSON-structured secret (Secrets Manager JSON, a Vault KV field).
   * @default - the whole value
   */
  readonly property?: string;
  /**
   * A version of the secret (Secrets Manager version stage/id, Parameter Store version, Vault KV version).
   * @default - the current version
   */
  readonly version?: string;
}

/** Props of an ExternalSecret. */
export interface ExternalSecretProps {
  /** Name of the ExternalSecret and of the Secret the operator creates (and owns). */
  readonly name: string;
  /** The namespaced SecretStore to read through; must be in the same namespace. */
  readonly store: ISecretStore;
  /** Secret key to remote value, e.g. `{ password: { key: 'prod/payments/db', property: 'password' } }`. */
  readonly data: Record<string, RemoteReference>;
  /**
   * Namespace of the ExternalSecret and its Secret.
   * @default - the store's namespace
   */
  readonly namespace?: string;
  /**
   * How often the operator re-reads the store; between 1 minute and 1 hour (HK-SECRETS-004), whole seconds.
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
  /**
   * `type` of the created Secret.
   * @default - 'Opaque', as the operator writes it
   */
  readonly type?: string;
  /**
   * Labels of the created Secret.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the created Secret.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/**
 * An External Secrets `ExternalSecret` (external-secrets.io/v1) that syncs values from a namespaced SecretStore into
 * a Secret the operator owns (`creationPolicy: Owner`, so deleting the ExternalSecret deletes the Secret), refreshed
 * at least hourly (HK-SECRETS-004). No value ever passes through the manifests.
 */
export class ExternalSecret extends Construct implements IMountableSecret {
  /** Name of the Secret the operator creates. */
  public readonly secretName: string;
  /** Namespace of the Secret. */
  public readonly secretNamespace: string;
  /** The keys of the Secret (sorted), each becoming one file when mounted. */
  public readonly keys: string[];
  /** The refresh interval as written, a Go duration (e.g. `1h`). */
  public readonly refreshInterval: string;

  constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    super(scope, id);
    SynthPass.of(this).checkRenderedObjects(this);
    enableAppChecks(this);
    const refuse = (prop: string, problem: string, fix: string, practiceId: string | null = STORE_PRACTICE): never =>
      refuser(this, 'ExternalSecret')(prop, problem, fix, practiceId ?? undefined);
    if (!isText(props.name, DNS_SUBDOMAIN) || props.name.length > 253) {
      refuse('name', `is ${quoted(props.name)}, which is not a DNS subdomain name`, 'use lowercase letters, digits, \'-\' and \'.\'', null);
    }
    if (!props.store?.secretStoreName) refuse('store', 'is not set', 'pass a SecretStore (a namespaced store; ClusterSecretStore is not offered)');
    const namespace = props.namespace ?? props.store.secretStoreNamespace ?? enclosingNamespace(scope);
    if (namespace !== props.store.secretStoreNamespace) {
      refuse('namespace', `is '${namespace}', but SecretStore '${props.store.secretStoreName}' is in '${props.store.secretStoreNamespace}'`,
        'define a SecretStore in the ExternalSecret\'s namespace; a namespaced store serves only its own namespace');
    }
    const refresh = props.refreshInterval ?? Duration.hours(1);
    if (typeof (refresh as Partial<Duration>)?.toSeconds !== 'function') {
      refuse('refreshInterval', `is ${shown(refresh)}, not a Duration`, 'use e.g. Duration.hours(1) (the default) or Duration.minutes(15)');
    }
    const seconds = refresh.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < MIN_REFRESH_SECONDS || seconds > MAX_REFRESH_SECONDS) {
      refuse('refreshInterval', `is ${seconds} seconds, outside 1 minute to 1 hour (whole seconds)`,
        'use e.g. Duration.hours(1) (the default) or Duration.minutes(15)');
    }
    const entries = Object.entries(props.data ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) refuse('data', 'is empty', 'map at least one Secret key to a remote key, e.g. data: { password: { key: \'prod/payments/db\', property: \'password\' } }', null);
    for (const [key, ref] of entries) {
      if (!SECRET_KEY.test(key) || key.length > 253) refuse('data', `has the key '${key}', which is not a valid Secret key`, 'use letters, digits, \'-\', \'_\' and \'.\'', null);
      if (typeof ref?.key !== 'string' || ref.key.trim() === '') refuse('data', `maps '${key}' to an empty remote key`, 'give the secret\'s name or path in the store', null);
    }
    const hasTemplate = props.type !== undefined || props.labels !== undefined || props.annotations !== undefined;
    this.refreshInterval = goDuration(seconds);
    const resource = new ExternalSecretObject(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace,
        // A store imported by name is created elsewhere: say so, so the app's reference check accepts it.
        ...(props.store instanceof SecretStore ? {} : {
          annotations: { [EXTERNAL_REFERENCES_ANNOTATION]: `SecretStore/${props.store.secretStoreName}: imported by name, created outside this app` },
        }),
      },
      spec: {
        refreshInterval: this.refreshInterval,
        secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.SECRET_STORE, name: props.store.secretStoreName },
        target: {
          name: props.name,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          template: hasTemplate ? { type: props.type, metadata: { labels: props.labels, annotations: props.annotations } } : undefined,
        },
        data: entries.map(([secretKey, ref]) => ({ secretKey, remoteRef: { key: ref.key, property: ref.property, version: ref.version } })),
      },
    });
    stampProvenance(resource, { name: props.name, partOf: partOfFor(this) });
    this.secretName = props.name;
    this.secretNamespace = namespace;
    this.keys = entries.map(([key]) => key);
  }
}

/** Whole seconds as a Go duration: `1h`, `15m`, `1h30m`, `1m30s`. */
function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
