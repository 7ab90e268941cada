import { readFileSync } from 'fs';
import { join } from 'path';
import { ROOT, runCli } from './run-cli';

const FIXTURE = join('test', 'fixtures', 'insecure.yaml');

/** Each deliberately insecure object of the fixture and the practice it must be reported under. */
const EXPECTED: ReadonlyArray<[string, string, string]> = [
  ['HK-WORKLOAD-003', 'Deployment', 'root-app'],
  ['HK-WORKLOAD-004', 'Deployment', 'root-app'],
  ['HK-WORKLOAD-001', 'Deployment', 'privileged-agent'],
  ['HK-WORKLOAD-011', 'DaemonSet', 'host-path-reader'],
  ['HK-WORKLOAD-010', 'Deployment', 'host-network-app'],
  ['HK-WORKLOAD-012', 'Deployment', 'host-port-app'],
  ['HK-IMAGE-002', 'Deployment', 'latest-app'],
  ['HK-NETWORK-006', 'Service', 'node-port'],
  ['HK-NETWORK-006', 'Service', 'load-balancer'],
  ['HK-SECRETS-001', 'Secret', 'db-password'],
  ['HK-RBAC-004', 'ClusterRole', 'everything'],
  ['HK-RBAC-003', 'ClusterRoleBinding', 'ci-admin'],
  ['HK-RBAC-009', 'Role', 'debugger'],
];

describe('the deliberately insecure fixture', () => {
  const r = runCli(['audit', '--format', 'json', FIXTURE]);
  const report = JSON.parse(r.stdout);
  const reported = (id: string, kind: string, name: string) =>
    report.findings.some((f: any) => f.practiceId === id && f.object.kind === kind && f.object.name === name && !f.excepted);

  test('exits 1 with nothing on stderr', () => {
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  });

  test.each(EXPECTED)('reports %s on %s %s', (id, kind, name) => {
    expect(reported(id, kind, name)).toBe(true);
  });

  test('reports the workload no NetworkPolicy selects (HK-NETWORK-003 on it, or HK-NETWORK-001 for its namespace)', () => {
    expect(reported('HK-NETWORK-003', 'Deployment', 'unisolated') || reported('HK-NETWORK-001', 'Namespace', 'insecure')).toBe(true);
  });

  test('findings point at the first line of their object (after its comment)', () => {
    const lines = readFileSync(join(ROOT, FIXTURE), 'utf8').split('\n');
    // `apiVersion: v1` sits right above `kind: Secret`: its 1-based line is the 0-based index of the kind line.
    const secretStart = lines.indexOf('kind: Secret');
    expect(lines[secretStart - 1]).toBe('apiVersion: v1');
    expect(runCli(['audit', FIXTURE]).stdout).toContain(`Secret insecure/db-password (${FIXTURE}:${secretStart})`);
  });
});
