import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { checkInputs, loadInputs, writeReport } from './io';
import { audit, DEFAULT_TARGET_VERSION, parseKubernetesVersion } from '../audit/audit';
import { failingAt, renderJson, renderSarif, renderText } from '../audit/report';
import { Severity } from '../practices/practice';

/** Report formats of `audit --format`. */
export const FORMATS = ['text', 'json', 'sarif'] as const;

/** Thresholds of `audit --fail-on`, most severe first; `none` never fails on findings. */
export const FAIL_ON = ['critical', 'high', 'medium', 'low', 'none'] as const;

/** Parsed options of `audit`. */
export interface AuditCommandOptions {
  /** Report format. */
  readonly format: typeof FORMATS[number];
  /** Lowest severity that fails the run. */
  readonly failOn: typeof FAIL_ON[number];
  /** Target Kubernetes version. */
  readonly targetVersion: string;
  /** Allowed image registries (repeatable option). */
  readonly allowedRegistry: string[];
  /** File the report goes to instead of standard output. */
  readonly output?: string;
}

const HELP_AFTER = `
Inputs:
  FILE        a YAML or JSON file; multi-document YAML and "kind: List" are expanded
  DIR         every *.yaml, *.yml and *.json below it, in sorted order
              (hidden directories and node_modules are skipped)
  -           standard input, e.g.  helm template my-release ./chart | cdk8s-hardened audit -

Exit codes:
  0  clean: no finding at or above --fail-on (recorded exceptions and lower findings are allowed)
  1  at least one finding at or above --fail-on
  2  usage error, or an input that could not be read or parsed. The other inputs are still
     audited and reported, but the run exits 2 because part of the input was never judged.

The report goes to standard output (or --output); errors go to standard error.`;

/** Registers `cdk8s-hardened audit [FILE|DIR|-]...`. */
export function register(program: Command): void {
  program
    .command('audit')
    .description('Audit Kubernetes manifests against the cdk8s-hardened practice catalogue')
    .argument('[inputs...]', 'files, directories, or - for standard input')
    .addOption(new Option('--format <format>', 'report format').choices([...FORMATS]).default('text'))
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the run (exit 1)').choices([...FAIL_ON]).default('high'))
    .option('--target-version <version>', 'Kubernetes version the objects are judged against', validateVersion, DEFAULT_TARGET_VERSION)
    .option('--allowed-registry <host>', 'registry images may come from (repeatable; HK-IMAGE-003)', collect, [])
    .option('--output <file>', 'write the report to this file instead of standard output')
    .addHelpText('after', HELP_AFTER)
    .action(async (inputs: string[], options: AuditCommandOptions, command: Command) => {
      checkInputs(inputs, command);
      process.exitCode = await runAudit(inputs, options);
    });
}

/** Loads, audits, writes the report and returns the exit code. Errors go to standard error. */
export async function runAudit(inputs: readonly string[], options: AuditCommandOptions): Promise<number> {
  const loaded = await loadInputs(inputs);
  const report = audit(loaded.objects, {
    targetVersion: options.targetVersion,
    allowedRegistries: options.allowedRegistry,
    locationOf: loaded.locationOf,
  });
  const failOn = options.failOn === 'none' ? 'none' : options.failOn as Severity;
  const rendered = options.format === 'json'
    ? renderJson(report, { inputProblems: loaded.problems })
    : options.format === 'sarif'
      ? renderSarif(report, { inputProblems: loaded.problems })
      : renderText(report, { failOn });
  if (!(await writeReport(rendered, options.output))) return EXIT_USAGE;
  if (loaded.problems.some((p) => p.level === 'error')) return EXIT_USAGE;
  return failingAt(report, failOn).length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

function validateVersion(value: string): string {
  try {
    parseKubernetesVersion(value);
  } catch {
    throw new InvalidArgumentError(`'${value}' is not a Kubernetes version; give a minor version such as 1.28 or v1.31.`);
  }
  return value;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
