import { audit } from '../../lib/audit/audit';
import { CATALOGUE } from '../../lib/practices/catalogue';
import { Manifest } from '../../lib/practices/manifest';
import { AuditContext, Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../lib/practices/practice';

const REASON = 'a reason long enough to be honoured (OPS-1)';

const practice = (evaluate: Practice['evaluate']): Practice => ({
  id: 'HK-AUDIT-099',
  group: PracticeGroup.AUDIT,
  title: 'Test practice',
  severity: Severity.HIGH,
  why: 'test',
  criterion: 'test',
  library: 'test',
  fix: 'fix it',
  exception: ExceptionPolicy.RECORDABLE,
  checkability: Checkability.MANIFESTS,
  sources: { other: ['test'] },
  evaluate,
});

const cm = (name: string, extra: object = {}, annotations: Record<string, string> = {}): Manifest => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop', annotations }, ...extra,
});

/** Finds every ConfigMap with `bad: true`; crashes on one whose `data` is null, as a careless check would. */
const fragile = (obj: Manifest): string[] => (Object.keys(obj.data).length >= 0 && obj.bad ? ['is bad'] : []);

describe('a check that throws (issue 18: no crash mask)', () => {
  const set = [cm('first', { data: {}, bad: true }), cm('crafted', { data: null, bad: true }, { 'exceptions.cdk8s-hardened.io/HK-AUDIT-099': REASON }),
    cm('last', { data: {}, bad: true })];
  const expected = [
    ['first', 'is bad', false],
    ['crafted', 'could not be checked (the check failed on this object: Cannot convert undefined or null to object); an object that cannot be judged does not pass', false],
    ['last', 'is bad', false],
  ];

  test('per object: the throwing object gets a finding no exception covers; every other object is still judged', () => {
    const report = audit(set, { practices: [practice(perObject(['ConfigMap'], fragile))] });
    expect(report.findings.map((f) => [f.object.name, f.message, f.excepted])).toEqual(expected);
  });

  test('set-wide: the objects it throws on are found by bisection and reported; the others are judged', () => {
    const setWide = practice((ctx: AuditContext) => ctx.ofKind('ConfigMap').flatMap((object) => fragile(object).map((message) => ({ object, message }))));
    const report = audit(set, { practices: [setWide] });
    expect(report.findings.map((f) => [f.object.name, f.message, f.excepted])).toEqual([expected[0], expected[2], expected[1]]);
  });

  test('set-wide: several objects it throws on are each reported', () => {
    const many = [cm('a', { data: null }), cm('b', { data: {}, bad: true }), cm('c', { data: null }), cm('d', { data: null })];
    const setWide = practice((ctx: AuditContext) => ctx.objects.flatMap((object) => fragile(object).map((message) => ({ object, message }))));
    expect(audit(many, { practices: [setWide] }).findings.map((f) => [f.object.name, f.message.slice(0, 20)])).toEqual([
      ['b', 'is bad'], ['a', 'could not be checked'], ['c', 'could not be checked'], ['d', 'could not be checked'],
    ]);
  });

  test('the catalogue judges a hostPath Deployment beside a NetworkPolicy with namespaceSelector: null and a volume named by a non-string', () => {
    const deployment = (name: string, volumeName: unknown) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'shop' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }], volumes: [{ name: volumeName, hostPath: { path: '/' } }] } } },
    });
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p', namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: null, podSelector: { matchLabels: { a: 'b' } } }] }] },
    };
    const report = audit([policy, deployment('crafted', { a: 1 }), deployment('plain', 'root')]);
    expect(report.findings.filter((f) => f.message.startsWith('could not be checked'))).toEqual([]);
    expect(report.findings.filter((f) => f.practiceId === 'HK-WORKLOAD-011').map((f) => f.object.name)).toEqual(['crafted', 'plain']);
  });

  test('no practice of the catalogue throws on objects whose every field is null', () => {
    const nulls = ['Pod', 'Deployment', 'CronJob', 'NetworkPolicy', 'Role', 'ClusterRoleBinding', 'Secret', 'ConfigMap', 'Namespace', 'Ingress', 'Service']
      .map((kind) => ({ apiVersion: null, kind, metadata: null, spec: null, rules: null, subjects: null, roleRef: null, data: null }))
      .map((o) => ({ ...o, stringData: null }) as unknown as Manifest);
    const report = audit(nulls, { practices: CATALOGUE });
    expect(report.findings.filter((f) => f.message.startsWith('could not be checked'))).toEqual([]);
  });
});
