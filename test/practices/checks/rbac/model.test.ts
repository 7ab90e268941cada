import { createAuditContext, audit } from '../../../../lib/audit/audit';
import { canI, normaliseRule, RbacModel } from '../../../../lib/practices/checks/rbac/util';
import { Manifest } from '../../../../lib/practices/manifest';
import { AuditContext } from '../../../../lib/practices/practice';

const RBAC_V1 = 'rbac.authorization.k8s.io/v1';
const AGG = { 'rbac.example.com/aggregate-to-ops': 'true' };

function clusterRole(name: string, rules: any[], labels: Record<string, string> = {}, selectorLabels?: Record<string, string>): Manifest {
  return {
    apiVersion: RBAC_V1,
    kind: 'ClusterRole',
    metadata: { name, labels },
    rules,
    ...(selectorLabels ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: selectorLabels }] } } : {}),
  };
}

function binding(kind: string, roleKind: string, roleName: string, annotations: Record<string, string> = {}): Manifest {
  return {
    apiVersion: RBAC_V1,
    kind,
    metadata: { name: 'b', namespace: kind === 'RoleBinding' ? 'shop' : undefined, annotations },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
    subjects: [{ kind: 'ServiceAccount', name: 'api', namespace: 'shop' }],
  };
}

function ctx(objects: Manifest[]): AuditContext {
  return createAuditContext(objects);
}

const findings = (objects: Manifest[], id: string) => audit(objects).findings.filter((f) => f.practiceId === id);

describe('RbacModel', () => {
  test('an aggregating ClusterRole carries the rules of the ClusterRoles its selector matches', () => {
    const secretsReader = clusterRole('secrets-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }], AGG);
    const model = RbacModel.of(ctx([clusterRole('ops', [], {}, AGG), secretsReader, clusterRole('other', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }])]));
    const ops = model.roles.find((r) => r.name === 'ops')!;
    expect(ops.aggregates.map((r) => r.metadata?.name)).toEqual(['secrets-reader']);
    expect(ops.rules.map((r) => r.declaredBy.metadata?.name)).toEqual(['secrets-reader']);
  });

  test('aggregation follows chains and stops at cycles', () => {
    const a = clusterRole('a', [], { tier: 'a' }, { tier: 'b' });
    const b = clusterRole('b', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }], { tier: 'b' }, { tier: 'a' });
    const model = RbacModel.of(ctx([a, b]));
    expect(model.roles.find((r) => r.name === 'a')!.rules.map((r) => r.declaredBy.metadata?.name)).toEqual(['b']);
    expect(model.roles.find((r) => r.name === 'b')!.rules.map((r) => r.declaredBy.metadata?.name)).toEqual(['b']);
  });

  test('bindings resolve to a Role in their namespace, a ClusterRole of the set, or a built-in ClusterRole', () => {
    const role: Manifest = { apiVersion: RBAC_V1, kind: 'Role', metadata: { name: 'r', namespace: 'shop' }, rules: [] };
    const model = RbacModel.of(ctx([role, binding('RoleBinding', 'Role', 'r'), binding('RoleBinding', 'ClusterRole', 'edit'), binding('RoleBinding', 'ClusterRole', 'nope')]));
    expect(model.bindings.map((b) => b.role && `${b.role.kind}/${b.role.name}/${b.role.builtIn}`)).toEqual(['Role/r/false', 'ClusterRole/edit/true', undefined]);
  });
});

describe('RBAC findings', () => {
  test('a dangerous aggregated rule is reported on the aggregated and on the aggregating ClusterRole', () => {
    const objects = [clusterRole('ops', [], {}, AGG), clusterRole('reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }], AGG)];
    expect(findings(objects, 'HK-RBAC-005').map((f) => `${f.object.name}: ${f.message}`)).toEqual([
      'ops: rule 0 of aggregated ClusterRole/reader grants list on secrets',
      'reader: rule 0 grants list on secrets',
    ]);
  });

  test('a wildcard resource with get grants secrets get without resourceNames', () => {
    const objects = [clusterRole('all', [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }])];
    expect(findings(objects, 'HK-RBAC-005').map((f) => f.message)).toEqual(['rule 0 grants get on secrets without resourceNames, i.e. on every Secret of its scope']);
  });

  test('a binding to built-in edit is reported on the binding', () => {
    expect(findings([binding('RoleBinding', 'ClusterRole', 'edit')], 'HK-RBAC-009').map((f) => `${f.object.kind}: ${f.message}`)).toEqual([
      'RoleBinding: grants ClusterRole edit (built-in), whose rule 0 grants get, list, watch on pods/exec, pods/attach, pods/portforward',
      'RoleBinding: grants ClusterRole edit (built-in), whose rule 2 grants create, update, patch, delete, deletecollection on pods/exec, pods/attach, pods/portforward',
    ]);
  });

  test('a cluster-admin binding is HK-RBAC-003 alone, so its recorded exception covers it', () => {
    const reason = { 'exceptions.cdk8s-hardened.io/HK-RBAC-003': 'Velero chart binds cluster-admin until a narrowed role ships' };
    const report = audit([binding('ClusterRoleBinding', 'ClusterRole', 'cluster-admin', reason)]);
    const rbac = report.findings.filter((f) => f.practiceId.startsWith('HK-RBAC-') && f.practiceId !== 'HK-RBAC-011');
    expect(rbac.map((f) => [f.practiceId, f.excepted])).toEqual([['HK-RBAC-003', true]]);
  });

  test('HK-RBAC-007: bind on named roles is exceptable, escalate is not', () => {
    const reason = { 'exceptions.cdk8s-hardened.io/HK-RBAC-007': 'namespace provisioner grants only the view role' };
    const role = (verbs: string[]): Manifest => ({
      apiVersion: RBAC_V1,
      kind: 'Role',
      metadata: { name: verbs.join('-'), namespace: 'shop', annotations: reason },
      rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['view'], verbs }],
    });
    const result = findings([role(['bind']), role(['bind', 'escalate'])], 'HK-RBAC-007').map((f) => [f.object.name, f.excepted]);
    expect(result).toEqual([['bind', true], ['bind-escalate', false]]);
  });
});

describe('canI', () => {
  const rules = [
    normaliseRule({ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['tls'] }),
    normaliseRule({ apiGroups: ['apps'], resources: ['*'], verbs: ['*'] }),
    normaliseRule({ apiGroups: ['*'], resources: ['*/scale'], verbs: ['update'] }),
  ];

  test('a rule limited by resourceNames allows only a request naming one of them', () => {
    expect(canI(rules, 'get', '', 'secrets', 'tls')).toBe(true);
    expect(canI(rules, 'get', '', 'secrets', 'db')).toBe(false);
    expect(canI(rules, 'get', '', 'secrets')).toBe(false);
    expect(canI(rules, 'list', '', 'secrets', 'tls')).toBe(false);
  });

  test('"*" in verbs and resources covers every verb, resource and subresource of the group', () => {
    expect(canI(rules, 'create', 'apps', 'deployments')).toBe(true);
    expect(canI(rules, 'escalate', 'apps', 'statefulsets/scale', 'db')).toBe(true);
    expect(canI(rules, 'create', 'batch', 'jobs')).toBe(false);
  });

  test('"*/scale" covers the scale subresource of every resource only', () => {
    expect(canI(rules, 'update', 'batch', 'jobs/scale')).toBe(true);
    expect(canI(rules, 'update', 'batch', 'jobs')).toBe(false);
  });

  test('an aggregating role\'s effective rules answer for the aggregated grants', () => {
    const reader = clusterRole('reader', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }], AGG);
    const ops = RbacModel.of(ctx([clusterRole('ops', [], {}, AGG), reader])).roles.find((r) => r.name === 'ops')!;
    expect(canI(ops.rules, 'create', '', 'pods/exec')).toBe(true);
    expect(canI(ops.rules, 'create', '', 'pods')).toBe(false);
  });
});
