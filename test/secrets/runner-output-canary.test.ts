import { spawnSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { ALL_LEAK_FORMS } from '../support/canaries';

/**
 * Leak proof, last layer: the canary suites of every secret mode run in a Jest process of their own, and that
 * runner's whole output (verbose test names, console, reporter) must hold no canary in any encoding.
 */
test('a Jest run of every canary suite prints no canary, raw, base64 or hex', () => {
  const root = join(__dirname, '..', '..');
  const suites = ['test/secrets/sops/canary.test.ts', 'test/secrets/sealed-external-canary.test.ts'];
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--verbose', '--runTestsByPath', ...suites], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    timeout: 120_000,
  });
  const output = `${r.stdout}\n${r.stderr}`;
  expect(output).toContain('Tests:');
  expect(r.status).toBe(0);
  expect(ALL_LEAK_FORMS.filter((form) => output.includes(form))).toEqual([]);
});

test('no snapshot file holds a canary in any encoding', () => {
  const root = join(__dirname, '..');
  const snapshots = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return snapshots(p);
    return p.endsWith('.snap') ? [p] : [];
  });
  const files = snapshots(root);
  expect(files.length).toBeGreaterThan(0);
  const leaking = files.filter((f) => ALL_LEAK_FORMS.some((form) => readFileSync(f, 'utf8').includes(form)));
  expect(leaking).toEqual([]);
});
