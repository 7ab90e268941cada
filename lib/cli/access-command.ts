import { Command, Option } from 'commander';
import { EXIT_OK, EXIT_USAGE } from './exit-codes';
import { checkInputs, loadInputs, writeReport } from './io';
import { AccessReport, accessReport, renderAccessJson, renderAccessMarkdown, whoCan } from '../rbac/access-report';

/** Report formats of `access --format`. */
export const ACCESS_FORMATS = ['markdown', 'json'] as const;

/** Parsed options of `access`. */
export interface AccessCommandOptions {
  /** Report format. */
  readonly format: typeof ACCESS_FORMATS[number];
  /** Keep only grants of this verb (wildcards understood). */
  readonly verb?: string;
  /** Keep only grants on this resource, `resource` (core) or `resource.group`. */
  readonly resource?: string;
  /** Keep only grants that hold in this namespace (cluster-wide grants included). */
  readonly namespace?: string;
  /** File the report goes to instead of standard output. */
  readonly output?: string;
}

const HELP_AFTER = `
Inputs are read as by "audit": files, directories (every *.yaml, *.yml, *.json below them) and - for
standard input, e.g.  helm template my-release ./chart | cdk8s-hardened access -

Filters answer questions such as "who can read secrets in payments?":
  cdk8s-hardened access dist/ --verb get --resource secrets --namespace payments
--resource takes "secrets" (core group) or "deployments.apps". --verb and --resource go together.

Exit codes: 0 report written; 2 usage error or an input that could not be read or parsed.`;

/** Registers `cdk8s-hardened access [FILE|DIR|-]...`. */
export function register(program: Command): void {
  program
    .command('access')
    .description('Report who can do what in which namespace, from the RBAC objects of any manifests')
    .argument('[inputs...]', 'files, directories, or - for standard input')
    .addOption(new Option('--format <format>', 'report format').choices([...ACCESS_FORMATS]).default('markdown'))
    .option('--verb <verb>', 'only grants of this verb, e.g. get')
    .option('--resource <resource>', 'only grants on this resource, e.g. secrets or deployments.apps')
    .option('--namespace <namespace>', 'only grants that hold in this namespace (cluster-wide ones included)')
    .option('--output <file>', 'write the report to this file instead of standard output')
    .addHelpText('after', HELP_AFTER)
    .action(async (inputs: string[], options: AccessCommandOptions, command: Command) => {
      checkInputs(inputs, command);
      if ((options.verb === undefined) !== (options.resource === undefined)) {
        command.error('error: --verb and --resource go together, e.g. --verb get --resource secrets.', { exitCode: EXIT_USAGE });
      }
      process.exitCode = await runAccess(inputs, options);
    });
}

/** Loads the inputs, writes the access report and returns the exit code. Errors go to standard error. */
export async function runAccess(inputs: readonly string[], options: AccessCommandOptions): Promise<number> {
  const loaded = await loadInputs(inputs);
  const report = filterReport(accessReport(loaded.objects), options);
  const rendered = options.format === 'json' ? renderAccessJson(report) : renderAccessMarkdown(report);
  if (!(await writeReport(rendered, options.output))) return EXIT_USAGE;
  return loaded.problems.some((p) => p.level === 'error') ? EXIT_USAGE : EXIT_OK;
}

/** The report narrowed to the grants that answer the filters; subjects left with nothing are dropped. */
export function filterReport(report: AccessReport, options: Pick<AccessCommandOptions, 'verb' | 'resource' | 'namespace'>): AccessReport {
  if (options.verb === undefined && options.namespace === undefined) return report;
  let keep: (subjectIndex: number, entryIndex: number) => boolean;
  if (options.verb !== undefined && options.resource !== undefined) {
    const dot = options.resource.indexOf('.');
    const answers = whoCan(report, {
      verb: options.verb,
      resource: dot < 0 ? options.resource : options.resource.slice(0, dot),
      apiGroup: dot < 0 ? '' : options.resource.slice(dot + 1),
      namespace: options.namespace,
    });
    const entries = new Set(answers.map((a) => a.entry));
    keep = (s, e) => entries.has(report.subjects[s].access[e]);
  } else {
    keep = (s, e) => {
      const ns = report.subjects[s].access[e].namespace;
      return ns === options.namespace || ns === '*';
    };
  }
  const subjects = report.subjects
    .map((s, si) => ({ subject: s.subject, access: s.access.filter((_, ei) => keep(si, ei)) }))
    .filter((s) => s.access.length > 0);
  return { subjects, unresolved: report.unresolved };
}
