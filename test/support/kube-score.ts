/**
 * kube-score's data rules, ported from zegl/kube-score score/ (commit 06dedc9c, the one
 * ../shared/peers-data/PROVENANCE.md names), for the checks our catalogue claims as peers. Each rule grades one object
 * as kube-score does: CRITICAL 1, WARNING 5, ALMOST_OK 7, OK 10, and SKIPPED 0 when kube-score skips it without setting a
 * grade (some skips set OK, as kube-score's do). Checks keep
 * kube-score's human names (the ones its tests and expectations.json use); `checkId` gives the machine id
 * (lower case, dashes), the one practices list in `sources.kubeScore`.
 */
import { join } from 'path';
import { parseQuantity } from '../../lib/units/quantity';

/** ../shared/peers-data/kube-score, beside the project root. */
export const KUBE_SCORE_DATA = join(__dirname, '..', '..', '..', 'shared', 'peers-data', 'kube-score');

export const GRADE = { CRITICAL: 1, WARNING: 5, ALMOST_OK: 7, OK: 10, SKIPPED: 0 } as const;

export interface KubeScoreResult {
  readonly check: string;
  readonly grade: number;
  readonly object: any;
}

/** kube-score's machine id of a check name: `Pod Probes Identical` → `pod-probes-identical`. */
export function checkId(name: string): string {
  return name.toLowerCase().replace(/ /g, '-');
}

const POD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet'];

type Rule = (obj: any, all: readonly any[]) => number | undefined;

/** The pod template of a pod-bearing object, its namespace copied from the object (as kube-score's parser does). */
function template(obj: any): { labels: Record<string, string>; annotations: Record<string, string>; spec: any; namespace: string } | undefined {
  if (!POD_KINDS.includes(obj?.kind)) return undefined;
  const t = obj.kind === 'Pod' ? obj : obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template : obj.spec?.template;
  if (!t) return undefined;
  return { labels: t.metadata?.labels ?? {}, annotations: t.metadata?.annotations ?? {}, spec: t.spec ?? {}, namespace: obj.metadata?.namespace ?? '' };
}

function containers(spec: any): any[] {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

/** A Kubernetes quantity is unset or zero (Go's Quantity.IsZero on a missing key). */
function zero(q: unknown): boolean {
  if (q === undefined || q === null) return true;
  return parseQuantity(String(q)) === 0;
}

/** kube-score's containerTag: the text after the last `:`, or '' when there is none. */
function tagOf(image: string): string {
  const parts = String(image ?? '').split(':');
  return parts.length > 1 ? parts[parts.length - 1] : '';
}

/** Whether a LabelSelector (matchLabels and matchExpressions) matches `labels`: a missing one matches nothing, an empty one everything. */
export function selectorMatches(selector: any, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e: any) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
  return byLabels && byExpressions;
}

/** A Service's plain `selector` map, as kube-score matches it: every key equal (so an empty selector matches everything). */
function serviceSelects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

function podRule(f: (t: NonNullable<ReturnType<typeof template>>, obj: any, all: readonly any[]) => number | undefined): Rule {
  return (obj, all) => {
    const t = template(obj);
    return t ? f(t, obj, all) : undefined;
  };
}

function isBatch(obj: any): boolean {
  return (obj.kind === 'Job' || obj.kind === 'CronJob') && String(obj.apiVersion).startsWith('batch/');
}

function targetedByService(t: NonNullable<ReturnType<typeof template>>, all: readonly any[]): boolean {
  return all.some((s) => s.kind === 'Service' && (s.metadata?.namespace ?? '') === t.namespace && serviceSelects(s.spec?.selector, t.labels));
}

function sameProbe(r: any, l: any): boolean {
  const intValue = (p: unknown): number => (typeof p === 'number' ? p : /^\d+$/.test(String(p)) ? Number(p) : 0);
  if (r.httpGet && l.httpGet) return (r.httpGet.path ?? '') === (l.httpGet.path ?? '') && intValue(r.httpGet.port) === intValue(l.httpGet.port);
  if (r.tcpSocket && l.tcpSocket) return JSON.stringify(r.tcpSocket.port) === JSON.stringify(l.tcpSocket.port);
  if (r.exec && l.exec) return JSON.stringify(r.exec.command ?? []) === JSON.stringify(l.exec.command ?? []);
  return false;
}

const HOST_TOPOLOGY_KEYS = ['kubernetes.io/hostname', 'topology.kubernetes.io/region', 'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone'];

function hasHostAntiAffinity(obj: any): number | undefined {
  if (obj.spec?.replicas !== undefined && obj.spec.replicas < 2) return GRADE.SKIPPED;
  const anti = obj.spec?.template?.spec?.affinity?.podAntiAffinity;
  const labels = obj.spec?.template?.metadata?.labels ?? {};
  const terms = [...(anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: any) => p.podAffinityTerm),
    ...(anti?.requiredDuringSchedulingIgnoredDuringExecution ?? [])];
  return terms.some((t: any) => HOST_TOPOLOGY_KEYS.includes(t?.topologyKey) && selectorMatches(t?.labelSelector, labels)) ? GRADE.OK : GRADE.WARNING;
}

function hasBudget(obj: any, all: readonly any[]): number {
  if (obj.spec?.replicas !== undefined && obj.spec.replicas < 2) return GRADE.SKIPPED;
  const labels = obj.spec?.template?.metadata?.labels ?? {};
  return all.some((p) => p.kind === 'PodDisruptionBudget' && selectorMatches(p.spec?.selector, labels)
    && (p.metadata?.namespace ?? '') === (obj.metadata?.namespace ?? '')) ? GRADE.OK : GRADE.CRITICAL;
}

/** The rules, by kube-score's check name. */
export const KUBE_SCORE_RULES: Record<string, Rule> = {
  'Container Resources': podRule((t) => {
    const cs = containers(t.spec);
    if (cs.length === 0) return GRADE.CRITICAL;
    if (cs.some((c) => zero(c.resources?.limits?.cpu) || zero(c.resources?.limits?.memory))) return GRADE.CRITICAL;
    if (cs.some((c) => zero(c.resources?.requests?.cpu) || zero(c.resources?.requests?.memory))) return GRADE.WARNING;
    return GRADE.OK;
  }),
  'Container Image Tag': podRule((t) => (containers(t.spec).some((c) => ['', 'latest'].includes(tagOf(c.image))) ? GRADE.CRITICAL : GRADE.OK)),
  'Container Image Pull Policy': podRule((t) => (containers(t.spec).some((c) => !(c.imagePullPolicy === undefined && ['', 'latest'].includes(tagOf(c.image)))
    && c.imagePullPolicy !== 'Always') ? GRADE.CRITICAL : GRADE.OK)),
  'Container Ephemeral Storage Request and Limit': podRule((t) => {
    const cs = containers(t.spec);
    if (cs.length === 0 || cs.some((c) => zero(c.resources?.limits?.['ephemeral-storage']))) return GRADE.CRITICAL;
    return cs.some((c) => zero(c.resources?.requests?.['ephemeral-storage'])) ? GRADE.WARNING : GRADE.OK;
  }),
  'Container Security Context User Group ID': podRule((t) => {
    const pod = t.spec.securityContext;
    const bad = containers(t.spec).some((c) => {
      if (!c.securityContext && !pod) return true;
      const uid = c.securityContext?.runAsUser ?? pod?.runAsUser;
      const gid = c.securityContext?.runAsGroup ?? pod?.runAsGroup;
      return uid === undefined || uid < 10000 || gid === undefined || gid < 10000;
    });
    return bad ? GRADE.CRITICAL : GRADE.OK;
  }),
  'Container Security Context Privileged': podRule((t) => (containers(t.spec).some((c) => c.securityContext?.privileged === true) ? GRADE.CRITICAL : GRADE.OK)),
  'Container Security Context ReadOnlyRootFilesystem': podRule((t) => (containers(t.spec).some((c) => c.securityContext?.readOnlyRootFilesystem !== true)
    ? GRADE.CRITICAL : GRADE.OK)),
  'Container Seccomp Profile': podRule((t) => {
    if ('seccomp.security.alpha.kubernetes.io/defaultProfileName' in t.annotations) return GRADE.OK;
    if (t.spec.securityContext?.seccompProfile) return GRADE.OK;
    const cs = t.spec.containers ?? [];
    return cs.length > 0 && cs.every((c: any) => c.securityContext?.seccompProfile) ? GRADE.OK : GRADE.WARNING;
  }),
  'Container CPU Requests Equal Limits': podRule((t) => (containers(t.spec).some((c) => !quantityEqual(c.resources?.requests?.cpu, c.resources?.limits?.cpu))
    ? GRADE.CRITICAL : GRADE.OK)),
  'Container Memory Requests Equal Limits': podRule((t) => (containers(t.spec).some((c) => !quantityEqual(c.resources?.requests?.memory, c.resources?.limits?.memory))
    ? GRADE.CRITICAL : GRADE.OK)),
  'Pod Probes': podRule((t, obj, all) => {
    if (isBatch(obj)) return GRADE.OK;
    if (!targetedByService(t, all)) return GRADE.OK; // skipped, with its grade set to OK
    const cs = containers(t.spec);
    if (!cs.some((c) => c.readinessProbe)) return GRADE.CRITICAL;
    return cs.some((c) => c.livenessProbe) ? GRADE.OK : GRADE.ALMOST_OK;
  }),
  'Pod Probes Identical': podRule((t, obj) => {
    if (isBatch(obj)) return GRADE.OK;
    const identical = containers(t.spec).some((c) => c.readinessProbe && c.livenessProbe && sameProbe(c.readinessProbe, c.livenessProbe));
    return identical ? GRADE.CRITICAL : GRADE.OK;
  }),
  'Pod NetworkPolicy': podRule((t, _obj, all) => {
    let ingress = false;
    let egress = false;
    for (const np of all.filter((o) => o.kind === 'NetworkPolicy' && (o.metadata?.namespace ?? '') === t.namespace)) {
      if (!selectorMatches(np.spec?.podSelector ?? {}, t.labels)) continue;
      const types: string[] = np.spec?.policyTypes ?? [];
      if (types.length === 0) {
        ingress = true;
        if ((np.spec?.egress ?? []).length > 0) egress = true;
      } else {
        if (types.includes('Ingress')) ingress = true;
        if (types.includes('Egress')) egress = true;
      }
    }
    if (ingress && egress) return GRADE.OK;
    return ingress || egress ? GRADE.WARNING : GRADE.CRITICAL;
  }),
  'NetworkPolicy targets Pod': (obj, all) => {
    if (obj.kind !== 'NetworkPolicy') return undefined;
    const ns = obj.metadata?.namespace ?? '';
    return all.some((o) => {
      const t = template(o);
      return t !== undefined && t.namespace === ns && selectorMatches(obj.spec?.podSelector ?? {}, t.labels);
    }) ? GRADE.OK : GRADE.CRITICAL;
  },
  'Pod Topology Spread Constraints': podRule((t) => {
    const spreads = t.spec.topologySpreadConstraints;
    if (spreads === undefined || spreads === null) return GRADE.OK;
    const bad = spreads.some((s: any) => !s.labelSelector || !s.maxSkew || s.minDomains === 0 || !s.topologyKey
      || !['DoNotSchedule', 'ScheduleAnyway'].includes(s.whenUnsatisfiable));
    return bad ? GRADE.CRITICAL : GRADE.OK;
  }),
  'CronJob has deadline': (obj) => (obj.kind === 'CronJob' ? (obj.spec?.startingDeadlineSeconds === undefined ? GRADE.CRITICAL : GRADE.OK) : undefined),
  'CronJob RestartPolicy': (obj) => (obj.kind === 'CronJob'
    ? (['Never', 'OnFailure'].includes(obj.spec?.jobTemplate?.spec?.template?.spec?.restartPolicy) ? GRADE.OK : GRADE.CRITICAL) : undefined),
  'Deployment Replicas': (obj, all) => {
    if (obj.kind !== 'Deployment') return undefined;
    const labels = obj.spec?.template?.metadata?.labels ?? {};
    const ns = obj.metadata?.namespace ?? '';
    if (!all.some((s) => s.kind === 'Service' && (s.metadata?.namespace ?? '') === ns && serviceSelects(s.spec?.selector, labels))) return GRADE.SKIPPED;
    if (all.some((h) => h.kind === 'HorizontalPodAutoscaler' && (h.metadata?.namespace ?? '') === ns && h.spec?.scaleTargetRef?.apiVersion === obj.apiVersion
      && h.spec?.scaleTargetRef?.kind === obj.kind && h.spec?.scaleTargetRef?.name === obj.metadata?.name)) return GRADE.SKIPPED;
    return (obj.spec?.replicas ?? 1) >= 2 ? GRADE.OK : GRADE.WARNING;
  },
  'Deployment has host PodAntiAffinity': (obj) => (obj.kind === 'Deployment' ? hasHostAntiAffinity(obj) : undefined),
  'StatefulSet has host PodAntiAffinity': (obj) => (obj.kind === 'StatefulSet' ? hasHostAntiAffinity(obj) : undefined),
  'Deployment targeted by HPA does not have replicas configured': (obj, all) => {
    if (obj.kind !== 'Deployment') return undefined;
    const hpa = all.find((h) => h.kind === 'HorizontalPodAutoscaler' && (h.metadata?.namespace ?? '') === (obj.metadata?.namespace ?? '')
      && String(h.spec?.scaleTargetRef?.kind).toLowerCase() === 'deployment' && h.spec?.scaleTargetRef?.name === obj.metadata?.name);
    if (!hpa) return GRADE.OK; // skipped, with its grade set to OK
    return obj.spec?.replicas === undefined ? GRADE.OK : GRADE.CRITICAL;
  },
  'Deployment has PodDisruptionBudget': (obj, all) => (obj.kind === 'Deployment' ? hasBudget(obj, all) : undefined),
  'StatefulSet has PodDisruptionBudget': (obj, all) => (obj.kind === 'StatefulSet' ? hasBudget(obj, all) : undefined),
  'PodDisruptionBudget has policy': (obj) => (obj.kind === 'PodDisruptionBudget'
    ? (obj.spec?.minAvailable === undefined && obj.spec?.maxUnavailable === undefined ? GRADE.CRITICAL : GRADE.OK) : undefined),
  'HorizontalPodAutoscaler Replicas': (obj) => (obj.kind === 'HorizontalPodAutoscaler' ? ((obj.spec?.minReplicas ?? 1) >= 2 ? GRADE.OK : GRADE.WARNING) : undefined),
  'Service Type': (obj) => (obj.kind === 'Service' ? (obj.spec?.type === 'NodePort' ? GRADE.WARNING : GRADE.OK) : undefined),
  'Label values': (obj) => {
    if (!obj?.metadata) return undefined;
    const valid = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
    return Object.values(obj.metadata.labels ?? {}).every((v) => valid.test(String(v))) ? GRADE.OK : GRADE.CRITICAL;
  },
};

/** kube-score's table of deprecated apiVersions: apiVersion → kind → [minor release the stable one appeared in]. */
const WITH_STABLE: Record<string, Record<string, number>> = {
  'extensions/v1beta1': { Deployment: 9, DaemonSet: 9, Ingress: 19, IngressClass: 19 },
  'apps/v1beta1': { Deployment: 9, StatefulSet: 9 },
  'apps/v1beta2': { Deployment: 9, StatefulSet: 9, DaemonSet: 9 },
  'batch/v1beta1': { CronJob: 21 },
  'policy/v1beta1': { PodDisruptionBudget: 21 },
  'networking.k8s.io/v1beta1': { Ingress: 19, IngressClass: 19 },
  'autoscaling/v2beta1': { HorizontalPodAutoscaler: 23 },
  'autoscaling/v2beta2': { HorizontalPodAutoscaler: 23 },
};

/**
 * kube-score's default checks the catalogue leaves out as hygiene (practices.md "Out of scope"), kept so that the judge
 * runs everything `kube-score score` runs by default; the Kubernetes minor version is kube-score's `--kubernetes-version`.
 */
export function hygieneRules(minor: number): Record<string, Rule> {
  const podLabelsIn = (ns: string, all: readonly any[]): Array<Record<string, string>> => all.map(template)
    .filter((t): t is NonNullable<ReturnType<typeof template>> => t !== undefined && t.namespace === ns).map((t) => t.labels);
  const selectorMatchesTemplate = (obj: any): number => (selectorMatches(obj.spec?.selector, obj.spec?.template?.metadata?.labels ?? {})
    ? GRADE.OK : GRADE.CRITICAL);
  return {
    'Stable version': (obj) => {
      if (!obj?.metadata) return undefined;
      const since = WITH_STABLE[obj.apiVersion]?.[obj.kind];
      return since !== undefined && minor >= since ? GRADE.WARNING : GRADE.OK;
    },
    'Ingress targets Service': (obj, all) => {
      if (obj.kind !== 'Ingress') return undefined;
      const ns = obj.metadata?.namespace ?? '';
      const services = all.filter((s) => s.kind === 'Service' && (s.metadata?.namespace ?? '') === ns);
      const paths = (obj.spec?.rules ?? []).flatMap((r: any) => r?.http?.paths ?? []);
      const matched = (path: any): boolean => {
        // networking.k8s.io/v1 backend.service, or the beta serviceName/servicePort kube-score converts to it (v1 drops those).
        const beta = obj.apiVersion !== 'networking.k8s.io/v1';
        const backend = path?.backend?.service ?? (beta && path?.backend?.serviceName !== undefined
          ? { name: path.backend.serviceName, port: typeof path.backend.servicePort === 'number' ? { number: path.backend.servicePort } : { name: path.backend.servicePort } }
          : undefined);
        if (!backend) return false;
        const number = backend.port?.number ?? 0;
        const name = backend.port?.name ?? '';
        return services.some((s) => s.metadata?.name === backend.name
          && (s.spec?.ports ?? []).some((p: any) => (number > 0 && p.port === number) || (p.name ?? '') === name));
      };
      return paths.every(matched) ? GRADE.OK : GRADE.CRITICAL;
    },
    'Service Targets Pod': (obj, all) => {
      if (obj.kind !== 'Service') return undefined;
      if (obj.spec?.type === 'ExternalName') return GRADE.OK;
      return podLabelsIn(obj.metadata?.namespace ?? '', all).some((l) => serviceSelects(obj.spec?.selector, l)) ? GRADE.OK : GRADE.CRITICAL;
    },
    'StatefulSet has ServiceName': (obj, all) => {
      if (obj.kind !== 'StatefulSet') return undefined;
      return all.some((s) => s.kind === 'Service' && (s.metadata?.namespace ?? '') === (obj.metadata?.namespace ?? '')
        && s.metadata?.name === obj.spec?.serviceName && s.spec?.clusterIP === 'None'
        && serviceSelects(s.spec?.selector, obj.spec?.template?.metadata?.labels ?? {})) ? GRADE.OK : GRADE.CRITICAL;
    },
    'HorizontalPodAutoscaler has target': (obj, all) => {
      if (obj.kind !== 'HorizontalPodAutoscaler') return undefined;
      const ref = obj.spec?.scaleTargetRef ?? {};
      return all.some((t) => t.apiVersion === ref.apiVersion && t.kind === ref.kind && t.metadata?.name === ref.name
        && (t.metadata?.namespace ?? '') === (obj.metadata?.namespace ?? '')) ? GRADE.OK : GRADE.CRITICAL;
    },
    'Deployment Strategy': (obj, all) => {
      if (obj.kind !== 'Deployment') return undefined;
      const labels = obj.spec?.template?.metadata?.labels ?? {};
      const targeted = all.some((s) => s.kind === 'Service' && (s.metadata?.namespace ?? '') === (obj.metadata?.namespace ?? '')
        && serviceSelects(s.spec?.selector, labels));
      if (!targeted) return GRADE.SKIPPED;
      return [undefined, 'RollingUpdate'].includes(obj.spec?.strategy?.type) ? GRADE.OK : GRADE.WARNING;
    },
    'Deployment Pod Selector labels match template metadata labels': (obj) => (obj.kind === 'Deployment' ? selectorMatchesTemplate(obj) : undefined),
    'StatefulSet Pod Selector labels match template metadata labels': (obj) => (obj.kind === 'StatefulSet' ? selectorMatchesTemplate(obj) : undefined),
    'Environment Variable Key Duplication': podRule((t) => (containers(t.spec).some((c) => {
      const names = (c.env ?? []).map((e: any) => e.name);
      return new Set(names).size !== names.length;
    }) ? GRADE.CRITICAL : GRADE.OK)),
  };
}

/** Go's Quantity.Equal, where a missing quantity is zero. */
function quantityEqual(a: unknown, b: unknown): boolean {
  const q = (x: unknown): number => (x === undefined || x === null ? 0 : parseQuantity(String(x)) ?? Number.NaN);
  return q(a) === q(b);
}

/**
 * The checks kube-score registers as optional (`RegisterOptionalPodCheck`): `kube-score score` runs them only when
 * enabled with `--enable-optional-test`.
 */
export const OPTIONAL_CHECKS: readonly string[] = ['Container Seccomp Profile', 'Container CPU Requests Equal Limits', 'Container Memory Requests Equal Limits'];

/** Every rule (by name, from `from`) on every object it applies to. */
export function runKubeScore(objects: readonly any[], rules: readonly string[] = Object.keys(KUBE_SCORE_RULES),
  from: Record<string, Rule> = KUBE_SCORE_RULES): KubeScoreResult[] {
  const out: KubeScoreResult[] = [];
  for (const obj of objects) {
    for (const check of rules) {
      const grade = from[check](obj, objects);
      if (grade !== undefined) out.push({ check, grade, object: obj });
    }
  }
  return out;
}
