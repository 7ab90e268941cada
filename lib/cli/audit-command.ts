import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { checkInputs, loadInputs, writeReport } from './io';
import { audit, AuditReport, DEFAULT_TARGET_VERSION, parseKubernetesVersion } from '../audit/audit';
import { applyBaseline, BaselineError, parseBaseline, renderBaseline } from '../audit/baseline';
import { failingAt, renderJsonChunks, renderSarif, renderText } from '../audit/report';
import { CATALOGUE } from '../practices/catalogue';
import { Practice, Severity } from '../practices/practice';
import { DEFAULT_MAX_BYTES, formatBytes } from '../yaml/limits';
import { readTextFile } from '../yaml/read-text';
import { YamlInputError } from '../yaml/yaml-input-error';

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
  /** Namespace for namespaced objects that name none, as `kubectl apply -n`. */
  readonly namespace?: string;
  /** Practice ids not judged (repeatable, comma-separated). */
  readonly skip?: string[];
  /** The only practice ids judged (repeatable, comma-separated). */
  readonly only?: string[];
  /** Baseline file: findings it records do not fail the run. */
  readonly baseline?: string;
  /** Writes today's findings to this baseline file. */
  readonly writeBaseline?: string;
  /** Largest input file read, in bytes. */
  readonly maxFileSize?: number;
  /** Judge HK-AUDIT-004 on every object, not only on those that claim to come from cdk8s-hardened. */
  readonly requireProvenance?: boolean;
}

const HELP_AFTER = `
Inputs:
  FILE        a YAML or JSON file; multi-document YAML and lists (any object with an items
              array: List, PodList, RoleBindingList, ..., nested too) are expanded
  DIR         every *.yaml, *.yml and *.json below it, in sorted order
              (hidden directories and node_modules are skipped)
  -           standard input, e.g.  helm template my-release ./chart | cdk8s-hardened audit -
Named pipes and devices are refused without being read; files above --max-file-size are refused.

Adopting the audit on an existing repository:
  cdk8s-hardened audit manifests/ --write-baseline .hardened-baseline.json   (record today's findings)
  cdk8s-hardened audit manifests/ --baseline .hardened-baseline.json         (fail only on new ones)

Exit codes:
  0  clean: no finding at or above --fail-on (recorded exceptions, baselined and lower findings are allowed)
  1  at least one finding at or above --fail-on
  2  usage error, no Kubernetes object in the input, or an input that could not be read or parsed.
     The other inputs are still audited and reported, but the run exits 2 because part of the
     input was never judged.

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
    .option('--namespace <namespace>', 'namespace for objects that name none, as kubectl apply -n (objects naming another are refused)', validateNamespace)
    .option('--skip <ids>', 'practice ids not to judge, comma-separated (repeatable), e.g. HK-AUDIT-004', collectIds, undefined)
    .option('--only <ids>', 'judge only these practice ids, comma-separated (repeatable)', collectIds, undefined)
    .option('--baseline <file>', 'findings recorded in this file (by --write-baseline) do not fail the run; new ones do')
    .option('--write-baseline <file>', 'record today\'s findings in this file (the run still reports and exits as usual)')
    .option('--max-file-size <size>', `largest input read, e.g. 64M, 512K or bytes (default ${formatBytes(DEFAULT_MAX_BYTES)})`, parseSize)
    .option('--require-provenance', 'judge HK-AUDIT-004 on every object, not only on those that claim to come from cdk8s-hardened')
    .option('--output <file>', 'write the report to this file instead of standard output')
    .addHelpText('after', HELP_AFTER)
    .action(async (inputs: string[], options: AuditCommandOptions, command: Command) => {
      checkInputs(inputs, command);
      checkPractices(options, command);
      process.exitCode = await runAudit(inputs, options);
    });
}

/** Loads, audits, writes the report and returns the exit code. Errors go to standard error. */
export async function runAudit(inputs: readonly string[], options: AuditCommandOptions): Promise<number> {
  let baseline;
  if (options.baseline !== undefined) {
    try {
      baseline = parseBaseline(await readTextFile(options.baseline), options.baseline);
    } catch (e) {
      if (!(e instanceof BaselineError) && !YamlInputError.isYamlInputError(e)) throw e;
      process.stderr.write(`cdk8s-hardened: error: ${e.message}\n`);
      return EXIT_USAGE;
    }
  }
  const loaded = await loadInputs(inputs, { namespace: options.namespace, limits: { maxBytes: options.maxFileSize } });
  let report: AuditReport = audit(loaded.objects, {
    targetVersion: options.targetVersion,
    allowedRegistries: options.allowedRegistry,
    locationOf: loaded.locationOf,
    requireProvenance: options.requireProvenance ?? false,
    practices: selectPractices(options),
  });
  if (baseline) report = applyBaseline(report, baseline);
  const empty = report.objectCount === 0;
  const inputErrors = loaded.problems.some((p) => p.level === 'error');
  if (empty && !inputErrors) {
    process.stderr.write('cdk8s-hardened: error: no Kubernetes object found in the input (empty files, empty standard input, or only documents without kind); nothing was judged\n');
  }
  const failOn = options.failOn === 'none' ? 'none' : options.failOn as Severity;
  const rendered = options.format === 'json'
    ? renderJsonChunks(report, { inputProblems: loaded.problems })
    : options.format === 'sarif'
      ? renderSarif(report, { inputProblems: loaded.problems })
      : renderText(report, { failOn, inputProblems: loaded.problems });
  if (!(await writeReport(rendered, options.output))) return EXIT_USAGE;
  if (options.writeBaseline !== undefined && !(await writeReport(renderBaseline(report), options.writeBaseline))) return EXIT_USAGE;
  if (empty || inputErrors) return EXIT_USAGE;
  return failingAt(report, failOn).length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/** The catalogue narrowed by --only and --skip, in catalogue order. */
export function selectPractices(options: Pick<AuditCommandOptions, 'skip' | 'only'>): Practice[] {
  return CATALOGUE.filter((p) => (options.only === undefined || options.only.includes(p.id)) && !(options.skip ?? []).includes(p.id));
}

function checkPractices(options: AuditCommandOptions, command: Command): void {
  const known = new Set(CATALOGUE.map((p) => p.id));
  for (const [flag, ids] of [['--skip', options.skip], ['--only', options.only]] as const) {
    const unknown = (ids ?? []).filter((id) => !known.has(id));
    if (unknown.length > 0) {
      command.error(`error: ${flag} names ${unknown.map((id) => `'${id}'`).join(', ')}, not a practice id of the catalogue `
        + '(ids look like HK-WORKLOAD-001; see the practice table in the README).', { exitCode: EXIT_USAGE });
    }
  }
}

function validateVersion(value: string): string {
  try {
    parseKubernetesVersion(value);
  } catch {
    throw new InvalidArgumentError(`'${value}' is not a Kubernetes version; give a minor version such as 1.28 or v1.31.`);
  }
  return value;
}

function validateNamespace(value: string): string {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) {
    throw new InvalidArgumentError(`'${value}' is not a namespace name (lower-case letters, digits and '-', at most 63 characters).`);
  }
  return value;
}

/** `64M`, `512K`, `1G` (powers of 1024, an optional `i` and `B`), or a number of bytes. */
export function parseSize(value: string): number {
  const m = /^(\d+)\s*(?:([KMG])i?B?|B)?$/i.exec(value.trim());
  if (!m || Number(m[1]) === 0) {
    throw new InvalidArgumentError(`'${value}' is not a size; give bytes or a number with K, M or G, e.g. 64M.`);
  }
  const unit = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[(m[2] ?? '').toUpperCase() as 'K' | 'M' | 'G'] ?? 1;
  return Number(m[1]) * unit;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function collectIds(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((id) => id.trim().toUpperCase()).filter((id) => id !== '')];
}
