/**
 * The audit's output, byte for byte, over a broad corpus: every case of the catalogue tests, the fixture files read as
 * the CLI reads them, and every field shape of those cases replaced by a wrong type. Work on the engine's speed (shared
 * per-object data, the check runner, the loader, the renderer) must leave every report exactly as it was; the
 * snapshots were written by the engine before that work and change only on purpose (`npm run test:update`, then read
 * the diff).
 */
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import { wrongShapes } from './wrong-shapes';
import { audit, AuditReport } from '../../lib/audit/audit';
import { parseManifests } from '../../lib/audit/load';
import { renderJson, renderSarif, renderText } from '../../lib/audit/report';
import { Manifest } from '../../lib/practices/manifest';
import { Severity } from '../../lib/practices/practice';
import { ALL_CASES } from '../practices/cases';
import { PracticeCase } from '../practices/cases/types';
import { compliantSet } from '../practices/fixtures';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** Every input set of the catalogue tests, compliant and failing, named. */
const CORPUS: PracticeCase[] = [
  { name: 'compliant set', objects: compliantSet() },
  ...Object.entries(ALL_CASES).flatMap(([id, t]) => [...t.pass, ...t.fail].map((c) => ({ ...c, name: `${id} ${c.name}` }))),
];

/** The report of one case, each object located at its index (so equal objects stay apart). */
function reportOf(c: PracticeCase, objects: readonly Manifest[] = c.objects): AuditReport {
  const index = new Map(objects.map((o, i) => [o, i + 1]));
  return audit(objects, {
    targetVersion: c.targetVersion,
    allowedRegistries: c.allowedRegistries,
    locationOf: (o) => ({ file: 'case.yaml', line: index.get(o) ?? 0 }),
  });
}

/** One line per finding: what a reviewer reads when a snapshot changes. */
function lines(report: AuditReport): string[] {
  return report.findings.map((f) => {
    const ref = `${f.object.kind}/${f.object.namespace ?? ''}/${f.object.name}`;
    const state = f.excepted ? ` excepted(${f.exceptionReason})` : '';
    return `${f.practiceId} ${ref} @${f.location?.line ?? '-'}${f.constructPath ? ` ${f.constructPath}` : ''}${state}: ${f.message}`;
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

describe('audit reports stay byte-identical', () => {
  test('every case of the catalogue tests, finding by finding', () => {
    const out: string[] = [];
    for (const c of CORPUS) {
      const report = reportOf(c);
      out.push(`## ${c.name} (${report.objectCount} objects, ${report.findings.length} findings)`, ...lines(report));
    }
    expect(out.join('\n')).toMatchSnapshot();
  });

  test('the fixture files as the CLI reads them, in every report format', () => {
    for (const name of ['insecure.yaml', 'included-insecure.yaml', 'third-party-rbac.yaml']) {
      const parsed = parseManifests(readFileSync(join(FIXTURES, name), 'utf8'), `test/fixtures/${name}`);
      const locations = new Map(parsed.manifests.map((m) => [m.object, m.location]));
      const report = audit(parsed.manifests.map((m) => m.object), { locationOf: (o) => locations.get(o) });
      const options = { toolVersion: '0.0.0', inputProblems: parsed.problems };
      // The text report is read in review; JSON and SARIF carry the same findings and are held to their bytes.
      expect(renderText(report, { failOn: Severity.HIGH, inputProblems: parsed.problems })).toMatchSnapshot(`${name} text`);
      expect(sha256(renderJson(report, options))).toMatchSnapshot(`${name} json sha256`);
      expect(sha256(renderSarif(report, options))).toMatchSnapshot(`${name} sarif sha256`);
    }
  });

  test('every field shape of every case replaced by a wrong type: the JSON reports, digested', () => {
    const hash = createHash('sha256');
    const shapes = new Set<string>();
    let findings = 0;
    for (const { shape, case: c, objects } of wrongShapes(CORPUS)) {
      shapes.add(shape);
      const report = reportOf(c, objects);
      findings += report.findings.length;
      hash.update(`${shape}\n${renderJson(report, { toolVersion: '0.0.0' })}`);
    }
    expect(shapes.size).toBeGreaterThan(1000);
    expect({ shapes: shapes.size, findings, sha256: hash.digest('hex') }).toMatchSnapshot();
  });
});
