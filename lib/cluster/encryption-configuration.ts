import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ControlPlaneFile } from './control-plane-file';
import { isText, quoted, Refuse, refuser, shown } from '../refusal';
import { goDuration, seconds } from '../units/duration';

const CONSTRUCT = 'EncryptionConfiguration';

/** A KMS v2 plugin the API server reaches over a UNIX socket on each control-plane node. */
export interface KmsProvider {
  /** Provider name; part of the stored prefix (`k8s:enc:kms:v2:<name>:`), so never rename it. */
  readonly name: string;
  /** The plugin's gRPC socket, `unix:///…`. */
  readonly endpoint: string;
  /**
   * How long the API server waits for the plugin.
   * @default Duration.seconds(3)
   */
  readonly timeout?: Duration;
}

/** Props of EncryptionConfiguration and `encryptionConfiguration()`. */
export interface EncryptionConfigurationProps {
  /**
   * KMS v2 providers: the first encrypts every new write, the others only decrypt (a previous key during rotation).
   * Local providers (aescbc, aesgcm, secretbox) are not offered: their keys would sit in this file.
   */
  readonly kmsProviders: KmsProvider[];
  /**
   * Resources encrypted at rest, by plural name (`<resource>.<group>` outside the core group).
   * @default ['secrets']
   */
  readonly resources?: string[];
  /**
   * Appends `identity` as the last provider so objects written before encryption stay readable. Turn it off once
   * every object was rewritten (`kubectl get secrets -A -o json | kubectl replace -f -`).
   * @default false
   */
  readonly migrating?: boolean;
  /**
   * Path of the file on the control-plane nodes, for the kube-apiserver flag.
   * @default '/etc/kubernetes/enc/encryption-configuration.yaml'
   */
  readonly hostPath?: string;
}

/** Problems with encryption props, as `[prop, problem, fix]`; empty when the props are sound. Pure. */
export function encryptionConfigurationProblems(props: EncryptionConfigurationProps): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  const providers: unknown = props.kmsProviders ?? [];
  if (!Array.isArray(providers) || providers.some((p) => p === null || typeof p !== 'object')) {
    return [['kmsProviders', `is ${shown(providers)}, not a list of { name, endpoint }`,
      'give at least one KMS v2 plugin, e.g. [{ name: \'aws-kms-prod\', endpoint: \'unix:///var/run/kmsplugin/socket.sock\' }].']];
  }
  if (providers.length === 0) {
    out.push(['kmsProviders', 'is empty, so Secrets would be stored in etcd without an encryption key',
      'give at least one KMS v2 plugin, e.g. [{ name: \'aws-kms-prod\', endpoint: \'unix:///var/run/kmsplugin/socket.sock\' }].']);
  }
  const names = new Set<string>();
  providers.forEach((p, i) => {
    if (p === null || typeof p !== 'object' || Array.isArray(p)) {
      out.push([`kmsProviders[${i}]`, `is ${shown(p)}, not { name, endpoint }`, 'give e.g. { name: \'aws-kms-prod\', endpoint: \'unix:///var/run/kmsplugin/socket.sock\' }.']);
      return;
    }
    if (!isText(p.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)) {
      out.push([`kmsProviders[${i}].name`, `is ${quoted(p.name)}, not a lower-case name`, 'name the provider e.g. \'aws-kms-prod\'; it becomes part of the stored prefix.']);
    } else if (names.has(p.name)) {
      out.push([`kmsProviders[${i}].name`, `is '${p.name}', which an earlier provider already uses`, 'give every KMS provider its own name.']);
    }
    names.add(p.name);
    if (!isText(p.endpoint, /^unix:\/\/\/\S+$/)) {
      out.push([`kmsProviders[${i}].endpoint`, `is ${quoted(p.endpoint)}, not a unix:/// socket`, 'give the plugin socket on the node, e.g. \'unix:///var/run/kmsplugin/socket.sock\'.']);
    }
    if (p.timeout !== undefined && !(p.timeout instanceof Duration)) {
      out.push([`kmsProviders[${i}].timeout`, `is ${shown(p.timeout)}, not a Duration`, 'keep the default Duration.seconds(3).']);
    } else if (p.timeout !== undefined && (seconds(p.timeout) < 1 || !Number.isInteger(seconds(p.timeout)))) {
      out.push([`kmsProviders[${i}].timeout`, `is ${seconds(p.timeout)}s, not a whole number of seconds of at least 1`, 'keep the default Duration.seconds(3).']);
    }
  });
  const resources: unknown = props.resources ?? ['secrets'];
  if (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string')) {
    return [...out, ['resources', `is ${shown(resources)}, not a list of resource names`, 'give e.g. [\'secrets\'] (the default), or [\'secrets\', \'configmaps\'].']];
  }
  if (!resources.includes('secrets')) {
    out.push(['resources', `is [${resources.join(', ')}], which leaves Secrets unencrypted`, 'keep \'secrets\' in the list and add others beside it.']);
  }
  for (const r of resources) {
    if (!/^[a-z0-9]+(\.[a-z0-9.-]+)?$/.test(r)) {
      out.push(['resources', `contains '${r}', not a plural resource name`, 'name resources as \'secrets\' or \'<resource>.<group>\'; wildcards are not offered.']);
    }
  }
  return out;
}

/**
 * The `apiserver.config.k8s.io/v1` EncryptionConfiguration as plain JSON: one entry for the chosen resources, KMS
 * v2 providers first, `identity` last only while migrating. Pure; assumes `encryptionConfigurationProblems` is empty.
 */
export function encryptionConfiguration(props: EncryptionConfigurationProps): any {
  const resources = [...new Set(props.resources ?? ['secrets'])].sort();
  return {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'EncryptionConfiguration',
    resources: [{
      resources,
      providers: [
        ...props.kmsProviders.map((p) => ({
          kms: { apiVersion: 'v2', name: p.name, endpoint: p.endpoint, timeout: goDurationShort(p.timeout ?? Duration.seconds(3)) },
        })),
        ...(props.migrating ? [{ identity: {} }] : []),
      ],
    }],
  };
}

/** `3s`, `1m0s`: the form the API server's examples use. */
function goDurationShort(d: Duration): string {
  const s = seconds(d);
  return s < 60 ? `${s}s` : goDuration(d).replace(/^0h/, '');
}

/**
 * Encryption at rest for etcd (HK-SECRETS-008), as a file for kube-apiserver `--encryption-provider-config` — never
 * an applied object. KMS v2 is beta on 1.28 and GA from 1.29; use a 1.29+ control plane. No key material is ever in
 * the file: only plugin names and sockets.
 */
export class EncryptionConfiguration extends ControlPlaneFile {
  /** File name inside the control-plane output folder. */
  public readonly fileName = 'encryption-configuration.yaml';
  /** Path of the file on the control-plane nodes. */
  public readonly hostPath: string;
  private readonly props: EncryptionConfigurationProps;

  private readonly refuse: Refuse = refuser(this, CONSTRUCT);

  constructor(scope: Construct, id: string, props: EncryptionConfigurationProps) {
    super(scope, id, ['HK-SECRETS-008']);
    const problems = encryptionConfigurationProblems(props);
    if (problems.length > 0) {
      const [prop, problem, fix] = problems[0];
      this.refuse(prop, problem, fix, 'HK-SECRETS-008');
    }
    this.hostPath = props.hostPath ?? '/etc/kubernetes/enc/encryption-configuration.yaml';
    this.props = { ...props, kmsProviders: [...props.kmsProviders], resources: props.resources ? [...props.resources] : undefined };
  }

  /** The file's content. */
  public toJson(): any {
    return encryptionConfiguration(this.props);
  }

  /** `--encryption-provider-config` and automatic reload (so a key rotation needs no API server restart). */
  public apiServerFlags(): string[] {
    return [`--encryption-provider-config=${this.hostPath}`, '--encryption-provider-config-automatic-reload=true'];
  }
}
