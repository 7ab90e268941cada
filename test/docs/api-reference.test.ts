/**
 * docs/api is generated from the doc comments by TypeDoc (typedoc.json); this regenerates it into a scratch folder
 * and fails when the committed copy differs. Regenerate with `npm run docs`.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';

const ROOT = join(__dirname, '..', '..');
const COMMITTED = join(ROOT, 'docs', 'api');

function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

test('docs/api is what TypeDoc generates from the current doc comments', () => {
  const out = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-api-'));
  try {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out, '--logLevel', 'Error'], {
      cwd: ROOT, encoding: 'utf8', timeout: 240_000,
    });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
    const fresh = tree(out);
    const committed = tree(COMMITTED);
    const stale = [...new Set([...Object.keys(fresh), ...Object.keys(committed)])].filter((f) => fresh[f] !== committed[f]).sort();
    expect(stale.length === 0 ? 'up to date' : `docs/api is stale (${stale.join(', ')}): run \`npm run docs\``).toBe('up to date');
    expect(Object.keys(committed).length).toBeGreaterThan(0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
