/**
 * Checks are total over any JSON value. Real objects (every case of the catalogue tests) are mutated at every field
 * shape — null, {}, [], numbers, strings, booleans, nested wrong types — and every practice must still run without
 * throwing, and no finding on another object may be lost: one crafted value must never hide the rest of the set.
 * Bounded: a fixed seed and a fixed number of runs, so the suite is deterministic and stays fast.
 */
import * as fc from 'fast-check';
import { mutate, pathsOf, wrongShapes } from './wrong-shapes';
import { audit, createAuditContext, parseKubernetesVersion } from '../../lib/audit/audit';
import { CATALOGUE } from '../../lib/practices/catalogue';
import { Manifest } from '../../lib/practices/manifest';
import { ALL_CASES } from '../practices/cases';
import { PracticeCase } from '../practices/cases/types';
import { compliantSet } from '../practices/fixtures';

/** Wrong values for any field: what a hostile or broken manifest may hold where a check expects something else. */
const REPLACEMENTS: readonly unknown[] = [
  null, {}, [], 0, -1, 2.5, 1e21, true, false, '', 'x', '../../etc', [null], [1], ['x'], [[]], [{}], { a: [null] }, { '': {} },
  { name: {} }, [{ name: 1, image: [] }], '__proto__',
];

function settingsOf(c: PracticeCase) {
  return { targetVersion: parseKubernetesVersion(c.targetVersion ?? '1.28'), allowedRegistries: c.allowedRegistries ?? [] };
}

/** Practices whose check throws on this set, with the error. */
function throwingChecks(objects: Manifest[], c: PracticeCase): string[] {
  const ctx = createAuditContext(objects, settingsOf(c));
  const out: string[] = [];
  for (const p of CATALOGUE) {
    try {
      p.evaluate?.(ctx);
    } catch (e) {
      out.push(`${p.id}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** Findings keyed by practice, object index and message; the index rides in the location so equal refs stay apart. */
function findingKeys(objects: Manifest[], c: PracticeCase, skip?: number): Set<string> {
  const index = new Map(objects.map((o, i) => [o, i]));
  const report = audit(objects, {
    targetVersion: c.targetVersion,
    allowedRegistries: c.allowedRegistries,
    locationOf: (o) => ({ file: 'set', line: index.get(o) ?? -1 }),
  });
  return new Set(report.findings.filter((f) => f.location?.line !== skip).map((f) => `${f.practiceId} #${f.location?.line} ${f.message}`));
}

const CORPUS: PracticeCase[] = [
  { name: 'compliant set', objects: compliantSet() },
  ...Object.values(ALL_CASES).flatMap((t) => t.fail),
];

describe('checks are total over any JSON value (fuzz)', () => {
  test('no practice throws and no finding on another object is lost when one field of one object is replaced', () => {
    const cases = CORPUS.map((c) => ({ c, paths: c.objects.map((o) => pathsOf(o)) }));
    fc.assert(
      fc.property(
        fc.nat({ max: cases.length - 1 }).chain((ci) => fc.tuple(
          fc.constant(ci),
          fc.nat({ max: cases[ci].c.objects.length - 1 }).chain((oi) => fc.tuple(
            fc.constant(oi),
            fc.nat({ max: Math.max(0, cases[ci].paths[oi].length - 1) }),
          )),
          fc.constantFrom(...REPLACEMENTS),
        )),
        ([ci, [oi, pi], replacement]) => {
          const { c, paths } = cases[ci];
          const path = paths[oi][pi];
          if (!path) return;
          const objects = c.objects.map((o, i) => (i === oi ? mutate(o, path, replacement) : o));
          expect(throwingChecks(objects, c)).toEqual([]);
          // A finding present with the object intact and with it absent must survive the object being garbled.
          const intact = findingKeys(c.objects, c, oi);
          const absent = findingKeys(c.objects.filter((_, i) => i !== oi).concat([{ kind: 'Removed' }]), c);
          const garbled = findingKeys(objects, c, oi);
          const reindex = (key: string) => key.replace(/#(\d+) /, (_, n) => `#${Number(n) >= oi ? Number(n) + 1 : n} `);
          const lost = [...absent].map(reindex).filter((k) => intact.has(k) && !garbled.has(k));
          expect(lost).toEqual([]);
        },
      ),
      { numRuns: 120, seed: 18, endOnFailure: true },
    );
  });

  test('every field shape of every case survives every wrong type (exhaustive over shapes, checks only)', () => {
    const failures = new Set<string>();
    const shapes = new Set<string>();
    for (const { shape, case: c, objects } of wrongShapes(CORPUS)) {
      shapes.add(shape);
      for (const t of throwingChecks(objects, c)) failures.add(`${shape}: ${t}`);
    }
    expect(shapes.size).toBeGreaterThan(1000);
    expect([...failures].slice(0, 20)).toEqual([]);
  });
});
