/**
 * The peers' judgements of an application, shared by the conformance tests that judge the example, the unseen
 * applications and generated ones: Polaris and kube-score (their own rules, test/support/polaris.ts and kube-score.ts)
 * with the findings the catalogue deliberately diverges on, each with its reason and a test of the case.
 */
import { checkId, GRADE, hygieneRules, KUBE_SCORE_RULES, KubeScoreResult, OPTIONAL_CHECKS, runKubeScore } from './kube-score';
import { defaultPolarisConfig, PolarisResult, runPolaris } from './polaris';
import { CATALOGUE } from '../../lib/practices/catalogue';
import { recordedExceptions } from '../../lib/practices/exceptions';
import { Practice } from '../../lib/practices/practice';

/** One finding of a peer that neither a recorded exception nor a documented divergence explains. */
export interface PeerFinding {
  readonly check: string;
  readonly severity: string;
  readonly object: string;
}

/** A peer's judgement of one application. */
export interface PeerJudgement {
  readonly findings: PeerFinding[];
  /** The documented divergences that occurred. */
  readonly divergences: Set<string>;
  /** How many results concerned workloads: zero means the judge said nothing. */
  readonly judgedWorkloads: number;
}

/** The practices that name each check of a peer as a source, from the catalogue. */
export function practicesOfCheck(sources: (p: Practice) => readonly string[] | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of CATALOGUE) for (const check of sources(p) ?? []) out.set(check, [...(out.get(check) ?? []), p.id]);
  return out;
}

const POLARIS_CONFIG = defaultPolarisConfig();

/**
 * A peer's finding on our output that is deliberate: the check, the catalogue's reason, and a test of the finding that
 * proves it is that case and not another (so a new finding of the same check still fails).
 */
export interface Divergence<R> {
  readonly check: string;
  readonly reason: string;
  readonly applies: (result: R, objects: readonly any[]) => boolean;
}

/** Polaris checks whose findings on our output are deliberate. */
export const POLARIS_DIVERGENCES: ReadonlyArray<Divergence<PolarisResult>> = [
  {
    check: 'missingNetworkPolicy',
    reason: 'Polaris wants one policy with at least one ingress AND one egress rule (FairwindsOps/polaris#1088); a pod that nothing may '
      + 'reach is selected by a policy that lists Ingress with no ingress rule, i.e. denies all ingress — stricter than an allow rule '
      + '(practices.md "Where sources disagree": deny-only NetworkPolicy).',
    applies: (r, objects) => isolatedFromIngress(r.object, objects),
  },
  {
    check: 'priorityClassNotSet',
    reason: 'Out of scope in the catalogue (hygiene, no security effect): a PriorityClass is the cluster\'s scheduling policy, so the '
      + 'constructs take one (`priorityClass`) and never invent one; a pod naming a class that does not exist is refused by admission.',
    applies: (r) => podSpecOfController(r.object)?.priorityClassName === undefined,
  },
  {
    check: 'topologySpreadConstraint',
    reason: 'A DaemonSet places exactly one pod per eligible node, so a spread constraint says nothing (and with DoNotSchedule it could '
      + 'keep the node\'s own pod off it); HK-WORKLOAD-021 spreads replicated workloads only.',
    applies: (r) => r.object.kind === 'DaemonSet',
  },
];

/** The Polaris checks each practice names as a peer (practices' sources.polaris), from the catalogue. */
const PRACTICES_OF_POLARIS_CHECK = practicesOfCheck((p) => p.sources.polaris);

/** A failing warning or danger result, unless the object records an exception to a practice that names the check. */
function unexcused(results: readonly PolarisResult[]): PolarisResult[] {
  return results.filter((r) => !r.success && (r.severity === 'danger' || r.severity === 'warning'))
    .filter((r) => !(PRACTICES_OF_POLARIS_CHECK.get(r.check) ?? []).some((id) => recordedExceptions(r.object).has(id)));
}

function label(r: PolarisResult): PeerFinding {
  const m = r.object.metadata;
  return { check: r.check, severity: r.severity, object: `${r.object.kind} ${m.namespace ?? ''}/${m.name}${r.container ? ` container ${r.container}` : ''}` };
}

/**
 * Polaris (its default configuration) on one application: findings that are neither excepted nor a documented
 * divergence, the divergences hit, and how many container results it produced (so a caller can tell it ran).
 */
export function judgePolaris(objects: readonly any[]): PeerJudgement {
  const divergences = new Set<string>();
  const findings: PeerFinding[] = [];
  const results = runPolaris(objects, POLARIS_CONFIG);
  for (const r of unexcused(results)) {
    const d = POLARIS_DIVERGENCES.find((x) => x.check === r.check && x.applies(r, objects));
    if (d) divergences.add(d.check);
    else findings.push(label(r));
  }
  return { findings, divergences, judgedWorkloads: results.filter((r) => r.container !== undefined).length };
}

function podSpecOfController(obj: any): any {
  return obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template?.spec : obj.spec?.template?.spec;
}

function podLabelsOf(obj: any): Record<string, string> {
  return (obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template?.metadata?.labels : obj.spec?.template?.metadata?.labels) ?? {};
}

/** Whether a NetworkPolicy of the pod's namespace selects it by matchLabels, isolates both directions and lets nothing in. */
function isolatedFromIngress(obj: any, objects: readonly any[]): boolean {
  const labels = podLabelsOf(obj);
  const selecting = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata?.namespace === obj.metadata?.namespace)
    .filter((np) => Object.entries(np.spec?.podSelector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v));
  const named = selecting.filter((np) => Object.keys(np.spec?.podSelector?.matchLabels ?? {}).length > 0);
  return named.length > 0
    && selecting.every((np) => (np.spec?.ingress ?? []).length === 0)
    && named.some((np) => ['Ingress', 'Egress'].every((t) => (np.spec?.policyTypes ?? []).includes(t)));
}

/** kube-score checks a practice claims as a source without adopting their rule, and why: they are not judged below. */
export const NOT_ADOPTED: Record<string, string> = {
  'Container CPU Requests Equal Limits': 'optional in kube-score; HK-WORKLOAD-019 bounds cpu without requiring Guaranteed QoS, which is a '
    + 'capacity decision, not a security one.',
  'Container Memory Requests Equal Limits': 'optional in kube-score; HK-WORKLOAD-019 bounds memory without requiring Guaranteed QoS.',
};

/** Findings of the judge that are deliberate, each with its reason and a test that proves the case. */
export const KUBE_SCORE_DIVERGENCES: ReadonlyArray<Divergence<KubeScoreResult>> = [
  {
    check: 'NetworkPolicy targets Pod',
    reason: 'A locked namespace gets its default-deny and DNS policies before any workload, and the egress policies we write for an '
      + 'ingress controller, Gateway proxy or Velero select pods another tool deploys; none of those pods is in this output.',
    applies: (r, objects) => !objects.some((o) => ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet'].includes(o.kind)
      && o.metadata?.namespace === r.object.metadata?.namespace),
  },
];


/** The practices naming each kube-score check (practices' sources.kubeScore). */
export const PRACTICES_OF_KUBE_SCORE_CHECK = practicesOfCheck((p) => p.sources.kubeScore);

/** A failing grade, as kube-score's exit code counts it: CRITICAL or WARNING. */
export const failing = (grade: number): boolean => grade === GRADE.CRITICAL || grade === GRADE.WARNING;

/** kube-score's rules at our default target (1.28). */
export const KUBE_SCORE_TARGET_RULES = { ...KUBE_SCORE_RULES, ...hygieneRules(28) };

/** Every default check at our default target, and the optional ones a practice claims and adopts. */
export const KUBE_SCORE_JUDGED = Object.keys(KUBE_SCORE_TARGET_RULES).filter((c) => !NOT_ADOPTED[c]
  && (!OPTIONAL_CHECKS.includes(c) || PRACTICES_OF_KUBE_SCORE_CHECK.has(checkId(c))));

/** kube-score on one application: CRITICAL or WARNING results neither excepted nor documented, and the divergences hit. */
export function judgeKubeScore(objects: readonly any[]): PeerJudgement {
  const results = runKubeScore(objects, KUBE_SCORE_JUDGED, KUBE_SCORE_TARGET_RULES);
  const divergences = new Set<string>();
  const findings = results.filter((r) => failing(r.grade))
    .filter((r) => !(PRACTICES_OF_KUBE_SCORE_CHECK.get(checkId(r.check)) ?? []).some((id) => recordedExceptions(r.object).has(id)))
    .filter((r) => {
      const d = KUBE_SCORE_DIVERGENCES.find((x) => x.check === r.check && x.applies(r, objects));
      if (d) divergences.add(d.check);
      return !d;
    })
    .map((r) => ({
      check: checkId(r.check),
      severity: String(r.grade),
      object: `${r.object.kind} ${r.object.metadata?.namespace ?? ''}/${r.object.metadata?.name}`,
    }));
  const judgedWorkloads = results.filter((r) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(r.object.kind)).length;
  return { findings, divergences, judgedWorkloads };
}
