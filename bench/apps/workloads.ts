/** The shape both workload apps share, so hardened and plain lay out the same objects in the same charts. */

/** Workloads per namespace. */
export const PER_NAMESPACE = 50;

/** A pinned image from an allowed registry, so the hardened app audits clean. */
export const IMAGE = `registry.example.com/bench/app:1.0.0@sha256:${'d'.repeat(64)}`;

/**
 * The quota of each bench namespace: room for PER_NAMESPACE workloads at full scale (replicas and rollout surge),
 * so the app-wide quota check passes; the plain twin has no quota, so this only sizes the hardened one.
 */
export const QUOTA = {
  requestsCpu: '64',
  requestsMemory: '128Gi',
  limitsCpu: '128',
  limitsMemory: '256Gi',
  requestsEphemeralStorage: '64Gi',
  limitsEphemeralStorage: '128Gi',
  pods: 400,
  services: 200,
  persistentVolumeClaims: 100,
  jobs: 200,
};

/** One namespace of the layout: its name, its chart and its workload indexes. */
export interface NamespaceSlot {
  readonly name: string;
  readonly chart: number;
  readonly workloads: number[];
}

/**
 * `n` workloads in namespaces of PER_NAMESPACE, the namespaces spread evenly over `charts` charts (one chart holds
 * them all when `charts` is 1; 1,000 over 20 charts is one namespace per chart).
 */
export function layout(n: number, charts: number): NamespaceSlot[] {
  const count = Math.ceil(n / PER_NAMESPACE);
  return Array.from({ length: count }, (_, k) => ({
    name: `ns-${k}`,
    chart: Math.floor((k * charts) / count),
    workloads: Array.from({ length: Math.min(PER_NAMESPACE, n - k * PER_NAMESPACE) }, (__, j) => k * PER_NAMESPACE + j),
  }));
}

/**
 * The caller of workload i: in each namespace the first five form a chain (i-1 → i) and every later one is called by
 * the namespace's first workload (a fan-out), so connections grow linearly with N.
 */
export function callerOf(i: number): number | undefined {
  const local = i % PER_NAMESPACE;
  if (local === 0) return undefined;
  return local < 5 ? i - 1 : i - local;
}
