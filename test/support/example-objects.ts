/** The example app as `npm run synth` writes it, read back from a temporary folder. */
import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';

const ROOT = join(__dirname, '..', '..');

/** Every object the example writes, from every YAML file of its output. */
export function exampleObjects(): any[] {
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

