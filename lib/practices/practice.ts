import { AdmissionRule } from './admission/admission-rule';
import { Manifest } from './manifest';

/** How bad a breach of a practice is. Reports and `--fail-on` use this scale. */
export enum Severity {
  CRITICAL = 'critical',
  HIGH = 'high',
  MEDIUM = 'medium',
  LOW = 'low',
}

/** Severities from most to least severe. */
export const SEVERITY_ORDER: readonly Severity[] = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW];

/** Whether `severity` is at least as severe as `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER.indexOf(severity) <= SEVERITY_ORDER.indexOf(threshold);
}

/** The catalogue's groups, in the order of practices.md. */
export enum PracticeGroup {
  IMAGE = 'IMAGE',
  WORKLOAD = 'WORKLOAD',
  NETWORK = 'NETWORK',
  SECRETS = 'SECRETS',
  RBAC = 'RBAC',
  NAMESPACE = 'NAMESPACE',
  BACKUP = 'BACKUP',
  CLUSTER = 'CLUSTER',
  AUDIT = 'AUDIT',
}

/** Whether an object may opt out of a practice by recording a reason. */
export enum ExceptionPolicy {
  /** An `exceptions.cdk8s-hardened.io/<id>` annotation with a reason excepts the object. */
  RECORDABLE = 'recordable',
  /** No way out: an annotation is refused by the constructs and ignored (and flagged) by the audit. */
  NONE = 'none',
  /** The practice is about something an object cannot opt out of (generated configuration, opt-in features). */
  NOT_APPLICABLE = 'n/a',
}

/** Where the practice can be judged. */
export enum Checkability {
  /** Judged from Kubernetes objects (one at a time or over the whole set). */
  MANIFESTS = 'manifests',
  /** Judged from control-plane files (EncryptionConfiguration, audit Policy, static-pod manifests) when supplied. */
  CONTROL_PLANE = 'control-plane files',
  /** A runtime or infrastructure fact that no manifest shows; documented, not checked. */
  NOT_CHECKABLE = 'not checkable from manifests',
  /** An opt-in hardening: the constructs offer it, the audit does not demand it. */
  OPT_IN = 'opt-in, not judged',
}

/** Every standard and peer check that asks for a practice (practices.md "Source keys"). */
export interface PracticeSources {
  /** Pod Security Standards check ids, e.g. `restricted/runAsNonRoot`. */
  readonly pss?: string[];
  /** NSA/CISA Kubernetes Hardening Guidance v1.2 sections. */
  readonly nsa?: string[];
  /** CIS Kubernetes Benchmark v1.10 recommendation numbers. */
  readonly cis?: string[];
  /** kube-score check ids. */
  readonly kubeScore?: string[];
  /** Polaris check ids. */
  readonly polaris?: string[];
  /** kube-linter check names. */
  readonly kubeLinter?: string[];
  /** kyverno/policies paths. */
  readonly kyverno?: string[];
  /** Gatekeeper library template kinds. */
  readonly gatekeeper?: string[];
  /** kubesec rule ids. */
  readonly kubesec?: string[];
  /** Checkov check ids. */
  readonly checkov?: string[];
  /** Kubescape control ids. */
  readonly kubescape?: string[];
  /** Anything else: upstream docs, issues, field notes. */
  readonly other?: string[];
}

/** One breach found by a check: the object to blame and what is wrong with it. */
export interface Violation {
  /** The object the finding is reported on, and whose annotations may except it. */
  readonly object: Manifest;
  /** What is wrong, naming the container, field or peer. Never secret material. */
  readonly message: string;
  /**
   * False when this breach cannot be excepted even though the practice is recordable in general (e.g. an
   * object in the `default` namespace, where HK-NAMESPACE-001 allows no exception).
   * @default true
   */
  readonly exceptable?: boolean;
  /**
   * Other objects the breach is equally about (the workloads of a namespace that lacks a policy, reported once on
   * the first of them). The finding is excepted only when each of these records the exception too.
   * @default - none
   */
  readonly alsoOn?: readonly Manifest[];
}

/** Options of one audit run, resolved to their defaults. */
export interface AuditSettings {
  /** Target Kubernetes minor version, e.g. `{ major: 1, minor: 28 }`. */
  readonly targetVersion: KubernetesVersion;
  /** Registries every image must come from; empty means only the deny-list applies. */
  readonly allowedRegistries: readonly string[];
  /**
   * Whether HK-AUDIT-004 (provenance metadata) judges every object, or only those that claim to come from
   * cdk8s-hardened (its managed-by label or any `cdk8s-hardened.io/` label or annotation).
   */
  readonly requireProvenance: boolean;
}

/** A Kubernetes version as major and minor numbers. */
export interface KubernetesVersion {
  readonly major: number;
  readonly minor: number;
}

/** What a check sees: the whole set of objects under audit, indexed for the set-wide practices. */
export interface AuditContext {
  /** Every object under audit, in input order. */
  readonly objects: readonly Manifest[];
  /** The run's settings. */
  readonly settings: AuditSettings;
  /** Objects of one kind, in input order. */
  ofKind(...kinds: string[]): readonly Manifest[];
  /**
   * Objects of the given kinds in one namespace (`default` for namespaced objects that name none), in input order;
   * what keeps set-wide checks linear in the size of the set.
   */
  inNamespace(namespace: string, ...kinds: string[]): readonly Manifest[];
  /**
   * The catalogue entry with this id, for checks about practices themselves (HK-AUDIT-003); the catalogue cannot
   * be imported by the practices it lists.
   */
  findPractice(id: string): Practice | undefined;
}

/**
 * A practice of the catalogue: its metadata and its check, in one object, so nothing is written twice.
 * The README table, the audit, the constructs' self-check and the admission policies all read this.
 */
export interface Practice {
  /** Stable id, `HK-<GROUP>-NNN`; retired ids are never reused. */
  readonly id: string;
  /** The group the id belongs to. */
  readonly group: PracticeGroup;
  /** Short imperative title. */
  readonly title: string;
  /** Our severity scale. */
  readonly severity: Severity;
  /** The threat, in one or two sentences. */
  readonly why: string;
  /** The exact fields and values that pass, in words. */
  readonly criterion: string;
  /** What the library's constructs do about it. */
  readonly library: string;
  /** The way out for a manifest that fails. */
  readonly fix: string;
  /** Whether an object may record an exception. */
  readonly exception: ExceptionPolicy;
  /** When an exception is legitimate, or why there is none. */
  readonly exceptionNote?: string;
  /** Where the practice can be judged. */
  readonly checkability: Checkability;
  /** Standards and peer checks. */
  readonly sources: PracticeSources;
  /**
   * The check: a pure function of the audited set (no I/O, no clock). Absent only for practices that are
   * `NOT_CHECKABLE` or `OPT_IN`.
   */
  readonly evaluate?: (ctx: AuditContext) => Violation[];
  /**
   * How the cluster refuses the same thing at admission, for practices an admission controller can judge one
   * object at a time. Every generated policy (ValidatingAdmissionPolicy, Kyverno, Gatekeeper) reads this.
   */
  readonly admission?: AdmissionRule;
}

/** Where the `evaluate` functions `perObject` builds keep the check they were built from (see `perObjectCheck`). */
const PER_OBJECT = Symbol.for('cdk8s-hardened.perObject');

const MEMO = new WeakMap<AuditContext, Map<string, unknown>>();

/**
 * A value derived from the audited set, built once per context and shared by every check that asks for it under
 * the same key (the RBAC model, objects by namespace): what keeps the catalogue linear in the size of the set.
 * The context is immutable, so the value never goes stale.
 */
export function memoized<T>(ctx: AuditContext, key: string, build: () => T): T {
  let values = MEMO.get(ctx);
  if (!values) {
    values = new Map();
    MEMO.set(ctx, values);
  }
  // One look-up in the common case (checks ask this per object); a value built as undefined is found by `has`.
  let value = values.get(key);
  if (value === undefined && !values.has(key)) {
    value = build();
    values.set(key, value);
  }
  return value as T;
}

/**
 * A practice judged one object at a time: the kinds it judges and its check of one object.
 * @internal the audit engine's view of `perObject`
 */
export interface PerObjectCheck {
  /** The kinds of the objects it judges, or `all`. */
  readonly kinds: readonly string[] | 'all';
  /** The problems of one object (an empty list when it complies). */
  readonly check: (obj: Manifest, ctx: AuditContext) => string[];
}

/**
 * Builds `evaluate` for a practice judged one object at a time: `check` returns the problems of one object
 * of the given kinds (an empty list when it complies). A check that throws on one object yields an
 * "could not be checked" violation on that object, which no exception covers; the other objects are still judged.
 */
export function perObject(kinds: readonly string[] | 'all', check: (obj: Manifest, ctx: AuditContext) => string[]): (ctx: AuditContext) => Violation[] {
  const built: PerObjectCheck = { kinds, check };
  const evaluate = (ctx: AuditContext) => judgeEachObject([built], kinds === 'all' ? ctx.objects : ctx.ofKind(...kinds), ctx)[0];
  return Object.defineProperty(evaluate, PER_OBJECT, { value: built });
}

/**
 * The check a practice built with `perObject` judges each object with; undefined for a practice that judges the set.
 * @internal for the audit engine
 */
export function perObjectCheck(practice: Practice): PerObjectCheck | undefined {
  const evaluate = practice.evaluate as { [PER_OBJECT]?: PerObjectCheck } | undefined;
  return evaluate?.[PER_OBJECT];
}

/**
 * Runs per-object checks over `objects`, object by object: each object is read by every check of its kind in turn,
 * while it is still in the processor's caches, instead of each check walking the whole set again. Returns each
 * check's violations in input order, as that check's own `evaluate` would. A check that throws on an object yields an
 * "could not be checked" violation on it; the other checks still judge it, and the check still judges the others.
 * @internal for the audit engine and `perObject`
 */
export function judgeEachObject(checks: readonly PerObjectCheck[], objects: readonly Manifest[], ctx: AuditContext): Violation[][] {
  const out: Violation[][] = checks.map(() => []);
  // The checks that judge each kind, in the order given; worked out once per kind.
  const plans = new Map<unknown, number[]>();
  // Indexed loops: they run for every object and check, mostly in V8's baseline tiers, where for-of allocates an
  // iterator result per step.
  for (let o = 0; o < objects.length; o++) {
    const object = objects[o];
    const kind = object.kind;
    let plan = plans.get(kind);
    if (plan === undefined) {
      plan = [];
      for (let c = 0; c < checks.length; c++) {
        const kinds = checks[c].kinds;
        if (kinds === 'all' || (typeof kind === 'string' && kinds.includes(kind))) plan.push(c);
      }
      plans.set(kind, plan);
    }
    for (let p = 0; p < plan.length; p++) {
      const violations = out[plan[p]];
      let messages: string[];
      try {
        messages = checks[plan[p]].check(object, ctx);
      } catch (e) {
        violations.push(uncheckable(object, e));
        continue;
      }
      for (let m = 0; m < messages.length; m++) violations.push({ object, message: messages[m] });
    }
  }
  return out;
}

/**
 * Whether the practice judges each object on its own (built with `perObject`): what a construct's self-check runs
 * over the objects it rendered. The others judge the set as a whole and need the whole app (HardenedAudit).
 */
export function isPerObject(practice: Practice): boolean {
  return practice.evaluate !== undefined && PER_OBJECT in practice.evaluate;
}

/**
 * The violation for an object a check could not judge (the check threw on it): never excepted, so input that
 * cannot be judged fails instead of passing. The error's first line says why; it names fields, not values.
 */
export function uncheckable(object: Manifest, error: unknown): Violation {
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200);
  return { object, message: `could not be checked (the check failed on this object: ${reason}); an object that cannot be judged does not pass`, exceptable: false };
}
