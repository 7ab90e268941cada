/**
 * Keeps the last successful synth output as the "previous" folder SOPS reuses its data keys from, so a failed
 * synth never costs the next one its byte-identical output (`npm run synth` runs `seed` before and `promote` after
 * `cdk8s synth`; a failed synth stops the task before `promote`, so the previous folder keeps the last good output).
 *
 *   ts-node -T scripts/previous-output.ts seed <outdir> <previousDir>
 *   ts-node -T scripts/previous-output.ts promote <outdir> <previousDir>
 */
import * as fs from 'fs';

/** Whether `dir` holds a synth output: at least one file. cdk8s wipes its output folder before it synthesizes. */
function holdsOutput(dir: string): boolean {
  return fs.existsSync(dir) && fs.readdirSync(dir).length > 0;
}

/**
 * Before synth: a checkout that has an output but no previous folder yet (the first run after a clone that kept
 * cdk8s.out) starts from that output. An existing previous folder is never touched here: if the last synth failed,
 * it is still the last good output.
 */
export function seedPrevious(outdir: string, previousDir: string): void {
  if (!fs.existsSync(previousDir) && holdsOutput(outdir)) fs.cpSync(outdir, previousDir, { recursive: true });
}

/** After a successful synth: the new output becomes the previous one, swapped in whole so no half copy is ever read. */
export function promoteOutput(outdir: string, previousDir: string): void {
  if (!holdsOutput(outdir)) throw new Error(`promote: ${outdir} holds no synth output; the previous output in ${previousDir} is kept.`);
  const staging = `${previousDir}.staging`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.cpSync(outdir, staging, { recursive: true });
  fs.rmSync(previousDir, { recursive: true, force: true });
  fs.renameSync(staging, previousDir);
}

if (require.main === module) {
  const [command, outdir, previousDir] = process.argv.slice(2);
  const run = command === 'seed' ? seedPrevious : command === 'promote' ? promoteOutput : undefined;
  if (!run || !outdir || !previousDir) {
    process.stderr.write('usage: previous-output.ts seed|promote <outdir> <previousDir>\n');
    process.exit(2);
  }
  try {
    run(outdir, previousDir);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
}
