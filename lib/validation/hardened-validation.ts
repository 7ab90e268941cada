import { promises as fs } from 'fs';
import { audit, DEFAULT_TARGET_VERSION, Finding, parseKubernetesVersion, SourceLocation } from '../audit/audit';
import { parseManifests } from '../audit/load';
import { failingAt, packageVersion, summaryLine } from '../audit/report';
import { HardenedError } from '../errors';
import { Manifest } from '../practices/manifest';
import { Severity } from '../practices/practice';

/** Severities `failOn` accepts, most severe first; `none` reports without failing. */
const FAIL_ON: readonly string[] = ['critical', 'high', 'medium', 'low', 'none'];

/**
 * What `cdk8s.yaml` passes to the plugin as `properties`. Read from YAML, so every value is checked at load.
 */
export interface HardenedValidationProps {
  /**
   * Lowest severity that fails `cdk8s synth` (`critical`, `high`, `medium`, `low`, or `none` to report only).
   * @default 'high'
   */
  readonly failOn?: string;
  /**
   * Kubernetes version the objects are judged against, e.g. `1.31`.
   * @default '1.28'
   */
  readonly targetVersion?: string;
  /**
   * Registries every image must come from (HK-IMAGE-003), besides those the namespaces allow.
   * @default - no allow-list beyond the namespaces' own
   */
  readonly allowedRegistries?: string[];
}

/** The part of cdk8s-cli's `ValidationReport` the plugin uses (cdk8s-cli is not a dependency of the library). */
export interface IValidationReport {
  /** Adds one violated rule with the resources at fault. */
  addViolation(violation: ValidationViolation): void;
  /** Closes the report with its status. */
  submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
}

/** The part of cdk8s-cli's `ValidationContext` the plugin uses. */
export interface IValidationContext {
  /** The manifest files `cdk8s synth` wrote. */
  readonly manifests: readonly string[];
  /** Where the violations go. */
  readonly report: IValidationReport;
  /** The CLI's logger. */
  readonly logger: { log(message: string): void };
}

/** One rule broken by some resources, in cdk8s-cli's terms. */
export interface ValidationViolation {
  /** `HK-…` id and title of the practice. */
  readonly ruleName: string;
  /** What is wrong. */
  readonly recommendation: string;
  /** The way out. */
  readonly fix: string;
  /** The objects at fault. */
  readonly violatingResources: ValidationViolatingResource[];
}

/** One object at fault; `resourceName` is its `metadata.name`, which cdk8s maps back to the construct path. */
export interface ValidationViolatingResource {
  /** The object's `metadata.name`. */
  readonly resourceName: string;
  /** Where in the object, as `kind/namespace/name`. */
  readonly locations: string[];
  /** The file the object is in. */
  readonly manifestPath: string;
}

/** A `properties` value in `cdk8s.yaml` that the plugin cannot use. */
export class HardenedValidationError extends HardenedError {
  constructor(problem: string, fix: string) {
    super({ message: `cdk8s-hardened validation plugin: ${problem}.\nFix: ${fix}`, fix });
    this.name = 'HardenedValidationError';
  }
}

/**
 * A cdk8s synth validation plugin (the `validations:` list of `cdk8s.yaml`): audits every manifest `cdk8s synth`
 * writes against the practice catalogue and fails the synth on findings at or above `failOn`, without any change
 * to the app's code. The same audit `HardenedAudit.enable(app)` runs inside the app.
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-hardened
 *     class: HardenedValidation
 *     version: 0.1.0
 *     properties:
 *       failOn: high
 * ```
 */
export class HardenedValidation {
  private readonly failOn: Severity | 'none';
  private readonly targetVersion: string;
  private readonly allowedRegistries: string[];

  constructor(props: HardenedValidationProps = {}) {
    const given = (props ?? {}) as Record<string, unknown>;
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      throw new HardenedValidationError(`'properties' is ${describe(given)}, not a map`, 'give properties as a map, e.g. properties: { failOn: high }');
    }
    const known = ['failOn', 'targetVersion', 'allowedRegistries'];
    const unknown = Object.keys(given).filter((k) => !known.includes(k));
    if (unknown.length > 0) {
      throw new HardenedValidationError(`unknown propert${unknown.length > 1 ? 'ies' : 'y'} ${unknown.map((k) => `'${k}'`).join(', ')}`,
        `use only ${known.join(', ')}`);
    }
    const failOn = given.failOn ?? 'high';
    if (typeof failOn !== 'string' || !FAIL_ON.includes(failOn)) {
      throw new HardenedValidationError(`'failOn' is ${describe(failOn)}`, `use one of ${FAIL_ON.join(', ')}`);
    }
    const targetVersion = given.targetVersion ?? DEFAULT_TARGET_VERSION;
    if (typeof targetVersion !== 'string' || !isKubernetesVersion(targetVersion)) {
      throw new HardenedValidationError(`'targetVersion' is ${describe(targetVersion)}, not a Kubernetes version`,
        'give a minor version as a quoted string, e.g. targetVersion: "1.31"');
    }
    const registries = given.allowedRegistries ?? [];
    if (!Array.isArray(registries) || registries.some((r) => typeof r !== 'string' || r.trim() === '')) {
      throw new HardenedValidationError(`'allowedRegistries' is ${describe(registries)}`,
        'give a list of registry hosts or prefixes, e.g. allowedRegistries: [registry.example.com]');
    }
    this.failOn = failOn as Severity | 'none';
    this.targetVersion = targetVersion;
    this.allowedRegistries = registries as string[];
  }

  /** Audits the synthesized manifests and fills the report; a file that cannot be read or parsed fails it. */
  public async validate(context: IValidationContext): Promise<void> {
    const objects: Manifest[] = [];
    const locations = new Map<Manifest, SourceLocation>();
    const unreadable: string[] = [];
    for (const file of context.manifests) {
      const parsed = parseManifests(await fs.readFile(file, 'utf8'), file);
      for (const problem of parsed.problems.filter((p) => p.level === 'error')) {
        unreadable.push(`${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`);
      }
      for (const m of parsed.manifests) {
        objects.push(m.object);
        locations.set(m.object, m.location);
      }
    }
    const report = audit(objects, {
      targetVersion: this.targetVersion,
      allowedRegistries: this.allowedRegistries,
      locationOf: (o) => locations.get(o),
    });
    const failing = failingAt(report, this.failOn);
    for (const finding of failing) {
      context.report.addViolation(toViolation(finding));
    }
    for (const problem of unreadable) {
      // Fail closed: what could not be read was never judged.
      context.report.addViolation({
        ruleName: 'unreadable manifest',
        recommendation: problem,
        fix: 'fix the YAML the app writes; the audit judges only what it can parse',
        violatingResources: [],
      });
    }
    context.logger.log(summaryLine(report));
    const passed = failing.length === 0 && unreadable.length === 0;
    context.report.submit(passed ? 'success' : 'failure', {
      version: packageVersion(),
      catalogue: report.catalogueVersion,
      targetVersion: report.targetVersion,
      failOn: this.failOn,
    });
  }
}

function toViolation(finding: Finding): ValidationViolation {
  const ref = finding.object;
  return {
    ruleName: `${finding.practiceId} ${finding.title}`,
    recommendation: finding.message,
    fix: finding.fix,
    violatingResources: [{
      resourceName: ref.name ?? '',
      locations: [[ref.kind, ref.namespace, ref.name].filter((x) => x).join('/')],
      manifestPath: finding.location?.file ?? '',
    }],
  };
}

function isKubernetesVersion(text: string): boolean {
  try {
    parseKubernetesVersion(text);
    return true;
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list (${JSON.stringify(value)})`;
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${String(value)}`;
}
