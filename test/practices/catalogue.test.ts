import { readdirSync } from 'fs';
import { join } from 'path';
import { ALL_CASES } from './cases';
import { PracticeCase } from './cases/types';
import { compliantSet } from './fixtures';
import { audit } from '../../lib/audit/audit';
import { CATALOGUE } from '../../lib/practices/catalogue';
import { Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity } from '../../lib/practices/practice';

const idsOf = (c: PracticeCase) => audit(c.objects, { targetVersion: c.targetVersion, allowedRegistries: c.allowedRegistries })
  .findings.filter((f) => !f.excepted).map((f) => f.practiceId);

/** Every Practice exported by a file under lib/practices/checks/, found by reading the folders, not a list. */
function practicesInCheckFiles(): string[] {
  const root = join(__dirname, '..', '..', 'lib', 'practices', 'checks');
  const ids: string[] = [];
  for (const group of readdirSync(root).sort()) {
    for (const file of readdirSync(join(root, group)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort()) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported: Record<string, unknown> = require(join(root, group, file));
      for (const value of Object.values(exported)) {
        if (isPractice(value)) ids.push(value.id);
      }
    }
  }
  return [...new Set(ids)].sort();
}

function isPractice(x: unknown): x is Practice {
  return typeof x === 'object' && x !== null && typeof (x as Practice).id === 'string' && /^HK-[A-Z]+-\d{3}$/.test((x as Practice).id)
    && typeof (x as Practice).title === 'string';
}

describe('catalogue inventory', () => {
  // No count to edit by hand: the catalogue must hold exactly the practices the check files define
  // (test/conformance/practices-md.test.ts compares the ids with ../shared/design/practices.md).
  test('holds every practice defined under lib/practices/checks, and nothing else', () => {
    expect(CATALOGUE.map((p) => p.id).sort()).toEqual(practicesInCheckFiles());
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

describe('recorded exceptions', () => {
  const annotate = (d: any, id: string, reason: string) => {
    d.metadata.annotations = { ...d.metadata.annotations, [`exceptions.cdk8s-hardened.io/${id}`]: reason };
  };
  const findingsFor = (objects: any[], id: string) => audit(objects).findings.filter((f) => f.practiceId === id);

  test('a recordable practice is excepted with its reason and still reported', () => {
    const set = compliantSet() as any[];
    const d = set.find((o) => o.kind === 'Deployment');
    d.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    annotate(d, 'HK-WORKLOAD-009', 'legacy CMS writes its cache under /var/www (TICKET-412)');
    const findings = findingsFor(set, 'HK-WORKLOAD-009');
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.excepted && f.exceptionReason === 'legacy CMS writes its cache under /var/www (TICKET-412)')).toBe(true);
  });

  test('a reason shorter than 10 characters is not honoured', () => {
    const set = compliantSet() as any[];
    const d = set.find((o) => o.kind === 'Deployment');
    d.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    annotate(d, 'HK-WORKLOAD-009', 'legacy');
    expect(findingsFor(set, 'HK-WORKLOAD-009').some((f) => !f.excepted)).toBe(true);
  });

  test('a practice with exception policy none cannot be excepted', () => {
    const set = compliantSet() as any[];
    const d = set.find((o) => o.kind === 'Deployment');
    d.spec.template.spec.containers[0].securityContext.capabilities = { drop: ['NET_RAW'] };
    annotate(d, 'HK-WORKLOAD-006', 'the vendor image needs its default capabilities');
    const findings = findingsFor(set, 'HK-WORKLOAD-006');
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => !f.excepted)).toBe(true);
  });

  test('a cpu-limit exception covers a missing cpu limit alone (HK-WORKLOAD-019)', () => {
    const set = compliantSet() as any[];
    const d = set.find((o) => o.kind === 'Deployment');
    delete d.spec.template.spec.containers[0].resources.limits.cpu;
    annotate(d, 'HK-WORKLOAD-019', 'CPU limit intentionally omitted: throttling hurts p99 latency');
    const findings = findingsFor(set, 'HK-WORKLOAD-019');
    expect(findings.map((f) => [f.message, f.excepted])).toEqual([['container "app" sets no resources.limits.cpu', true]]);
  });

  test('missing limits are one finding per container, and a cpu-limit exception never hides a missing memory limit (HK-WORKLOAD-019)', () => {
    const set = compliantSet() as any[];
    const d = set.find((o) => o.kind === 'Deployment');
    const resources = d.spec.template.spec.containers[0].resources;
    delete resources.limits.cpu;
    delete resources.limits.memory;
    annotate(d, 'HK-WORKLOAD-019', 'CPU limit intentionally omitted: throttling hurts p99 latency');
    const findings = findingsFor(set, 'HK-WORKLOAD-019');
    expect(findings.map((f) => [f.message, f.excepted])).toEqual([['container "app" sets no resources.limits for memory, cpu', false]]);
  });
});
