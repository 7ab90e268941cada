import { policyTypesOf, selectsWholeNamespace } from './util';
import { asArray, Manifest } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';
import { inNamespace, namespaceFinding, workloadsByNamespace } from '../namespace/util';

/** A policy with `podSelector: {}`, both policy types and no rules: every pod isolated, nothing admitted. */
export function isDefaultDeny(policy: Manifest): boolean {
  const types = policyTypesOf(policy);
  return selectsWholeNamespace(policy)
    && types.includes('Ingress') && types.includes('Egress')
    && asArray(policy.spec?.ingress).length === 0 && asArray(policy.spec?.egress).length === 0;
}

/** HK-NETWORK-001: judged per namespace that holds workloads, whether or not the Namespace object is in the set. */
export const defaultDeny: Practice = {
  id: 'HK-NETWORK-001',
  group: PracticeGroup.NETWORK,
  title: 'Namespace default-deny ingress and egress',
  severity: Severity.CRITICAL,
  why: 'Kubernetes allows all pod-to-pod traffic by default, so one compromised pod can reach every database in the cluster.',
  criterion: 'Every namespace that holds a pod-bearing object has a NetworkPolicy with podSelector: {}, policyTypes [Ingress, Egress] '
    + 'and no ingress or egress rules (absent or empty lists). Reported on the Namespace object when the set contains it, '
    + 'otherwise on each workload of that namespace.',
  library: 'LockedNamespace generates a NetworkPolicy named default-deny (the name Kyverno restrict-networkpolicy-empty-podselector exempts).',
  fix: 'Add a NetworkPolicy named default-deny in the namespace with spec { podSelector: {}, policyTypes: [Ingress, Egress] } and no rules, '
    + 'then allow each declared dependency with its own policy (HK-NETWORK-003).',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'No workload needs unrestricted traffic; allow what it needs with explicit policies instead.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Network policies (default deny; ks C-0030, C-0054; tv 2.0, 3.0)'],
    cis: ['5.3.1', '5.3.2'],
    kubeScore: ['pod-networkpolicy'],
    polaris: ['missingNetworkPolicy'],
    kubeLinter: ['non-isolated-pod'],
    kyverno: ['best-practices/add-network-policy', 'other/require-netpol'],
    checkov: ['CKV2_K8S_6'],
    kubescape: ['C-0030', 'C-0206', 'C-0260', 'C-0054'],
    other: ['FairwindsOps/polaris#1088 (deny-only pods fail missingNetworkPolicy)', 'zegl/kube-score#293, #420 (podSelector {} treated as matching nothing)'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const [ns, workloads] of workloadsByNamespace(ctx)) {
      if (inNamespace(ctx, ns, 'NetworkPolicy').some(isDefaultDeny)) continue;
      out.push(...namespaceFinding(ctx, ns, workloads,
        `namespace "${ns}" holds workloads but no NetworkPolicy with podSelector {}, policyTypes [Ingress, Egress] and no rules`));
    }
    return out;
  },
};
