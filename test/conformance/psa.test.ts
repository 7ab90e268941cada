/**
 * Conformance of test/support/pss.ts against the upstream Pod Security Admission fixtures
 * (kubernetes/pod-security-admission `test/testdata`, copied into ../shared/peers-data). Every `pass` fixture must be
 * admitted and every `fail` fixture refused, at its level and version. Fails loudly when ../shared is missing.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { evaluatePss } from '../support/pss';

const ROOT = join(__dirname, '..', '..', '..', 'shared', 'peers-data', 'pod-security-admission', 'testdata');

if (!existsSync(ROOT)) {
  throw new Error(`PSA fixtures not found at ${ROOT}: the conformance tests need ../shared/peers-data beside the project root.`);
}

const cases: Array<[string, 'baseline' | 'restricted', number, 'pass' | 'fail', string]> = [];
for (const level of ['baseline', 'restricted'] as const) {
  for (const version of readdirSync(join(ROOT, level))) {
    const minor = Number(version.replace(/^v1\./, ''));
    for (const outcome of ['pass', 'fail'] as const) {
      const dir = join(ROOT, level, version, outcome);
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) cases.push([`${level}/${version}/${outcome}/${file}`, level, minor, outcome, join(dir, file)]);
    }
  }
}

describe('the PSS evaluator agrees with every upstream fixture', () => {
  test('the fixtures are there', () => {
    expect(cases.length).toBeGreaterThan(1000);
  });

  test.each(cases)('%s', (_name, level, minor, outcome, file) => {
    const pod = parse(readFileSync(file, 'utf8'));
    const failing = evaluatePss(pod.metadata, pod.spec, level, { minor });
    if (outcome === 'pass') expect(failing).toEqual([]);
    else expect(failing.length).toBeGreaterThan(0);
  });
});
