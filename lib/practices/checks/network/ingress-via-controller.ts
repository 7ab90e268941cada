import { policiesSelecting, PolicyRule, ruleLabel, rulesOf, targetSelectorOf } from './util';
import { describe, isEmptySelector, podLabelsOf, POD_KINDS } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

/** Pod label with which a workload declares that it serves outside traffic (SecureDeployment `public: true`). */
export const PUBLIC_LABEL = 'cdk8s-hardened.io/public';
/** Pod label that marks the ingress controller's pods, the one place outside traffic may enter. */
export const INGRESS_CONTROLLER_LABEL = 'cdk8s-hardened.io/ingress-controller';

const NAME_LABEL = 'kubernetes.io/metadata.name';

/** Why an ingress rule admits traffic from outside the cluster or from every namespace, or undefined when it does not. */
function outsideAdmission(r: PolicyRule): string | undefined {
  if (r.peers.length === 0) return 'names no peers, so it admits every source, including clients outside the cluster';
  for (const [i, peer] of r.peers.entries()) {
    if (peer?.ipBlock) return `peer ${i} is ipBlock ${peer.ipBlock.cidr ?? '?'}, which admits traffic from outside the cluster`;
    if (peer?.namespaceSelector !== undefined && isEmptySelector(peer.namespaceSelector)) {
      return `peer ${i} has namespaceSelector {}, which admits pods of every namespace`;
    }
  }
  return undefined;
}

/**
 * Why a peer admitting a public workload does not name pods, or undefined when it does: the ingress controller (its
 * namespace by name and its pods) or another workload (its pods, and its namespace by name when it is another one).
 */
function unnamedPeer(peer: any): string | undefined {
  if (peer?.ipBlock) return 'is an ipBlock';
  if (peer?.podSelector === undefined || isEmptySelector(peer.podSelector)) return 'names no pods';
  if (peer?.namespaceSelector !== undefined && typeof peer.namespaceSelector?.matchLabels?.[NAME_LABEL] !== 'string') {
    return `selects namespaces other than by ${NAME_LABEL}`;
  }
  return undefined;
}

/** HK-NETWORK-005: outside traffic is judged on the policies that admit it and on the workloads that declare themselves public. */
export const ingressViaController: Practice = {
  id: 'HK-NETWORK-005',
  group: PracticeGroup.NETWORK,
  title: 'Outside traffic enters only via the ingress controller',
  severity: Severity.HIGH,
  why: 'Exposing pods directly skips TLS termination, WAF and authentication at the edge.',
  criterion: 'Outside traffic is traffic from outside the cluster or from every namespace: an ingress rule with no peers, an ipBlock '
    + `peer, or a peer with namespaceSelector {}. Such a rule appears only in a NetworkPolicy whose podSelector.matchLabels carries ${INGRESS_CONTROLLER_LABEL}: "true" `
    + `(the ingress controller's own policy). A workload whose pod labels carry ${PUBLIC_LABEL}: "true" (it is reached through the ingress `
    + 'controller or a Gateway) is admitted, by every policy selecting it, only from peers that name pods: a non-empty podSelector, '
    + 'with the namespace, when given, selected by kubernetes.io/metadata.name (the controller\'s pods, and the workload\'s declared internal callers).',
  library: 'SecureIngress and the Gateway API routes label their backends\' pods public and admit the controller\'s (or Gateway\'s) namespace and pods '
    + 'on exactly the routed port; the backends keep admitting their declared internal callers.',
  fix: `Admit public workloads only from the ingress controller (namespaceSelector { ${NAME_LABEL}: <controller namespace> } plus its pod labels), `
    + 'expose them through an Ingress with TLS (HK-NETWORK-007), and remove ipBlock, peer-less and namespaceSelector {} ingress rules elsewhere.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: `The ingress controller itself is recognised by the ${INGRESS_CONTROLLER_LABEL} label on its policy, not by an exception.`,
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Network separation and hardening'],
    kubescape: ['C-0256', 'C-0266'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const policy of ctx.ofKind('NetworkPolicy')) {
      if (targetSelectorOf(policy).matchLabels?.[INGRESS_CONTROLLER_LABEL] === 'true') continue;
      for (const r of rulesOf(policy).filter((x) => x.direction === 'Ingress')) {
        const why = outsideAdmission(r);
        if (why) out.push({ object: policy, message: `${ruleLabel(r)} ${why}, but the policy does not select the ingress controller` });
      }
    }
    for (const w of ctx.ofKind(...POD_KINDS)) {
      if (podLabelsOf(w)[PUBLIC_LABEL] !== 'true') continue;
      for (const policy of policiesSelecting(ctx, w)) {
        for (const r of rulesOf(policy).filter((x) => x.direction === 'Ingress')) {
          if (r.peers.length === 0) continue; // reported above as outside admission
          r.peers.forEach((peer, i) => {
            const why = unnamedPeer(peer);
            if (why) out.push({ object: w, message: `public workload is admitted by ${describe(policy)} ${ruleLabel(r)} peer ${i}, which ${why}` });
          });
        }
      }
    }
    return out;
  },
};
