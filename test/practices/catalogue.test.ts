import { audit } from '../../lib/practices/audit';
import { CATALOGUE } from '../../lib/practices/catalogue';
import { Checkability, ExceptionPolicy, PracticeGroup, Severity } from '../../lib/practices/practice';
import { ALL_CASES } from './cases';
import { PracticeCase } from './cases/types';
import { compliantSet } from './fixtures';

const idsOf = (c: PracticeCase) => audit(c.objects, { targetVersion: c.targetVersion }).findings.map((f) => f.practiceId);

describe('catalogue inventory', () => {
  test('holds the 80 practices of practices.md', () => {
    expect(CATALOGUE).toHaveLength(80);
  });

  test('ids are unique and follow HK-<GROUP>-NNN in catalogue order', () => {
    const ids = CATALOGUE.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of CATALOGUE) {
      expect(p.id).toMatch(new RegExp(`^HK-${p.group}-\\d{3}$`));
    }
    const groups = Object.values(PracticeGroup);
    const sorted = [...ids].sort((a, b) => {
      const [, ga, na] = a.split('-');
      const [, gb, nb] = b.split('-');
      return groups.indexOf(ga as PracticeGroup) - groups.indexOf(gb as PracticeGroup) || Number(na) - Number(nb);
    });
    expect(ids).toEqual(sorted);
  });

  test.each(CATALOGUE.map((p) => [p.id, p] as const))('%s has complete metadata', (_id, p) => {
    for (const field of [p.title, p.why, p.criterion, p.library, p.fix]) {
      expect(typeof field).toBe('string');
      expect(field.length).toBeGreaterThan(5);
    }
    expect(Object.values(Severity)).toContain(p.severity);
    expect(Object.values(ExceptionPolicy)).toContain(p.exception);
    expect(Object.values(p.sources).flat().length).toBeGreaterThan(0);
    if (p.checkability === Checkability.NOT_CHECKABLE || p.checkability === Checkability.OPT_IN) {
      expect(p.evaluate).toBeUndefined();
    } else {
      expect(typeof p.evaluate).toBe('function');
    }
  });
});

describe('every checkable practice has a passing and a failing case', () => {
  const checkable = CATALOGUE.filter((p) => p.evaluate);
  test.each(checkable.map((p) => [p.id] as const))('%s', (id) => {
    const table = ALL_CASES[id];
    expect(table).toBeDefined();
    expect(table.pass.length).toBeGreaterThan(0);
    expect(table.fail.length).toBeGreaterThan(0);
  });

  test('no cases for unknown practice ids', () => {
    const known = new Set(CATALOGUE.map((p) => p.id));
    expect(Object.keys(ALL_CASES).filter((id) => !known.has(id))).toEqual([]);
  });
});

describe.each(Object.entries(ALL_CASES))('%s', (id, table) => {
  test.each(table.pass.map((c) => [c.name, c] as const))('passes: %s', (_name, c) => {
    expect(idsOf(c)).not.toContain(id);
  });
  test.each(table.fail.map((c) => [c.name, c] as const))('fails: %s', (_name, c) => {
    expect(idsOf(c)).toContain(id);
  });
});

test('the compliant fixture set audits clean against the whole catalogue', () => {
  const report = audit(compliantSet());
  expect(report.findings.map((f) => `${f.practiceId} ${f.object.kind}/${f.object.name}: ${f.message}`)).toEqual([]);
});
