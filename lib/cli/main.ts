import { Command, CommanderError } from 'commander';
import * as access from './access-command';
import * as audit from './audit-command';
import * as decrypt from './decrypt-command';
import { EXIT_OK, EXIT_USAGE } from './exit-codes';
import * as images from './images-command';
import { packageVersion } from '../audit/report';

/** Adds one subcommand (with its options and action) to the program. */
export type CommandRegistrar = (program: Command) => void;

/** Every subcommand of the CLI; each module registers its own command, options and help. */
export const COMMANDS: readonly CommandRegistrar[] = [audit.register, decrypt.register, access.register, images.register];

/** Builds the `cdk8s-hardened` program with every registered subcommand. */
export function createProgram(): Command {
  const program = new Command('cdk8s-hardened')
    .description('Security practices for Kubernetes manifests: audit YAML against the cdk8s-hardened catalogue, decrypt SOPS files, report RBAC access.')
    .version(packageVersion())
    .showHelpAfterError('(add --help for usage)')
    // Commander exits 1 on usage errors; exit 1 means "findings" here, so errors surface as exceptions instead.
    .exitOverride();
  for (const register of COMMANDS) register(program);
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
  const program = createProgram();
  try {
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
