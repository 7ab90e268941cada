import { inNamespace, namespaceFinding, workloadsByNamespace } from './util';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

/** Keys the namespace quota must cap (sizes come from props). */
export const QUOTA_KEYS: readonly string[] = [
  'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'requests.ephemeral-storage', 'pods', 'count/secrets',
];
/** Keys the namespace quota must set to zero, so HK-NETWORK-006 is enforced by the API server. */
export const ZERO_QUOTA_KEYS: readonly string[] = ['services.loadbalancers', 'services.nodeports'];

function isZero(value: unknown): boolean {
  return value === 0 || value === '0';
}

/**
 * HK-NAMESPACE-003: judged per namespace that holds workloads (the quota is an object inside it, so the Namespace object is
 * not needed); every quota of the namespace applies, so the keys are the union of their spec.hard.
 */
export const resourceQuota: Practice = {
  id: 'HK-NAMESPACE-003',
  group: PracticeGroup.NAMESPACE,
  title: 'ResourceQuota incl. zero NodePorts/LoadBalancers',
  severity: Severity.MEDIUM,
  why: 'Caps a compromised or runaway team at its share; zero `services.nodeports`/`services.loadbalancers` makes HK-NETWORK-006 server-enforced.',
  criterion: 'Every namespace that holds a pod-bearing object has ResourceQuotas whose spec.hard together set requests.cpu, '
    + 'requests.memory, limits.cpu, limits.memory, requests.ephemeral-storage, pods and count/secrets, and set '
    + 'services.loadbalancers and services.nodeports to "0" (all quotas of a namespace apply, so one zero suffices). A missing '
    + 'quota is reported on the Namespace object when the set contains it, else on each workload; missing keys and non-zero '
    + 'service counts are reported on the quota.',
  library: 'LockedNamespace generates the quota with sizes from props and zero NodePorts/LoadBalancers.',
  fix: 'Add a ResourceQuota to the namespace with the listed keys and services.loadbalancers: "0", services.nodeports: "0".',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'For the LoadBalancer/NodePort zeros only (e.g. the ingress controller\'s namespace), recorded on the quota.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Resource policies and its ResourceQuota example (tv 4.0)'],
    kyverno: ['best-practices/add-ns-quota'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const [ns, workloads] of workloadsByNamespace(ctx)) {
      const quotas = inNamespace(ctx, ns, 'ResourceQuota');
      if (quotas.length === 0) {
        out.push(...namespaceFinding(ctx, ns, workloads, `namespace "${ns}" holds workloads but has no ResourceQuota`));
        continue;
      }
      const hard = quotas.map((q) => ({ quota: q, hard: (q.spec?.hard ?? {}) as Record<string, unknown> }));
      const missing = [...QUOTA_KEYS, ...ZERO_QUOTA_KEYS].filter((k) => !hard.some((h) => h.hard[k] !== undefined));
      if (missing.length > 0) out.push({ object: quotas[0], message: `spec.hard does not set ${missing.join(', ')}` });
      for (const key of ZERO_QUOTA_KEYS) {
        const setters = hard.filter((h) => h.hard[key] !== undefined);
        if (setters.length > 0 && !setters.some((h) => isZero(h.hard[key]))) {
          for (const h of setters) out.push({ object: h.quota, message: `spec.hard ${key} is ${JSON.stringify(h.hard[key])}, not "0"` });
        }
      }
    }
    return out;
  },
};
