import { ApiObject, Chart, Testing } from 'cdk8s';
import { ApiResource, k8s, Secret, ServiceAccount } from 'cdk8s-plus-28';
import { addRbacProfiles, ONCALL_GROUP, PAYMENTS_DEPLOYMENTS } from '../../examples/rbac';
import { audit } from '../../lib/audit/audit';
import { HardenedError } from '../../lib/errors';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { CATALOGUE_VERSION } from '../../lib/practices/catalogue';
import { accessReport, whoCan } from '../../lib/rbac/access-report';
import { Grant, READ_ONLY_RESOURCES, Verb } from '../../lib/rbac/grants';
import { RbacProfile, RbacProfileProps, RbacSubject } from '../../lib/rbac/rbac-profile';

const CI_REASON = 'CI creates new Deployments on first release (PLAT-42)';

/** A chart with a locked `payments` namespace; profiles created inside it land in `payments`. */
function payments(): { chart: Chart; ns: LockedNamespace } {
  const chart = new Chart(Testing.app(), 'test');
  return { chart, ns: new LockedNamespace(chart, 'payments', { owner: 'payments-team' }) };
}

/** A profile `ci` in `payments` (path `test/payments/ci`). */
function profile(props: RbacProfileProps = {}): RbacProfile {
  return new RbacProfile(payments().ns, 'ci', props);
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (HardenedError.isHardenedError(e)) return e.message;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** The message cdk8s throws when validation (at synth) fails. */
function synthFailure(chart: Chart): string {
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synth to fail');
}

/** A ClusterRole someone else declares in the app. */
const clusterRole = (chart: Chart, name: string, body: Record<string, unknown>, labels: Record<string, string> = {}) =>
  new ApiObject(chart, name, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, ...body });
const custom = (apiGroup: string, resourceType: string) => ApiResource.custom({ apiGroup, resourceType });
const ofKind = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);
const rbacObjects = (objects: any[]) => objects.filter((o) => ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind));

// The practices' fixes, as the catalogue words them.
const FIX_003 = 'Bind a role that lists only the resources and verbs the subject needs; for an operator, replace cluster-admin with a narrowed ClusterRole.';
const FIX_004 = 'List the API groups, resources and verbs explicitly.';
const FIX_005 = 'Grant get on secrets with resourceNames naming the Secrets the workload reads; mount Secrets as volumes instead of reading them through the API.';
const FIX_006 = 'Drop create on workload kinds from application roles; let a CI deployer or operator with a recorded exception create them.';
const FIX_007 = 'Remove bind, escalate and impersonate; a provisioner that must grant roles gets bind with resourceNames listing exactly those roles, '
  + 'and a recorded exception.';
const NOTE_007 = 'Only for bind restricted by resourceNames to named roles (the least-privilege way for a namespace provisioner or GitOps agent to '
  + 'grant them); escalate and impersonate never.';
const FIX_008 = 'Bind a named ServiceAccount, User or team Group instead.';
const FIX_009 = 'Remove the subresources from the role; keep break-glass access in a separate, excepted role bound only when needed.';
const FIX_010 = 'Remove these grants; controllers that need them are cluster components with their own recorded exception.';
const orExcept = (id: string) => ` If this identity really needs it, add exceptions: [{ practice: '${id}', reason: '…' }].`;

describe('the example identities', () => {
  const { chart, ns } = payments();
  const { ciDeployer, onCall } = addRbacProfiles(ns);
  const objects = Testing.synth(chart);
  const report = accessReport(objects);
  const ci = { kind: 'ServiceAccount', name: 'ci-deployer', namespace: 'payments' };
  const oncall = { kind: 'Group', name: ONCALL_GROUP };
  const who = (verb: string, resource: string, apiGroup = '', resourceName?: string) =>
    whoCan(report, { verb, resource, apiGroup, namespace: 'payments', resourceName }).map((a) => a.subject);

  test('the CI deployer and the on-call group synthesize with no audit finding, excepted or not', () => {
    expect(audit(objects).findings).toEqual([]);
  });

  test('the CI deployer can roll out each example Deployment', () => {
    for (const name of PAYMENTS_DEPLOYMENTS) {
      for (const verb of ['get', 'patch', 'update', 'watch']) expect(who(verb, 'deployments', 'apps', name)).toContainEqual(ci);
    }
    expect(who('list', 'replicasets', 'apps')).toContainEqual(ci);
  });

  test('the CI deployer cannot touch other Deployments, create workloads, read secrets or exec', () => {
    expect(who('patch', 'deployments', 'apps', 'someone-else')).toEqual([]);
    expect(who('create', 'deployments', 'apps')).toEqual([]);
    expect(who('create', 'pods')).toEqual([]);
    for (const verb of ['get', 'list', 'watch']) expect(who(verb, 'secrets')).toEqual([]);
    for (const sub of ['pods/exec', 'pods/attach', 'pods/portforward']) expect(who('create', sub)).toEqual([]);
  });

  test('the on-call group reads workloads, pods and logs, and nothing else is granted to it', () => {
    expect(who('list', 'pods')).toContainEqual(oncall);
    expect(who('get', 'pods/log')).toContainEqual(oncall);
    expect(who('watch', 'deployments', 'apps')).toContainEqual(oncall);
    expect(who('patch', 'deployments', 'apps', 'checkout')).toEqual([ci]);
    expect(READ_ONLY_RESOURCES.map((r) => r.resourceType)).not.toContain('secrets');
  });

  test('the created ServiceAccount does not mount an API token (HK-RBAC-002)', () => {
    expect(ofKind(objects, 'ServiceAccount')).toEqual([expect.objectContaining({ automountServiceAccountToken: false, metadata: expect.objectContaining({ name: 'ci-deployer' }) })]);
    expect(ciDeployer.serviceAccount).toBeDefined();
    expect(onCall.serviceAccount).toBeUndefined();
  });

  test('a Role and RoleBinding in the namespace, never cluster-wide (HK-RBAC-011)', () => {
    expect(rbacObjects(objects).map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'ServiceAccount payments/ci-deployer', 'Role payments/ci-deployer', 'RoleBinding payments/ci-deployer',
      'Role payments/oncall', 'RoleBinding payments/oncall',
    ]);
  });

  test('every object carries the provenance labels and annotations (HK-AUDIT-004)', () => {
    for (const o of rbacObjects(objects)) {
      expect(o.metadata.labels).toEqual({
        'app.kubernetes.io/name': o.metadata.name,
        'app.kubernetes.io/part-of': 'payments',
        'app.kubernetes.io/managed-by': 'cdk8s-hardened',
      });
      expect(o.metadata.annotations['cdk8s-hardened.io/catalogue-version']).toBe(CATALOGUE_VERSION);
    }
    expect(ofKind(objects, 'Role')[0].metadata.annotations['cdk8s-hardened.io/construct-path']).toBe('test/payments/ci-deployer/Resource');
  });

  test('the rendered RBAC objects (snapshot)', () => {
    expect(rbacObjects(objects)).toMatchSnapshot();
  });

  test('synthesizes byte-identical output twice', () => {
    const again = payments();
    addRbacProfiles(again.ns);
    expect(JSON.stringify(Testing.synth(again.chart))).toBe(JSON.stringify(objects));
  });
});

describe('grants', () => {
  const rulesOf = (configure: (p: RbacProfile) => void) => {
    const p = profile();
    configure(p);
    return p.rules;
  };

  test('readSecret grants get on that Secret only', () => {
    expect(rulesOf((p) => p.readSecret('db-password'))).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db-password'] }]);
  });

  test('readConfigMaps grants get, list, watch, optionally on named ConfigMaps', () => {
    expect(rulesOf((p) => p.readConfigMaps())).toEqual([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }]);
    expect(rulesOf((p) => p.readConfigMaps(['settings']))[0].resourceNames).toEqual(['settings']);
  });

  test('rolloutDeployments grants read, patch and update on Deployments and read on their ReplicaSets and Pods', () => {
    expect(rulesOf((p) => p.rolloutDeployments(['web']))).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'patch', 'update'], resourceNames: ['web'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('readPodLogs grants get, list on pods and get on pods/log', () => {
    expect(rulesOf((p) => p.readPodLogs())).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    ]);
  });

  test('grant() writes one rule per API group, never pairing a resource with another group', () => {
    expect(rulesOf((p) => p.grant([ApiResource.SERVICES, ApiResource.DEPLOYMENTS, ApiResource.CONFIG_MAPS], [Verb.GET]))).toEqual([
      { apiGroups: [''], resources: ['services', 'configmaps'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
    ]);
  });

  test('a cdk8s-plus Secret given to grant() limits the rule to that Secret', () => {
    const p = profile();
    const secret = Secret.fromSecretName(p, 'Db', 'db-password');
    p.grant([secret], [Verb.GET]);
    expect(p.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db-password'] }]);
  });

  test('grants given as a prop are judged like method calls', () => {
    expect(new RbacProfile(payments().ns, 'ci', { grants: [Grant.readPodLogs(), Grant.readSecret('tls')] }).rules).toHaveLength(3);
    expect(refusal(() => new RbacProfile(payments().ns, 'ci', { grants: [Grant.of([ApiResource.PODS], [Verb.CREATE])] }))).toBe([
      '[test/payments/ci] RbacProfile prop \'grants: grant(resources, verbs)\' is \'create on pods\'; the audit of what it renders finds Role/payments/ci: rule 0 grants create on pods.',
      'Practice HK-RBAC-006 (Minimal workload-creation rights) refuses it.',
      `Fix: ${FIX_006}${orExcept('HK-RBAC-006')}`,
    ].join('\n'));
  });

  test('a refused grant leaves the profile as it was', () => {
    const p = profile();
    p.readConfigMaps();
    expect(() => p.grant([ApiResource.SECRETS], [Verb.LIST])).toThrow();
    expect(p.rules).toHaveLength(1);
  });
});

describe('subjects', () => {
  test('binds authenticator groups and users, and existing ServiceAccounts, with their API groups and namespaces', () => {
    const { chart, ns } = payments();
    const sa = new ServiceAccount(chart, 'Web', { metadata: { name: 'web', namespace: 'payments' } });
    const p = new RbacProfile(ns, 'ci', { subjects: [RbacSubject.group('payments-oncall'), RbacSubject.user('ci@example.com'), RbacSubject.of(sa)] });
    p.addSubject(RbacSubject.serviceAccount('worker'));
    p.addSubject(RbacSubject.fromServiceAccount(new k8s.KubeServiceAccount(chart, 'Api', { metadata: { name: 'api', namespace: 'payments' } })));
    p.readPodLogs();
    expect(ofKind(Testing.synth(chart), 'RoleBinding')[0].subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'payments-oncall' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'ci@example.com' },
      { kind: 'ServiceAccount', name: 'web', namespace: 'payments' },
      { kind: 'ServiceAccount', name: 'worker', namespace: 'payments' },
      { kind: 'ServiceAccount', name: 'api', namespace: 'payments' },
    ]);
    expect(p.serviceAccount).toBeUndefined();
  });

  test.each(['system:anonymous', 'system:unauthenticated', 'system:authenticated'])('refuses the group %s (HK-RBAC-008)', (name) => {
    expect(refusal(() => profile({ subjects: [RbacSubject.group(name)] }))).toBe([
      `[test/payments/ci] RbacProfile prop 'subjects' is 'Group ${name}'; the audit of what it renders finds RoleBinding/payments/ci: binds Group ${name}.`,
      'Practice HK-RBAC-008 (No bindings to system groups or anonymous) refuses it.',
      `Fix: ${FIX_008} No exception is possible: Access without credentials, or for every credential, is never least privilege.`,
    ].join('\n'));
  });

  test('refuses the user system:anonymous added later (HK-RBAC-008)', () => {
    const p = profile();
    expect(refusal(() => p.addSubject(RbacSubject.user('system:anonymous')))).toBe([
      '[test/payments/ci] RbacProfile prop \'addSubject(subject)\' is \'User system:anonymous\'; the audit of what it renders finds RoleBinding/payments/ci: binds User system:anonymous.',
      'Practice HK-RBAC-008 (No bindings to system groups or anonymous) refuses it.',
      `Fix: ${FIX_008} No exception is possible: Access without credentials, or for every credential, is never least privilege.`,
    ].join('\n'));
    expect(p.subjects.map((s) => s.describe())).toEqual(['ServiceAccount payments/ci']);
  });

  test('refuses any other system: group or user', () => {
    expect(refusal(() => profile({ subjects: [RbacSubject.group('system:serviceaccounts')] }))).toBe([
      '[test/payments/ci] RbacProfile prop \'subjects\' is Group system:serviceaccounts, an identity Kubernetes reserves for its own components and ServiceAccounts.',
      'Practice HK-RBAC-008 (No bindings to system groups or anonymous) refuses it.',
      'Fix: bind a team group from the authenticator (e.g. an OIDC groups claim) or a named ServiceAccount.',
    ].join('\n'));
  });

  test('refuses the default ServiceAccount (HK-RBAC-001)', () => {
    expect(refusal(() => profile({ subjects: [RbacSubject.serviceAccount('default')] }))).toBe([
      '[test/payments/ci] RbacProfile prop \'subjects\' is ServiceAccount default, the namespace\'s default ServiceAccount, which every pod that names no other shares.',
      'Practice HK-RBAC-001 (Dedicated ServiceAccount per workload) refuses it.',
      'Fix: bind the workload\'s own ServiceAccount, or leave subjects unset to have the profile create one.',
    ].join('\n'));
  });

  test('refuses an empty subject list', () => {
    expect(refusal(() => profile({ subjects: [] }))).toBe([
      '[test/payments/ci] RbacProfile prop \'subjects\' is empty, so the binding grants nothing to anyone.',
      'Fix: name at least one subject, or leave subjects unset to get a ServiceAccount.',
    ].join('\n'));
  });

  test('refuses a subject given twice', () => {
    expect(refusal(() => profile({ subjects: [RbacSubject.group('sre'), RbacSubject.group('sre')] }))).toBe([
      '[test/payments/ci] RbacProfile prop \'subjects\' is Group sre, which the profile already binds.',
      'Fix: name each subject once.',
    ].join('\n'));
  });
});

describe('refuses dangerous grants', () => {
  const grantRefusal = (value: string, finding: string, id: string, title: string, fix: string, object = 'Role/payments/ci', prop = 'grant(resources, verbs)') => [
    `[test/payments/ci] RbacProfile prop '${prop}' is '${value}'; the audit of what it renders finds ${object}: ${finding}.`,
    `Practice ${id} (${title}) refuses it.`,
    `Fix: ${fix}${orExcept(id)}`,
  ].join('\n');

  test('refuses a wildcard verb (HK-RBAC-004)', () => {
    expect(refusal(() => profile().grant([ApiResource.CONFIG_MAPS], [Verb.ALL])))
      .toBe(grantRefusal('* on configmaps', 'rule 0 has a wildcard in verbs', 'HK-RBAC-004', 'No wildcards in rules', FIX_004));
  });

  test('refuses a wildcard resource (HK-RBAC-004)', () => {
    expect(refusal(() => profile().grant([custom('apps', '*')], [Verb.GET])))
      .toBe(grantRefusal('get on *.apps', 'rule 0 has a wildcard in resources', 'HK-RBAC-004', 'No wildcards in rules', FIX_004));
  });

  test('refuses a wildcard API group (HK-RBAC-004)', () => {
    expect(refusal(() => profile().grant([custom('*', 'configmaps')], [Verb.GET])))
      .toBe(grantRefusal('get on configmaps.*', 'rule 0 has a wildcard in apiGroups', 'HK-RBAC-004', 'No wildcards in rules', FIX_004));
  });

  test.each([Verb.LIST, Verb.WATCH])('refuses %s on secrets (HK-RBAC-005)', (verb) => {
    expect(refusal(() => profile().grant([ApiResource.SECRETS], [verb])))
      .toBe(grantRefusal(`${verb} on secrets`, `rule 0 grants ${verb} on secrets`, 'HK-RBAC-005', 'Minimal Secret access', FIX_005));
  });

  test('refuses get on secrets without resourceNames (HK-RBAC-005)', () => {
    expect(refusal(() => profile().grant([ApiResource.SECRETS], [Verb.GET]))).toBe(grantRefusal('get on secrets',
      'rule 0 grants get on secrets without resourceNames, i.e. on every Secret of its scope', 'HK-RBAC-005', 'Minimal Secret access', FIX_005));
  });

  test('refuses create on pods (HK-RBAC-006)', () => {
    expect(refusal(() => profile().grant([ApiResource.PODS], [Verb.CREATE])))
      .toBe(grantRefusal('create on pods', 'rule 0 grants create on pods', 'HK-RBAC-006', 'Minimal workload-creation rights', FIX_006));
  });

  test.each([
    ['deployments', 'apps'], ['statefulsets', 'apps'], ['daemonsets', 'apps'], ['replicasets', 'apps'], ['jobs', 'batch'], ['cronjobs', 'batch'],
  ])('refuses create on the pod controller %s (HK-RBAC-006)', (resource, group) => {
    expect(refusal(() => profile().grant([custom(group, resource)], [Verb.CREATE]))).toBe(grantRefusal(`create on ${resource}.${group}`,
      `rule 0 grants create on ${resource}`, 'HK-RBAC-006', 'Minimal workload-creation rights', FIX_006));
  });

  test.each(['pods/exec', 'pods/attach', 'pods/portforward'])('refuses %s (HK-RBAC-009)', (sub) => {
    expect(refusal(() => profile().grant([custom('', sub)], [Verb.CREATE, Verb.GET]))).toBe(grantRefusal(`create, get on ${sub}`,
      `rule 0 grants create, get on ${sub}`, 'HK-RBAC-009', 'No exec / attach / port-forward / node proxy', FIX_009));
  });

  test('refuses nodes/proxy (HK-RBAC-009)', () => {
    const p = profile({ clusterWide: { reason: 'reads kubelet metrics for the node dashboard' } });
    expect(refusal(() => p.grant([custom('', 'nodes/proxy')], [Verb.GET]))).toBe(grantRefusal('get on nodes/proxy',
      'rule 0 grants get on nodes/proxy', 'HK-RBAC-009', 'No exec / attach / port-forward / node proxy', FIX_009, 'ClusterRole/ci'));
  });

  test('refuses minting ServiceAccount tokens (HK-RBAC-010)', () => {
    expect(refusal(() => profile().grant([custom('', 'serviceaccounts/token')], [Verb.CREATE]))).toBe(grantRefusal('create on serviceaccounts/token',
      'rule 0 grants create on serviceaccounts/token', 'HK-RBAC-010', 'No grants on cluster-control resources', FIX_010));
  });

  test.each([
    [Verb.ESCALATE, 'roles'], [Verb.BIND, 'clusterroles'],
  ])('refuses %s on %s (HK-RBAC-007)', (verb, resource) => {
    expect(refusal(() => profile().grant([custom('rbac.authorization.k8s.io', resource)], [verb]))).toBe([
      `[test/payments/ci] RbacProfile prop 'grant(resources, verbs)' is '${verb} on ${resource}.rbac.authorization.k8s.io'; `
        + `the audit of what it renders finds Role/payments/ci: rule 0 grants ${verb} on ${resource}.`,
      'Practice HK-RBAC-007 (No bind / escalate / impersonate) refuses it.',
      `Fix: ${FIX_007} No exception is possible: ${NOTE_007}`,
    ].join('\n'));
  });

  test('refuses impersonate (HK-RBAC-007), even with a recorded exception', () => {
    const p = profile({ exceptions: [{ practice: 'HK-RBAC-007', reason: 'support tooling acts as users (SUP-9)' }] });
    expect(refusal(() => p.grant([custom('', 'users')], [Verb.IMPERSONATE]))).toBe([
      '[test/payments/ci] RbacProfile prop \'grant(resources, verbs)\' is \'impersonate on users\'; the audit of what it renders finds Role/payments/ci: rule 0 grants impersonate on users.',
      'Practice HK-RBAC-007 (No bind / escalate / impersonate) refuses it.',
      `Fix: ${FIX_007} The recorded exception does not cover it: ${NOTE_007}`,
    ].join('\n'));
  });

  test('refuses CSR approval (HK-RBAC-010)', () => {
    const p = profile({ clusterWide: { reason: 'approves kubelet serving certificates' } });
    expect(refusal(() => p.grant([custom('certificates.k8s.io', 'certificatesigningrequests/approval')], [Verb.UPDATE]))).toBe(grantRefusal(
      'update on certificatesigningrequests/approval.certificates.k8s.io',
      'rule 0 grants update on certificatesigningrequests/approval.certificates.k8s.io', 'HK-RBAC-010', 'No grants on cluster-control resources', FIX_010,
      'ClusterRole/ci'));
  });

  test('refuses writes to admission webhook configurations (HK-RBAC-010)', () => {
    const p = profile({ clusterWide: { reason: 'registers its own admission webhook' } });
    expect(refusal(() => p.grant([ApiResource.MUTATING_WEBHOOK_CONFIGURATIONS], [Verb.PATCH]))).toBe(grantRefusal(
      'patch on mutatingwebhookconfigurations.admissionregistration.k8s.io',
      'rule 0 grants patch on mutatingwebhookconfigurations.admissionregistration.k8s.io', 'HK-RBAC-010', 'No grants on cluster-control resources',
      FIX_010, 'ClusterRole/ci'));
  });

  test('refuses a binding to cluster-admin (HK-RBAC-003)', () => {
    expect(refusal(() => profile().bindClusterRole('cluster-admin'))).toBe(grantRefusal('ClusterRole cluster-admin',
      'binds ClusterRole cluster-admin', 'HK-RBAC-003', 'No cluster-admin bindings', FIX_003, 'RoleBinding/payments/ci-cluster-admin',
      'bindClusterRole(name)'));
  });

  test('refuses a binding to the built-in edit role, judged by its rules', () => {
    expect(refusal(() => profile().bindClusterRole('edit'))).toBe(grantRefusal('ClusterRole edit',
      'grants ClusterRole edit (built-in), whose rule 0 grants list, watch on secrets', 'HK-RBAC-005', 'Minimal Secret access', FIX_005,
      'RoleBinding/payments/ci-edit', 'bindClusterRole(name)'));
  });

  test('refuses a binding to a full-access role that is cluster-admin in all but name (HK-RBAC-003)', () => {
    const { chart, ns } = payments();
    clusterRole(chart, 'god', { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] });
    expect(refusal(() => new RbacProfile(ns, 'ci').bindClusterRole('god'))).toBe(grantRefusal('ClusterRole god',
      'binds ClusterRole god, whose rule 0 grants every verb on every resource (cluster-admin in all but name)', 'HK-RBAC-003',
      'No cluster-admin bindings', FIX_003, 'RoleBinding/payments/ci-god', 'bindClusterRole(name)'));
  });

  const aggregating = (chart: Chart) => {
    clusterRole(chart, 'secret-reader', { rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] }, { 'example.com/aggregate-to-support': 'true' });
    clusterRole(chart, 'support', { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-support': 'true' } }] } });
  };

  test('refuses a ClusterRole that aggregates a dangerous one', () => {
    const { chart, ns } = payments();
    aggregating(chart);
    expect(refusal(() => new RbacProfile(ns, 'ci').bindClusterRole('support'))).toBe(grantRefusal('ClusterRole support',
      'rule 0 of aggregated ClusterRole/secret-reader grants list on secrets', 'HK-RBAC-005', 'Minimal Secret access', FIX_005,
      'ClusterRole/support', 'bindClusterRole(name)'));
  });

  test('fails synth when a ClusterRole declared after the binding aggregates a dangerous one', () => {
    const { chart, ns } = payments();
    new RbacProfile(ns, 'ci').bindClusterRole('support');
    aggregating(chart);
    expect(synthFailure(chart)).toBe([
      'Validation failed with the following errors:',
      '  [test/payments/ci] RbacProfile prop \'bindClusterRole(support)\' is \'ClusterRole/support\'; the audit of what it renders finds '
        + 'ClusterRole/support: rule 0 of aggregated ClusterRole/secret-reader grants list on secrets.',
      'Practice HK-RBAC-005 (Minimal Secret access) refuses it.',
      `Fix: ${FIX_005}${orExcept('HK-RBAC-005')}`,
    ].join('\n'));
  });

  test('binds a harmless existing ClusterRole with a RoleBinding in the namespace', () => {
    const { chart, ns } = payments();
    new RbacProfile(ns, 'ci', { subjects: [RbacSubject.group('sre')] }).bindClusterRole('view');
    const bindings = ofKind(Testing.synth(chart), 'RoleBinding');
    expect(bindings.map((b) => [b.metadata.namespace, b.metadata.name, b.roleRef])).toEqual([
      ['payments', 'ci', { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'ci' }],
      ['payments', 'ci-view', { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }],
    ]);
  });
});

describe('exceptions', () => {
  test('a recorded exception lets CI create Deployments, written on the Role and the RoleBinding, and the audit honours it', () => {
    const { chart, ns } = payments();
    const p = new RbacProfile(ns, 'ci', { exceptions: [{ practice: 'HK-RBAC-006', reason: CI_REASON }] });
    p.grant([ApiResource.DEPLOYMENTS], [Verb.CREATE]);
    const objects = Testing.synth(chart);
    for (const o of [...ofKind(objects, 'Role'), ...ofKind(objects, 'RoleBinding')]) {
      expect(o.metadata.annotations['exceptions.cdk8s-hardened.io/HK-RBAC-006']).toBe(CI_REASON);
    }
    const findings = audit(objects).findings;
    expect(findings.map((f) => [f.practiceId, f.object.kind, f.excepted, f.exceptionReason])).toEqual([['HK-RBAC-006', 'Role', true, CI_REASON]]);
  });

  test('bind limited to named roles is allowed with an HK-RBAC-007 exception', () => {
    const p = profile({ exceptions: [{ practice: 'HK-RBAC-007', reason: 'GitOps agent grants the app-reader role (PLAT-7)' }] });
    p.grant([custom('rbac.authorization.k8s.io', 'clusterroles')], [Verb.BIND], { resourceNames: ['app-reader'] });
    expect(p.rules).toEqual([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['app-reader'] }]);
  });

  test('clusterWide renders a ClusterRole and ClusterRoleBinding with the reason recorded as the HK-RBAC-011 exception', () => {
    const { chart } = payments();
    const p = new RbacProfile(chart, 'node-reader', {
      subjects: [RbacSubject.group('sre')],
      clusterWide: { reason: 'lists nodes, which are cluster-scoped' },
      partOf: 'platform',
    });
    p.grant([ApiResource.NODES], [Verb.GET, Verb.LIST]);
    const objects = Testing.synth(chart);
    const rbac = rbacObjects(objects);
    expect(rbac.map((o) => o.kind)).toEqual(['ClusterRole', 'ClusterRoleBinding']);
    for (const o of rbac) {
      expect(o.metadata.namespace).toBeUndefined();
      expect(o.metadata.annotations['exceptions.cdk8s-hardened.io/HK-RBAC-011']).toBe('lists nodes, which are cluster-scoped');
    }
    expect(audit(rbac).findings.filter((f) => !f.excepted)).toEqual([]);
  });

  test('clusterWide in a chart with a namespace still renders cluster-scoped objects', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'payments' });
    new RbacProfile(chart, 'ci', { clusterWide: { reason: 'lists nodes, which are cluster-scoped' } }).grant([ApiResource.NODES], [Verb.LIST]);
    const objects = Testing.synth(chart);
    expect(objects.map((o) => [o.kind, o.metadata.namespace])).toEqual([
      ['ServiceAccount', 'payments'], ['ClusterRole', undefined], ['ClusterRoleBinding', undefined],
    ]);
    expect(ofKind(objects, 'ClusterRoleBinding')[0].subjects).toEqual([{ kind: 'ServiceAccount', name: 'ci', namespace: 'payments' }]);
  });

  test('refuses an exception to a practice that allows none', () => {
    expect(refusal(() => profile({ exceptions: [{ practice: 'HK-RBAC-008', reason: 'legacy dashboard reads anonymously (OPS-1)' }] }))).toBe([
      '[test/payments/ci] RbacProfile prop \'exceptions\' is { practice: \'HK-RBAC-008\' }, a practice that allows no exception '
        + '(Access without credentials, or for every credential, is never least privilege).',
      'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.',
      'Fix: remove the exception and the access that needs it.',
    ].join('\n'));
  });

  test('refuses an exception without a reason of 10 characters', () => {
    expect(refusal(() => profile({ exceptions: [{ practice: 'HK-RBAC-006', reason: 'ci' }] }))).toBe([
      '[test/payments/ci] RbacProfile prop \'exceptions\' is { practice: \'HK-RBAC-006\' }, whose reason is shorter than 10 characters.',
      'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.',
      'Fix: say why this identity needs it, e.g. the ticket that approved it.',
    ].join('\n'));
  });

  test('refuses an exception to an unknown practice', () => {
    expect(refusal(() => profile({ exceptions: [{ practice: 'HK-RBAC-999', reason: CI_REASON }] }))).toBe([
      '[test/payments/ci] RbacProfile prop \'exceptions\' is { practice: \'HK-RBAC-999\' }, which is not a practice of the catalogue.',
      'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.',
      'Fix: name an RBAC practice id, e.g. \'HK-RBAC-006\'.',
    ].join('\n'));
  });

  test('refuses an exception to a practice outside RBAC', () => {
    expect(refusal(() => profile({ exceptions: [{ practice: 'HK-WORKLOAD-001', reason: CI_REASON }] }))).toMatch(
      /^\[test\/payments\/ci\] RbacProfile prop 'exceptions' is \{ practice: 'HK-WORKLOAD-001' \}, a WORKLOAD practice, which nothing an RbacProfile renders can break\.\n/);
  });

  test('refuses an HK-RBAC-011 exception next to clusterWide', () => {
    expect(refusal(() => profile({
      clusterWide: { reason: 'lists nodes, which are cluster-scoped' },
      exceptions: [{ practice: 'HK-RBAC-011', reason: 'lists nodes, which are cluster-scoped' }],
    }))).toBe([
      '[test/payments/ci] RbacProfile prop \'exceptions\' is { practice: \'HK-RBAC-011\' }, which is recorded twice (clusterWide records HK-RBAC-011 itself).',
      'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.',
      'Fix: record each practice once.',
    ].join('\n'));
  });

  test('fails synth on an exception nothing needs', () => {
    const { chart, ns } = payments();
    new RbacProfile(ns, 'ci', { exceptions: [{ practice: 'HK-RBAC-006', reason: CI_REASON }] }).rolloutDeployments();
    expect(synthFailure(chart)).toBe([
      'Validation failed with the following errors:',
      '  [test/payments/ci] RbacProfile prop \'exceptions\' records an exception to HK-RBAC-006 (Minimal workload-creation rights), but nothing the profile renders breaks it.',
      'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.',
      'Fix: remove the exception, so a later grant that needs it is judged again.',
    ].join('\n'));
  });

  test('refuses clusterWide without a reason', () => {
    expect(refusal(() => profile({ clusterWide: { reason: 'nodes' } }))).toBe([
      '[test/payments/ci] RbacProfile prop \'clusterWide.reason\' is \'nodes\', shorter than 10 characters.',
      'Practice HK-RBAC-011 (Namespaced Role/RoleBinding by default) refuses it.',
      'Fix: say which cluster-scoped resources need the ClusterRole, or drop clusterWide to keep the access in one namespace.',
    ].join('\n'));
  });
});

describe('namespace and name', () => {
  test('refuses a profile with no namespace to land in', () => {
    expect(refusal(() => new RbacProfile(new Chart(Testing.app(), 'test'), 'ci'))).toBe([
      '[test/ci] RbacProfile prop \'namespace\' is not set, and the profile is in no LockedNamespace and no chart with a namespace.',
      'Practice HK-RBAC-011 (Namespaced Role/RoleBinding by default) refuses it.',
      'Fix: set namespace, create the profile inside a LockedNamespace, or give the chart a namespace.',
    ].join('\n'));
  });

  test.each(['default', 'kube-system'])('refuses the %s namespace', (namespace) => {
    expect(refusal(() => new RbacProfile(new Chart(Testing.app(), 'test'), 'ci', { namespace }))).toBe([
      `[test/ci] RbacProfile prop 'namespace' is '${namespace}', a namespace no application identity belongs in.`,
      'Practice HK-NAMESPACE-001 (Never the `default` or `kube-*` namespaces) refuses it.',
      'Fix: give the profile the application\'s own namespace, e.g. \'payments\'.',
    ].join('\n'));
  });

  test('refuses a name that is not a DNS label', () => {
    expect(refusal(() => profile({ name: 'CI_Deployer' }))).toBe([
      '[test/payments/ci] RbacProfile prop \'name\' is \'CI_Deployer\', not a DNS label.',
      'Fix: use lower-case letters, digits and \'-\', at most 63 characters.',
    ].join('\n'));
  });

  test('takes the chart\'s namespace when it is in no LockedNamespace', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    new RbacProfile(chart, 'ci').readPodLogs();
    expect(Testing.synth(chart).map((o) => o.metadata.namespace)).toEqual(['shop', 'shop', 'shop']);
  });
});
