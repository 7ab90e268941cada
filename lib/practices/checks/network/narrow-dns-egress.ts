import { PolicyRule, ruleLabel, rulesOf } from './util';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';
import { inNamespace, namespaceFinding, workloadsByNamespace } from '../namespace/util';

/** Namespace label of the cluster DNS: kube-system, by the name label the API server sets. */
export const DNS_NAMESPACE_LABEL = { key: 'kubernetes.io/metadata.name', value: 'kube-system' };
/** Pod label of the cluster DNS (CoreDNS keeps the historical `k8s-app: kube-dns` label). */
export const DNS_POD_LABEL = { key: 'k8s-app', value: 'kube-dns' };

/** Whether a peer selects exactly the cluster DNS pods: kube-system by name and `k8s-app: kube-dns`, no ipBlock. */
export function isDnsPeer(peer: any): boolean {
  return !peer?.ipBlock
    && peer?.namespaceSelector?.matchLabels?.[DNS_NAMESPACE_LABEL.key] === DNS_NAMESPACE_LABEL.value
    && peer?.podSelector?.matchLabels?.[DNS_POD_LABEL.key] === DNS_POD_LABEL.value;
}

/** Whether a NetworkPolicy port entry admits `protocol` port 53 (protocol defaults to TCP; `endPort` makes a range). */
function portAdmits53(port: any, protocol: 'UDP' | 'TCP'): boolean {
  if ((port?.protocol ?? 'TCP') !== protocol) return false;
  const start = Number(port?.port);
  if (!Number.isInteger(start)) return false;
  const end = port?.endPort === undefined ? start : Number(port.endPort);
  return start <= 53 && 53 <= end;
}

function names53(r: PolicyRule): boolean {
  return r.ports.some((p) => portAdmits53(p, 'UDP') || portAdmits53(p, 'TCP'));
}

function isDnsRule(r: PolicyRule): boolean {
  return r.direction === 'Egress' && r.peers.some(isDnsPeer)
    && r.ports.some((p) => portAdmits53(p, 'UDP')) && r.ports.some((p) => portAdmits53(p, 'TCP'));
}

function onlyDnsPorts(r: PolicyRule): boolean {
  return r.ports.length > 0 && r.ports.every((p) => portAdmits53(p, 'UDP') || portAdmits53(p, 'TCP'))
    && r.ports.every((p) => p?.endPort === undefined || Number(p.endPort) === 53);
}

/** HK-NETWORK-002: the DNS allowance must exist per namespace with workloads, and every rule about port 53 must be that narrow one. */
export const narrowDnsEgress: Practice = {
  id: 'HK-NETWORK-002',
  group: PracticeGroup.NETWORK,
  title: 'Narrow DNS egress only',
  severity: Severity.HIGH,
  why: 'Default-deny egress breaks name resolution; teams then "fix" it with allow-all egress.',
  criterion: 'Every namespace that holds a pod-bearing object has a NetworkPolicy with an egress rule whose peer is namespaceSelector '
    + '{kubernetes.io/metadata.name: kube-system} + podSelector {k8s-app: kube-dns} and whose ports include UDP 53 and TCP 53 '
    + '(reported on the Namespace object when present, else on each workload). Every egress rule that names port 53 has only such '
    + 'DNS peers (no peer-less rule, no ipBlock, no other selector), and every rule to the DNS peer names only port 53.',
  library: 'LockedNamespace generates an allow-dns NetworkPolicy for the whole namespace.',
  fix: 'Add one NetworkPolicy with podSelector {}, policyTypes [Egress] and egress to { namespaceSelector: { matchLabels: '
    + '{ kubernetes.io/metadata.name: kube-system } }, podSelector: { matchLabels: { k8s-app: kube-dns } } } on UDP 53 and TCP 53; '
    + 'remove any other rule that opens port 53.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'Clusters with another DNS setup keep the same shape with their own selectors; wider DNS egress is never needed.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Network policies'],
    kyverno: ['best-practices/add-networkpolicy-dns'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const [ns, workloads] of workloadsByNamespace(ctx)) {
      const hasDns = inNamespace(ctx, ns, 'NetworkPolicy').some((p) => rulesOf(p).some(isDnsRule));
      if (!hasDns) {
        out.push(...namespaceFinding(ctx, ns, workloads,
          `namespace "${ns}" has no NetworkPolicy allowing egress to kube-system/k8s-app=kube-dns on UDP 53 and TCP 53`));
      }
    }
    for (const policy of ctx.ofKind('NetworkPolicy')) {
      for (const r of rulesOf(policy).filter((x) => x.direction === 'Egress')) {
        if (names53(r) && (r.peers.length === 0 || !r.peers.every(isDnsPeer))) {
          out.push({ object: policy, message: `${ruleLabel(r)} opens port 53 to peers other than kube-system/k8s-app=kube-dns` });
        } else if (r.peers.some(isDnsPeer) && !onlyDnsPorts(r)) {
          out.push({ object: policy, message: `${ruleLabel(r)} allows the DNS pods on ports other than 53` });
        }
      }
    }
    return out;
  },
};
