import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkNamespaceName, orDefault, refuseRuntime, shown } from './runtime-props';
import { objectMeta } from '../cluster/object-meta';
import { DNS_LABEL } from '../practices/manifest';
import * as kube from '../render/kube';
import { yamlLibrary } from '../yaml/yaml-library';

const CONSTRUCT = 'FalcoRules';

/** Key of the rules file inside the ConfigMap (Falco loads every `*.yaml` of its rules directory). */
export const FALCO_RULES_FILE = 'cdk8s-hardened-rules.yaml';

/** Shells a container of ours never needs: starting one is someone at a prompt. */
const SHELLS = ['ash', 'bash', 'csh', 'dash', 'fish', 'ksh', 'sh', 'tcsh', 'zsh'];

/** Private (RFC 1918), loopback and link-local-free networks counted as inside the cluster by default. */
export const DEFAULT_INTERNAL_NETWORKS: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8'];

/** Props of FalcoRules. */
export interface FalcoRulesProps {
  /**
   * Namespace of the user's Falco install, where the ConfigMap goes.
   * @default 'falco'
   */
  readonly namespace?: string;
  /**
   * Namespaces whose containers the rules watch.
   * @default - every container on the node
   */
  readonly watchNamespaces?: string[];
  /**
   * Networks (CIDR) a container may connect to without an alert: the cluster, its services and its private peers.
   * Anything else is an unexpected outbound connection.
   * @default DEFAULT_INTERNAL_NETWORKS
   */
  readonly allowedNetworks?: string[];
}

/** One Falco rule, as its rules file spells it. */
export interface FalcoRule {
  readonly rule: string;
  readonly desc: string;
  readonly condition: string;
  readonly output: string;
  readonly priority: 'EMERGENCY' | 'ALERT' | 'CRITICAL' | 'ERROR' | 'WARNING' | 'NOTICE' | 'INFORMATIONAL' | 'DEBUG';
  readonly tags: string[];
}

/** Validated inputs of `falcoRules`. */
export interface FalcoRuleSettings {
  readonly watchNamespaces?: readonly string[];
  readonly allowedNetworks: readonly string[];
}

/**
 * The runtime rules (pure), self-contained: they use event fields only, no macro or list of Falco's default rules
 * file, so they load beside any version of it. Each rule's tags name the practice whose runtime breach it detects.
 */
export function falcoRules(s: FalcoRuleSettings): FalcoRule[] {
  const scope = s.watchNamespaces && s.watchNamespaces.length > 0 ? ` and k8s.ns.name in (${s.watchNamespaces.join(', ')})` : '';
  const inContainer = `container.id != host${scope}`;
  const who = 'ns=%k8s.ns.name pod=%k8s.pod.name container=%container.name image=%container.image.repository@%container.image.digest';
  return [
    {
      rule: 'cdk8s-hardened shell in a container',
      desc: 'A shell started inside a container: images of hardened workloads need none, so someone is at a prompt (kubectl exec, or an exploit).',
      condition: `evt.type in (execve, execveat) and evt.dir = < and ${inContainer} and proc.name in (${SHELLS.join(', ')})`,
      output: `Shell started in a container (user=%user.name uid=%user.uid shell=%proc.name parent=%proc.pname cmdline=%proc.cmdline ${who})`,
      priority: 'WARNING',
      tags: ['cdk8s-hardened', 'HK-RBAC-009', 'HK-IMAGE-006', 'mitre_execution'],
    },
    {
      rule: 'cdk8s-hardened write below /etc',
      desc: 'A file below /etc opened for writing in a container: the root filesystem is read-only (HK-WORKLOAD-009), so this is a container '
        + 'excepted from it, or a writable volume mounted over /etc.',
      condition: `evt.type in (open, openat, openat2) and evt.is_open_write = true and fd.typechar = f and fd.name startswith /etc/ and ${inContainer}`,
      output: `File below /etc opened for writing (file=%fd.name user=%user.name process=%proc.name cmdline=%proc.cmdline ${who})`,
      priority: 'ERROR',
      tags: ['cdk8s-hardened', 'HK-WORKLOAD-009', 'mitre_persistence'],
    },
    {
      rule: 'cdk8s-hardened unexpected outbound connection',
      desc: 'A container connected to an address outside the allowed networks: egress is default-deny (HK-NETWORK-001), so either a policy '
        + 'allows more than it should or traffic leaves through a path the NetworkPolicies do not govern.',
      condition: `evt.type = connect and evt.dir = < and (fd.typechar = 4 or fd.typechar = 6) and ${inContainer} `
        + `and not fd.snet in (${s.allowedNetworks.map((n) => `"${n}"`).join(', ')})`,
      output: `Unexpected outbound connection (connection=%fd.name process=%proc.name cmdline=%proc.cmdline ${who})`,
      priority: 'WARNING',
      tags: ['cdk8s-hardened', 'HK-NETWORK-001', 'HK-NETWORK-010', 'mitre_exfiltration'],
    },
  ];
}

/**
 * Runtime detection rules for a Falco install you already run, as a ConfigMap holding one rules file: a shell in a
 * container, a write below /etc, and an outbound connection outside the allowed networks. Mount it into Falco's
 * rules directory (chart values `mounts.volumes` / `mounts.volumeMounts` at `/etc/falco/rules.d`).
 */
export class FalcoRules extends Construct {
  /** The rules, in file order. */
  public readonly rules: readonly FalcoRule[];
  /** The ConfigMap holding FALCO_RULES_FILE. */
  public readonly configMap: k8s.KubeConfigMap;

  constructor(scope: Construct, id: string, props: FalcoRulesProps = {}) {
    super(scope, id);
    props = props ?? {};
    const namespace = checkNamespaceName(this, CONSTRUCT, 'namespace', orDefault(props.namespace, 'falco'));
    this.rules = falcoRules({
      watchNamespaces: props.watchNamespaces === undefined ? undefined : this.namespaces(props.watchNamespaces),
      allowedNetworks: this.networks(orDefault(props.allowedNetworks, [...DEFAULT_INTERNAL_NETWORKS])),
    });
    this.configMap = new kube.KubeConfigMap(this, 'Resource', {
      metadata: objectMeta({ scope: this, id: 'Resource', name: 'cdk8s-hardened-falco-rules', namespace, appName: 'falco-rules', partOf: namespace }),
      data: { [FALCO_RULES_FILE]: yamlLibrary().stringify(this.rules, { lineWidth: 0 }) },
    });
    this.node.defaultChild = this.configMap;
  }

  private namespaces(value: unknown): string[] {
    if (!Array.isArray(value) || value.length === 0) {
      refuseRuntime(this, CONSTRUCT, 'watchNamespaces', `is ${shown(value)}, not a non-empty list of namespaces`, 'list namespaces, or leave the prop out to watch every container.');
    }
    for (const ns of value) {
      if (typeof ns !== 'string' || !DNS_LABEL.test(ns)) {
        refuseRuntime(this, CONSTRUCT, 'watchNamespaces', `holds ${shown(ns)}, not a namespace name`, 'list namespace names such as \'payments\'.');
      }
    }
    return [...value];
  }

  private networks(value: unknown): string[] {
    if (!Array.isArray(value)) refuseRuntime(this, CONSTRUCT, 'allowedNetworks', `is ${shown(value)}, not a list of CIDRs`, 'give e.g. [\'10.0.0.0/8\'].');
    for (const cidr of value) {
      if (typeof cidr !== 'string' || !isCidr(cidr)) {
        refuseRuntime(this, CONSTRUCT, 'allowedNetworks', `holds ${shown(cidr)}, not an IPv4 or IPv6 CIDR`, 'write networks as \'10.0.0.0/8\' or \'fd00::/8\'.');
      }
      if (/\/0$/.test(cidr)) {
        refuseRuntime(this, CONSTRUCT, 'allowedNetworks', `holds '${cidr}', which allows every address and silences the rule`,
          'list the networks your workloads may reach.', 'HK-NETWORK-004');
      }
    }
    return [...value];
  }
}

function isCidr(text: string): boolean {
  const v4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
  const v6 = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/;
  return v4.test(text) || v6.test(text);
}
