import { Cidr, cidrContains, parseCidr, ruleLabel, rulesOf } from './util';
import { asArray } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** The instance metadata endpoints: the IPv4 one every cloud uses and the IPv6 one of EC2 (IPv6 EKS). */
export const METADATA_ENDPOINTS: readonly string[] = ['169.254.169.254/32', 'fd00:ec2::254/128'];

const ENDPOINTS: readonly Cidr[] = METADATA_ENDPOINTS.map((c) => parseCidr(c)!);

/** HK-NETWORK-010: CIDR containment per address family; an `except` that covers the endpoint (any prefix) closes it. */
export const metadataEndpointBlocked: Practice = {
  id: 'HK-NETWORK-010',
  group: PracticeGroup.NETWORK,
  title: 'Cloud metadata endpoint unreachable',
  severity: Severity.HIGH,
  why: 'The instance metadata service hands out node cloud credentials to any pod that can reach `169.254.169.254`.',
  criterion: 'Every NetworkPolicy egress ipBlock whose cidr contains 169.254.169.254 lists an except CIDR containing it (e.g. '
    + '169.254.169.254/32), and every IPv6 egress ipBlock whose cidr contains fd00:ec2::254 lists an except CIDR containing that; '
    + 'containment is computed on the addresses, so 169.254.0.0/16 or fd00::/8 count. An ipBlock whose cidr cannot be parsed is a finding.',
  library: 'Generates except entries for both endpoints on every egress ipBlock and refuses an ipBlock that reaches them.',
  fix: 'Add except: [169.254.169.254/32] (and fd00:ec2::254/128 on IPv6 blocks) to the egress ipBlock, or narrow the cidr; '
    + 'cloud agents that need the endpoint record an exception.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Cloud agents that must read instance metadata (node-level CSI or CNI agents); prefer workload identity.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Protecting sensitive cloud infrastructure'],
    kubescape: ['C-0052'],
  },
  evaluate: perObject(['NetworkPolicy'], (policy) => {
    const problems: string[] = [];
    for (const r of rulesOf(policy).filter((x) => x.direction === 'Egress')) {
      r.peers.forEach((peer, i) => {
        if (!peer?.ipBlock) return;
        const cidr = parseCidr(peer.ipBlock.cidr);
        if (!cidr) {
          problems.push(`${ruleLabel(r)} peer ${i} ipBlock cidr ${JSON.stringify(peer.ipBlock.cidr)} is not a CIDR, so it cannot be judged`);
          return;
        }
        const excepts = asArray(peer.ipBlock.except).map(parseCidr).filter((c): c is Cidr => c !== undefined);
        METADATA_ENDPOINTS.forEach((text, e) => {
          if (cidrContains(cidr, ENDPOINTS[e]) && !excepts.some((x) => cidrContains(x, ENDPOINTS[e]))) {
            problems.push(`${ruleLabel(r)} peer ${i} ipBlock ${peer.ipBlock.cidr} reaches ${text.split('/')[0]} without excepting it`);
          }
        });
      });
    }
    return problems;
  }),
};
