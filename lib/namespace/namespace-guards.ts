import { k8s } from 'cdk8s-plus-28';
import { isReservedNamespace } from '../practices/checks/namespace/dedicated-namespace';
import { DNS_LABEL, LABEL_VALUE, QUALIFIED_KEY } from '../practices/manifest';
import { isText, quoted, Refuse, shown } from '../refusal';

/** Where the cluster's DNS pods run, for the DNS-only egress policy (HK-NETWORK-002). */
export interface DnsLocation {
  /** Namespace of the DNS pods. */
  readonly namespace: string;
  /** Labels of the DNS pods. */
  readonly podLabels: Record<string, string>;
}

/** Per-container defaults and maxima, as resource name → quantity (`cpu`, `memory`, `ephemeral-storage`). */
export interface ContainerLimitAmounts {
  /** Requests given to containers that declare none. */
  readonly defaultRequest: Record<string, string>;
  /** Limits given to containers that declare none. */
  readonly default: Record<string, string>;
  /** The most one container may have. */
  readonly max: Record<string, string>;
  /** The largest PersistentVolumeClaim. */
  readonly maxClaimStorage: string;
}

/** Node ports and LoadBalancer Services a namespace's quota admits (both zero unless the namespace records why). */
export interface ServiceQuota {
  /** `services.nodeports`. */
  readonly nodePorts: number;
  /** `services.loadbalancers`. */
  readonly loadBalancers: number;
}

/** The specs of the objects that keep a namespace safe before anything runs in it. */
export interface NamespaceGuardSpecs {
  /** HK-NETWORK-001: select every pod, both directions, no rule. */
  readonly defaultDeny: k8s.NetworkPolicySpec;
  /** HK-NETWORK-002: egress to the DNS pods on UDP and TCP 53 only. */
  readonly allowDns: k8s.NetworkPolicySpec;
  /** HK-NAMESPACE-003: the quota, with zero NodePorts and LoadBalancers unless the namespace records why. */
  readonly quota: k8s.ResourceQuotaSpec;
  /** HK-NAMESPACE-004: container defaults and maxima, and the largest claim. */
  readonly limitRange: k8s.LimitRangeSpec;
}

const quantities = (amounts: Record<string, string>): Record<string, k8s.Quantity> =>
  Object.fromEntries(Object.entries(amounts).map(([k, v]) => [k, k8s.Quantity.fromString(v)]));

/**
 * The default-deny and DNS policies, quota and limit range of a namespace, as pure specs: LockedNamespace and the
 * privileged namespaces of the host-access jobs share them, so both keep exactly the same guards.
 */
export function namespaceGuardSpecs(dns: DnsLocation, quota: Record<string, string>, limits: ContainerLimitAmounts,
  services: ServiceQuota = { nodePorts: 0, loadBalancers: 0 }): NamespaceGuardSpecs {
  return {
    defaultDeny: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    allowDns: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': dns.namespace } },
          podSelector: { matchLabels: dns.podLabels },
        }],
        ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
      }],
    },
    // Zero unless the namespace records why (HK-NAMESPACE-003): a dependency-free server-side backstop for HK-NETWORK-006.
    quota: { hard: quantities({ ...quota, 'services.loadbalancers': String(services.loadBalancers), 'services.nodeports': String(services.nodePorts) }) },
    limitRange: {
      limits: [
        { type: 'Container', defaultRequest: quantities(limits.defaultRequest), default: quantities(limits.default), max: quantities(limits.max) },
        { type: 'PersistentVolumeClaim', max: { storage: k8s.Quantity.fromString(limits.maxClaimStorage) } },
      ],
    },
  };
}

/** The cluster DNS most distributions run: kube-dns (CoreDNS) pods in kube-system. */
export const KUBE_DNS: DnsLocation = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };


/**
 * Validates a `dns` prop (HK-NETWORK-002): the DNS pods' namespace is a namespace name and their labels a non-empty
 * map the API server accepts. An empty selector would open port 53 to every pod of that namespace, which the audit
 * then refuses as DNS egress that is not narrow; a malformed one would be refused by the API server.
 */
export function resolveDnsLocation(refuse: Refuse, prop: string, given: unknown): DnsLocation {
  if (given === undefined) return KUBE_DNS;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    refuse(prop, `is ${shown(given)}, not { namespace, podLabels }`, 'give e.g. { namespace: \'kube-system\', podLabels: { \'k8s-app\': \'kube-dns\' } }, or leave it unset for kube-dns.', 'HK-NETWORK-002');
  }
  const { namespace = KUBE_DNS.namespace, podLabels = KUBE_DNS.podLabels } = given as { namespace?: unknown; podLabels?: unknown };
  if (typeof namespace !== 'string' || namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    refuse(`${prop}.namespace`, `is ${shown(namespace)}, not a namespace name`, 'name the namespace the DNS pods run in, e.g. \'kube-system\'.', 'HK-NETWORK-002');
  }
  if (podLabels === null || typeof podLabels !== 'object' || Array.isArray(podLabels)) {
    refuse(`${prop}.podLabels`, `is ${shown(podLabels)}, not a map of labels`, 'give the DNS pods\' labels, e.g. { \'k8s-app\': \'kube-dns\' }.', 'HK-NETWORK-002');
  }
  const entries = Object.entries(podLabels as Record<string, unknown>);
  if (entries.length === 0) {
    refuse(`${prop}.podLabels`, `is empty, which selects every pod of namespace '${namespace}' and opens port 53 to all of them`,
      'give the DNS pods\' labels, e.g. { \'k8s-app\': \'kube-dns\' }.', 'HK-NETWORK-002');
  }
  for (const [key, value] of entries) {
    if (!QUALIFIED_KEY.test(key) || key.length > 316 || typeof value !== 'string' || !LABEL_VALUE.test(value)) {
      refuse(`${prop}.podLabels.${key}`, `is ${shown(value)}, not a label the API server accepts`,
        'use a label key (optional DNS prefix, then at most 63 letters, digits, \'-\', \'_\' or \'.\') and a value of the same characters.', 'HK-NETWORK-002');
    }
  }
  return { namespace, podLabels: { ...(podLabels as Record<string, string>) } };
}

/**
 * The owning team, written as the namespace's `owner` label (HK-NAMESPACE-005): a lower-case DNS label. Every
 * construct that creates a namespace for the user checks it under its own name, before the namespace is made.
 */
export function requireOwner(refuse: Refuse, owner: unknown): string {
  if (!isText(owner, DNS_LABEL) || owner.length > 63) {
    refuse('owner', `is ${quoted(owner)}, not a label value naming a team`, 'name the owning team in lower case, e.g. \'payments-team\'.', 'HK-NAMESPACE-005');
  }
  return owner;
}

/** `app.kubernetes.io/part-of` given by the user (HK-AUDIT-004): a label value, never a number or list written as one. */
export function requirePartOf(refuse: Refuse, partOf: unknown): string {
  if (!isText(partOf, LABEL_VALUE) || partOf.length === 0) {
    refuse('partOf', `is ${quoted(partOf)}, not a label value`, 'give at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending alphanumeric.', 'HK-AUDIT-004');
  }
  return partOf;
}

/** A namespace name of its own given as `prop`: a DNS label, never `default` or `kube-*` (HK-NAMESPACE-001). */
export function requireNamespaceName(refuse: Refuse, prop: string, value: unknown, example: string): string {
  if (!isText(value, DNS_LABEL) || value.length > 63 || isReservedNamespace(value)) {
    refuse(prop, `is ${quoted(value)}, not a DNS label of its own (never default or kube-*)`, `give a lower-case name such as '${example}'.`, 'HK-NAMESPACE-001');
  }
  return value;
}
