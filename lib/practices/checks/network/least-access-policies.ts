import { policiesSelecting, policyTypesOf, ruleLabel, rulesOf, selectsWholeNamespace, targetSelectorOf, workloadsSelectable } from './util';
import { isEmptySelector, isRecord, namespaceOf, POD_KINDS, podLabelsOf, selectorMatches } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

const NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * HK-NETWORK-003: the dependency graph itself is not in the manifests, so the check judges its footprint: every workload has
 * its own policy, is isolated both ways, policies select something, and selector peers name pods (and namespaces by name).
 */
export const leastAccessPolicies: Practice = {
  id: 'HK-NETWORK-003',
  group: PracticeGroup.NETWORK,
  title: 'Least-access policies from declared dependencies',
  severity: Severity.HIGH,
  why: 'FE→BE→DB means the database accepts connections only from the backend, on its port, and nothing else — lateral movement stops at the first hop.',
  criterion: 'Every pod-bearing object\'s pods are selected by at least one NetworkPolicy of their namespace with a non-empty podSelector '
    + '(a per-workload policy, not only the namespace default-deny), and the policies selecting them (namespace-wide ones included) '
    + 'isolate both Ingress and Egress: one-sided isolation, e.g. what cdk8s-plus connections.allowFrom leaves without a default-deny '
    + '(Ingress-only on the target, Egress-only on the peer), is a finding. No NetworkPolicy with a non-empty podSelector selects '
    + 'no pod when the set holds workloads of its namespace. Selector peers name pods: a peer with a namespaceSelector also has a '
    + 'non-empty podSelector, and selects the namespace by kubernetes.io/metadata.name. The mirrored egress of each edge is not '
    + 'demanded: its absence blocks traffic, it does not open any.',
  library: 'Generates per-workload policies from dependsOn/allowFrom declarations: ingress on the callee, mirrored egress on the caller.',
  fix: 'Give each workload a NetworkPolicy selecting its pod labels with policyTypes [Ingress, Egress] and one rule per declared '
    + 'dependency (peer pod labels, plus namespaceSelector { kubernetes.io/metadata.name: <ns> } across namespaces, and its port); '
    + 'delete policies that select no pod.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'A workload without dependencies still gets its own policy, with both policy types and no rules.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Network policies (least access, pod/namespace selectors; tv 2.0)'],
    cis: ['5.3.2'],
    kubeScore: ['pod-networkpolicy', 'networkpolicy-targets-pod'],
    polaris: ['missingNetworkPolicy'],
    kubeLinter: ['non-isolated-pod', 'dangling-networkpolicy', 'dangling-networkpolicypeer-podselector'],
    kyverno: ['other/generate-networkpolicy-existing'],
    checkov: ['CKV2_K8S_6'],
    kubescape: ['C-0260', 'C-0299'],
    other: ['cdk8s-plus connections (allowFrom/allowTo) creates both sides but has no namespace default, DNS or graph'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    const workloads = ctx.ofKind(...POD_KINDS);
    for (const w of workloads) {
      const selecting = policiesSelecting(ctx, w);
      if (!selecting.some((p) => !selectsWholeNamespace(p))) {
        out.push({ object: w, message: 'no NetworkPolicy with a non-empty podSelector selects its pods (only namespace-wide policies, if any)' });
      }
      const types = new Set(selecting.flatMap(policyTypesOf));
      const missing = (['Ingress', 'Egress'] as const).filter((t) => !types.has(t));
      if (missing.length === 1) {
        out.push({ object: w, message: `its pods are isolated one-sidedly: no NetworkPolicy selecting them isolates ${missing[0]}` });
      } else if (missing.length === 2) {
        out.push({ object: w, message: 'its pods are not isolated: no NetworkPolicy selecting them isolates Ingress or Egress' });
      }
    }
    // Whether a namespace holds workloads, asked once per namespace rather than once per policy.
    const withWorkloads = new Map<string, boolean>();
    for (const policy of ctx.ofKind('NetworkPolicy')) {
      const ns = namespaceOf(policy);
      let hasWorkloads = withWorkloads.get(ns);
      if (hasWorkloads === undefined) {
        hasWorkloads = ctx.inNamespace(ns, ...POD_KINDS).length > 0;
        withWorkloads.set(ns, hasWorkloads);
      }
      const selector = targetSelectorOf(policy);
      const selectsSome = () => workloadsSelectable(ctx, ns, selector).some((w) => selectorMatches(selector, podLabelsOf(w)));
      if (!selectsWholeNamespace(policy) && hasWorkloads && !selectsSome()) {
        out.push({ object: policy, message: `its podSelector matches no pod of the workloads in namespace "${ns}"` });
      }
      for (const r of rulesOf(policy)) {
        r.peers.forEach((peer, i) => {
          // namespaceSelector: null is valid and means absent, like podSelector: null.
          if (peer?.ipBlock || peer?.namespaceSelector === undefined || peer.namespaceSelector === null) return;
          if (isEmptySelector(peer.namespaceSelector)) return;
          if (peer.podSelector === undefined || peer.podSelector === null || isEmptySelector(peer.podSelector)) {
            out.push({ object: policy, message: `${ruleLabel(r)} peer ${i} admits every pod of the selected namespaces; name the peer pods` });
          }
          if (!isRecord(peer.namespaceSelector.matchLabels) || peer.namespaceSelector.matchLabels[NAME_LABEL] === undefined) {
            out.push({ object: policy, message: `${ruleLabel(r)} peer ${i} selects namespaces by labels other than ${NAME_LABEL}` });
          }
        });
      }
    }
    return out;
  },
};
