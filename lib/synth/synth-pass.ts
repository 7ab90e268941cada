import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { audit, AuditReport, Finding } from '../audit/audit';
import { HardenedError } from '../errors';
import { CATALOGUE } from '../practices/catalogue';
import { Manifest } from '../practices/manifest';
import { atLeast, isPerObject, Practice, Severity } from '../practices/practice';
import { KubernetesTarget } from '../target/kubernetes-target';

/** One object of the app as the pass rendered it (after every patch) and the ApiObject that renders it. */
export interface RenderedObject {
  /** The ApiObject; its construct path is where problems about it are reported. */
  readonly apiObject: ApiObject;
  /** Its JSON, exactly what the output writes. Read it, never change it. */
  readonly manifest: Manifest;
}

/** A problem an app-wide check found, reported under the construct at fault. */
export interface AppCheckProblem {
  /** The construct the message is reported under (cdk8s prefixes it with its path). */
  readonly scope: IConstruct;
  /** What is wrong and the way out. */
  readonly message: string;
}

/**
 * A check of the whole app, run once per synth over the one rendering of every object, after every construct has
 * adopted and patched its objects (e.g. references between objects, duplicates). Every problem fails synth.
 */
export type AppCheck = (objects: readonly RenderedObject[]) => readonly AppCheckProblem[];

/** A warning a construct raised at synth (it never fails synth). */
export interface SynthWarning {
  /** Path of the construct it is about. */
  readonly constructPath: string;
  /** What the reader should know, and the way out. */
  readonly message: string;
}

/**
 * What one synth judged: every finding (excepted and below-threshold ones included) and the constructs' warnings.
 * Nothing is printed: read it with `HardenedAudit.lastReport(app)`, or pass `warn` to `HardenedAudit.enable`.
 */
export interface SynthReport extends AuditReport {
  /** The severity from which findings fail synth. */
  readonly failOn: Severity;
  /** Warnings the constructs raised, in tree order. */
  readonly warnings: readonly SynthWarning[];
}

/** The app-wide audit `HardenedAudit.enable` turns on. */
export interface AppAuditSettings {
  readonly failOn: Severity;
  readonly targetVersion?: string;
  readonly allowedRegistries?: string[];
  readonly warn?: (summary: string) => void;
}

/** How a construct's own objects are judged. */
export interface SelfCheckOptions {
  /**
   * Practices the construct judges itself with messages of its own (RbacProfile), so the self-check skips them.
   * @default - none
   */
  readonly judgedByOwner?: (practice: Practice) => boolean;
  /**
   * The Kubernetes version the construct targets (e.g. a LockedNamespace's `podSecurityVersion`); objects of the
   * constructs inside it are judged against it too. HardenedAudit's `targetVersion` overrides it.
   * @default - the nearest enclosing construct's, else '1.28'
   */
  readonly targetVersion?: string;
}

/** The catalogue's per-object practices: what judges a construct's objects without HardenedAudit. */
const PER_OBJECT_PRACTICES = CATALOGUE.filter(isPerObject);

const PASS = Symbol.for('cdk8s-hardened.SynthPass');

/** One synth in progress (`app.synth()` or `app.synthYaml()`): judged once, whatever the number of charts. */
interface Session {
  judged: boolean;
  readonly rendered: ApiObject[];
}

/**
 * The one app-level pass of the library, registered once on the root of the tree by the first construct that needs
 * it. cdk8s validates the whole app once in `app.synth()` and once more per chart; the pass does its work on the
 * first validation of a synth and answers the others from that work:
 *
 * 1. runs the constructs' `beforeRendering` hooks (LockedNamespace adopts its children), so nothing is judged before
 *    it is final;
 * 2. renders every ApiObject once; during `app.synth()`/`synthYaml()` the output then reuses that rendering, so
 *    what is written is exactly what was judged and no object is rendered twice;
 * 3. judges the objects the library's constructs rendered against the catalogue's per-object practices (each
 *    construct checks itself), or, with HardenedAudit, every object against every practice;
 * 4. runs the app-wide checks (`addAppCheck`);
 * 5. reports each failing finding under the construct path of the object at fault, and keeps the report.
 *
 * The root is validated before any other construct, so every error lands in the same validation as before.
 */
export class SynthPass {
  /** The pass of the app `scope` belongs to, registered on its root if it is not yet. */
  public static of(scope: IConstruct): SynthPass {
    const root = scope.node.root as IConstruct & { [PASS]?: SynthPass };
    return root[PASS] ?? new SynthPass(root);
  }

  /** The pass of the app `scope` belongs to, or undefined when no construct registered one. */
  public static find(scope: IConstruct): SynthPass | undefined {
    return (scope.node.root as IConstruct & { [PASS]?: SynthPass })[PASS];
  }

  /** The report of the last judgement, or undefined before the first synth. */
  public lastReport?: SynthReport;

  private readonly owners = new Map<IConstruct, SelfCheckOptions>();
  private readonly preparers: Array<() => void> = [];
  private readonly appChecks: AppCheck[] = [];
  private readonly warnings: Array<{ scope: IConstruct; produce: () => string | undefined }> = [];
  private readonly problems = new Map<IConstruct, string[]>();
  private readonly wired = new WeakSet<IConstruct>();
  private appAudit?: AppAuditSettings;
  private session?: Session;
  private rootProblems: string[] = [];
  private lastSummary?: string;
  private memo = new Map<symbol, unknown>();

  private constructor(private readonly root: IConstruct) {
    Object.defineProperty(root, PASS, { value: this });
    root.node.addValidation({ validate: () => this.run() });
    if (isApp(root)) this.wrapSynth(root);
  }

  /** Judges the objects under `owner` at every synth, after patches (the construct checks itself). */
  public checkRenderedObjects(owner: IConstruct, options: SelfCheckOptions = {}): void {
    this.owners.set(owner, options);
  }

  /** Runs `prepare` at every synth before anything is rendered or judged; it may add patches, nothing else. */
  public beforeRendering(prepare: () => void): void {
    this.preparers.push(prepare);
  }

  /** Adds a check of the whole app, run once per synth over the one rendering. */
  public addAppCheck(check: AppCheck): void {
    this.appChecks.push(check);
  }

  /** Records a warning about `scope`, decided at synth (`produce` returns undefined when there is none). */
  public addWarning(scope: IConstruct, produce: () => string | undefined): void {
    this.warnings.push({ scope, produce });
  }

  /**
   * What `compute` returns, computed once per judgement and shared by every caller with the same `key` (e.g. the
   * namespaces the app locks, which every unlocked workload's warning asks about): a fact of the whole tree then
   * costs one walk per synth, not one per construct.
   */
  public perSynth<T>(key: symbol, compute: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, compute());
    return this.memo.get(key) as T;
  }

  /** Turns the app-wide audit on: every object, every practice. The first settings win. */
  public enableAppAudit(settings: AppAuditSettings): void {
    this.appAudit ??= settings;
  }

  private run(): string[] {
    if (this.session?.judged) return this.rootProblems;
    this.memo = new Map();
    for (const prepare of this.preparers) prepare();
    const apiObjects = this.root.node.findAll().filter((c: IConstruct): c is ApiObject => ApiObject.isApiObject(c));
    const rendered = apiObjects.map((apiObject) => ({ apiObject, manifest: withSharedShape(apiObject.toJson()) as Manifest }));
    if (this.session) this.reuse(rendered, this.session);

    this.problems.clear();
    this.rootProblems = [];
    const failOn = this.appAudit?.failOn ?? Severity.HIGH;
    const report = this.judge(rendered, failOn);
    for (const check of this.appChecks) {
      for (const p of check(rendered)) this.report(p.scope, p.message);
    }
    this.lastReport = report;
    this.tellWarnings(report);
    return this.rootProblems;
  }

  /** The audit of this synth; failing findings are reported on the objects at fault. */
  private judge(rendered: readonly RenderedObject[], failOn: Severity): SynthReport {
    const result = this.appAudit ? this.auditAll(rendered) : this.auditOwned(rendered);
    const byPath = new Map(rendered.map((r) => [r.apiObject.node.path, r.apiObject]));
    const findings = this.appAudit ? result.findings : result.findings.filter((f) => !this.judgedByOwner(f, byPath));
    for (const f of findings) {
      if (f.excepted || !atLeast(f.severity, failOn)) continue;
      const apiObject = f.constructPath ? byPath.get(f.constructPath) : undefined;
      // A finding that names no object of the app still fails: the root reports it.
      this.report(apiObject ?? this.root, formatFinding(f));
    }
    const warnings = this.warnings.flatMap(({ scope, produce }) => {
      const message = produce();
      return message ? [{ constructPath: scope.node.path, message }] : [];
    });
    return { ...result, findings, failOn, warnings };
  }

  /** HardenedAudit: every object against every practice, in one audit. */
  private auditAll(rendered: readonly RenderedObject[]): AuditReport {
    return audit(rendered.map((r) => r.manifest), {
      targetVersion: this.appAudit!.targetVersion ?? KubernetesTarget.of(this.root),
      allowedRegistries: this.appAudit!.allowedRegistries,
      // Every object of a cdk8s-hardened app owes its provenance, raw ApiObjects added beside ours included.
      requireProvenance: true,
      constructPathOf: pathLookup(rendered),
    });
  }

  /**
   * The constructs' self-check: the objects under a construct of the library against the per-object practices, one
   * audit per target version (one, unless a construct targets another version).
   */
  private auditOwned(rendered: readonly RenderedObject[]): AuditReport {
    const byVersion = new Map<string | undefined, RenderedObject[]>();
    for (const r of rendered) {
      const owners = this.ownersOf(r.apiObject);
      if (owners.length === 0) continue;
      const version = owners.find((o) => o.targetVersion !== undefined)?.targetVersion;
      const list = byVersion.get(version);
      if (list) list.push(r);
      else byVersion.set(version, [r]);
    }
    const reports = [...byVersion.entries()].map(([targetVersion, objects]) => audit(objects.map((r) => r.manifest), {
      practices: PER_OBJECT_PRACTICES,
      targetVersion: targetVersion ?? KubernetesTarget.of(this.root),
      requireProvenance: true,
      constructPathOf: pathLookup(objects),
    }));
    const first = reports[0] ?? audit([], { practices: [] });
    return reports.length <= 1 ? first : {
      ...first,
      objectCount: reports.reduce((n, r) => n + r.objectCount, 0),
      findings: reports.flatMap((r) => r.findings),
    };
  }

  /** The self-check options of the constructs of the library enclosing `o`, nearest first. */
  private ownersOf(o: ApiObject): SelfCheckOptions[] {
    const scopes = o.node.scopes;
    const out: SelfCheckOptions[] = [];
    for (let i = scopes.length - 1; i >= 0; i--) {
      const options = this.owners.get(scopes[i]);
      if (options) out.push(options);
    }
    return out;
  }

  private judgedByOwner(f: Finding, byPath: Map<string, ApiObject>): boolean {
    const apiObject = f.constructPath ? byPath.get(f.constructPath) : undefined;
    const skip = apiObject ? this.ownersOf(apiObject)[0]?.judgedByOwner : undefined;
    const practice = skip ? CATALOGUE.find((p) => p.id === f.practiceId) : undefined;
    return practice !== undefined && skip!(practice);
  }

  /** Reports `message` under `scope`: its own validation returns what the last judgement found about it. */
  private report(scope: IConstruct, message: string): void {
    if (scope === this.root) {
      this.rootProblems.push(message);
      return;
    }
    const list = this.problems.get(scope);
    if (list) list.push(message);
    else this.problems.set(scope, [message]);
    if (this.wired.has(scope)) return;
    this.wired.add(scope);
    scope.node.addValidation({ validate: () => this.problems.get(scope) ?? [] });
  }

  /** Hands the warnings to `warn` when HardenedAudit asked for them, once per distinct summary. */
  private tellWarnings(report: SynthReport): void {
    const warn = this.appAudit?.warn;
    if (!warn) return;
    const summary = warningSummary(report);
    if (summary === undefined || summary === this.lastSummary) return;
    this.lastSummary = summary;
    warn(summary);
  }

  /**
   * During a synth, every ApiObject answers `toJson()` with the rendering the pass judged, so the output renders
   * nothing again; a patch added after the judgement would be lost, so it is refused instead.
   */
  private reuse(rendered: readonly RenderedObject[], session: Session): void {
    for (const { apiObject, manifest } of rendered) {
      Object.defineProperty(apiObject, 'toJson', { value: () => manifest, configurable: true, writable: true });
      Object.defineProperty(apiObject, 'addJsonPatch', { value: () => refuseLatePatch(apiObject), configurable: true, writable: true });
      session.rendered.push(apiObject);
    }
    session.judged = true;
  }

  /** Makes `app.synth()` and `app.synthYaml()` one session each: judged once, whatever the number of charts. */
  private wrapSynth(app: App): void {
    for (const method of ['synth', 'synthYaml'] as const) {
      const original = app[method] as (...args: unknown[]) => unknown;
      Object.defineProperty(app, method, {
        value: (...args: unknown[]) => this.inSession(() => original.apply(app, args)),
        configurable: true,
        writable: true,
      });
    }
  }

  private inSession<T>(run: () => T): T {
    if (this.session) return run();
    const session: Session = { judged: false, rendered: [] };
    this.session = session;
    try {
      return run();
    } finally {
      this.session = undefined;
      for (const o of session.rendered) {
        // Last defined, first deleted: V8 then returns each object to its class's shape; deleting in any other order
        // turns every ApiObject of the app into a slow dictionary-mode object.
        delete (o as { addJsonPatch?: unknown }).addJsonPatch;
        delete (o as { toJson?: unknown }).toJson;
      }
    }
  }
}

/**
 * `rendered` with its top-level keys copied, in order, into a fresh object. The `Kube*` classes of cdk8s-plus return
 * `{ ...GVK, ...props }`, and V8 gives every object built by two spreads a hidden class of its own, so every read of
 * `kind`, `metadata` or `spec` by the judge and the app checks would be megamorphic (5,100 objects, 5,100 classes);
 * built key by key, the objects of one shape share one class. Same keys, order and values: the output is unchanged.
 */
function withSharedShape(rendered: unknown): unknown {
  if (rendered === null || typeof rendered !== 'object' || Object.getPrototypeOf(rendered) !== Object.prototype) return rendered;
  const source = rendered as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) copy[key] = source[key];
  return copy;
}

function pathLookup(rendered: readonly RenderedObject[]): (m: Manifest) => string | undefined {
  const pathOf = new Map<Manifest, string>(rendered.map((r) => [r.manifest, r.apiObject.node.path]));
  return (m) => pathOf.get(m);
}

/** Duck-typed, so an App from another copy of cdk8s is recognised too. */
function isApp(x: IConstruct): x is App {
  return typeof (x as Partial<App>).synth === 'function' && typeof (x as Partial<App>).synthYaml === 'function';
}

function refuseLatePatch(o: ApiObject): never {
  throw new HardenedError({
    scope: o,
    construct: 'ApiObject',
    prop: 'addJsonPatch()',
    problem: 'was called during synth, after the object was rendered and judged, so the patch would be neither written nor judged',
    fix: 'add patches before app.synth(), or from a SynthPass.of(app).beforeRendering() hook.',
  });
}

/** One finding as a synth error line: id, severity, title, what is wrong and the way out. */
export function formatFinding(f: Finding): string {
  return `${f.practiceId} (${f.severity}) ${f.title}: ${f.message}. Fix: ${f.fix}`;
}

/** How many construct paths a warning summary names per practice before it only counts. */
const PATHS_PER_PRACTICE = 3;

/**
 * The report's warnings as text: the constructs' warnings, then one line per practice with findings below `failOn`
 * (how many, and the first few construct paths), so a large app gets a readable digest. Undefined when there is
 * nothing to say.
 */
export function warningSummary(report: SynthReport): string | undefined {
  const below = report.findings.filter((f) => !f.excepted && !atLeast(f.severity, report.failOn));
  const lines = [
    ...(report.warnings.length > 0
      ? ['cdk8s-hardened: warnings (not failing synth):', ...report.warnings.map((w) => `  [${w.constructPath}] ${w.message}`)]
      : []),
    ...(below.length > 0 ? [summarizeWarnings(below, report.failOn)] : []),
  ];
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/** The findings below `failOn`, one line per practice with how many and the first few construct paths. */
export function summarizeWarnings(warnings: readonly Finding[], failOn: Severity): string {
  const byPractice = new Map<string, Finding[]>();
  for (const f of warnings) {
    const list = byPractice.get(f.practiceId);
    if (list) list.push(f);
    else byPractice.set(f.practiceId, [f]);
  }
  const lines = [...byPractice.entries()].map(([id, list]) => {
    const paths = [...new Set(list.map((f) => f.constructPath ?? describeRef(f)))];
    const shown = paths.slice(0, PATHS_PER_PRACTICE).join(', ');
    const more = paths.length > PATHS_PER_PRACTICE ? ` and ${paths.length - PATHS_PER_PRACTICE} more` : '';
    return `  ${id} (${list[0].severity}) ${list[0].title}: ${list.length} finding(s) on ${shown}${more}`;
  });
  return [
    `cdk8s-hardened: ${warnings.length} finding(s) below '${failOn}' do not fail synth `
      + '(run `cdk8s-hardened audit` on the output for every message and fix):',
    ...lines,
  ].join('\n');
}

function describeRef(f: Finding): string {
  return `${f.object.kind}/${f.object.namespace ? f.object.namespace + '/' : ''}${f.object.name}`;
}
