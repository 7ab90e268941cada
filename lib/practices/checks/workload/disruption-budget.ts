import { asArray, describe, Manifest, namespaceOf, podLabelsOf, podSpecOf, selectorMatches } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, memoized, perObject, Practice, PracticeGroup, Severity } from '../../practice';
import { selectorsByLabel } from '../../selector-index';

/** Kinds whose replica count and disruption budget this practice judges. */
export const REPLICATED_KINDS: readonly string[] = ['Deployment', 'StatefulSet'];

/** The node topology key kube-score and kube-linter accept for spreading. */
export const HOSTNAME_TOPOLOGY_KEY = 'kubernetes.io/hostname';

/** Values the API accepts for `unhealthyPodEvictionPolicy`. */
const EVICTION_POLICIES: readonly string[] = ['IfHealthyBudget', 'AlwaysAllow'];

/**
 * HK-WORKLOAD-021, judged over the set: the replica floor is `spec.replicas` (unset means 1), or the minReplicas of
 * an HPA that targets the workload; the PDB, anti-affinity and spread are matched against the pods' own labels.
 */
export const disruptionBudget: Practice = {
  id: 'HK-WORKLOAD-021',
  group: PracticeGroup.WORKLOAD,
  title: 'Disruption budget, ≥2 replicas, spread',
  severity: Severity.MEDIUM,
  why: 'A single replica or no PodDisruptionBudget lets a node drain or a zonal failure take the service down.',
  criterion: 'Every Deployment and StatefulSet has replicas >= 2, or, when a HorizontalPodAutoscaler targets it, HPA minReplicas >= 2; '
    + 'a policy/v1 PodDisruptionBudget in its namespace selects its pods with maxUnavailable >= 1 (or a non-zero percentage) or '
    + 'minAvailable below that replica floor, and sets unhealthyPodEvictionPolicy explicitly; its pod template has a podAntiAffinity '
    + 'term (required or preferred) with topologyKey kubernetes.io/hostname whose labelSelector matches the pods\' own labels, and a '
    + 'topologySpreadConstraint on kubernetes.io/hostname with maxSkew >= 1 and a labelSelector matching them.',
  library: 'SecureDeployment generates the PodDisruptionBudget (unhealthyPodEvictionPolicy: AlwaysAllow), the hostname anti-affinity '
    + 'and the topology spread (cdk8s-plus has no PDB).',
  fix: 'Run at least 2 replicas, add a policy/v1 PodDisruptionBudget with maxUnavailable: 1 and unhealthyPodEvictionPolicy: AlwaysAllow, '
    + 'and add hostname podAntiAffinity and topologySpreadConstraints selecting the pods\' labels.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Singletons; a workload whose replica count comes from an HPA records the Polaris deploymentMissingReplicas exemption.',
  checkability: Checkability.MANIFESTS,
  sources: {
    kubeScore: [
      'deployment-replicas', 'deployment-has-poddisruptionbudget', 'statefulset-has-poddisruptionbudget', 'poddisruptionbudget-has-policy',
      'deployment-has-host-podantiaffinity', 'statefulset-has-host-podantiaffinity', 'pod-topology-spread-constraints',
      'horizontalpodautoscaler-replicas', 'deployment-targeted-by-hpa-does-not-have-replicas-configured',
    ],
    polaris: [
      'deploymentMissingReplicas', 'missingPodDisruptionBudget', 'pdbDisruptionsIsZero', 'topologySpreadConstraint', 'hpaMinAvailability',
      'hpaMaxAvailability', 'pdbMinAvailableGreaterThanHPAMinReplicas',
    ],
    kubeLinter: [
      'pdb-max-unavailable', 'pdb-min-available', 'pdb-unhealthy-pod-eviction-policy', 'no-anti-affinity', 'minimum-three-replicas',
      'hpa-minimum-three-replicas',
    ],
    kyverno: ['other/require-pdb', 'other/create-default-pdb', 'other/require-deployments-have-multiple-replicas', 'other/require-reasonable-pdbs'],
    gatekeeper: ['K8sPodDisruptionBudget', 'K8sReplicaLimits', 'K8sHorizontalPodAutoscaler'],
    other: ['cdk8s-team/cdk8s-plus#419'],
  },
  evaluate: perObject(REPLICATED_KINDS, (obj, ctx) => {
    const { floor, problems } = replicaFloor(ctx, obj);
    problems.push(...budgetProblems(ctx, obj, floor));
    problems.push(...spreadProblems(obj));
    return problems;
  }),
};

function replicaFloor(ctx: AuditContext, obj: Manifest): { floor: number; problems: string[] } {
  const hpa = ctx.inNamespace(namespaceOf(obj), 'HorizontalPodAutoscaler').find((h) => h.spec?.scaleTargetRef?.kind === obj.kind && h.spec?.scaleTargetRef?.name === obj.metadata?.name);
  if (hpa) {
    const min = typeof hpa.spec?.minReplicas === 'number' ? hpa.spec.minReplicas : 1;
    return { floor: min, problems: min >= 2 ? [] : [`${describe(hpa)} sets minReplicas ${min} (unset means 1); it needs at least 2`] };
  }
  const replicas = obj.spec?.replicas;
  if (replicas === undefined || replicas === null) return { floor: 1, problems: ['spec.replicas is unset (the API defaults it to 1); run at least 2'] };
  const n = Number(replicas);
  return { floor: n, problems: n >= 2 ? [] : [`spec.replicas is ${JSON.stringify(replicas)}; run at least 2`] };
}

/** The PodDisruptionBudgets of a namespace by the pod labels they could select, built once per audit and namespace. */
function budgetIndex(ctx: AuditContext, namespace: string): (labels: Record<string, unknown>) => Manifest[] {
  const byNamespace = memoized(ctx, 'workload.budget-index', () => new Map<string, (labels: Record<string, unknown>) => Manifest[]>());
  let index = byNamespace.get(namespace);
  if (!index) {
    index = selectorsByLabel(ctx.inNamespace(namespace, 'PodDisruptionBudget'), (p) => p.spec?.selector);
    byNamespace.set(namespace, index);
  }
  return index;
}

function budgetProblems(ctx: AuditContext, obj: Manifest, floor: number): string[] {
  const labels = podLabelsOf(obj);
  const selecting = budgetIndex(ctx, namespaceOf(obj))(labels).filter((p) => selectorMatches(p.spec?.selector, labels));
  const v1 = selecting.filter((p) => p.apiVersion === 'policy/v1');
  const problems = selecting.filter((p) => p.apiVersion !== 'policy/v1').map((p) => `${describe(p)} uses ${p.apiVersion}, not policy/v1`);
  if (v1.length === 0) return [...problems, 'no policy/v1 PodDisruptionBudget selects its pods'];
  const judged = v1.map((p) => ({ pdb: p, issues: pdbIssues(p, floor) }));
  if (judged.some((j) => j.issues.length === 0)) return [];
  return [...problems, ...judged.flatMap((j) => j.issues.map((i) => `${describe(j.pdb)} ${i}`))];
}

function pdbIssues(pdb: Manifest, floor: number): string[] {
  const issues: string[] = [];
  const { maxUnavailable, minAvailable, unhealthyPodEvictionPolicy } = pdb.spec ?? {};
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    if (resolveIntOrPercent(maxUnavailable, floor) < 1) issues.push(`sets maxUnavailable ${JSON.stringify(maxUnavailable)}, which allows no voluntary disruption`);
  } else if (minAvailable !== undefined && minAvailable !== null) {
    const min = resolveIntOrPercent(minAvailable, floor);
    if (!(min < floor)) issues.push(`sets minAvailable ${JSON.stringify(minAvailable)}, not below the ${floor} replica(s), so no pod may be evicted`);
  } else {
    issues.push('sets neither maxUnavailable nor minAvailable');
  }
  if (!EVICTION_POLICIES.includes(unhealthyPodEvictionPolicy)) issues.push('does not set unhealthyPodEvictionPolicy (AlwaysAllow)');
  return issues;
}

/** An IntOrString budget value as a pod count; percentages round up, as the disruption controller does. */
function resolveIntOrPercent(value: unknown, replicas: number): number {
  if (typeof value === 'string' && value.endsWith('%')) return Math.ceil((replicas * Number(value.slice(0, -1))) / 100);
  const n = Number(value);
  return Number.isFinite(n) ? n : NaN;
}

function spreadProblems(obj: Manifest): string[] {
  const spec = podSpecOf(obj);
  const labels = podLabelsOf(obj);
  const anti = spec?.affinity?.podAntiAffinity;
  const terms = [
    ...asArray(anti?.requiredDuringSchedulingIgnoredDuringExecution),
    ...asArray(anti?.preferredDuringSchedulingIgnoredDuringExecution).map((w) => w?.podAffinityTerm),
  ];
  const problems: string[] = [];
  if (!terms.some((t) => t?.topologyKey === HOSTNAME_TOPOLOGY_KEY && selectorMatches(t?.labelSelector, labels))) {
    problems.push(`pod template has no podAntiAffinity term on ${HOSTNAME_TOPOLOGY_KEY} selecting its own pods`);
  }
  const spread = asArray(spec?.topologySpreadConstraints).some((t) => t?.topologyKey === HOSTNAME_TOPOLOGY_KEY
    && Number.isInteger(t?.maxSkew) && t.maxSkew >= 1 && selectorMatches(t?.labelSelector, labels));
  if (!spread) problems.push(`pod template has no topologySpreadConstraint on ${HOSTNAME_TOPOLOGY_KEY} (maxSkew >= 1) selecting its own pods`);
  return problems;
}
