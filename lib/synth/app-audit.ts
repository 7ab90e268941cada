import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { enableAppChecks } from './app-checks';
import { SynthPass, SynthReport } from './synth-pass';
import { Severity } from '../practices/practice';
import { KubernetesTarget } from '../target/kubernetes-target';

/** Options of `HardenedAudit.enable`. */
export interface HardenedAuditOptions {
  /**
   * Findings at or above this severity fail synth; lower ones stay in the report as warnings.
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
   * Receives the warning summary (the constructs' warnings and the findings below `failOn`) once per distinct
   * summary, e.g. `(s) => process.stderr.write(s + '\n')`.
   * @default - none: warnings stay in the report (`HardenedAudit.lastReport(app)`)
   */
  readonly warn?: (summary: string) => void;
}

/**
 * Registers a warning about `scope` that is decided at synth, when the whole app is known (e.g. whether any
 * LockedNamespace locks the namespace a workload lands in). `produce` returns the message, or undefined when there
 * is nothing to warn about. The warning goes into the synth report; it never fails synth.
 */
export function addSynthWarning(scope: IConstruct, produce: () => string | undefined): void {
  SynthPass.of(scope).addWarning(scope, produce);
}

/**
 * Widens the synth-time audit from the library's own objects to the whole app: synth then fails on every finding
 * at or above `failOn`, each reported under the construct path of the object at fault, over every ApiObject in the
 * tree — the library's own, cdk8s-plus's, raw ApiObjects and `Include`d YAML alike — and against every practice,
 * set-wide ones included (default-deny per namespace, RBAC across bindings). Without it, each construct of the
 * library still judges its own objects against the per-object practices.
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
    if (options.targetVersion !== undefined) KubernetesTarget.set(app, options.targetVersion);
    enableAppChecks(app);
    SynthPass.of(app).enableAppAudit({
      failOn: options.failOn ?? Severity.HIGH,
      targetVersion: options.targetVersion,
      allowedRegistries: options.allowedRegistries,
      warn: options.warn,
    });
  }

  /**
   * The report of the last synth: findings (excepted and below-threshold ones included) and warnings. Undefined
   * before the first synth, or when nothing in the app is judged (no HardenedAudit and no construct of the library).
   */
  public static lastReport(app: App): SynthReport | undefined {
    return SynthPass.find(app)?.lastReport;
  }
}
