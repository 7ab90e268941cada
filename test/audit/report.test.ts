import { isAbsolute, join } from 'path';
import { sarifSchemaErrors } from './sarif-schema';
import { AuditReport, Finding } from '../../lib/audit/audit';
import { InputProblem } from '../../lib/audit/load';
import {
  failingAt, INFORMATION_URI, packageVersion, renderJson, renderJsonChunks, renderSarif, renderText, sarifLevel, securitySeverity, summaryLine,
  TOOL_NAME,
} from '../../lib/audit/report';
import { CATALOGUE, practice } from '../../lib/practices/catalogue';
import { Severity } from '../../lib/practices/practice';

const REASON = 'legacy CMS writes its cache under /var/www (TICKET-412)';

function finding(id: string, object: Finding['object'], extra: Partial<Finding> = {}): Finding {
  const p = practice(id);
  return { practiceId: id, title: p.title, severity: p.severity, object, message: `message of ${id}`, fix: p.fix, excepted: false, ...extra };
}

const api = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api' };
const secret = { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db' };
const web = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };

/** Findings in catalogue order, as audit() returns them; objects in different files. */
const REPORT: AuditReport = {
  catalogueVersion: '1.0.0',
  targetVersion: '1.28',
  objectCount: 12,
  findings: [
    finding('HK-IMAGE-002', web, { location: { file: 'manifests/web.yaml', line: 3 } }),
    finding('HK-WORKLOAD-003', api, { constructPath: 'prod/api/Resource', location: { file: 'manifests/api.yaml', line: 1 } }),
    finding('HK-WORKLOAD-009', api, {
      constructPath: 'prod/api/Resource', location: { file: 'manifests/api.yaml', line: 1 }, excepted: true, exceptionReason: REASON,
    }),
    finding('HK-WORKLOAD-020', api, { constructPath: 'prod/api/Resource', location: { file: 'manifests/api.yaml', line: 1 } }),
    finding('HK-WORKLOAD-001', api, { constructPath: 'prod/api/Resource', location: { file: 'manifests/api.yaml', line: 1 } }),
    finding('HK-SECRETS-001', secret, { location: { file: 'manifests/api.yaml', line: 40 } }),
    finding('HK-NETWORK-006', { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'edge' }, { excepted: true, exceptionReason: REASON }),
  ],
};

describe('renderText', () => {
  test('groups by object (file, line, then construct path and name), most severe first, excepted with reason, summary last', () => {
    const p = (id: string) => practice(id);
    expect(renderText(REPORT)).toBe([
      'Service shop/edge',
      `  [high] HK-NETWORK-006 ${p('HK-NETWORK-006').title}: message of HK-NETWORK-006`,
      `    excepted: ${REASON}`,
      '',
      'Deployment shop/api (prod/api/Resource, manifests/api.yaml:1)',
      `  [critical] HK-WORKLOAD-001 ${p('HK-WORKLOAD-001').title}: message of HK-WORKLOAD-001`,
      `    fix: ${p('HK-WORKLOAD-001').fix}`,
      `  [high] HK-WORKLOAD-003 ${p('HK-WORKLOAD-003').title}: message of HK-WORKLOAD-003`,
      `    fix: ${p('HK-WORKLOAD-003').fix}`,
      `  [medium] HK-WORKLOAD-009 ${p('HK-WORKLOAD-009').title}: message of HK-WORKLOAD-009`,
      `    excepted: ${REASON}`,
      `  [low] HK-WORKLOAD-020 ${p('HK-WORKLOAD-020').title}: message of HK-WORKLOAD-020`,
      `    fix: ${p('HK-WORKLOAD-020').fix}`,
      '',
      'Secret shop/db (manifests/api.yaml:40)',
      `  [critical] HK-SECRETS-001 ${p('HK-SECRETS-001').title}: message of HK-SECRETS-001`,
      `    fix: ${p('HK-SECRETS-001').fix}`,
      '',
      'Deployment shop/web (manifests/web.yaml:3)',
      `  [high] HK-IMAGE-002 ${p('HK-IMAGE-002').title}: message of HK-IMAGE-002`,
      `    fix: ${p('HK-IMAGE-002').fix}`,
      '',
      '12 objects, 5 findings (2 critical, 2 high, 1 low), 2 excepted',
      '',
    ].join('\n'));
  });

  test('the object order does not depend on the order of the findings', () => {
    const reversed = { ...REPORT, findings: [...REPORT.findings].reverse() };
    const headers = (text: string) => text.split('\n').filter((l) => l && !l.startsWith(' '));
    expect(headers(renderText(reversed))).toEqual(headers(renderText(REPORT)));
  });

  test('a verdict line follows the summary when failOn is given', () => {
    expect(renderText(REPORT, { failOn: Severity.CRITICAL }).endsWith('2 excepted\nresult: FAIL, 2 findings at or above critical\n')).toBe(true);
    expect(renderText(REPORT, { failOn: 'none' }).endsWith('\nresult: not failing (--fail-on none)\n')).toBe(true);
    const lowOnly = { ...REPORT, findings: REPORT.findings.filter((f) => f.severity === Severity.LOW) };
    expect(renderText(lowOnly, { failOn: Severity.HIGH }).endsWith('\nresult: PASS, no finding at or above high\n')).toBe(true);
  });

  test('an empty report is one summary line', () => {
    expect(renderText({ ...REPORT, objectCount: 0, findings: [] })).toBe('0 objects, 0 findings\n');
  });
});

describe('summaryLine', () => {
  test('uses the singular for one object and one finding', () => {
    expect(summaryLine({ ...REPORT, objectCount: 1, findings: [REPORT.findings[0]] })).toBe('1 object, 1 finding (1 high)');
  });

  test('counts excepted findings apart', () => {
    expect(summaryLine({ ...REPORT, findings: REPORT.findings.filter((f) => f.excepted) })).toBe('12 objects, 0 findings, 2 excepted');
  });
});

describe('failingAt', () => {
  test('takes findings at or above the threshold, never excepted ones, none for none', () => {
    expect(failingAt(REPORT, Severity.HIGH).map((f) => f.practiceId)).toEqual(['HK-IMAGE-002', 'HK-WORKLOAD-003', 'HK-WORKLOAD-001', 'HK-SECRETS-001']);
    expect(failingAt(REPORT, Severity.LOW)).toHaveLength(5);
    expect(failingAt(REPORT, 'none')).toEqual([]);
  });
});

describe('renderJson', () => {
  const doc = JSON.parse(renderJson(REPORT, { toolVersion: '9.9.9' }));

  test('is indented by 2 spaces and ends with a newline', () => {
    const text = renderJson(REPORT);
    expect(text.startsWith('{\n  "tool": {\n    "name": "cdk8s-hardened",')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  test('has a fixed top-level key order and summary counts', () => {
    expect(Object.keys(doc)).toEqual(['tool', 'catalogueVersion', 'targetVersion', 'objectCount', 'summary', 'findings']);
    expect(doc.tool).toEqual({ name: TOOL_NAME, version: '9.9.9' });
    expect(doc.summary).toEqual({ findings: 5, excepted: 2, bySeverity: { critical: 2, high: 2, medium: 0, low: 1 } });
  });

  test('keeps the report order and every field of a finding', () => {
    expect(doc.findings.map((f: any) => f.practiceId)).toEqual(REPORT.findings.map((f) => f.practiceId));
    expect(doc.findings[2]).toEqual({
      practiceId: 'HK-WORKLOAD-009',
      title: practice('HK-WORKLOAD-009').title,
      severity: 'medium',
      object: api,
      constructPath: 'prod/api/Resource',
      location: { file: 'manifests/api.yaml', line: 1 },
      message: 'message of HK-WORKLOAD-009',
      fix: practice('HK-WORKLOAD-009').fix,
      excepted: true,
      exceptionReason: REASON,
    });
  });

  test('lists input problems only when there are some', () => {
    const problems: InputProblem[] = [{ file: 'bad.yaml', line: 5, column: 1, message: 'malformed YAML: x', level: 'error' }];
    expect(JSON.parse(renderJson(REPORT, { inputProblems: problems })).inputProblems).toEqual([
      { file: 'bad.yaml', line: 5, column: 1, level: 'error', message: 'malformed YAML: x' },
    ]);
    expect(doc.inputProblems).toBeUndefined();
  });

  test('is rendered in pieces that join to the JSON.stringify form, for no finding, a few and thousands', () => {
    const problems: InputProblem[] = [{ file: 'a "quoted"\nname.yaml', line: 2, message: 'line one\nline two', level: 'warning' }];
    const many: AuditReport = { ...REPORT, findings: Array.from({ length: 4501 }, (_, i) => REPORT.findings[i % REPORT.findings.length]) };
    const cases: Array<[AuditReport, { inputProblems?: InputProblem[] }]> = [
      [{ ...REPORT, findings: [] }, {}],
      [REPORT, { inputProblems: problems }],
      [many, { inputProblems: problems }],
    ];
    for (const [report, options] of cases) {
      const pieces = [...renderJsonChunks(report, { toolVersion: '9.9.9', ...options })];
      const text = pieces.join('');
      expect(text).toBe(JSON.stringify(JSON.parse(text), undefined, 2) + '\n');
      expect(JSON.parse(text).findings).toHaveLength(report.findings.length);
      if (report === many) expect(pieces.length).toBe(5);
    }
  });

  test('defaults the tool version to package.json', () => {
    expect(JSON.parse(renderJson(REPORT)).tool.version).toBe(packageVersion());
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('renderSarif', () => {
  const log = JSON.parse(renderSarif(REPORT, { toolVersion: '1.2.3' }));
  const run = log.runs[0];
  const result = (id: string) => run.results.find((r: any) => r.ruleId === id);

  test('validates against the SARIF 2.1.0 schema', () => {
    expect(log.version).toBe('2.1.0');
    expect(sarifSchemaErrors(log)).toEqual([]);
  });

  test('the schema check rejects an invalid log (it can fail)', () => {
    const broken = JSON.parse(JSON.stringify(log));
    broken.runs[0].results[0].level = 'fatal';
    expect(sarifSchemaErrors(broken).length).toBeGreaterThan(0);
  });

  test('names the driver with version and information URI', () => {
    expect(run.tool.driver.name).toBe('cdk8s-hardened');
    expect(run.tool.driver.version).toBe('1.2.3');
    expect(run.tool.driver.informationUri).toBe(INFORMATION_URI);
  });

  test('has every practice of the catalogue as a rule, in catalogue order', () => {
    expect(run.tool.driver.rules.map((r: any) => r.id)).toEqual(CATALOGUE.map((p) => p.id));
  });

  test.each(CATALOGUE.map((p, i) => [p.id, i] as const))('rule %s carries the catalogue texts', (id, i) => {
    const p = practice(id);
    const rule = run.tool.driver.rules[i];
    expect(rule.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    expect(rule.shortDescription.text).toBe(p.title);
    expect(rule.fullDescription.text).toBe(p.why);
    expect(rule.help.text).toContain(`Criterion: ${p.criterion}`);
    expect(rule.help.text).toContain(`Fix: ${p.fix}`);
    expect(rule.help.markdown).toContain(`**Fix:** ${p.fix}`);
    for (const ids of Object.values(p.sources)) {
      for (const sourceId of ids ?? []) expect(rule.help.text).toContain(sourceId);
    }
    expect(rule.properties['security-severity']).toBe(securitySeverity(p.severity));
    expect(rule.properties.tags).toEqual(['security', 'kubernetes', p.group.toLowerCase()]);
    expect(rule.defaultConfiguration.level).toBe(sarifLevel(p.severity));
  });

  test('maps severities to levels: critical and high error, medium warning, low note', () => {
    expect(result('HK-WORKLOAD-001').level).toBe('error');
    expect(result('HK-WORKLOAD-003').level).toBe('error');
    expect(result('HK-WORKLOAD-009').level).toBe('warning');
    expect(result('HK-WORKLOAD-020').level).toBe('note');
  });

  test('security-severity scores stay in GitHub\'s bands', () => {
    expect(securitySeverity(Severity.CRITICAL)).toBe('9.5');
    expect(securitySeverity(Severity.HIGH)).toBe('8.0');
    expect(securitySeverity(Severity.MEDIUM)).toBe('5.5');
    expect(securitySeverity(Severity.LOW)).toBe('2.0');
  });

  test('ruleIndex points at the rule of the result', () => {
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
  });

  test('locates a result by relative file URI and start line, and logically by object and construct path', () => {
    expect(result('HK-WORKLOAD-003').locations).toEqual([{
      physicalLocation: { artifactLocation: { uri: 'manifests/api.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } },
      logicalLocations: [
        { name: 'api', fullyQualifiedName: 'Deployment shop/api', kind: 'resource' },
        { name: 'Resource', fullyQualifiedName: 'prod/api/Resource', kind: 'module' },
      ],
    }]);
    expect(result('HK-WORKLOAD-003').message.text).toBe(`Deployment shop/api: message of HK-WORKLOAD-003. Fix: ${practice('HK-WORKLOAD-003').fix}`);
  });

  test('a finding without a file has only logical locations', () => {
    expect(result('HK-NETWORK-006').locations).toEqual([{ logicalLocations: [{ name: 'edge', fullyQualifiedName: 'Service shop/edge', kind: 'resource' }] }]);
  });

  test('an absolute path becomes a file:// URI; standard input has no physical location', () => {
    const file = join(__dirname, 'some dir', 'x.yaml');
    expect(isAbsolute(file)).toBe(true);
    const abs = JSON.parse(renderSarif({ ...REPORT, findings: [finding('HK-IMAGE-002', web, { location: { file, line: 2 } })] }));
    expect(abs.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/^file:\/\/\/.*\/some%20dir\/x\.yaml$/);
    const stdin = JSON.parse(renderSarif({ ...REPORT, findings: [finding('HK-IMAGE-002', web, { location: { file: '<stdin>', line: 2 } })] }));
    expect(stdin.runs[0].results[0].locations[0].physicalLocation).toBeUndefined();
    expect(sarifSchemaErrors(abs)).toEqual([]);
  });

  test('excepted findings are results with an in-source suppression and the reason', () => {
    expect(result('HK-WORKLOAD-009').suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: REASON }]);
    expect(result('HK-WORKLOAD-003').suppressions).toBeUndefined();
  });

  test('input problems become tool execution notifications and mark the run unsuccessful', () => {
    const problems: InputProblem[] = [
      { file: 'bad.yaml', line: 5, column: 1, message: 'malformed YAML: x', level: 'error' },
      { file: '<stdin>', line: 1, message: 'document 1 has no kind', level: 'warning' },
    ];
    const withProblems = JSON.parse(renderSarif(REPORT, { inputProblems: problems }));
    expect(sarifSchemaErrors(withProblems)).toEqual([]);
    expect(withProblems.runs[0].invocations).toEqual([{
      executionSuccessful: false,
      toolExecutionNotifications: [
        {
          level: 'error',
          message: { text: 'bad.yaml:5: malformed YAML: x' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'bad.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 5, startColumn: 1 } } }],
        },
        { level: 'warning', message: { text: '<stdin>:1: document 1 has no kind' } },
      ],
    }]);
    expect(run.invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
  });

  test('is deterministic', () => {
    expect(renderSarif(REPORT)).toBe(renderSarif(REPORT));
  });
});
