/** The example app as `npm run synth` writes it, read back from a temporary folder. */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';

const ROOT = join(__dirname, '..', '..');

/**
 * Every object the example writes, from every YAML file of its output. Synthesizing takes a ts-node child process
 * (~20 s), so the result is kept in the temporary folder under a hash of everything the run reads (lib/ with its
 * compiled .js, examples/, the lockfile): the suites that judge the example share one run, and any change reruns it.
 */
export function exampleObjects(): any[] {
  const cached = join(tmpdir(), `cdk8s-hardened-example-${inputsHash()}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8'));
  const objects = synthesizeExample();
  const partial = `${cached}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(objects));
  renameSync(partial, cached);
  return objects;
}

function synthesizeExample(): any[] {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-example-'));
  try {
    execFileSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '-T', join(ROOT, 'examples', 'main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        CDK8S_OUTDIR: outdir,
        VELERO_REPO_PASSWORD: 'development-only-velero-repository',
        SHOP_DB_PASSWORD: 'development-only-shop-database',
        PAYMENTS_PROCESSOR_TOKEN: 'development-only-processor-token',
        SEALING_DERIVATION_KEY: 'development-only-derivation-key-0123456789abcdef',
        SOPS_KMS_KEY_ARN: '',
      },
      stdio: 'pipe',
    });
    return readdirSync(outdir).filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => parseAllDocuments(readFileSync(join(outdir, f), 'utf8')).map((d) => d.toJSON()))
      .filter((o) => o && typeof o === 'object' && typeof o.kind === 'string');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** A hash of every file the example run reads from the project: lib/ (sources and compiled .js), examples/, the lockfile. */
function inputsHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else {
        hash.update(`${path}\0`);
        hash.update(readFileSync(path));
      }
    }
  };
  walk(join(ROOT, 'lib'));
  walk(join(ROOT, 'examples'));
  hash.update(readFileSync(join(ROOT, 'package-lock.json')));
  return hash.digest('hex').slice(0, 32);
}
