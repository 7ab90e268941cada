import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { BIN, runCli, scratch, toYaml } from './run-cli';
import { CATALOGUE } from '../../lib/practices/catalogue';
import { sarifSchemaErrors } from '../audit/sarif-schema';
import { compliantSet, DIGEST, withDeployment } from '../practices/fixtures';

const REASON = 'air-gapped nodes re-pull from the local mirror (OPS-77)';

/** A bare Pod with a `latest` image: findings at every severity, among them HK-IMAGE-002 (high). */
const latestPod = (name: string, namespace = 'shop') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { containers: [{ name: 'app', image: 'nginx:latest' }] },
});

const clean = toYaml(compliantSet());
/** Only HK-IMAGE-004 (medium) breaks: below the default `--fail-on high`. */
const mediumOnly = toYaml(withDeployment((d) => { d.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent'; }));
const mediumExcepted = toYaml(withDeployment((d) => {
  d.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
  d.metadata.annotations['exceptions.cdk8s-hardened.io/HK-IMAGE-004'] = REASON;
}));
const highFinding = toYaml(withDeployment((d) => { d.spec.template.spec.containers[0].image = 'registry.example.com/shop/api:latest'; }));

const ws = scratch({
  'clean.yaml': clean,
  'medium.yaml': mediumOnly,
  'excepted.yaml': mediumExcepted,
  'high.yaml': highFinding,
  'empty.yaml': '',
  'comments-only.yaml': '# nothing here\n---\n---\n',
  // Line 5 is indented one column short of its sibling.
  'broken/bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n bad: y\ndata: {}\n',
  'broken/good.yaml': toYaml([latestPod('survivor')]),
  'scalar.yaml': 'just a string\n',
  'list.yaml': toYaml([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'before', namespace: 'shop' }, data: {} }])
    + '---\n'
    + toYaml([{ apiVersion: 'v1', kind: 'List', items: [latestPod('first-item'), latestPod('second-item')] }]),
  'tree/z.json': JSON.stringify(latestPod('from-json')),
  'tree/a/y.yml': toYaml([latestPod('from-yml')]),
  'tree/a/b/x.yaml': toYaml([latestPod('from-yaml')]),
  'tree/notes.txt': 'not a manifest',
  'tree/.hidden/skipped.yaml': toYaml([latestPod('hidden')]),
  'tree/node_modules/dep/skipped.yaml': toYaml([latestPod('dependency')]),
  'registry.yaml': toYaml([{
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'foreign', namespace: 'shop' },
    spec: { containers: [{ name: 'app', image: `evil.example.org/app:1.0@${DIGEST}` }] },
  }]),
});

afterAll(() => ws.cleanup());

const json = (stdout: string) => JSON.parse(stdout);
const findingIds = (stdout: string): string[] => json(stdout).findings.filter((f: any) => !f.excepted).map((f: any) => f.practiceId);

describe('exit codes', () => {
  test('0 for a compliant set', () => {
    const r = runCli(['audit', ws.path('clean.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${compliantSet().length} objects, 0 findings\nresult: PASS, no finding at or above high\n`);
  });

  test('1 for a finding at or above the default --fail-on high', () => {
    const r = runCli(['audit', ws.path('high.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[high] HK-IMAGE-002');
    expect(r.stdout).toMatch(/\nresult: FAIL, \d+ findings? at or above high\n$/);
  });

  test('0 when every finding is below --fail-on', () => {
    const r = runCli(['audit', ws.path('medium.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[medium] HK-IMAGE-004');
  });

  test('--fail-on medium fails on a medium finding', () => {
    expect(runCli(['audit', '--fail-on', 'medium', ws.path('medium.yaml')]).code).toBe(1);
  });

  test('--fail-on none never fails on findings', () => {
    const r = runCli(['audit', '--fail-on', 'none', ws.path('high.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('result: not failing (--fail-on none)');
  });

  test('an excepted finding does not fail, even at --fail-on low, and shows its reason', () => {
    const r = runCli(['audit', '--fail-on', 'low', ws.path('excepted.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  [medium] HK-IMAGE-004 `imagePullPolicy: Always`: container "app"');
    expect(r.stdout).toContain(`    excepted: ${REASON}\n`);
    expect(r.stdout).toContain(`${compliantSet().length} objects, 0 findings, 1 excepted\n`);
  });

  test('2 without any input, with the reason on stderr', () => {
    const r = runCli(['audit']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error: no input given. Name files or directories, or - for standard input.');
  });

  test('2 for an unknown option', () => {
    const r = runCli(['audit', '--no-such-option', ws.path('clean.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown option '--no-such-option'");
  });

  test('2 for an unknown format', () => {
    const r = runCli(['audit', '--format', 'xml', ws.path('clean.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: option '--format <format>' argument 'xml' is invalid. Allowed choices are text, json, sarif.");
  });

  test('2 for an invalid --target-version', () => {
    const r = runCli(['audit', '--target-version', 'latest', ws.path('clean.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'latest' is not a Kubernetes version; give a minor version such as 1.28 or v1.31.");
  });

  test('2 for a missing file, still auditing the others', () => {
    const r = runCli(['audit', ws.path('does-not-exist.yaml'), ws.path('high.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cdk8s-hardened: error: ${ws.path('does-not-exist.yaml')}: cannot read: no such file or directory\n`);
    expect(r.stdout).toContain('HK-IMAGE-002');
  });

  test('2 when - is given twice', () => {
    const r = runCli(['audit', '-', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: - (standard input) may be given only once.');
  });

  test('a program without a command prints help and exits 2', () => {
    const r = runCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: cdk8s-hardened [options] [command]');
  });

  test('--version prints the package version and exits 0', () => {
    const r = runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(`${__dirname}/../../package.json`, 'utf8')).version);
  });
});

describe('help', () => {
  test('documents inputs, every option and the exit codes, including exit 2 for malformed input', () => {
    const r = runCli(['audit', '--help']);
    expect(r.code).toBe(0);
    for (const text of ['--format <format>', '--fail-on <severity>', '--target-version <version>', '--allowed-registry <host>',
      '--output <file>', 'standard input', '0  clean', '1  at least one finding at or above --fail-on',
      '2  usage error, or an input that could not be read or parsed']) {
      expect(r.stdout).toContain(text);
    }
  });
});

describe('formats', () => {
  test('text groups findings by object with file:line and the fix', () => {
    const r = runCli(['audit', ws.path('high.yaml')]);
    // The document starts with `apiVersion:` right above `kind:`, so its 1-based line is the 0-based index of `kind:`.
    const deploymentLine = highFinding.split('\n').indexOf('kind: Deployment');
    expect(highFinding.split('\n')[deploymentLine - 1]).toBe('apiVersion: apps/v1');
    expect(r.stdout.split('\n')).toContain(`Deployment shop/api (test/api, ${ws.path('high.yaml')}:${deploymentLine})`);
    expect(r.stdout).toMatch(/ {2}\[high\] HK-IMAGE-002 No `latest`, no untagged image: container "app" has image "registry\.example\.com\/shop\/api:latest"[^\n]*\n {4}fix: /);
  });

  test('json carries counts, findings with object, location and fix', () => {
    const r = runCli(['audit', '--format', 'json', ws.path('high.yaml')]);
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    expect(report.objectCount).toBe(compliantSet().length);
    expect(report.targetVersion).toBe('1.28');
    const f = report.findings.find((x: any) => x.practiceId === 'HK-IMAGE-002');
    expect(f.object).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api' });
    expect(f.location.file).toBe(ws.path('high.yaml'));
    expect(f.location.line).toBeGreaterThan(1);
    expect(f.constructPath).toBe('test/api');
    expect(r.stdout.startsWith('{\n  "tool": {\n')).toBe(true);
  });

  test('json output is byte-identical across runs', () => {
    const a = runCli(['audit', '--format', 'json', ws.path('high.yaml'), ws.path('list.yaml')]);
    const b = runCli(['audit', '--format', 'json', ws.path('high.yaml'), ws.path('list.yaml')]);
    expect(a.stdout).toBe(b.stdout);
  });

  test('sarif validates against the SARIF 2.1.0 schema and lists every practice as a rule', () => {
    const r = runCli(['audit', '--format', 'sarif', ws.path('high.yaml'), ws.path('excepted.yaml')]);
    expect(r.code).toBe(1);
    const log = json(r.stdout);
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.runs[0].tool.driver.rules.map((x: any) => x.id)).toEqual(CATALOGUE.map((p) => p.id));
    const result = log.runs[0].results.find((x: any) => x.ruleId === 'HK-IMAGE-002');
    expect(result.level).toBe('error');
    expect(result.locations[0].physicalLocation.region.startLine).toBeGreaterThan(1);
    const suppressed = log.runs[0].results.find((x: any) => x.ruleId === 'HK-IMAGE-004');
    expect(suppressed.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: REASON }]);
  });

  test('sarif records malformed input as a failed execution and still validates', () => {
    const r = runCli(['audit', '--format', 'sarif', ws.path('broken')]);
    expect(r.code).toBe(2);
    const log = json(r.stdout);
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(/bad\.yaml:5: malformed YAML: All mapping items must start at the same column/);
  });

  test('a reader that closes the pipe early (| head) neither crashes the CLI nor changes its exit code', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" audit --format sarif "${ws.path('high.yaml')}" | head -c 10 >/dev/null; echo "exit=\${PIPESTATUS[0]}"`],
      { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('exit=1\n');
  });

  test('--output writes the report to a file, keeps stdout empty and still sets the exit code', () => {
    const out = ws.path('report.json');
    const r = runCli(['audit', '--format', 'json', '--output', out, ws.path('high.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(json(readFileSync(out, 'utf8')).findings.map((f: any) => f.practiceId)).toContain('HK-IMAGE-002');
  });

  test('--output to an unwritable place is an error (exit 2)', () => {
    const r = runCli(['audit', '--output', ws.path('no/such/dir/report.txt'), ws.path('clean.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cdk8s-hardened: error: cannot write the report to ${ws.path('no/such/dir/report.txt')}`);
  });
});

describe('input', () => {
  test('malformed YAML names file and line, exits 2, and the other files are still audited', () => {
    const r = runCli(['audit', ws.path('broken/bad.yaml'), ws.path('broken/good.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cdk8s-hardened: error: ${ws.path('broken/bad.yaml')}:5:1: malformed YAML: `
      + 'All mapping items must start at the same column (no object of this file was audited)\n');
    expect(r.stdout).toContain(`Pod shop/survivor (${ws.path('broken/good.yaml')}:1)`);
    expect(r.stdout).toContain('HK-IMAGE-002');
  });

  test('a document that is not an object is reported with its line (exit 2)', () => {
    const r = runCli(['audit', ws.path('scalar.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cdk8s-hardened: error: ${ws.path('scalar.yaml')}:1: document 1 is a string scalar, not a Kubernetes object\n`);
  });

  test('an empty file is a clean report with 0 objects', () => {
    const r = runCli(['audit', ws.path('empty.yaml'), ws.path('comments-only.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('0 objects, 0 findings\nresult: PASS, no finding at or above high\n');
  });

  test('empty standard input is a clean report with 0 objects', () => {
    const r = runCli(['audit', '--format', 'json', '-'], { input: '' });
    expect(r.code).toBe(0);
    expect(json(r.stdout).objectCount).toBe(0);
  });

  test('reads standard input from -', () => {
    const r = runCli(['audit', '--format', 'json', '-'], { input: `# piped\n${toYaml([latestPod('piped')])}` });
    expect(r.code).toBe(1);
    const f = json(r.stdout).findings.find((x: any) => x.practiceId === 'HK-IMAGE-002');
    expect(f.object.name).toBe('piped');
    expect(f.location).toEqual({ file: '<stdin>', line: 2 });
  });

  test('kind: List is expanded and its items take the List location', () => {
    const r = runCli(['audit', '--format', 'json', ws.path('list.yaml')]);
    const report = json(r.stdout);
    expect(report.objectCount).toBe(3);
    const latest = report.findings.filter((f: any) => f.practiceId === 'HK-IMAGE-002');
    expect(latest.map((f: any) => [f.object.name, f.location.line])).toEqual([['first-item', 8], ['second-item', 8]]);
  });

  test('a directory is read recursively: *.yaml, *.yml and *.json in sorted order, hidden dirs and node_modules skipped', () => {
    const r = runCli(['audit', '--format', 'json', ws.path('tree')]);
    expect(r.stderr).toBe('');
    const report = json(r.stdout);
    expect(report.objectCount).toBe(3);
    const order = report.findings.filter((f: any) => f.practiceId === 'HK-IMAGE-002').map((f: any) => f.object.name);
    expect(order).toEqual(['from-yaml', 'from-yml', 'from-json']);
  });

  test('--allowed-registry refuses images from other registries (HK-IMAGE-003)', () => {
    expect(findingIds(runCli(['audit', '--format', 'json', ws.path('registry.yaml')]).stdout)).not.toContain('HK-IMAGE-003');
    const r = runCli(['audit', '--format', 'json', '--allowed-registry', 'registry.example.com', '--allowed-registry', 'mirror.example.com',
      ws.path('registry.yaml')]);
    expect(findingIds(r.stdout)).toContain('HK-IMAGE-003');
  });

  test('--target-version is recorded in the report', () => {
    const r = runCli(['audit', '--format', 'json', '--target-version', 'v1.31', ws.path('clean.yaml')]);
    expect(json(r.stdout).targetVersion).toBe('1.31');
  });
});
