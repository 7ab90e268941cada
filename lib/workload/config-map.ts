import { createHash } from 'crypto';
import { ConfigMap as PlusConfigMap, IConfigMap, k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { configMapCredentialProblem } from './credentials';
import { partOfFor } from '../namespace/enclosing-namespace';
import { stampProvenance } from '../provenance';
import { refuser } from '../refusal';
import * as kube from '../render/kube';
import { SynthPass } from '../synth/synth-pass';

/** Props of ImmutableConfigMap. */
export interface ImmutableConfigMapProps {
  /**
   * Base of the name; the ConfigMap is named `<name>-<hash of the data>`, so a change of content is a new object and
   * every pod that mounts it rolls (DNS label, at most 52 characters).
   * @default - the construct id
   */
  readonly name?: string;
  /** Keys (file names) and their text; never credentials (HK-SECRETS-006), which belong in a Secret. */
  readonly data: Record<string, string>;
  /** Namespace. @default - the enclosing LockedNamespace, else the Chart's namespace */
  readonly namespace?: string;
}

const KEY = /^[-._a-zA-Z0-9]+$/;
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** The API server refuses a ConfigMap above 1 MiB. */
const MAX_BYTES = 1024 * 1024;

/** The first 10 hex digits of the SHA-256 of the data, keys sorted: the same data always yields the same name. */
export function contentHash(data: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(Object.keys(data).sort().map((k) => [k, data[k]]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 10);
}

/**
 * A ConfigMap that never changes in place: `immutable: true` (the kubelet stops watching it, and nobody edits it under
 * a running pod), named after a hash of its content, so new content is a new ConfigMap and the pods that mount it roll
 * out. Refuses credentials (HK-SECRETS-006). Mount it with `workload.mountConfigMap(configMap, '/etc/app')` or read a
 * key with the `configMapEnv` container prop; a cdk8s-plus ConfigMap is accepted there too.
 *
 * @example
 * const config = new ImmutableConfigMap(shop, 'web-config', { data: { 'nginx.conf': '…' } });
 * web.mountConfigMap(config, '/etc/nginx/conf.d');
 */
export class ImmutableConfigMap extends Construct implements IConfigMap {
  /** The ConfigMap's name, hash included. */
  public readonly name: string;
  /** @see IConfigMap */
  public readonly apiVersion = 'v1';
  /** @see IConfigMap */
  public readonly apiGroup = '';
  /** @see IConfigMap */
  public readonly kind = 'ConfigMap';
  /** @see IConfigMap */
  public readonly resourceType = 'configmaps';
  /** The keys it holds. */
  public readonly keys: string[];
  /** The ConfigMap object. */
  public readonly resource: k8s.KubeConfigMap;

  constructor(scope: Construct, id: string, props: ImmutableConfigMapProps) {
    super(scope, id);
    const refuse = refuser(this, 'ImmutableConfigMap');
    if (props === null || typeof props !== 'object') refuse('props', `are ${String(props)}`, 'pass { data: { \'app.conf\': \'…\' } }.');
    const base = props.name ?? id;
    if (typeof base !== 'string' || base.length > 52 || !NAME.test(base)) {
      refuse('name', `is ${JSON.stringify(base)}, not a DNS label of at most 52 characters`, 'use lower-case letters, digits and \'-\' (the hash takes the other 11).');
    }
    const data = props.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data) || Object.keys(data).length === 0) {
      refuse('data', `is ${JSON.stringify(data) ?? 'undefined'}, not a map of file names to text`, 'give { \'app.conf\': \'…\' }.');
    }
    let bytes = 0;
    for (const [key, value] of Object.entries(data)) {
      if (!KEY.test(key) || key.length > 253) refuse(`data.${key}`, 'is not a ConfigMap key', 'use letters, digits, \'-\', \'_\' and \'.\'.');
      if (typeof value !== 'string') refuse(`data.${key}`, `is ${JSON.stringify(value) ?? 'undefined'}, not text`, 'give the file content as a string.');
      const credential = configMapCredentialProblem(key, value);
      if (credential) {
        refuse(`data.${key}`, `${credential} (its value is not shown)`,
          'keep the credential in a Secret (EncryptedSecret, SealedSecret, ExternalSecret) and mountSecret() it as a file.', 'HK-SECRETS-006');
      }
      bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    }
    if (bytes > MAX_BYTES) refuse('data', `holds ${bytes} bytes, more than the 1 MiB the API server accepts`, 'split the configuration, or ship it in the image.');
    this.keys = Object.keys(data).sort();
    this.name = `${base}-${contentHash(data)}`;
    this.resource = new kube.KubeConfigMap(this, 'Resource', {
      metadata: { name: this.name, ...(props.namespace !== undefined ? { namespace: props.namespace } : {}) },
      immutable: true,
      data: Object.fromEntries(this.keys.map((k) => [k, data[k]])),
    });
    this.node.defaultChild = this.resource;
    stampProvenance(this.resource, { name: base, partOf: partOfFor(this) });
    SynthPass.of(this).checkRenderedObjects(this);
  }

  /** @see IConfigMap */
  public get resourceName(): string {
    return this.name;
  }
}

/** The keys of a ConfigMap, when the library can know them (its own, or a cdk8s-plus ConfigMap); else undefined. */
export function configMapKeys(configMap: IConfigMap): string[] | undefined {
  if (configMap instanceof ImmutableConfigMap) return configMap.keys;
  if (configMap instanceof PlusConfigMap) return Object.keys({ ...configMap.data, ...configMap.binaryData });
  return undefined;
}

