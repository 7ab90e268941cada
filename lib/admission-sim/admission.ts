import { AppProblem, PathOf, recordedExceptionIds, side } from './app-problem';
import { evaluatePss, PssVersion } from './pod-security';
import { EXCEPTION_ANNOTATION_PREFIX } from '../practices/exceptions';
import { asArray, LOCKED_LABEL, Manifest, podMetaOf, podSpecOf } from '../practices/manifest';
import { parseQuantity } from '../units/quantity';

/**
 * Admission simulated over the whole app: what the namespace's own controls (Pod Security Admission, ResourceQuota,
 * LimitRange) would refuse once the objects are applied. A recorded exception excuses a practice of the audit, never
 * the namespace's controls, so a pod the audit passes can still be refused here; the message names both sides.
 */
export function admissionProblems(objects: readonly Manifest[], pathOf: PathOf = () => undefined): AppProblem[] {
  const inNamespace = groupByNamespace(objects);
  const problems: AppProblem[] = [];
  for (const ns of objects.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1')) {
    const name = ns.metadata?.name;
    if (typeof name !== 'string') continue;
    const members = inNamespace.get(name);
    if (members) problems.push(...podSecurityProblems(ns, members.pods, pathOf));
  }
  const locked = new Set(objects.filter((o) => o.kind === 'Namespace' && o.metadata?.labels?.[LOCKED_LABEL] === 'true').map((o) => o.metadata?.name));
  for (const [name, members] of inNamespace) {
    const limitRanges = members.all.filter((o) => o.kind === 'LimitRange');
    const effective = effectiveResourcesOf();
    for (const lr of limitRanges) problems.push(...limitRangeProblems(lr, members, effective, pathOf));
    for (const quota of members.all.filter((o) => o.kind === 'ResourceQuota')) {
      problems.push(...quotaProblems(quota, members, limitRanges, effective, pathOf, locked.has(name)));
    }
  }
  return problems;
}

/** A pod-bearing object and its pod spec. */
interface PodBearer {
  readonly object: Manifest;
  readonly spec: any;
}

/** The objects of one namespace, in input order, and those of them that bear pods (every check reads their spec). */
interface Members {
  readonly all: Manifest[];
  readonly pods: PodBearer[];
}

function groupByNamespace(objects: readonly Manifest[]): Map<string, Members> {
  const out = new Map<string, Members>();
  for (const o of objects) {
    const ns = o.metadata?.namespace;
    if (typeof ns !== 'string' || ns === '') continue;
    let members = out.get(ns);
    if (!members) {
      members = { all: [], pods: [] };
      out.set(ns, members);
    }
    members.all.push(o);
    const spec = podSpecOf(o);
    if (spec) members.pods.push({ object: o, spec });
  }
  return out;
}

/** Quantities already parsed: an app repeats a handful of them (requests, limits, quota) across every workload. */
const PARSED = new Map<string, number | undefined>();
/** Bound on PARSED, so hostile input with many distinct quantities cannot grow it without end. */
const PARSED_MAX = 1024;

/** `parseQuantity`, remembered. */
function quantity(text: string): number | undefined {
  if (!PARSED.has(text)) {
    if (PARSED.size >= PARSED_MAX) PARSED.clear();
    PARSED.set(text, parseQuantity(text));
  }
  return PARSED.get(text);
}

// ---------------------------------------------------------------- Pod Security Admission

function podSecurityProblems(ns: Manifest, pods: readonly PodBearer[], pathOf: PathOf): AppProblem[] {
  const labels = ns.metadata?.labels ?? {};
  const level = labels['pod-security.kubernetes.io/enforce'];
  if (level !== 'baseline' && level !== 'restricted') return [];
  const versionLabel = labels['pod-security.kubernetes.io/enforce-version'] ?? 'latest';
  const version = pssVersion(versionLabel);
  if (!version) return [];
  const problems: AppProblem[] = [];
  for (const { object: obj, spec } of pods) {
    const fails = evaluatePss(podMetaOf(obj), spec, level, version);
    if (fails.length === 0) continue;
    const excepted = recordedExceptionIds(obj);
    const exceptions = excepted.length > 0 ? ` (its recorded exceptions ${excepted.join(', ')} excuse the audit, not Pod Security Admission)` : '';
    const baselineFails = level === 'restricted' ? evaluatePss(podMetaOf(obj), spec, 'baseline', version) : fails;
    problems.push({
      object: obj,
      message: `${side(obj, pathOf)} would be refused by Pod Security Admission: ${side(ns, pathOf)} enforces '${level}' `
        + `(${versionLabel}), which its pods break on ${fails.join(', ')}${exceptions}. `
        + `Fix: change the workload so its pods meet '${level}', or ${podSecurityWayOut(ns, level, baselineFails)}.`,
    });
  }
  return problems;
}

/**
 * The namespace's way out for pods its level refuses: relax a restricted namespace to baseline with its own recorded
 * exception when the pods meet baseline, else a namespace that enforces privileged with its reason.
 */
function podSecurityWayOut(ns: Manifest, level: string, baselineFails: readonly string[]): string {
  const locked = ns.metadata?.labels?.[LOCKED_LABEL] === 'true';
  if (level === 'restricted' && baselineFails.length === 0) {
    return locked
      ? 'relax the namespace with its own recorded exception: LockedNamespace podSecurityLevel: PodSecurityLevel.BASELINE with '
        + 'exceptions: [{ practice: \'HK-NAMESPACE-002\', reason: \'…\' }] (its pods meet \'baseline\')'
      : 'relax the namespace with its own recorded exception: label pod-security.kubernetes.io/enforce: baseline and annotate the Namespace '
        + `${EXCEPTION_ANNOTATION_PREFIX}HK-NAMESPACE-002: "<reason>" (its pods meet 'baseline')`;
  }
  const below = level === 'restricted' ? ` they break 'baseline' too (${baselineFails.join(', ')}), so` : '';
  return `run it where Pod Security enforces 'privileged':${below} only a PrivilegedNamespace, with its reason, admits them`
    + `${locked ? ' (a LockedNamespace is relaxed to \'baseline\' at the lowest)' : ''}`;
}

function pssVersion(label: string): PssVersion | undefined {
  if (label === 'latest') return 'latest';
  const m = /^v1\.(\d+)$/.exec(label);
  return m ? { minor: Number(m[1]) } : undefined;
}

// ---------------------------------------------------------------- LimitRange

const LIMITED_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

/** A container's effective requests and limits once the LimitRange defaults are applied, as the API server does. */
interface EffectiveResources {
  readonly requests: Record<string, string | undefined>;
  readonly limits: Record<string, string | undefined>;
}

function containerLimitItem(limitRanges: readonly Manifest[]): any {
  for (const lr of limitRanges) {
    const item = asArray(lr.spec?.limits).find((l) => l?.type === 'Container');
    if (item) return item;
  }
  return undefined;
}

/** `item` is the namespace's Container limit item (`containerLimitItem`), `{}` when it has none. */
function effectiveResources(container: any, item: any): EffectiveResources {
  const declared = container?.resources ?? {};
  const requests: Record<string, string | undefined> = {};
  const limits: Record<string, string | undefined> = {};
  for (const r of LIMITED_RESOURCES) {
    limits[r] = declared.limits?.[r] ?? item.default?.[r];
    // The API server defaults a missing request to the limit the container declares, else to the LimitRange's.
    requests[r] = declared.requests?.[r] ?? declared.limits?.[r] ?? item.defaultRequest?.[r] ?? item.default?.[r];
  }
  for (const [k, v] of Object.entries(declared.requests ?? {})) requests[k] ??= v as string;
  for (const [k, v] of Object.entries(declared.limits ?? {})) limits[k] ??= v as string;
  return { requests, limits };
}

/** What a container's effective resources are under a LimitRange Container item, each container worked out once. */
type EffectiveResourcesOf = (container: any, item: any) => EffectiveResources;

/** A fresh memo of `effectiveResources` (one per namespace: the LimitRange and the quota checks read the same). */
function effectiveResourcesOf(): EffectiveResourcesOf {
  const byItem = new Map<unknown, Map<unknown, EffectiveResources>>();
  return (container, item) => {
    let byContainer = byItem.get(item);
    if (!byContainer) {
      byContainer = new Map();
      byItem.set(item, byContainer);
    }
    let eff = byContainer.get(container);
    if (!eff) {
      eff = effectiveResources(container, item);
      byContainer.set(container, eff);
    }
    return eff;
  };
}

/** The Container item of no LimitRange. */
const NO_LIMIT_ITEM = {};

/** One bound of a LimitRange Container item (`max.cpu: 2`), parsed once for every container it judges. */
interface ContainerBound {
  readonly bound: 'max' | 'min';
  readonly verb: 'above' | 'below';
  readonly resource: string;
  readonly text: string;
  readonly value: number;
}

function containerBounds(item: any): ContainerBound[] {
  const out: ContainerBound[] = [];
  for (const [bound, verb] of [['max', 'above'], ['min', 'below']] as const) {
    for (const [resource, boundText] of Object.entries(item[bound] ?? {})) {
      const value = quantity(String(boundText));
      if (value !== undefined) out.push({ bound, verb, resource, text: String(boundText), value });
    }
  }
  return out;
}

function limitRangeProblems(lr: Manifest, members: Members, effective: EffectiveResourcesOf, pathOf: PathOf): AppProblem[] {
  const problems: AppProblem[] = [];
  const containerItem = containerLimitItem([lr]) ?? NO_LIMIT_ITEM;
  for (const item of asArray(lr.spec?.limits)) {
    if (item?.type === 'Container') {
      const bounds = containerBounds(item);
      for (const { object: obj, spec } of members.pods) {
        for (const container of [...asArray(spec.containers), ...asArray(spec.initContainers)]) {
          const eff = effective(container, containerItem);
          for (const { bound, verb, resource, text, value: b } of bounds) {
            for (const kind of ['requests', 'limits'] as const) {
              const value = eff[kind][resource];
              if (value === undefined) continue;
              const v = quantity(value);
              if (v === undefined) continue;
              if (bound === 'max' ? v > b : v < b) {
                problems.push({
                  object: obj,
                  message: `${side(obj, pathOf)} would be refused by its namespace's LimitRange: container "${container?.name}" ${kind}.${resource} `
                    + `${value} is ${verb} the ${bound} ${text} of ${side(lr, pathOf)}. Fix: give the container ${kind}.${resource} `
                    + `${bound === 'max' ? 'at most' : 'at least'} ${text}, or change the namespace's limits (LockedNamespace prop limits.${bound}).`,
                });
              }
            }
          }
        }
      }
    }
    if (item?.type === 'PersistentVolumeClaim' && item.max?.storage !== undefined) {
      const max = quantity(String(item.max.storage));
      for (const claim of claimsOf(members.all)) {
        const asked = claim.request === undefined ? undefined : quantity(claim.request);
        if (max === undefined || asked === undefined || asked <= max) continue;
        problems.push({
          object: claim.owner,
          message: `${side(claim.owner, pathOf)} would be refused by its namespace's LimitRange: claim "${claim.name}" requests storage `
            + `${claim.request}, above the max ${String(item.max.storage)} of ${side(lr, pathOf)}. Fix: request at most ${String(item.max.storage)}, `
            + 'or raise the namespace\'s largest claim (LockedNamespace prop limits.maxClaimStorage).',
        });
      }
    }
  }
  return problems;
}

function claimsOf(members: readonly Manifest[]): Array<{ owner: Manifest; name: string; request?: string }> {
  const out: Array<{ owner: Manifest; name: string; request?: string }> = [];
  for (const o of members) {
    if (o.kind === 'PersistentVolumeClaim') out.push({ owner: o, name: String(o.metadata?.name), request: o.spec?.resources?.requests?.storage });
    if (o.kind === 'StatefulSet') {
      for (const t of asArray(o.spec?.volumeClaimTemplates)) {
        out.push({ owner: o, name: String(t?.metadata?.name), request: t?.spec?.resources?.requests?.storage });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- ResourceQuota

/** How many pods a workload runs at most, and why: replicas, the HPA's maxReplicas, and the rolling-update surge. */
interface Scale {
  readonly pods: number;
  readonly why: string;
}

/** Workload kind → workload name → the first HorizontalPodAutoscaler of the namespace that scales it. */
type Autoscalers = Map<unknown, Map<unknown, Manifest>>;

/** The namespace's HPAs by target, keeping the first of each (as a search in member order finds it). */
function autoscalers(members: readonly Manifest[]): Autoscalers {
  const out: Autoscalers = new Map();
  for (const h of members) {
    if (h.kind !== 'HorizontalPodAutoscaler') continue;
    const kind = h.spec?.scaleTargetRef?.kind;
    const name = h.spec?.scaleTargetRef?.name;
    // NaN equals nothing, not even itself, so it scales nothing.
    if (Number.isNaN(kind) || Number.isNaN(name)) continue;
    const byName = out.get(kind) ?? out.set(kind, new Map()).get(kind)!;
    if (!byName.has(name)) byName.set(name, h);
  }
  return out;
}

function scaleOf(obj: Manifest, hpas: Autoscalers): Scale | undefined {
  const hpa = hpas.get(obj.kind)?.get(obj.metadata?.name);
  const count = (n: unknown, fallback: number) => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : fallback);
  switch (obj.kind) {
    case 'Pod': return { pods: 1, why: '1 pod' };
    case 'Job': return { pods: count(obj.spec?.parallelism, 1), why: `parallelism ${count(obj.spec?.parallelism, 1)}` };
    case 'CronJob': {
      const p = count(obj.spec?.jobTemplate?.spec?.parallelism, 1);
      return { pods: p, why: `parallelism ${p}` };
    }
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet': {
      const replicas = hpa ? count(hpa.spec?.maxReplicas, 1) : count(obj.spec?.replicas, 1);
      const base = hpa ? `maxReplicas ${replicas} of ${hpa.kind} ${hpa.metadata?.name}` : `${replicas} replica(s)`;
      const surge = obj.kind === 'Deployment' ? surgeOf(obj, replicas) : 0;
      return { pods: replicas + surge, why: surge > 0 ? `${base} + ${surge} surge pod(s) during a rolling update` : base };
    }
    default: return undefined; // a DaemonSet's pod count is the node count, which the manifests do not know
  }
}

function surgeOf(deployment: Manifest, replicas: number): number {
  const strategy = deployment.spec?.strategy;
  if (strategy?.type === 'Recreate') return 0;
  const surge = strategy?.rollingUpdate?.maxSurge ?? '25%';
  if (typeof surge === 'number') return surge;
  const m = /^(\d+)%$/.exec(String(surge));
  return m ? Math.ceil((replicas * Number(m[1])) / 100) : 0;
}

/**
 * A pod's effective amount of one resource: its containers and restartable init containers add up; other init
 * containers run alone. `effective` gives a container's effective resources (computed once per container).
 */
function podAmount(spec: any, kind: 'requests' | 'limits', resource: string, effective: (container: any) => EffectiveResources): number | undefined {
  let sum = 0;
  let initMax = 0;
  const amount = (c: any): number | undefined => {
    const text = effective(c)[kind][resource];
    return text === undefined ? undefined : quantity(text);
  };
  for (const c of asArray(spec.containers)) {
    const v = amount(c);
    if (v === undefined) return undefined;
    sum += v;
  }
  for (const c of asArray(spec.initContainers)) {
    const v = amount(c);
    if (v === undefined) return undefined;
    if (c?.restartPolicy === 'Always') sum += v;
    else initMax = Math.max(initMax, v);
  }
  return Math.max(sum, initMax);
}

/** `requests.cpu` and plain `cpu` (which means requests) → ['requests', 'cpu']. */
function computeKey(key: string): ['requests' | 'limits', string] | undefined {
  const m = /^(requests|limits)\.(cpu|memory|ephemeral-storage)$/.exec(key);
  if (m) return [m[1] as 'requests' | 'limits', m[2]];
  return ['cpu', 'memory', 'ephemeral-storage'].includes(key) ? ['requests', key] : undefined;
}

/** Object-count quota keys, and which objects of the namespace each counts. */
const COUNTED: ReadonlyArray<[string, (o: Manifest) => boolean]> = [
  ['services', (o) => o.kind === 'Service'],
  ['count/services', (o) => o.kind === 'Service'],
  ['secrets', (o) => o.kind === 'Secret'],
  ['count/secrets', (o) => o.kind === 'Secret'],
  ['configmaps', (o) => o.kind === 'ConfigMap'],
  ['count/configmaps', (o) => o.kind === 'ConfigMap'],
  ['persistentvolumeclaims', (o) => o.kind === 'PersistentVolumeClaim'],
  ['count/persistentvolumeclaims', (o) => o.kind === 'PersistentVolumeClaim'],
  ['count/jobs.batch', (o) => o.kind === 'Job'],
  ['count/cronjobs.batch', (o) => o.kind === 'CronJob'],
  ['count/deployments.apps', (o) => o.kind === 'Deployment'],
  ['count/statefulsets.apps', (o) => o.kind === 'StatefulSet'],
];

/** Objects the cluster creates in every namespace, which a count quota must leave room for. */
const IMPLICIT: Readonly<Record<string, number>> = { 'configmaps': 1, 'count/configmaps': 1 }; // kube-root-ca.crt

/** `locked`: whether a LockedNamespace of the app made the quota's namespace, so the way out names its props. */
function quotaProblems(
  quota: Manifest, members: Members, limitRanges: readonly Manifest[], effectiveOf: EffectiveResourcesOf, pathOf: PathOf, locked: boolean,
): AppProblem[] {
  const hard: Record<string, unknown> = quota.spec?.hard ?? {};
  const problems: AppProblem[] = [];
  const limitOf = (key: string) => (hard[key] === undefined ? undefined : quantity(String(hard[key])));
  const quotaSide = side(quota, pathOf);

  const services = members.all.filter((o) => o.kind === 'Service');

  for (const [key, prop] of [['services.nodeports', 'nodePorts'], ['services.loadbalancers', 'loadBalancers']] as const) {
    const max = limitOf(key);
    if (max === undefined) continue;
    const needs = (svc: Manifest): number => {
      const t = svc.spec?.type ?? 'ClusterIP';
      if (key === 'services.loadbalancers') return t === 'LoadBalancer' ? 1 : 0;
      return t === 'NodePort' || (t === 'LoadBalancer' && svc.spec?.allocateLoadBalancerNodePorts !== false) ? asArray(svc.spec?.ports).length : 0;
    };
    const total = services.reduce((n, svc) => n + needs(svc), 0);
    let used = 0;
    for (const svc of services) {
      const n = needs(svc);
      if (n === 0) continue;
      used += n;
      if (used <= max) continue;
      const relax = locked
        ? `LockedNamespace quota.${prop}: ${total} with exceptions: [{ practice: 'HK-NAMESPACE-003', reason: '…' }]`
        : `raise ${key} to ${total} and annotate the ResourceQuota ${EXCEPTION_ANNOTATION_PREFIX}HK-NAMESPACE-003: "<reason>"`;
      problems.push({
        object: svc,
        message: `${side(svc, pathOf)} of type ${svc.spec?.type} would be refused by ${quotaSide}: it needs ${n} ${key === 'services.nodeports' ? 'node port(s)' : 'load balancer'}, `
          + `and the quota allows ${key}: ${String(hard[key])}${used - n > 0 ? ` (${used - n} already taken by other Services)` : ''}. `
          + 'Fix: keep the Service ClusterIP and expose it through an Ingress or a Gateway, or relax the namespace with its own recorded exception: '
          + `${relax}.`,
      });
    }
  }

  for (const [key, counts] of COUNTED) {
    const max = limitOf(key);
    if (max === undefined) continue;
    const counted = members.all.filter(counts);
    const used = counted.length + (IMPLICIT[key] ?? 0);
    if (used > max) {
      problems.push({
        object: quota,
        message: `${quotaSide} allows ${key}: ${String(hard[key])}, but the app puts ${used} in namespace '${quota.metadata?.namespace}'`
          + `${IMPLICIT[key] ? ' (counting the kube-root-ca.crt ConfigMap the cluster adds)' : ''}; the API server refuses the ones past the quota. `
          + 'Fix: raise the quota (LockedNamespace prop quota) or move objects to another namespace.',
      });
    }
  }

  const hpas = autoscalers(members.all);
  const workloads = members.pods.map(({ object, spec }) => ({ o: object, spec, scale: scaleOf(object, hpas) }))
    .filter((w): w is { o: Manifest; spec: any; scale: Scale } => !!w.scale);
  const podsMax = limitOf('pods') ?? limitOf('count/pods');
  if (podsMax !== undefined) {
    const total = workloads.reduce((n, w) => n + w.scale.pods, 0);
    if (total > podsMax) {
      problems.push({
        object: quota,
        message: `${quotaSide} allows pods: ${String(hard.pods ?? hard['count/pods'])}, but the app's workloads run up to ${total} pods in namespace `
          + `'${quota.metadata?.namespace}': ${workloads.map((w) => `${side(w.o, pathOf)} ${w.scale.pods} (${w.scale.why})`).join(', ')}. `
          + 'Fix: lower replicas or maxReplicas, or raise the quota (LockedNamespace prop quota.pods).',
      });
    }
  }

  // Each container's effective resources serve every compute key the quota tracks (and the LimitRange check before).
  const item = containerLimitItem(limitRanges) ?? NO_LIMIT_ITEM;
  const effective = (container: any) => effectiveOf(container, item);
  for (const key of Object.keys(hard).sort()) {
    const compute = computeKey(key);
    const max = limitOf(key);
    if (!compute || max === undefined) continue;
    const [kind, resource] = compute;
    let total = 0;
    // The message lists every workload, so it is written only when the quota is exceeded.
    const counted: Array<{ w: { o: Manifest; scale: Scale }; per: number }> = [];
    for (const w of workloads) {
      const per = podAmount(w.spec, kind, resource, effective);
      if (per === undefined) {
        problems.push({
          object: w.o,
          message: `${side(w.o, pathOf)} would be refused by ${quotaSide}: the quota tracks ${key}, so every container needs ${kind}.${resource}, `
            + `and one of its containers has none and the namespace gives no default. Fix: set ${kind}.${resource} on every container, `
            + 'or give the namespace a LimitRange default (a LockedNamespace has one).',
        });
        continue;
      }
      if (per === 0) continue;
      total += per * w.scale.pods;
      counted.push({ w, per });
    }
    if (total > max * (1 + 1e-9)) {
      const parts = counted.map(({ w, per }) => `${side(w.o, pathOf)} ${w.scale.pods} × ${formatAmount(per, resource)} (${w.scale.why})`);
      problems.push({
        object: quota,
        message: `${quotaSide} allows ${key}: ${String(hard[key])}, but the app's workloads need ${formatAmount(total, resource)} at full scale: `
          + `${parts.join(', ')}; the pods past the quota are refused (a rollout stalls, an HPA cannot scale out). `
          + `Fix: lower replicas, maxReplicas or ${kind}, or raise the quota (LockedNamespace prop quota).`,
      });
    }
  }
  return problems;
}

function formatAmount(value: number, resource: string): string {
  if (resource === 'cpu') return value >= 1 && Number.isInteger(value) ? String(value) : `${Math.round(value * 1000)}m`;
  const mi = value / 2 ** 20;
  return Number.isInteger(mi) ? `${mi}Mi` : `${Math.round(value)}`;
}
