import { k8s } from 'cdk8s-plus-28';
import { cidrContains, parseCidr } from '../practices/checks/network/util';

/** The pods of a workload, as a NetworkPolicy peer sees them. */
export interface PeerPods {
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels selecting exactly those pods. */
  readonly labels: Readonly<Record<string, string>>;
}

/** A port in a NetworkPolicy rule. */
export interface RulePort {
  /** Port number. */
  readonly port: number;
  /** TCP, UDP or SCTP. */
  readonly protocol: string;
}

/** One allowed connection, seen from one side: the other side's pods and the ports involved. */
export interface Connection {
  /** The other side. */
  readonly peer: PeerPods;
  /** Ports on the receiving side. */
  readonly ports: readonly RulePort[];
}

/** Egress to addresses outside the cluster's pod network. */
export interface CidrConnection {
  /** The CIDR as given. */
  readonly cidr: string;
  /** Sub-ranges excluded, the cloud metadata address among them when it falls inside. */
  readonly except: readonly string[];
  /** Destination ports. */
  readonly ports: readonly RulePort[];
}

/** Cloud instance-metadata addresses (HK-NETWORK-010), IPv4 and EKS IPv6. */
export const METADATA_CIDRS: readonly string[] = ['169.254.169.254/32', 'fd00:ec2::254/128'];

/** Where cluster DNS runs (HK-NETWORK-002). */
export interface DnsPeer {
  /** Namespace of the DNS pods. */
  readonly namespace: string;
  /** Labels of the DNS pods. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Everything a workload's NetworkPolicy is built from. */
export interface NetworkPolicyGraph {
  /** The workload's own namespace. */
  readonly namespace: string;
  /** Callers: ingress rules. */
  readonly ingress: readonly Connection[];
  /** Callees: egress rules. */
  readonly egress: readonly Connection[];
  /** Egress to CIDRs. */
  readonly cidrs: readonly CidrConnection[];
  /** Cluster DNS. */
  readonly dns: DnsPeer;
  /** Ports the mesh adds to every ingress rule (HBONE 15008, Linkerd 4143). */
  readonly meshIngressPorts: readonly RulePort[];
  /** Ports the mesh adds to every egress rule towards a peer. */
  readonly meshEgressPorts: readonly RulePort[];
  /** The mesh control plane the proxy must reach. */
  readonly meshControlPlane?: Connection;
}

const NAME_LABEL = 'kubernetes.io/metadata.name';

/** A peer selecting `pods`: by pod labels, plus the namespace by name when it is not `namespace`. */
export function peerOf(pods: PeerPods, namespace: string): k8s.NetworkPolicyPeer {
  const podSelector = { matchLabels: { ...pods.labels } };
  return pods.namespace === namespace ? { podSelector } : { namespaceSelector: { matchLabels: { [NAME_LABEL]: pods.namespace } }, podSelector };
}

function rulePorts(ports: readonly RulePort[]): k8s.NetworkPolicyPort[] {
  const seen = new Set<string>();
  const out: k8s.NetworkPolicyPort[] = [];
  for (const p of ports) {
    const key = `${p.protocol}/${p.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ protocol: p.protocol, port: k8s.IntOrString.fromNumber(p.port) });
  }
  return out;
}

/**
 * The rules of a workload's own NetworkPolicy (pure). One rule per declared connection, so the policy grows linearly
 * with the graph; every rule names its peers and ports (HK-NETWORK-004); DNS egress only to the DNS pods on 53.
 */
export function networkPolicyRules(graph: NetworkPolicyGraph): { ingress: k8s.NetworkPolicyIngressRule[]; egress: k8s.NetworkPolicyEgressRule[] } {
  const ingress = graph.ingress.map((c) => ({ from: [peerOf(c.peer, graph.namespace)], ports: rulePorts([...c.ports, ...graph.meshIngressPorts]) }));
  const egress: k8s.NetworkPolicyEgressRule[] = [
    {
      to: [{ namespaceSelector: { matchLabels: { [NAME_LABEL]: graph.dns.namespace } }, podSelector: { matchLabels: { ...graph.dns.labels } } }],
      ports: rulePorts([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]),
    },
    ...(graph.meshControlPlane
      ? [{ to: [peerOf(graph.meshControlPlane.peer, graph.namespace)], ports: rulePorts(graph.meshControlPlane.ports) }]
      : []),
    ...graph.egress.map((c) => ({ to: [peerOf(c.peer, graph.namespace)], ports: rulePorts([...c.ports, ...graph.meshEgressPorts]) })),
    ...graph.cidrs.map((c) => ({
      to: [{ ipBlock: { cidr: c.cidr, ...(c.except.length > 0 ? { except: [...c.except] } : {}) } }],
      ports: rulePorts(c.ports),
    })),
  ];
  return { ingress, egress };
}

/** The metadata addresses inside `cidr` that must be excepted (HK-NETWORK-010); undefined when `cidr` is malformed. */
export function metadataInside(cidr: string): string[] | undefined {
  const parsed = parseCidr(cidr);
  if (!parsed || !cidr.includes('/')) return undefined;
  return METADATA_CIDRS.filter((m) => cidrContains(parsed, parseCidr(m)!));
}

/** Whether `inner` is a well-formed CIDR strictly inside `outer`. */
export function strictlyInside(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return !!o && !!i && inner.includes('/') && cidrContains(o, i) && i.prefix > o.prefix;
}
