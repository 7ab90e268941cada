import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { audit } from '../audit/audit';
import { formatRefusal } from '../errors';
import { findPractice } from '../practices/catalogue';
import { isAcceptableReason, MIN_REASON_LENGTH, PracticeException } from '../practices/exceptions';
import { Manifest } from '../practices/manifest';
import { recordedExceptionAnnotations } from '../practices/peer-exemptions';
import { ExceptionPolicy, Practice } from '../practices/practice';
import { Refuse, refuser } from '../refusal';
import { SynthPass } from '../synth/synth-pass';
import { KubernetesTarget } from '../target/kubernetes-target';

/**
 * Validated exceptions of one construct: which practices it relaxes, the annotations that record them, and which of
 * them excused something (an exception that excuses nothing is refused at synth, see `refuseIdle`).
 */
export class ExceptionSet {
  /**
   * The validated `exceptions` prop of a construct (`given` as the caller passed it), whose exceptions that excuse
   * nothing are refused at every synth.
   */
  public static ofConstruct(scope: IConstruct, construct: string, refuse: Refuse, given: unknown): ExceptionSet {
    const list = given === undefined ? [] : Array.isArray(given) ? given as PracticeException[]
      : refuse('exceptions', 'is not a list', 'give [{ practice: \'HK-…\', reason: \'…\' }].', 'HK-AUDIT-003');
    const set = new ExceptionSet(refuse, list);
    set.refuseIdle(scope, construct, (id, index) => userIdle(construct, `exceptions[${index}]`, id));
    return set;
  }

  /**
   * The fixed exceptions a construct records on what it renders; `propOf` names where each comes from (the exported
   * list, e.g. `CIS_BENCHMARK_EXCEPTIONS[1]`, or the prop holding its reason). Each must excuse a breach the audit
   * finds in the construct's output at every synth: one that excuses nothing is a bug of the library, or a patch
   * removed what it excused.
   */
  public static builtIn(
    scope: IConstruct, construct: string, exceptions: readonly PracticeException[], propOf: (index: number) => string,
  ): ExceptionSet {
    const set = new ExceptionSet(refuser(scope, construct), exceptions);
    set.refuseIdle(scope, construct, (id, index) => builtInIdle(construct, propOf(index), id));
    return set;
  }

  private readonly reasons = new Map<string, string>();
  private readonly used = new Set<string>();
  private readonly order: string[] = [];
  /** The construct idle exceptions are reported under, when not the one that made the set (see `reportIdleAs`). */
  private reporter?: IConstruct;

  /**
   * Validates `exceptions` (HK-AUDIT-003): each names a practice of the catalogue whose exception policy is
   * recordable, gives a reason of at least 10 characters, and appears once.
   */
  constructor(refuse: Refuse, exceptions: readonly PracticeException[]) {
    exceptions.forEach((e, i) => {
      const prop = `exceptions[${i}]`;
      if (e === null || typeof e !== 'object') {
        refuse(prop, `is ${JSON.stringify(e) ?? 'undefined'}, not { practice, reason }`, 'write { practice: \'HK-…\', reason: \'…\' }.', 'HK-AUDIT-003');
      }
      const practice = typeof e.practice === 'string' ? findPractice(e.practice) : undefined;
      if (!practice) {
        refuse(`${prop}.practice`, `is '${String(e.practice)}', which is no practice of the catalogue`,
          'use a practice id from the catalogue, e.g. \'HK-WORKLOAD-009\' (see the README practice table).', 'HK-AUDIT-003');
      }
      if (practice.exception !== ExceptionPolicy.RECORDABLE) {
        const why = practice.exception === ExceptionPolicy.NONE ? 'allows no exception' : 'is not something an object can opt out of';
        refuse(`${prop}.practice`, `is '${practice.id}' (${practice.title}), which ${why}`,
          'remove the exception and comply with the practice; there is no recorded way out.', 'HK-AUDIT-003');
      }
      if (!isAcceptableReason(e.reason)) {
        refuse(`${prop}.reason`, `for '${practice.id}' is ${e.reason === undefined ? 'missing' : `'${String(e.reason)}'`}, shorter than ${MIN_REASON_LENGTH} characters`,
          'say why in words a reviewer can check: a ticket, an upstream constraint.', 'HK-AUDIT-003');
      }
      if (this.reasons.has(practice.id)) {
        refuse(`${prop}.practice`, `is '${practice.id}' again`, 'record each practice once, with one reason.', 'HK-AUDIT-003');
      }
      this.reasons.set(practice.id, e.reason.trim());
      this.order.push(practice.id);
    });
  }

  /**
   * Whether a recorded exception relaxes the practice for a value that breaks it. Ask only where the value does
   * break the practice: a true answer counts as the exception excusing something.
   */
  public excuses(practiceId: string): boolean {
    const recorded = this.reasons.has(practiceId);
    if (recorded) this.used.add(practiceId);
    return recorded;
  }

  /** Whether the practice is recorded, without counting it as used (the caller marks it with `markUsed`). */
  public has(practiceId: string): boolean {
    return this.reasons.has(practiceId);
  }

  /** Counts the recorded exception to `practiceId` as excusing something the construct decided to emit. */
  public markUsed(practiceId: string): void {
    if (this.reasons.has(practiceId)) this.used.add(practiceId);
  }

  /**
   * Reports this set's idle exceptions under `scope` instead of the construct that made it: a construct that builds
   * another one and hands it its own `exceptions` prop (FluentBitAgent's SecureDaemonSet) names the prop the user
   * wrote. `describe` says what each idle exception is, by its practice and its index in the set.
   */
  public reportIdleAs(scope: IConstruct, construct: string, describe: (id: string, index: number) => IdleException): void {
    this.reporter = scope;
    this.refuseIdle(scope, construct, describe);
  }

  /**
   * Refuses, at every synth, the exceptions that excuse nothing: neither did the construct relax a refusal for
   * them, nor does the audit of what it renders (after every patch) find a breach of the practice that the
   * recorded exception excepts. An idle exception would silently excuse the next change that needs it.
   */
  private refuseIdle(scope: IConstruct, construct: string, describe: (id: string, index: number) => IdleException): void {
    const key = Symbol('idle-exceptions');
    scope.node.addValidation({
      validate: () => {
        if ((this.reporter ?? scope) !== scope) return [];
        const idle = this.order.filter((id) => !this.used.has(id));
        if (idle.length === 0) return [];
        const excused = SynthPass.of(scope).perSynth(key, () => exceptedBreaches(scope, idle.map((id) => findPractice(id)!)));
        return idle.filter((id) => !excused.has(id)).map((id) => formatRefusal({
          scope,
          construct,
          ...describe(id, this.order.indexOf(id)),
          practiceId: 'HK-AUDIT-003',
          practiceTitle: findPractice('HK-AUDIT-003')?.title,
        }).slice(`[${scope.node.path}] `.length));
      },
    });
  }

  /** The `exceptions.cdk8s-hardened.io/<ID>` annotations for the practices among `ids` (all when omitted). */
  public annotations(ids?: readonly string[]): Record<string, string> {
    // Most constructs record no exception, and every object they make asks.
    if (this.reasons.size === 0) return {};
    const chosen = [...this.reasons].filter(([id]) => ids === undefined || ids.includes(id)).map(([practice, reason]) => ({ practice, reason }));
    return recordedExceptionAnnotations(chosen);
  }

  /** The recorded practice ids. */
  public get ids(): string[] {
    return [...this.reasons.keys()];
  }
}

/** What an idle exception is called in its refusal: the prop that holds it, the problem, the way out. */
export interface IdleException {
  readonly prop: string;
  readonly problem: string;
  readonly fix: string;
}

/** The refusal of an exception the user recorded in `prop` that excuses nothing. */
export function userIdle(construct: string, prop: string, id: string): IdleException {
  return {
    prop,
    problem: `records an exception to ${id} (${findPractice(id)!.title}), but nothing the ${construct} renders breaks it`,
    fix: 'remove the exception, so a later change that needs it is judged again.',
  };
}

/** The refusal of a built-in exception (`prop`, e.g. `CIS_BENCHMARK_EXCEPTIONS[1]`) that excuses nothing. */
export function builtInIdle(construct: string, prop: string, id: string): IdleException {
  return {
    prop,
    problem: `records the built-in exception to ${id} (${findPractice(id)!.title}), but nothing the ${construct} renders breaks it`,
    fix: `a patch removed what it excuses (remove the patch), or the ${construct} no longer needs it: a bug of cdk8s-hardened, report it.`,
  };
}

/** The practices among `practices` whose breach by an object under `scope` is excepted by the object's annotations. */
function exceptedBreaches(scope: IConstruct, practices: readonly Practice[]): Set<string> {
  const objects = scope.node.root.node.findAll().filter((c: IConstruct): c is ApiObject => ApiObject.isApiObject(c));
  const own = new Set<Manifest>();
  // Set-wide practices (a namespace without a policy) need every object of the app, not only the construct's.
  const manifests = objects.map((o) => {
    const m = o.toJson() as Manifest;
    if (o.node.scopes.includes(scope)) own.add(m);
    return m;
  });
  const report = audit(manifests, {
    practices,
    targetVersion: KubernetesTarget.of(scope),
    requireProvenance: true,
    constructPathOf: (m) => (own.has(m) ? scope.node.path : undefined),
  });
  return new Set(report.findings.filter((f) => f.excepted && f.constructPath !== undefined).map((f) => f.practiceId));
}
