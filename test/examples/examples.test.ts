import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, relative, resolve } from 'path';
import * as ts from 'typescript';
import { ROOT, runCli } from '../cli/run-cli';

const EXAMPLES = join(ROOT, 'examples');
/** The program `cdk8s synth` runs (cdk8s.yaml); every other example is a module it composes. */
const MAIN = join(EXAMPLES, 'main.ts');

/** The example files `from` reaches through relative imports, itself included. */
function reached(from: string, seen = new Set<string>()): Set<string> {
  if (seen.has(from)) return seen;
  seen.add(from);
  for (const ref of ts.preProcessFile(readFileSync(from, 'utf8'), true, true).importedFiles) {
    const target = `${resolve(dirname(from), ref.fileName)}.ts`;
    if (ref.fileName.startsWith('.') && dirname(target) === EXAMPLES) reached(target, seen);
  }
  return seen;
}

describe('every example runs in the suite', () => {
  test('every example module is part of the example program', () => {
    const all = readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts')).map((f) => join(EXAMPLES, f)).sort();
    const unreached = all.filter((f) => !reached(MAIN).has(f)).map((f) => relative(ROOT, f));
    expect(unreached).toEqual([]);
  });

  test('the example program synthesizes, and its output passes the audit', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-example-'));
    try {
      const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', MAIN], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 240_000,
        env: {
          PATH: process.env.PATH,
          CDK8S_OUTDIR: outdir,
          // The development-only values `npm run synth` supplies (.projenrc.ts).
          VELERO_REPO_PASSWORD: 'development-only-velero-repository',
          SHOP_DB_PASSWORD: 'development-only-shop-database',
          PAYMENTS_PROCESSOR_TOKEN: 'development-only-processor-token',
          SEALING_DERIVATION_KEY: 'development-only-derivation-key-0123456789abcdef',
        },
      });
      expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ status: 0, stderr: '' });
      expect(readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml')).sort()).toEqual([
        'backup.k8s.yaml', 'platform.k8s.yaml', 'runtime-defense.k8s.yaml', 'shop-db-credentials.k8s.yaml', 'velero-repo-credentials.k8s.yaml',
        'web-api-db.k8s.yaml',
      ]);
      const audit = runCli(['audit', outdir]);
      expect(audit.stdout).toMatch(/\nresult: PASS, no finding at or above high\n$/);
      expect(audit.code).toBe(0);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
