import { Command, CommanderError } from 'commander';
import { EXIT_OK, EXIT_USAGE } from './exit-codes';
import { packageVersion } from '../audit/report';

/** Adds one subcommand (with its options and action) to the program. */
export type CommandRegistrar = (program: Command) => void;

/**
 * Every subcommand by name, each module loaded only when needed: a run of `audit` does not load SOPS, age, the KMS
 * client or the RBAC report (start-up is a visible share of a run on a few files). Each module registers its own
 * command, options and help.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<CommandRegistrar>>> = {
  audit: async () => (await import('./audit-command')).register,
  decrypt: async () => (await import('./decrypt-command')).register,
  access: async () => (await import('./access-command')).register,
  images: async () => (await import('./images-command')).register,
};

/**
 * Builds the `cdk8s-hardened` program. With `command` naming a subcommand, only that one is registered (what a run
 * needs, its own --help included); otherwise every one, for the program's help, version and usage errors.
 */
export async function createProgram(command?: string): Promise<Command> {
  const program = new Command('cdk8s-hardened')
    .description('Security practices for Kubernetes manifests: audit YAML against the cdk8s-hardened catalogue, decrypt SOPS files, report RBAC access.')
    .version(packageVersion())
    .showHelpAfterError('(add --help for usage)')
    // Commander exits 1 on usage errors; exit 1 means "findings" here, so errors surface as exceptions instead.
    .exitOverride();
  const names = command !== undefined && Object.prototype.hasOwnProperty.call(COMMANDS, command) ? [command] : Object.keys(COMMANDS);
  for (const name of names) (await COMMANDS[name]())(program);
  // A registrar may build its command with `new Command()` + `addCommand`, which inherits nothing.
  for (const sub of program.commands) sub.exitOverride().showHelpAfterError('(add --help for usage)');
  return program;
}

/**
 * Runs the CLI with `argv` as `process.argv` gives it (node, script, arguments...) and sets `process.exitCode`:
 * 0 clean, 1 findings at or above the failing severity, 2 usage errors or unreadable input.
 */
export async function main(argv: readonly string[]): Promise<void> {
  // `cdk8s-hardened audit x | head` closes the pipe early: not an error of ours, and the exit code still stands.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  try {
    const program = await createProgram(argv[2]);
    await program.parseAsync([...argv]);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version exit 0; every other Commander error is a usage error (it has printed its message).
      process.exitCode = e.exitCode === EXIT_OK ? EXIT_OK : EXIT_USAGE;
      return;
    }
    process.stderr.write(`cdk8s-hardened: ${(e as Error).message ?? String(e)}\n`);
    process.exitCode = EXIT_USAGE;
  }
}
