import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { audit, AuditReport, Finding } from './audit';
import { Manifest } from '../practices/manifest';
import { atLeast, Severity } from '../practices/practice';

/** Options of `HardenedAudit.enable`. */
export interface HardenedAuditOptions {
  /**
   * Findings at or above this severity fail synth; lower ones are printed once as a warning summary.
   * @default Severity.HIGH
   */
  readonly failOn?: Severity;
  /**
   * Target Kubernetes version the objects are judged against.
   * @default '1.28'
   */
  readonly targetVersion?: string;
  /**
   * Registries every image must come from (HK-IMAGE-003), besides those a LockedNamespace in the app allows.
   * @default - no app-wide allow-list
   */
  readonly allowedRegistries?: string[];
  /**
   * Where the warning summary goes.
   * @default - standard error
   */
  readonly warn?: (summary: string) => void;
}

const STATE = Symbol.for('cdk8s-hardened.HardenedAudit');

/** Construct metadata type under which constructs register warnings that HardenedAudit prints at synth. */
export const SYNTH_WARNING_METADATA = 'cdk8s-hardened:warning';

/**
 * Registers a warning about `scope` that is decided at synth, when the whole app is known (e.g. whether any
 * LockedNamespace locks the namespace a workload lands in). `produce` returns the message, or undefined when there
 * is nothing to warn about. HardenedAudit prints every warning once, in its summary; it never fails synth.
 */
export function addSynthWarning(scope: IConstruct, produce: () => string | undefined): void {
  scope.node.addMetadata(SYNTH_WARNING_METADATA, produce);
}

interface AuditState {
  readonly options: HardenedAuditOptions;
  readonly failing: Map<ApiObject, Finding[]>;
  readonly wired: WeakSet<ApiObject>;
  lastFingerprint?: string;
  lastReport?: AuditReport;
  warned?: string;
}

/**
 * Wires the catalogue's audit into a cdk8s App: synth then fails on every finding at or above `failOn`, each
 * reported under the construct path of the object at fault, over every ApiObject in the tree — the library's
 * own, cdk8s-plus's, raw ApiObjects and `Include`d YAML alike.
 *
 * @example
 * const app = new App();
 * HardenedAudit.enable(app);
 * new MyChart(app, 'prod');
 * app.synth();
 */
export class HardenedAudit {
  /** Turns the audit on for `app`. Calling it twice keeps the first options. */
  public static enable(app: App, options: HardenedAuditOptions = {}): void {
    const holder = app as unknown as Record<symbol, AuditState | undefined>;
    if (holder[STATE]) return;
    const state: AuditState = { options, failing: new Map(), wired: new WeakSet() };
    holder[STATE] = state;
    // The App is validated first (pre-order); it judges the whole set, then each ApiObject reports its own
    // findings, so cdk8s prefixes every message with the path of the object at fault.
    app.node.addValidation({ validate: () => HardenedAudit.judge(app, state) });
  }

  /** The report of the last validation pass, or undefined when the audit is not enabled or has not run. */
  public static lastReport(app: App): AuditReport | undefined {
    return (app as unknown as Record<symbol, AuditState | undefined>)[STATE]?.lastReport;
  }

  private static judge(app: App, state: AuditState): string[] {
    const apiObjects = app.node.findAll().filter((c: IConstruct): c is ApiObject => ApiObject.isApiObject(c));
    const manifests: Manifest[] = apiObjects.map((o) => o.toJson());
    const fingerprint = JSON.stringify(manifests);
    if (fingerprint !== state.lastFingerprint) {
      const pathOf = new Map<Manifest, string>(manifests.map((m, i) => [m, apiObjects[i].node.path]));
      state.lastReport = audit(manifests, {
        targetVersion: state.options.targetVersion,
        allowedRegistries: state.options.allowedRegistries,
        constructPathOf: (m) => pathOf.get(m),
      });
      state.lastFingerprint = fingerprint;
    }
    const report = state.lastReport!;
    const failOn = state.options.failOn ?? Severity.HIGH;
    const byPath = new Map(apiObjects.map((o) => [o.node.path, o]));

    state.failing.clear();
    const warnings: Finding[] = [];
    for (const f of report.findings) {
      if (f.excepted) continue;
      if (!atLeast(f.severity, failOn)) {
        warnings.push(f);
        continue;
      }
      const owner = f.constructPath ? byPath.get(f.constructPath) : undefined;
      if (!owner) continue;
      state.failing.set(owner, [...(state.failing.get(owner) ?? []), f]);
    }
    for (const o of apiObjects) {
      if (state.wired.has(o)) continue;
      state.wired.add(o);
      o.node.addValidation({ validate: () => (state.failing.get(o) ?? []).map(formatFinding) });
    }
    const constructWarnings = app.node.findAll().flatMap((c) => c.node.metadata
      .filter((m) => m.type === SYNTH_WARNING_METADATA)
      .map((m) => (m.data as () => string | undefined)())
      .filter((w): w is string => !!w)
      .map((w) => `  [${c.node.path}] ${w}`));
    HardenedAudit.warnOnce(state, warnings, constructWarnings);
    return [];
  }

  private static warnOnce(state: AuditState, warnings: Finding[], constructWarnings: string[]): void {
    if (warnings.length === 0 && constructWarnings.length === 0) return;
    const summary = [
      ...(constructWarnings.length > 0 ? ['cdk8s-hardened: warnings (not failing synth):', ...constructWarnings] : []),
      ...(warnings.length > 0 ? [summarizeWarnings(warnings, state.options.failOn ?? Severity.HIGH)] : []),
    ].join('\n');
    if (summary === state.warned) return;
    state.warned = summary;
    (state.options.warn ?? ((s: string) => process.stderr.write(s + '\n')))(summary);
  }
}

/** How many construct paths a warning summary names per practice before it only counts. */
const PATHS_PER_PRACTICE = 3;

/**
 * The warning summary: one line per practice, with how many findings it has and the first few construct paths,
 * so a large app gets a readable digest instead of one line per finding.
 */
export function summarizeWarnings(warnings: readonly Finding[], failOn: Severity): string {
  const byPractice = new Map<string, Finding[]>();
  for (const f of warnings) byPractice.set(f.practiceId, [...(byPractice.get(f.practiceId) ?? []), f]);
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

/** One finding as a synth error line: id, severity, title, what is wrong and the way out. */
export function formatFinding(f: Finding): string {
  return `${f.practiceId} (${f.severity}) ${f.title}: ${f.message}. Fix: ${f.fix}`;
}

function describeRef(f: Finding): string {
  return `${f.object.kind}/${f.object.namespace ? f.object.namespace + '/' : ''}${f.object.name}`;
}
