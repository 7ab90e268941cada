import { ApiObject, Chart, Testing } from 'cdk8s';
import { audit } from '../../lib/audit/audit';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { builtInClusterRole } from '../../lib/practices/checks/rbac/built-in-roles';
import { RbacProfile } from '../../lib/rbac/rbac-profile';
import { refusal, synthErrors } from '../workload/support';

function payments(): { chart: Chart; ns: LockedNamespace } {
  const chart = new Chart(Testing.app(), 'test');
  return { chart, ns: new LockedNamespace(chart, 'payments', { owner: 'payments-team' }) };
}

const FIX_004 = 'Fix: List the API groups, resources and verbs explicitly. If this identity really needs it, add exceptions: [{ practice: \'HK-RBAC-004\', reason: \'…\' }].';
const FIX_005 = 'Fix: Grant get on secrets with resourceNames naming the Secrets the workload reads; mount Secrets as volumes instead of reading them '
  + 'through the API. If this identity really needs it, add exceptions: [{ practice: \'HK-RBAC-005\', reason: \'…\' }].';

describe('bindClusterRole judges built-in roles by the bootstrap policy\'s rules', () => {
  test('system:node reads every Secret: refused', () => {
    const { ns } = payments();
    expect(refusal(() => new RbacProfile(ns, 'ci').bindClusterRole('system:node'))).toBe(
      '[test/payments/ci] RbacProfile prop \'bindClusterRole(name)\' is \'ClusterRole system:node\'; the audit of what it renders finds '
      + 'RoleBinding/payments/ci-system-node: grants ClusterRole system:node (built-in), whose rule 11 grants list, watch on secrets.\n'
      + `Practice HK-RBAC-005 (Minimal Secret access) refuses it.\n${FIX_005}`);
  });

  test.each([
    ['system:kube-controller-manager', 'rule 9 has a wildcard in resources, apiGroups'],
    ['system:kubelet-api-admin', 'rule 2 has a wildcard in verbs'],
  ])('%s: refused for its wildcards, as an app role would be', (role, finding) => {
    const { ns } = payments();
    expect(refusal(() => new RbacProfile(ns, 'ci').bindClusterRole(role))).toBe(
      `[test/payments/ci] RbacProfile prop 'bindClusterRole(name)' is 'ClusterRole ${role}'; the audit of what it renders finds `
      + `RoleBinding/payments/ci-${role.replace(/:/g, '-')}: grants ClusterRole ${role} (built-in), whose ${finding}.\n`
      + `Practice HK-RBAC-004 (No wildcards in rules) refuses it.\n${FIX_004}`);
  });

  test.each(['view', 'system:auth-delegator', 'system:basic-user'])('%s grants nothing dangerous: bound', (role) => {
    const { chart, ns } = payments();
    new RbacProfile(ns, 'ci').bindClusterRole(role);
    const binding = Testing.synth(chart).find((m) => m.kind === 'RoleBinding' && m.roleRef.name === role)!;
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role });
  });

  test('an app ClusterRole labelled to aggregate into view makes view dangerous, and the binding is refused at synth', () => {
    const { chart, ns } = payments();
    new RbacProfile(ns, 'ci').bindClusterRole('view');
    new ApiObject(chart, 'leaky', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'leaky', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }],
    } as any);
    expect(synthErrors(chart).join('\n')).toBe(
      '[test/payments/ci] RbacProfile prop \'bindClusterRole(view)\' is \'RoleBinding/payments/ci-view\'; the audit of what it renders finds '
      + 'RoleBinding/payments/ci-view: grants ClusterRole view (built-in), whose rule 0 of aggregated ClusterRole/leaky grants list on secrets.\n'
      + `Practice HK-RBAC-005 (Minimal Secret access) refuses it.\n${FIX_005}`);
  });

  test('the audit judges a raw binding to system:node the same way', () => {
    const raw = audit([{
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'b', namespace: 'x' },
      roleRef: { kind: 'ClusterRole', name: 'system:node' },
      subjects: [{ kind: 'Group', name: 'g' }],
    }]);
    expect(raw.findings.map((f) => `${f.practiceId} ${f.message}`)).toEqual([
      'HK-RBAC-005 grants ClusterRole system:node (built-in), whose rule 11 grants list, watch on secrets',
      'HK-RBAC-006 grants ClusterRole system:node (built-in), whose rule 8 grants create on pods',
      'HK-RBAC-010 grants ClusterRole system:node (built-in), whose rule 17 grants create on serviceaccounts/token',
    ]);
  });

  test('the table: edit holds view\'s rules, admin holds edit\'s, cluster-admin is everything', () => {
    const rules = (name: string) => builtInClusterRole(name)!.rules;
    expect(rules('edit')).toEqual(expect.arrayContaining([...rules('view')]));
    expect(rules('admin')).toEqual(expect.arrayContaining([...rules('edit')]));
    expect(rules('cluster-admin')).toEqual([
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'], resourceNames: [], nonResourceURLs: [] },
      { apiGroups: [], resources: [], verbs: ['*'], resourceNames: [], nonResourceURLs: ['*'] },
    ]);
    expect(builtInClusterRole('system:controller:deployment-controller')).toBeUndefined();
  });
});

describe('a ClusterRole that is neither built in nor in the app needs a recorded reason', () => {
  const unjudged = (role: string) => `[test/payments/ci] RbacProfile prop 'bindClusterRole(${role})' is '${role}', a ClusterRole neither built into `
    + 'Kubernetes nor defined in the app, so what it grants cannot be judged.\n'
    + 'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
    + `Fix: define the ClusterRole in the app (it is then judged with its aggregated rules), or record who creates it: bindClusterRole('${role}', { reason: '…' }).`;

  test.each(['acme-metrics-reader', 'system:controller:deployment-controller'])('%s without a reason: refused at synth', (role) => {
    const { chart, ns } = payments();
    new RbacProfile(ns, 'ci').bindClusterRole(role);
    expect(synthErrors(chart).join('\n')).toBe(unjudged(role));
  });

  test('with a reason: bound, the reason recorded as the binding\'s external reference', () => {
    const { chart, ns } = payments();
    new RbacProfile(ns, 'ci').bindClusterRole('acme-metrics-reader', { reason: 'installed by the acme Helm chart (PLAT-7)' });
    const binding = Testing.synth(chart).find((m) => m.kind === 'RoleBinding' && m.roleRef.name === 'acme-metrics-reader')!;
    expect(binding.metadata.annotations['cdk8s-hardened.io/external-references']).toBe('ClusterRole/acme-metrics-reader: installed by the acme Helm chart (PLAT-7)');
  });

  test('defined later in the app: judged, no reason needed', () => {
    const { chart, ns } = payments();
    new RbacProfile(ns, 'ci').bindClusterRole('metrics-reader');
    new ApiObject(chart, 'role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'metrics-reader' },
      rules: [{ apiGroups: ['metrics.k8s.io'], resources: ['pods'], verbs: ['get', 'list'] }],
    } as any);
    expect(Testing.synth(chart).filter((m) => m.kind === 'RoleBinding').map((m) => m.roleRef.name)).toEqual(['ci', 'metrics-reader']);
  });

  test('a reason for a role the library judges excuses nothing: refused', () => {
    const { chart, ns } = payments();
    new RbacProfile(ns, 'ci').bindClusterRole('view', { reason: 'installed by the acme Helm chart (PLAT-7)' });
    expect(synthErrors(chart).join('\n')).toBe(
      '[test/payments/ci] RbacProfile prop \'bindClusterRole(view)\' records a reason for ClusterRole \'view\', a ClusterRole built into Kubernetes, '
      + 'which is judged by what it grants and needs no reason.\n'
      + 'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
      + 'Fix: remove options.reason from bindClusterRole(\'view\').');
  });

  test('a short reason: refused where it is given', () => {
    const { ns } = payments();
    expect(refusal(() => new RbacProfile(ns, 'ci').bindClusterRole('acme-metrics-reader', { reason: 'short' }))).toBe(
      '[test/payments/ci] RbacProfile prop \'bindClusterRole(options.reason)\' is "short", shorter than 10 characters.\n'
      + 'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
      + 'Fix: say who creates the ClusterRole and why binding it is safe, e.g. \'installed by the monitoring Helm chart (PLAT-7)\'.');
  });
});
