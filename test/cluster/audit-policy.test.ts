import { AuditPolicy, auditPolicy } from '../../lib/cluster/audit-policy';
import { errorOf, newChart } from '../backup/support';

/** The level of the first rule that matches a request (first match wins), as the API server evaluates the policy. */
function levelFor(policy: any, req: { group: string; resource: string; verb: string; user?: string; path?: string }): string {
  for (const rule of policy.rules) {
    if (rule.users && !rule.users.includes(req.user)) continue;
    if (rule.userGroups) continue;
    if (rule.verbs && !rule.verbs.includes(req.verb)) continue;
    if (rule.nonResourceURLs) {
      if (req.path && rule.nonResourceURLs.some((u: string) => (u.endsWith('*') ? req.path!.startsWith(u.slice(0, -1)) : req.path === u))) return rule.level;
      continue;
    }
    if (req.path) {
      if (!rule.resources) return rule.level;
      continue;
    }
    const matches = (r: any) => r.group === req.group && (r.resources === undefined || r.resources.includes(req.resource));
    if (rule.resources && !rule.resources.some(matches)) continue;
    return rule.level;
  }
  return 'None';
}

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

describe('AuditPolicy', () => {
  const policy = auditPolicy();

  test('HK-AUDIT-002: Secrets, ConfigMaps and token requests at Metadata only, whatever the verb, never bodies', () => {
    for (const [group, resource] of [['', 'secrets'], ['', 'configmaps'], ['', 'serviceaccounts/token'], ['authentication.k8s.io', 'tokenreviews']]) {
      for (const verb of VERBS) expect(levelFor(policy, { group, resource, verb })).toBe('Metadata');
    }
  });

  test('HK-AUDIT-002: RBAC changes at RequestResponse', () => {
    for (const resource of ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']) {
      expect(levelFor(policy, { group: 'rbac.authorization.k8s.io', resource, verb: 'create' })).toBe('RequestResponse');
    }
    expect(levelFor(policy, { group: '', resource: 'namespaces', verb: 'patch' })).toBe('RequestResponse');
  });

  test('HK-AUDIT-002: exec, attach and port-forward at Request', () => {
    for (const resource of ['pods/exec', 'pods/attach', 'pods/portforward']) expect(levelFor(policy, { group: '', resource, verb: 'create' })).toBe('Request');
  });

  test('health and watch noise is dropped', () => {
    expect(levelFor(policy, { group: '', resource: '', verb: 'get', path: '/readyz' })).toBe('None');
    expect(levelFor(policy, { group: '', resource: 'endpoints', verb: 'watch', user: 'system:kube-proxy' })).toBe('None');
    expect(levelFor(policy, { group: '', resource: 'events', verb: 'create' })).toBe('None');
  });

  test('everything else at Metadata, stages and managed fields omitted', () => {
    expect(levelFor(policy, { group: 'apps', resource: 'deployments', verb: 'update' })).toBe('Metadata');
    expect(policy.omitStages).toEqual(['RequestReceived']);
    expect(policy.omitManagedFields).toBe(true);
  });

  test('HK-AUDIT-001: the flags enable the policy with CIS retention', () => {
    const { chart } = newChart();
    expect(new AuditPolicy(chart, 'audit').apiServerFlags()).toEqual([
      '--audit-policy-file=/etc/kubernetes/audit/audit-policy.yaml',
      '--audit-log-path=/var/log/kubernetes/audit/audit.log',
      '--audit-log-maxage=30',
      '--audit-log-maxbackup=10',
      '--audit-log-maxsize=100',
    ]);
  });

  test('snapshot', () => {
    expect(policy).toMatchSnapshot();
  });

  test('refuses a retention below CIS', () => {
    expect(errorOf(() => new AuditPolicy(newChart().chart, 'audit', { maxAgeDays: 7 }))).toBe(
      '[test/audit] AuditPolicy prop \'maxAgeDays\' is 7, below the 30 that CIS 1.2.17 asks for.\n'
      + 'Practice HK-AUDIT-001 (API server audit logging with retention) refuses it.\n'
      + 'Fix: keep at least 30; the default is 30.');
  });
});
