import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { Chart, Testing } from 'cdk8s';
import { Command } from 'commander';
import { addRbacProfiles } from '../../examples/rbac';
import { audit } from '../../lib/audit/audit';
import { parseManifests } from '../../lib/audit/load';
import { register } from '../../lib/cli/access-command';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { Manifest } from '../../lib/practices/manifest';
import { AccessEntry, accessReport, renderAccessJson, renderAccessMarkdown, whoCan } from '../../lib/rbac/access-report';
import { runCli, scratch, toYaml } from '../cli/run-cli';

const FIXTURE = join(__dirname, '..', 'fixtures', 'third-party-rbac.yaml');

function exampleObjects(): Manifest[] {
  const chart = new Chart(Testing.app(), 'test');
  addRbacProfiles(new LockedNamespace(chart, 'payments', { owner: 'payments-team' }));
  return Testing.synth(chart);
}

function thirdParty(): Manifest[] {
  return parseManifests(readFileSync(FIXTURE, 'utf8'), FIXTURE).manifests.map((m) => m.object);
}

const READ = ['get', 'list', 'watch'];
const CI_VIA = ['RoleBinding payments/ci-deployer -> Role payments/ci-deployer'];
const ONCALL_VIA = ['RoleBinding payments/oncall -> Role payments/oncall'];
const entry = (apiGroup: string, resource: string, verbs: string[], grantedBy: string[], resourceNames: string[] = [], namespace = 'payments'): AccessEntry =>
  ({ namespace, apiGroup, resource, verbs, resourceNames, grantedBy });

describe('access report of the example', () => {
  const report = accessReport(exampleObjects());

  test('matches the hand-written expectation', () => {
    expect(report).toEqual({
      subjects: [
        {
          subject: { kind: 'Group', name: 'payments-oncall' },
          access: [
            entry('', 'configmaps', READ, ONCALL_VIA),
            entry('', 'endpoints', READ, ONCALL_VIA),
            entry('', 'events', READ, ONCALL_VIA),
            entry('', 'limitranges', READ, ONCALL_VIA),
            entry('', 'persistentvolumeclaims', READ, ONCALL_VIA),
            entry('', 'pods', READ, ONCALL_VIA),
            entry('', 'pods/log', ['get'], ONCALL_VIA),
            entry('', 'replicationcontrollers', READ, ONCALL_VIA),
            entry('', 'resourcequotas', READ, ONCALL_VIA),
            entry('', 'serviceaccounts', READ, ONCALL_VIA),
            entry('', 'services', READ, ONCALL_VIA),
            entry('apps', 'daemonsets', READ, ONCALL_VIA),
            entry('apps', 'deployments', READ, ONCALL_VIA),
            entry('apps', 'replicasets', READ, ONCALL_VIA),
            entry('apps', 'statefulsets', READ, ONCALL_VIA),
            entry('autoscaling', 'horizontalpodautoscalers', READ, ONCALL_VIA),
            entry('batch', 'cronjobs', READ, ONCALL_VIA),
            entry('batch', 'jobs', READ, ONCALL_VIA),
            entry('discovery.k8s.io', 'endpointslices', READ, ONCALL_VIA),
            entry('events.k8s.io', 'events', READ, ONCALL_VIA),
            entry('networking.k8s.io', 'ingresses', READ, ONCALL_VIA),
            entry('networking.k8s.io', 'networkpolicies', READ, ONCALL_VIA),
            entry('policy', 'poddisruptionbudgets', READ, ONCALL_VIA),
          ],
        },
        {
          subject: { kind: 'ServiceAccount', name: 'ci-deployer', namespace: 'payments' },
          access: [
            entry('', 'pods', READ, CI_VIA),
            entry('apps', 'deployments', ['get', 'list', 'watch', 'update', 'patch'], CI_VIA, ['checkout', 'ledger']),
            entry('apps', 'replicasets', READ, CI_VIA),
          ],
        },
      ],
      unresolved: [],
    });
  });

  test('renders the CI deployer\'s rows as Markdown', () => {
    const md = renderAccessMarkdown(report).split('\n');
    expect(md.slice(0, 4)).toEqual(['# Access report', '', '| Subject | Namespace | API group | Resource | Verbs | Names | Granted by |', '|---|---|---|---|---|---|---|']);
    expect(md.filter((l) => l.startsWith('| ServiceAccount'))).toEqual([
      '| ServiceAccount payments/ci-deployer | payments | core | pods | get, list, watch | all | RoleBinding payments/ci-deployer -> Role payments/ci-deployer |',
      '| ServiceAccount payments/ci-deployer | payments | apps | deployments | get, list, watch, update, patch | checkout, ledger | RoleBinding payments/ci-deployer -> Role payments/ci-deployer |',
      '| ServiceAccount payments/ci-deployer | payments | apps | replicasets | get, list, watch | all | RoleBinding payments/ci-deployer -> Role payments/ci-deployer |',
    ]);
    expect(md.filter((l) => l.startsWith('| Group payments-oncall'))).toHaveLength(23);
  });

  test('renders JSON that parses back to the report', () => {
    expect(JSON.parse(renderAccessJson(report))).toEqual(report);
  });

  test('answers "who can read secrets in payments?" with nobody', () => {
    for (const verb of READ) expect(whoCan(report, { verb, resource: 'secrets', namespace: 'payments' })).toEqual([]);
  });
});

describe('access report and audit of a third-party chart', () => {
  const objects = thirdParty();
  const report = accessReport(objects);
  const findings = audit(objects).findings.filter((f) => f.object.name === 'acme-operator' && f.object.kind.startsWith('ClusterRole'));
  const on = (kind: string, id: string) => findings.filter((f) => f.object.kind === kind && f.practiceId === id).map((f) => f.message);

  test('the audit flags the ClusterRole with "*" (HK-RBAC-004, HK-RBAC-011)', () => {
    expect(on('ClusterRole', 'HK-RBAC-004')).toEqual(['rule 0 has a wildcard in verbs, resources, apiGroups']);
    expect(on('ClusterRole', 'HK-RBAC-011')).toEqual(['is a ClusterRole: cluster-wide permissions']);
  });

  test('the audit flags its ClusterRoleBinding (HK-RBAC-003, HK-RBAC-011)', () => {
    expect(on('ClusterRoleBinding', 'HK-RBAC-003')).toEqual([
      'binds ClusterRole acme-operator, whose rule 0 grants every verb on every resource (cluster-admin in all but name)',
    ]);
    expect(on('ClusterRoleBinding', 'HK-RBAC-011')).toEqual(['is a ClusterRoleBinding: grants its role in every namespace']);
  });

  test('the report shows the operator\'s grant of everything, everywhere, and its non-resource URL', () => {
    const operator = report.subjects.find((s) => s.subject.name === 'acme-operator');
    const via = ['ClusterRoleBinding acme-operator -> ClusterRole acme-operator'];
    expect(operator).toEqual({
      subject: { kind: 'ServiceAccount', name: 'acme-operator', namespace: 'acme-system' },
      access: [
        { namespace: '*', apiGroup: '*', resource: '*', verbs: ['*'], resourceNames: [], grantedBy: via },
        { namespace: '*', apiGroup: '', resource: '', nonResourceURL: '/metrics', verbs: ['get'], resourceNames: [], grantedBy: via },
      ],
    });
    expect(renderAccessMarkdown(report)).toContain(
      '| ServiceAccount acme-system/acme-operator | * (cluster-wide) | * | * | * | all | ClusterRoleBinding acme-operator -> ClusterRole acme-operator |');
  });

  test('answers "who can read secrets in payments?" with the operator, through its wildcard', () => {
    expect(whoCan(report, { verb: 'list', resource: 'secrets', namespace: 'payments' }).map((a) => a.subject))
      .toEqual([{ kind: 'ServiceAccount', name: 'acme-operator', namespace: 'acme-system' }]);
  });

  test('namespaced grants answer only in their namespace', () => {
    const subjects = (namespace: string) => whoCan(report, { verb: 'list', resource: 'pods', namespace }).map((a) => `${a.subject.kind} ${a.subject.name}`);
    expect(subjects('acme-system')).toEqual(['Group acme-viewers', 'ServiceAccount acme-operator', 'ServiceAccount prometheus']);
    expect(subjects('payments')).toEqual(['ServiceAccount acme-operator']);
  });

  test('resolves a binding to a built-in role the input does not hold by the bootstrap policy\'s rules', () => {
    expect(report.unresolved).toEqual([]);
    const viewers = report.subjects.find((s) => s.subject.name === 'acme-viewers')!;
    expect(viewers.access.find((a) => a.resource === 'configmaps')).toEqual({
      namespace: 'acme-system',
      apiGroup: '',
      resource: 'configmaps',
      verbs: ['get', 'list', 'watch'],
      resourceNames: [],
      grantedBy: ['RoleBinding acme-system/acme-view -> ClusterRole view (built-in, bootstrap policy)'],
    });
    expect(viewers.access.some((a) => a.resource === 'secrets')).toBe(false);
  });

  test('lists a binding whose role is neither in the input nor built in', () => {
    const unknown = accessReport([{
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'acme-metrics', namespace: 'acme-system' },
      roleRef: { kind: 'ClusterRole', name: 'acme-metrics-reader' },
      subjects: [{ kind: 'Group', name: 'acme-viewers' }],
    }]);
    expect(unknown.unresolved).toEqual([
      { binding: 'RoleBinding acme-system/acme-metrics', role: 'ClusterRole acme-metrics-reader', subjects: [{ kind: 'Group', name: 'acme-viewers' }] },
    ]);
    expect(renderAccessMarkdown(unknown)).toContain('## Bindings whose role is not in the input\n\n- RoleBinding acme-system/acme-metrics -> ClusterRole acme-metrics-reader: Group acme-viewers\n');
  });
});

describe('resolution', () => {
  const rbac = (kind: string, name: string, body: Record<string, unknown>, namespace?: string): Manifest =>
    ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...body });

  test('an aggregating ClusterRole grants the rules of the roles it aggregates', () => {
    const report = accessReport([
      rbac('ClusterRole', 'secret-reader', { rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] }),
      { ...rbac('ClusterRole', 'support', { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/support': 'true' } }] } }) },
      rbac('RoleBinding', 'support', { roleRef: { kind: 'ClusterRole', name: 'support' }, subjects: [{ kind: 'Group', name: 'support' }] }, 'payments'),
    ].map((o, i) => (i === 0 ? { ...o, metadata: { ...o.metadata, labels: { 'example.com/support': 'true' } } } : o)));
    expect(report.subjects).toEqual([{
      subject: { kind: 'Group', name: 'support' },
      access: [entry('', 'secrets', ['list'], ['RoleBinding payments/support -> ClusterRole support (aggregating secret-reader)'])],
    }]);
  });

  test('a binding to the built-in edit role shows its security-relevant grants', () => {
    const report = accessReport([rbac('RoleBinding', 'devs', { roleRef: { kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'Group', name: 'devs' }] }, 'shop')]);
    expect(whoCan(report, { verb: 'create', resource: 'pods/exec', namespace: 'shop' }).map((a) => a.entry.grantedBy))
      .toEqual([['RoleBinding shop/devs -> ClusterRole edit (built-in, bootstrap policy)']]);
  });

  test('merges the verbs two bindings grant on the same resource and names both', () => {
    const role = (name: string, verbs: string[]) => rbac('Role', name, { rules: [{ apiGroups: [''], resources: ['pods'], verbs }] }, 'shop');
    const bind = (name: string) => rbac('RoleBinding', name, { roleRef: { kind: 'Role', name }, subjects: [{ kind: 'User', name: 'ann' }] }, 'shop');
    const report = accessReport([role('a', ['watch', 'get']), role('b', ['list']), bind('a'), bind('b')]);
    expect(report.subjects[0].access).toEqual([entry('', 'pods', ['get', 'list', 'watch'], ['RoleBinding shop/a -> Role shop/a', 'RoleBinding shop/b -> Role shop/b'], [], 'shop')]);
  });

  test('a grant limited to names answers only for those names', () => {
    const report = accessReport(exampleObjects());
    expect(whoCan(report, { verb: 'patch', resource: 'deployments', apiGroup: 'apps', namespace: 'payments', resourceName: 'checkout' })).toHaveLength(1);
    expect(whoCan(report, { verb: 'patch', resource: 'deployments', apiGroup: 'apps', namespace: 'payments', resourceName: 'other' })).toEqual([]);
  });

  test('an empty set renders a report that says so', () => {
    expect(renderAccessMarkdown(accessReport([]))).toBe('# Access report\n\nNo binding grants access to anyone.\n');
  });
});

describe('cdk8s-hardened access', () => {
  const ws = scratch({ 'example/all.yaml': toYaml(exampleObjects()), 'third-party.yaml': readFileSync(FIXTURE, 'utf8'), 'broken.yaml': 'a: [\n' });
  afterAll(() => ws.cleanup());

  /** Runs the command in-process, writing the report to a file. */
  async function run(args: string[]): Promise<{ code: number | undefined; output: string }> {
    const out = ws.path(`out-${args.join('-').replace(/[^a-z0-9]+/gi, '-')}.txt`);
    const program = new Command().exitOverride();
    register(program);
    const saved = process.exitCode;
    const writeErr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await program.parseAsync(['node', 'cdk8s-hardened', 'access', ...args, '--output', out]);
      const code = process.exitCode as number | undefined;
      return { code, output: existsSync(out) ? readFileSync(out, 'utf8') : '' };
    } finally {
      process.stderr.write = writeErr;
      process.exitCode = saved;
    }
  }

  test('writes the Markdown report of a directory', async () => {
    const r = await run([ws.path('example')]);
    expect(r.code).toBe(0);
    expect(r.output).toBe(renderAccessMarkdown(accessReport(exampleObjects())));
  });

  test('writes JSON with --format json', async () => {
    const r = await run(['--format', 'json', ws.path('third-party.yaml')]);
    expect(JSON.parse(r.output)).toEqual(accessReport(thirdParty()));
  });

  test('--verb, --resource and --namespace answer "who can read secrets in payments?"', async () => {
    const r = await run(['--format', 'json', '--verb', 'get', '--resource', 'secrets', '--namespace', 'payments', ws.path('example'), ws.path('third-party.yaml')]);
    expect(JSON.parse(r.output).subjects.map((s: any) => s.subject.name)).toEqual(['acme-operator']);
  });

  test('exits 2 on an unreadable input, still reporting the rest', async () => {
    const r = await run([ws.path('broken.yaml'), ws.path('third-party.yaml')]);
    expect(r.code).toBe(2);
    expect(r.output).toContain('ServiceAccount acme-system/acme-operator');
  });

  test('runs as the access subcommand of the cdk8s-hardened bin', () => {
    const r = runCli(['access', '--verb', 'list', '--resource', 'secrets', FIXTURE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| ServiceAccount acme-system/acme-operator | * (cluster-wide) | * | * | * | all |');
  });
});
