/**
 * `cdk8s-hardened images` on the example app's output lists exactly the images the example runs: the example is
 * synthesized as `npm run synth` does (ts-node, development-only secret values), into a scratch folder.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ROOT, runCli } from '../cli/run-cli';

const EXPECTED = [
  'docker.io/aquasec/kube-bench@sha256:0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d',
  'registry.example.com/mirror/fluent-bit@sha256:7d4e1c2b9a8f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5',
  'registry.example.com/shop/api@sha256:9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c4b3a',
  'registry.example.com/shop/fluent-bit@sha256:7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b',
  'registry.example.com/shop/postgres@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
  'registry.example.com/shop/report@sha256:5d4c3b2a1908f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c',
  'registry.example.com/shop/web@sha256:3f1c5a3e0c1d4b6f9a7e2d8c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928',
  'registry.k8s.io/kubectl@sha256:5f1b4d0e6c8e4f8b0a1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6',
];

describe('the example app', () => {
  const out = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-example-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('cdk8s-hardened images lists exactly the images it runs', () => {
    const synth = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join('examples', 'main.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 240_000,
      env: {
        ...process.env,
        CDK8S_OUTDIR: out,
        SHOP_DB_PASSWORD: 'development-only-shop-database',
        VELERO_REPO_PASSWORD: 'development-only-velero-repository',
        PAYMENTS_PROCESSOR_TOKEN: 'development-only-processor-token',
        SEALING_DERIVATION_KEY: 'development-only-derivation-key-0123456789abcdef',
      },
    });
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);
    const r = runCli(['images', out, '--format', 'references']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.length > 0)).toEqual(EXPECTED);
  }, 300_000);
});
