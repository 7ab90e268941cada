import { HardenedError } from '../errors';
import { CATALOGUE, CATALOGUE_VERSION, findPractice } from '../practices/catalogue';
import { isAcceptableReason, recordedExceptions } from '../practices/exceptions';
import { isNamespaced, Manifest, namespaceOf, ObjectRef, refOf } from '../practices/manifest';
import {
  atLeast, AuditContext, AuditSettings, ExceptionPolicy, judgeEachObject, KubernetesVersion, PerObjectCheck, perObjectCheck, Practice, Severity,
  uncheckable, Violation,
} from '../practices/practice';
import { withSharedViews } from '../practices/shared-views';

/** Annotation the constructs write with the path of the construct that made an object (HK-AUDIT-004). */
export const CONSTRUCT_PATH_ANNOTATION = 'cdk8s-hardened.io/construct-path';

/** Kubernetes version the library targets by default: what cdk8s-plus-28 synthesizes for. */
export const DEFAULT_TARGET_VERSION = '1.28';

/** Where an object was read from, when it came from a file. */
export interface SourceLocation {
  /** File path as given to the audit. */
  readonly file: string;
  /** 1-based line of the document's first line. */
  readonly line: number;
}

/** Options of `audit()`. */
export interface AuditOptions {
  /**
   * Target Kubernetes version (`1.28`, `v1.31`): checks whose rules changed between versions judge against it.
   * @default '1.28'
   */
  readonly targetVersion?: string;
  /**
   * Registries every image must come from (HK-IMAGE-003), in addition to those a Namespace in the set allows
   * through its `cdk8s-hardened.io/allowed-registries` annotation.
   * @default - no allow-list: only frozen registries are refused
   */
  readonly allowedRegistries?: string[];
  /**
   * Whether HK-AUDIT-004 (provenance metadata) judges every object. Off, it judges only objects that claim to come
   * from cdk8s-hardened (its managed-by label or any `cdk8s-hardened.io/` label or annotation), so third-party YAML
   * is not flooded with findings about metadata it never promised.
   * @default false
   */
  readonly requireProvenance?: boolean;
  /**
   * The practices to judge against.
   * @default CATALOGUE
   */
  readonly practices?: readonly Practice[];
  /**
   * Resolves the construct path of an object that came from a cdk8s app.
   * @default - the object's `cdk8s-hardened.io/construct-path` annotation
   */
  readonly constructPathOf?: (obj: Manifest) => string | undefined;
  /**
   * Resolves the file and line an object was read from.
   * @default - no location
   */
  readonly locationOf?: (obj: Manifest) => SourceLocation | undefined;
}

/** One practice breached by one object. */
export interface Finding {
  /** The practice id, e.g. `HK-WORKLOAD-003`. */
  readonly practiceId: string;
  /** The practice title. */
  readonly title: string;
  /** The practice severity. */
  readonly severity: Severity;
  /** The object at fault. */
  readonly object: ObjectRef;
  /** Path of the construct that made the object, when it came from a cdk8s app. */
  readonly constructPath?: string;
  /** Where the object was read from, when it came from a file. */
  readonly location?: SourceLocation;
  /** What is wrong. */
  readonly message: string;
  /** The way out. */
  readonly fix: string;
  /** True when the object records a valid exception for this practice; the finding then does not fail. */
  readonly excepted: boolean;
  /** The recorded reason, when excepted. */
  readonly exceptionReason?: string;
  /** True when a baseline file records this finding (accepted when the scanner was adopted); it then does not fail. */
  readonly baselined?: boolean;
}

/** The result of an audit. */
export interface AuditReport {
  /** Version of the catalogue the objects were judged against. */
  readonly catalogueVersion: string;
  /** Target Kubernetes version, `major.minor`. */
  readonly targetVersion: string;
  /** How many objects were audited. */
  readonly objectCount: number;
  /** Every finding, excepted ones included, in catalogue order then input order. */
  readonly findings: Finding[];
}

/** Parses `1.28`, `v1.28` or `v1.28.3` into major and minor; refuses anything else. */
export function parseKubernetesVersion(text: string): KubernetesVersion {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  if (!m) {
    const fix = 'give a minor version such as \'1.28\' or \'v1.31\'.';
    throw new HardenedError({ message: `targetVersion '${text}' is not a Kubernetes version. Fix: ${fix}`, fix });
  }
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/**
 * Judges a set of Kubernetes objects against the catalogue. Pure: no I/O, no clock; the same input gives the
 * same report.
 */
export function audit(manifests: readonly Manifest[], options: AuditOptions = {}): AuditReport {
  const targetVersion = parseKubernetesVersion(options.targetVersion ?? DEFAULT_TARGET_VERSION);
  const objects = manifests.filter((m) => m !== null && typeof m === 'object' && !Array.isArray(m) && typeof m.kind === 'string');
  const settings: AuditSettings = {
    targetVersion,
    allowedRegistries: options.allowedRegistries ?? [],
    requireProvenance: options.requireProvenance ?? false,
  };
  const ctx = createContext(objects, settings);
  const constructPathOf = options.constructPathOf ?? annotatedConstructPath;
  const locationOf = options.locationOf ?? (() => undefined);

  // An object with many findings is described once: its reference, construct path, location and exceptions.
  const subjects = new Map<Manifest, Subject>();
  const subjectOf = (o: Manifest): Subject => {
    let subject = subjects.get(o);
    if (!subject) {
      subject = { ref: refOf(o), constructPath: constructPathOf(o), location: locationOf(o), exceptions: recordedExceptions(o) };
      subjects.set(o, subject);
    }
    return subject;
  };
  const practices = (options.practices ?? CATALOGUE).filter((p) => p.evaluate);
  const findings: Finding[] = [];
  withSharedViews(() => {
    // The per-object practices judge the set object by object, all together; set-wide ones judge it one by one.
    const perObjectChecks = practices.map(perObjectCheck);
    const judged = judgeEachObject(perObjectChecks.filter((c): c is PerObjectCheck => c !== undefined), objects, ctx);
    let next = 0;
    for (let i = 0; i < practices.length; i++) {
      const violations = perObjectChecks[i] ? judged[next++] : runCheck(practices[i], ctx);
      for (let v = 0; v < violations.length; v++) findings.push(toFinding(practices[i], violations[v], subjectOf));
    }
  });
  return {
    catalogueVersion: CATALOGUE_VERSION,
    targetVersion: `${targetVersion.major}.${targetVersion.minor}`,
    objectCount: objects.length,
    findings,
  };
}

/** Findings that are neither excepted nor baselined and reach `threshold`. */
export function failingFindings(report: AuditReport, threshold: Severity): Finding[] {
  return report.findings.filter((f) => !f.excepted && !f.baselined && atLeast(f.severity, threshold));
}

/**
 * The context checks see, for code that runs practices itself (a construct judging only its own objects): every
 * object indexed by kind, the settings, and catalogue look-up.
 */
export function createAuditContext(objects: readonly Manifest[], settings: Partial<AuditSettings> = {}): AuditContext {
  return createContext(objects, {
    targetVersion: settings.targetVersion ?? parseKubernetesVersion(DEFAULT_TARGET_VERSION),
    allowedRegistries: settings.allowedRegistries ?? [],
    requireProvenance: settings.requireProvenance ?? false,
  });
}

/** The construct-path annotation, when it is a string (a hostile document may put anything there). */
function annotatedConstructPath(obj: Manifest): string | undefined {
  const annotations = obj.metadata?.annotations;
  const path = annotations !== null && typeof annotations === 'object' ? annotations[CONSTRUCT_PATH_ANNOTATION] : undefined;
  return typeof path === 'string' ? path : undefined;
}

/**
 * The context over a set, indexed once: by kind, by kind and namespace, by namespace. A look-up of several kinds
 * (`ofKind(...POD_KINDS)`, which dozens of practices ask for) is built on first use and then shared, so no check
 * scans the whole set to find its objects. Every list keeps input order.
 */
function createContext(objects: readonly Manifest[], settings: AuditSettings): AuditContext {
  const byKind = new Map<string, Manifest[]>();
  // Namespace, then kind: checks ask per object or per policy, and two look-ups of strings the objects hold cost
  // less than building (and hashing) a combined key on every call.
  const byNamespace = new Map<string, { all: Manifest[]; byKind: Map<string, Manifest[]> }>();
  const push = (index: Map<string, Manifest[]>, key: string, o: Manifest) => {
    const list = index.get(key);
    if (list) list.push(o);
    else index.set(key, [o]);
  };
  // Objects of a large set come in many shapes, which makes reading `kind` slow: each is read once, here.
  const kindOf: string[] = [];
  for (const o of objects) {
    const kind = o.kind!;
    kindOf.push(kind);
    push(byKind, kind, o);
    if (isNamespaced(o)) {
      const namespace = namespaceOf(o);
      let inNamespace = byNamespace.get(namespace);
      if (!inNamespace) {
        inNamespace = { all: [], byKind: new Map() };
        byNamespace.set(namespace, inNamespace);
      }
      inNamespace.all.push(o);
      push(inNamespace.byKind, kind, o);
    }
  }
  const NONE: readonly Manifest[] = [];
  const ofKinds = new Map<string, readonly Manifest[]>();
  const ofKindsInNamespace = new Map<string, readonly Manifest[]>();
  const shared = (cache: Map<string, readonly Manifest[]>, key: string, build: () => readonly Manifest[]) => {
    let list = cache.get(key);
    if (!list) {
      list = build();
      cache.set(key, list);
    }
    return list;
  };
  return {
    objects,
    settings,
    ofKind: (...kinds) => kinds.length === 1
      ? byKind.get(kinds[0]) ?? NONE
      : shared(ofKinds, kinds.join('\u0000'), () => {
        const wanted = new Set(kinds);
        return objects.filter((_, i) => wanted.has(kindOf[i]));
      }),
    inNamespace: (namespace, ...kinds) => kinds.length === 1
      ? byNamespace.get(namespace)?.byKind.get(kinds[0]) ?? NONE
      : shared(ofKindsInNamespace, `${namespace}\u0000${kinds.join('\u0000')}`, () => selectKinds(byNamespace.get(namespace)?.all ?? NONE, kinds)),
    findPractice,
  };
}

/** The objects of `objects` whose kind is one of `kinds`, in order. */
function selectKinds(objects: readonly Manifest[], kinds: readonly string[]): Manifest[] {
  const wanted = new Set(kinds);
  return objects.filter((o) => wanted.has(o.kind!));
}

/** How many objects a throwing set-wide check may single out before every remaining object is reported. */
const MAX_UNCHECKABLE = 64;

/**
 * Runs a practice over the set. A check that throws is never a pass, and one object it chokes on must not hide
 * the rest of the set: the objects it throws on are found by bisection (the shortest prefix of the set that makes
 * it throw ends with one), each gets a "could not be checked" violation no exception covers, and the check is run
 * again on the others. Per-object checks catch their own throws (`perObject`), so this is for set-wide ones.
 */
function runCheck(practice: Practice, ctx: AuditContext): Violation[] {
  const attempt = (objects: readonly Manifest[]): { violations?: Violation[]; error?: unknown } => {
    try {
      return { violations: practice.evaluate!(objects === ctx.objects ? ctx : createContext(objects, ctx.settings)) };
    } catch (error) {
      return { error };
    }
  };
  const first = attempt(ctx.objects);
  if (first.violations) return first.violations;
  const culprits: Violation[] = [];
  let remaining = ctx.objects;
  let failure = first;
  while (failure.error !== undefined) {
    // Invariant: the empty prefix runs, the whole of `remaining` throws.
    let ok = 0;
    let bad = remaining.length;
    if (culprits.length >= MAX_UNCHECKABLE || attempt([]).error !== undefined) {
      return [...culprits, ...remaining.map((o) => uncheckable(o, failure.error))];
    }
    let error = failure.error;
    while (bad - ok > 1) {
      const mid = Math.floor((ok + bad) / 2);
      const r = attempt(remaining.slice(0, mid));
      if (r.error !== undefined) {
        bad = mid;
        error = r.error;
      } else {
        ok = mid;
      }
    }
    culprits.push(uncheckable(remaining[bad - 1], error));
    remaining = [...remaining.slice(0, bad - 1), ...remaining.slice(bad)];
    failure = attempt(remaining);
  }
  return [...failure.violations!, ...culprits];
}

/** What a finding says about the object it is on, worked out once per object. */
interface Subject {
  readonly ref: ObjectRef;
  readonly constructPath: string | undefined;
  readonly location: SourceLocation | undefined;
  /** The object's recorded exceptions, by practice id. */
  readonly exceptions: Map<string, string>;
}

function toFinding(practice: Practice, v: Violation, subjectOf: (o: Manifest) => Subject): Finding {
  const { ref, constructPath, location, exceptions } = subjectOf(v.object);
  const reason = exceptions.get(practice.id);
  const excepted = reason !== undefined && practice.exception === ExceptionPolicy.RECORDABLE
    && v.exceptable !== false && isAcceptableReason(reason)
    && (v.alsoOn ?? []).every((o) => isAcceptableReason(subjectOf(o).exceptions.get(practice.id)));
  // Built field by field in the report's key order (one finding per breach: tens of thousands on a large input).
  const finding: Mutable<Finding> = { practiceId: practice.id, title: practice.title, severity: practice.severity, object: ref } as Mutable<Finding>;
  if (constructPath) finding.constructPath = constructPath;
  if (location) finding.location = location;
  finding.message = v.message;
  finding.fix = practice.fix;
  finding.excepted = excepted;
  if (excepted) finding.exceptionReason = reason;
  return finding;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
