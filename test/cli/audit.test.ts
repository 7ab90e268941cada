import { spawnSync } from 'child_process';
import { readFileSync, writeFileSync } from 'fs';
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
const NO_OBJECT = 'cdk8s-hardened: error: no Kubernetes object found in the input (empty files, empty standard input, or only documents '
  + 'without kind); nothing was judged\n';
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
      '--output <file>', '--namespace <namespace>', '--skip <ids>', '--only <ids>', '--baseline <file>', '--write-baseline <file>',
      '--max-file-size <size>', '--require-provenance', 'standard input', 'PodList', 'Named pipes and devices are refused',
      '0  clean', '1  at least one finding at or above --fail-on',
      '2  usage error, no Kubernetes object in the input, or an input that could not be read or parsed']) {
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
    expect(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(/bad\.yaml:5: malformed YAML: bad indentation of a mapping entry/);
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
    expect(r.stderr).toBe(`cdk8s-hardened: error: ${ws.path('broken/bad.yaml')}:5:2: malformed YAML: `
      + 'bad indentation of a mapping entry (no object of this file was audited)\n');
    expect(r.stdout).toContain(`Pod shop/survivor (${ws.path('broken/good.yaml')}:1)`);
    expect(r.stdout).toContain('HK-IMAGE-002');
  });

  test('a document that is not an object is reported with its line (exit 2)', () => {
    const r = runCli(['audit', ws.path('scalar.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cdk8s-hardened: error: ${ws.path('scalar.yaml')}:1: document 1 is a string scalar, not a Kubernetes object\n`);
  });

  test('files without any object are exit 2 with a message, never PASS', () => {
    const r = runCli(['audit', ws.path('empty.yaml'), ws.path('comments-only.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(NO_OBJECT);
    expect(r.stdout).toBe('0 objects, 0 findings\nresult: NO INPUT, no Kubernetes object was found, so nothing was judged\n');
  });

  test('empty standard input is exit 2 with a message', () => {
    const r = runCli(['audit', '--format', 'json', '-'], { input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(NO_OBJECT);
    expect(json(r.stdout).objectCount).toBe(0);
  });

  test('the text report never says PASS when part of the input could not be read (exit 2)', () => {
    const r = runCli(['audit', ws.path('clean.yaml'), ws.path('scalar.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('PASS');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('result: INCOMPLETE, 1 input error: part of the input was not judged (see the errors above)');
  });

  test('reads standard input from -', () => {
    const r = runCli(['audit', '--format', 'json', '-'], { input: `# piped\n${toYaml([latestPod('piped')])}` });
    expect(r.code).toBe(1);
    const f = json(r.stdout).findings.find((x: any) => x.practiceId === 'HK-IMAGE-002');
    expect(f.object.name).toBe('piped');
    expect(f.location).toEqual({ file: '<stdin>', line: 2 });
  });

  test('kind: List is expanded and each item keeps its own line', () => {
    const r = runCli(['audit', '--format', 'json', ws.path('list.yaml')]);
    const report = json(r.stdout);
    expect(report.objectCount).toBe(3);
    const latest = report.findings.filter((f: any) => f.practiceId === 'HK-IMAGE-002');
    expect(latest.map((f: any) => [f.object.name, f.location.line])).toEqual([['first-item', 11], ['second-item', 20]]);
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

/** A Deployment mounting the node's root filesystem, privileged: what must never pass. */
const rootDeployment = (name: string, volumeName: unknown = 'root') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [{ name: 'app', image: `registry.example.com/app:1@${DIGEST}`, securityContext: { privileged: true } }],
        volumes: [{ name: volumeName, hostPath: { path: '/' } }],
      },
    },
  },
});

const openBinding = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'open-door' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:unauthenticated' }],
};

describe('no bypass, no crash on anybody\'s YAML (issue 18)', () => {
  const hostile = scratch({
    'podlist.yaml': toYaml([{ apiVersion: 'v1', kind: 'PodList', items: [{ ...rootDeployment('x').spec.template, apiVersion: 'v1', kind: 'Pod', metadata: { name: 'root', namespace: 'shop' } }] }]),
    'crblist.yaml': toYaml([{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBindingList', items: [{ kind: 'List', items: [openBinding] }] }]),
    'mask.yaml': toYaml([rootDeployment('crafted', { not: 'a string' }), rootDeployment('plain')]),
    'aborting.yaml': toYaml([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: { evil: true } } },
      { apiVersion: ['v1'], kind: 'ConfigMap', metadata: { name: 'b', namespace: 'shop' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop', annotations: { 'cdk8s-hardened.io/construct-path': ['x', 'y'] } } },
      latestPod('survivor'),
    ]),
    'vendor.yaml': toYaml([{ ...latestPod('agent'), metadata: { name: 'agent' } }]),
    'metallb.yaml': toYaml([{
      ...latestPod('speaker'),
      spec: {
        containers: [{
          name: 'speaker',
          image: 'quay.io/metallb/speaker:v0.14.5',
          env: [
            { name: 'METALLB_ML_SECRET_NAME', value: 'memberlist' },
            { name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/secrets/google/key.json' },
            { name: 'DB_PASSWORD_FILE', value: '/run/secrets/db' },
            { name: 'DB_PASSWORD', value: 'hunter2-literal' },
          ],
        }],
      },
    }]),
  });
  afterAll(() => hostile.cleanup());

  test('a privileged Pod mounting / inside a PodList fails (exit 1) with the item\'s own line', () => {
    const r = runCli(['audit', '--format', 'json', hostile.path('podlist.yaml')]);
    expect(r.code).toBe(1);
    const findings = json(r.stdout).findings.filter((f: any) => ['HK-WORKLOAD-001', 'HK-WORKLOAD-011'].includes(f.practiceId));
    expect(findings.map((f: any) => [f.practiceId, f.object.kind, f.object.name, f.location.line])).toEqual([
      ['HK-WORKLOAD-001', 'Pod', 'root', 4], ['HK-WORKLOAD-011', 'Pod', 'root', 4],
    ]);
  });

  test('cluster-admin bound to system:unauthenticated inside nested lists fails the audit and shows in access', () => {
    const a = runCli(['audit', '--format', 'json', hostile.path('crblist.yaml')]);
    expect(a.code).toBe(1);
    expect(findingIds(a.stdout)).toEqual(expect.arrayContaining(['HK-RBAC-003', 'HK-RBAC-008']));
    const access = runCli(['access', '--format', 'json', hostile.path('crblist.yaml')]);
    expect(access.code).toBe(0);
    expect(JSON.stringify(json(access.stdout))).toContain('system:unauthenticated');
  });

  test('one crafted value does not hide the other findings of its practice: both Deployments mount /', () => {
    const r = runCli(['audit', '--format', 'json', hostile.path('mask.yaml')]);
    expect(r.code).toBe(1);
    const hostPath = json(r.stdout).findings.filter((f: any) => f.practiceId === 'HK-WORKLOAD-011');
    expect(hostPath.map((f: any) => f.object.name)).toEqual(['crafted', 'plain']);
  });

  test('hostile documents are reported with file:line; the rest is audited and reported in every format', () => {
    for (const format of ['text', 'json', 'sarif']) {
      const r = runCli(['audit', '--format', format, hostile.path('aborting.yaml')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe([
        `cdk8s-hardened: error: ${hostile.path('aborting.yaml')}:1: document 1 (ConfigMap) has metadata.namespace as a mapping, not a string; `
          + 'the API server would refuse it, so it cannot be judged',
        `cdk8s-hardened: error: ${hostile.path('aborting.yaml')}:8: document 2 (ConfigMap) has apiVersion as a sequence, not a string; `
          + 'the API server would refuse it, so it cannot be judged',
        `cdk8s-hardened: error: ${hostile.path('aborting.yaml')}:15: document 3 (ConfigMap) has metadata.annotations["cdk8s-hardened.io/construct-path"] `
          + 'as a sequence, not a string; the API server would refuse it, so it cannot be judged',
        '',
      ].join('\n'));
      expect(r.stdout).toContain('survivor');
    }
  });

  test('a named pipe is refused without reading (the CLI does not hang) and the other files are audited', () => {
    const fifo = hostile.path('pipe.yaml');
    spawnSync('mkfifo', [fifo]);
    const r = runCli(['audit', '--format', 'json', fifo, hostile.path('vendor.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cdk8s-hardened: error: ${fifo}: is a named pipe (FIFO), not a regular file; refused without reading `
      + '(pipe it to standard input with - instead)\n');
    expect(json(r.stdout).objectCount).toBe(1);
  });

  test('--max-file-size refuses a larger file without parsing it', () => {
    const big = hostile.path('big.yaml');
    writeFileSync(big, toYaml([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'shop' }, data: { k: 'x'.repeat(2000) } }]));
    const r = runCli(['audit', '--max-file-size', '1K', hostile.path('vendor.yaml'), big]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cdk8s-hardened: error: ${big}: is larger than the 1 KiB limit; refused without parsing `
      + '(raise the limit if the file is legitimate)\n');
    expect(runCli(['audit', '--max-file-size', 'lots', hostile.path('podlist.yaml')]).code).toBe(2);
  });

  test('invalid UTF-8 is reported, not silently replaced', () => {
    const file = hostile.path('latin1.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from('kind: ConfigMap\nmetadata: {name: caf'), Buffer.from([0xe9]), Buffer.from('}\n')]));
    const r = runCli(['audit', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cdk8s-hardened: error: ${file}:2: is not valid UTF-8 (byte 37 cannot be decoded); save the file as UTF-8\n`);
  });

  test('HK-AUDIT-004 judges only objects that claim to be ours, unless --require-provenance', () => {
    expect(findingIds(runCli(['audit', '--format', 'json', hostile.path('vendor.yaml')]).stdout)).not.toContain('HK-AUDIT-004');
    expect(findingIds(runCli(['audit', '--format', 'json', '--require-provenance', hostile.path('vendor.yaml')]).stdout)).toContain('HK-AUDIT-004');
  });

  test('--namespace places namespace-less vendor objects as kubectl apply -n does', () => {
    const without = json(runCli(['audit', '--format', 'json', hostile.path('vendor.yaml')]).stdout).findings;
    expect(without.filter((f: any) => f.practiceId === 'HK-NAMESPACE-001').map((f: any) => f.message)).toEqual(['metadata.namespace is not set, so the object lands in default']);
    const r = runCli(['audit', '--format', 'json', '--namespace', 'vendor', hostile.path('vendor.yaml')]);
    const findings = json(r.stdout).findings;
    expect(findings.filter((f: any) => f.practiceId === 'HK-NAMESPACE-001')).toEqual([]);
    expect(findings.find((f: any) => f.practiceId === 'HK-IMAGE-002').object.namespace).toBe('vendor');
  });

  test('--skip and --only choose practices; an unknown id is a usage error', () => {
    const only = runCli(['audit', '--format', 'json', '--only', 'HK-IMAGE-002', hostile.path('vendor.yaml')]);
    expect([...new Set(findingIds(only.stdout))]).toEqual(['HK-IMAGE-002']);
    const skipped = runCli(['audit', '--format', 'json', '--skip', 'HK-IMAGE-002,HK-IMAGE-001', hostile.path('vendor.yaml')]);
    expect(findingIds(skipped.stdout)).not.toContain('HK-IMAGE-002');
    expect(findingIds(skipped.stdout)).not.toContain('HK-IMAGE-001');
    const bad = runCli(['audit', '--skip', 'HK-NOPE-1', hostile.path('vendor.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: --skip names \'HK-NOPE-1\', not a practice id of the catalogue (ids look like HK-WORKLOAD-001; see the practice table in the README).\n(add --help for usage)\n');
  });

  test('a baseline records today\'s findings; only new ones fail', () => {
    const baseline = hostile.path('baseline.json');
    const first = runCli(['audit', '--write-baseline', baseline, hostile.path('vendor.yaml')]);
    expect(first.code).toBe(1);
    const again = runCli(['audit', '--format', 'json', '--baseline', baseline, hostile.path('vendor.yaml')]);
    expect(again.code).toBe(0);
    expect(json(again.stdout).findings.every((f: any) => f.baselined === true)).toBe(true);
    const more = runCli(['audit', '--baseline', baseline, hostile.path('vendor.yaml'), hostile.path('podlist.yaml')]);
    expect(more.code).toBe(1);
    expect(more.stdout).toContain('baselined (recorded in the baseline file)');
    expect(more.stdout).toMatch(/result: FAIL, \d+ findings at or above high\n$/);
    const broken = runCli(['audit', '--baseline', hostile.path('vendor.yaml'), hostile.path('vendor.yaml')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toBe(`cdk8s-hardened: error: baseline ${hostile.path('vendor.yaml')} is not JSON; write a new one with --write-baseline\n`);
  });

  test('env vars that only name a Secret or a file are not credentials; a literal password still is', () => {
    const findings = json(runCli(['audit', '--format', 'json', hostile.path('metallb.yaml')]).stdout).findings;
    expect(findings.filter((f: any) => f.practiceId === 'HK-SECRETS-006').map((f: any) => f.message)).toEqual([
      'container "speaker" env "DB_PASSWORD" is named like a credential and sets a literal value',
    ]);
  });
});
