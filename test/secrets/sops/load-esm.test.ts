import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { importEsm } from '../../../lib/secrets/sops/load-esm';

// Jest runs without --experimental-vm-modules, so the native import() is refused here and importEsm falls back.
describe('importEsm under Jest', () => {
  test('falls back to Jest\'s require, which the transform makes work for age-encryption', async () => {
    const age = await importEsm<{ Encrypter: unknown }>('age-encryption', 'age encryption');
    expect(typeof age.Encrypter).toBe('function');
  });

  test('an ES module nothing transforms is refused with the way out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-esm-'));
    const file = join(dir, 'only-esm.mjs');
    writeFileSync(file, 'export const value = 1;\n');
    try {
      await expect(importEsm(file, 'the feature')).rejects.toThrow(new Error(
        `the feature needs the ES module '${file}', which this runtime can neither import nor require (Jest without ES module support)\n`
        + `Fix: run Jest with NODE_OPTIONS=--experimental-vm-modules, or let it transform the module: transformIgnorePatterns: ['/node_modules/(?!(${file}|@noble|@scure)/)'] with a transform for .js files`,
      ));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a module that is not installed is reported as such', async () => {
    await expect(importEsm('no-such-module-cdk8s-hardened', 'the feature')).rejects.toMatchObject({ code: 'MODULE_NOT_FOUND' });
  });
});
