/**
 * Polaris, the judge we did not write: its own check data (../shared/peers-data/polaris) run by test/support/polaris.ts.
 * First the evaluator is proved on Polaris' upstream fixtures; then our output is judged.
 */
import { existsSync } from 'fs';
import { defaultPolarisConfig, POLARIS_DATA, polarisFixtures, readObjects, runPolaris } from '../support/polaris';

if (!existsSync(POLARIS_DATA)) {
  throw new Error(`Polaris data not found at ${POLARIS_DATA}: the conformance tests need ../shared/peers-data beside the project root.`);
}

const config = defaultPolarisConfig();
const fixtures = polarisFixtures(config.definitions);

describe('the Polaris evaluator agrees with every upstream fixture', () => {
  test('the fixtures are there', () => {
    expect(fixtures.length).toBeGreaterThan(300);
  });

  test.each(fixtures.map((f) => [`${f.check}/${f.file.split('/').pop()}`, f] as const))('%s', (_name, f) => {
    const results = runPolaris(readObjects(f.file), f.config).filter((r) => r.check === f.check);
    expect(results.length).toBeGreaterThan(0);
    const failed = results.filter((r) => !r.success).length;
    if (f.failure) expect(failed).toBeGreaterThan(0);
    else expect(failed).toBe(0);
  });
});
