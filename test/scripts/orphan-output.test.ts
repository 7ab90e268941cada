import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { orphanOutput } from '../../scripts/orphan-output';

describe('orphan compiled output', () => {
  test('lists the .js and .d.ts whose .ts source is gone, at any depth, and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orphans-'));
    try {
      mkdirSync(join(dir, 'audit'));
      for (const f of ['index.ts', 'index.js', 'index.d.ts', 'audit/engine.ts', 'audit/engine.js', 'audit/synth-pass.js', 'audit/synth-pass.d.ts', 'README.md']) {
        writeFileSync(join(dir, f), '');
      }
      expect(orphanOutput(dir).map((f) => f.slice(dir.length + 1)).sort()).toEqual(['audit/synth-pass.d.ts', 'audit/synth-pass.js']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing folder has no orphans', () => {
    expect(orphanOutput(join(tmpdir(), 'no-such-folder-of-cdk8s-hardened'))).toEqual([]);
  });
});
