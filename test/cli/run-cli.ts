/**
 * Runs the CLI as a subprocess, as a user would: bin/cdk8s-hardened and its bundled entry point dist/cli.js.
 * `npm test` compiles first; when running Jest by hand, run `npx projen compile` after changing lib/.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { stringify } from 'yaml';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'cdk8s-hardened');

/** What one CLI run produced. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/cdk8s-hardened ...args` in `cwd` (default: the project root), with `input` on stdin. */
export function runCli(args: readonly string[], options: { input?: string; cwd?: string } = {}): CliResult {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
    throw new Error('dist/cli.js is missing: compile first with `npx projen compile` (`npm test` does it)');
  }
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Objects as a multi-document YAML text. */
export function toYaml(objects: readonly object[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

/** A scratch directory; `files` maps relative paths to contents. Remove it with `cleanup()`. */
export function scratch(files: Record<string, string> = {}): { dir: string; path: (rel: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-cli-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return { dir, path: (rel) => join(dir, rel), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
