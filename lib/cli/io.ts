import { promises as fs } from 'fs';
import { Command } from 'commander';
import { EXIT_USAGE } from './exit-codes';
import { LoadedManifests, loadManifests, LoadOptions, STDIN_ARGUMENT } from '../audit/load';

/** Refuses a command line without inputs, or with standard input named twice (exit 2). */
export function checkInputs(inputs: readonly string[], command: Command): void {
  if (inputs.length === 0) {
    command.error('error: no input given. Name files or directories, or - for standard input.', { exitCode: EXIT_USAGE });
  }
  if (inputs.filter((i) => i === STDIN_ARGUMENT).length > 1) {
    command.error('error: - (standard input) may be given only once.', { exitCode: EXIT_USAGE });
  }
}

/** Loads every input and reports each unreadable file or document on standard error, with file and line. */
export async function loadInputs(inputs: readonly string[], options: LoadOptions = {}): Promise<LoadedManifests> {
  const loaded = await loadManifests(inputs, options);
  for (const p of loaded.problems) {
    const where = `${p.file}${p.line ? `:${p.line}` : ''}${p.line && p.column ? `:${p.column}` : ''}`;
    process.stderr.write(`cdk8s-hardened: ${p.level}: ${where}: ${p.message}\n`);
  }
  return loaded;
}

/**
 * Writes a report, whole or in pieces (written one after the other, so a large report is never held whole), to
 * `output`, or to standard output; false (and a message) when the file cannot be written.
 */
export async function writeReport(rendered: string | Iterable<string>, output: string | undefined): Promise<boolean> {
  const pieces = typeof rendered === 'string' ? [rendered] : rendered;
  if (!output) {
    for (const piece of pieces) {
      // Wait for each piece to be flushed: standard output may be a slow pipe.
      await new Promise<void>((resolve) => process.stdout.write(piece, () => resolve()));
    }
    return true;
  }
  let file: fs.FileHandle | undefined;
  try {
    file = await fs.open(output, 'w');
    for (const piece of pieces) await file.write(piece);
    await file.close();
    return true;
  } catch (e) {
    await file?.close().catch(() => undefined);
    process.stderr.write(`cdk8s-hardened: error: cannot write the report to ${output}: ${(e as Error).message}\n`);
    return false;
  }
}
