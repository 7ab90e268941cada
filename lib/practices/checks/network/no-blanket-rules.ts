import { parseCidr, reachesPublicSpace, ruleLabel, rulesOf } from './util';
import { isEmptySelector } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** Whether a selector peer (no ipBlock) reaches every pod of its own namespace or of every namespace. */
function isBlanketSelectorPeer(peer: any): boolean {
  if (peer?.ipBlock) return false;
  const podsAll = peer?.podSelector === undefined || isEmptySelector(peer.podSelector);
  const namespacesAllOrOwn = peer?.namespaceSelector === undefined || isEmptySelector(peer.namespaceSelector);
  return podsAll && namespacesAllOrOwn;
}

/** HK-NETWORK-004: one rule at a time; a recorded exception on the policy covers deliberate internet egress. */
export const noBlanketRules: Practice = {
  id: 'HK-NETWORK-004',
  group: PracticeGroup.NETWORK,
  title: 'No blanket allow rules',
  severity: Severity.HIGH,
  why: '`ingress: [{}]`, an empty `namespaceSelector: {}` or `0.0.0.0/0` silently undoes the default deny (a default-allow beside a default-deny wins).',
  criterion: 'No NetworkPolicy ingress or egress rule is {} (no peers and no ports), names no peers (every source or destination) '
    + 'or names no ports; no selector peer has an '
    + 'empty or absent podSelector together with an empty or absent namespaceSelector (every pod of the namespace, or of the '
    + 'cluster); no peer has an empty namespaceSelector {} (pods of every namespace); no ipBlock.cidr is a /0 (0.0.0.0/0, ::/0); '
    + 'no egress ipBlock.cidr reaches public address space, i.e. lies outside the private and reserved blocks (RFC 1918, '
    + '100.64.0.0/10, loopback, link-local, documentation, benchmark, multicast and reserved ranges, fc00::/7, fe80::/10): two /1 '
    + 'halves or a provider\'s /16 reach the internet as surely as 0.0.0.0/0.',
  library: 'Refuses blanket peers and port-less rules; egress to any block that reaches public address space needs a recorded exception '
    + '(the constructs and the audit share one rule) and HK-NETWORK-010 applied.',
  fix: 'Name the peer pods (and their namespace by kubernetes.io/metadata.name) and the ports of every rule; for internet egress, '
    + 'use the narrowest CIDRs with 169.254.169.254/32 excepted, or record an exception.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Internet egress (0.0.0.0/0 on 443) for a workload that calls public APIs, with HK-NETWORK-010 applied.',
  checkability: Checkability.MANIFESTS,
  sources: {
    other: ['gardener/diki#439 (default-allow overriding default-deny)'],
  },
  evaluate: perObject(['NetworkPolicy'], (policy, _ctx: AuditContext) => {
    const problems: string[] = [];
    for (const r of rulesOf(policy)) {
      const label = ruleLabel(r);
      if (r.peers.length === 0 && r.ports.length === 0) {
        problems.push(`${label} is {}: it admits every peer on every port`);
        continue;
      }
      if (r.peers.length === 0) problems.push(`${label} names no peers: it admits every ${r.direction === 'Ingress' ? 'source' : 'destination'}`);
      if (r.ports.length === 0) problems.push(`${label} names no ports`);
      r.peers.forEach((peer, i) => {
        if (isBlanketSelectorPeer(peer)) {
          problems.push(`${label} peer ${i} selects every pod of ${peer?.namespaceSelector ? 'every namespace' : 'the namespace'}`);
        } else if (!peer?.ipBlock && peer?.namespaceSelector !== undefined && isEmptySelector(peer.namespaceSelector)) {
          problems.push(`${label} peer ${i} has namespaceSelector {}: it admits matching pods of every namespace`);
        }
        const cidr = peer?.ipBlock ? parseCidr(peer.ipBlock.cidr) : undefined;
        if (cidr && cidr.prefix === 0) {
          problems.push(`${label} peer ${i} ipBlock ${peer.ipBlock.cidr} covers every address`);
        } else if (cidr && r.direction === 'Egress' && reachesPublicSpace(peer.ipBlock.cidr)) {
          problems.push(`${label} peer ${i} ipBlock ${peer.ipBlock.cidr} reaches public address space`);
        }
      });
    }
    return problems;
  }),
};
