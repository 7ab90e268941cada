/**
 * Regression anchor: what the audit says about an app written with plain cdk8s-plus-28 (anchors.md §1). These
 * are the gaps cdk8s-hardened exists to close; if one stops being reported, either cdk8s-plus changed its
 * defaults or a check lost its teeth.
 */
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { audit, Finding } from '../../lib/audit/audit';

function synthPlainApp(): any[] {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const web = new kplus.Deployment(chart, 'web', {
    containers: [{ name: 'web', image: 'registry.example.com/shop/web:1.0.0', portNumber: 8080 }],
  });
  const api = new kplus.Deployment(chart, 'api', {
    containers: [{ name: 'api', image: 'registry.example.com/shop/api:1.0.0', portNumber: 9090 }],
  });
  web.exposeViaService({ serviceType: kplus.ServiceType.CLUSTER_IP });
  api.exposeViaService({ serviceType: kplus.ServiceType.CLUSTER_IP });
  api.connections.allowFrom(web);
  return Testing.synth(chart);
}

describe('a plain cdk8s-plus-28 app (web -> api)', () => {
  const objects = synthPlainApp();
  const report = audit(objects);
  const deploymentName = (prefix: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name.startsWith(prefix)).metadata.name;
  const web = deploymentName('shop-web');
  const api = deploymentName('shop-api');
  const on = (id: string, kind: string, name?: string): Finding[] =>
    report.findings.filter((f) => f.practiceId === id && f.object.kind === kind && (name === undefined || f.object.name === name) && !f.excepted);

  test('synthesizes the expected objects: two Deployments, two Services, the two-sided policies', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'Deployment', 'NetworkPolicy', 'NetworkPolicy', 'Service', 'Service']);
  });

  test.each([['web'], ['api']])('HK-WORKLOAD-006: the %s container does not drop ALL capabilities', (which) => {
    const f = on('HK-WORKLOAD-006', 'Deployment', which === 'web' ? web : api);
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain(`container "${which}"`);
  });

  test.each([['web'], ['api']])('HK-WORKLOAD-008: the %s pod has no seccomp profile', (which) => {
    expect(on('HK-WORKLOAD-008', 'Deployment', which === 'web' ? web : api).length).toBeGreaterThan(0);
  });

  test('HK-NETWORK-001: namespace shop has no default-deny policy', () => {
    const f = report.findings.filter((x) => x.practiceId === 'HK-NETWORK-001');
    expect(f.length).toBeGreaterThan(0);
    expect(f.every((x) => x.object.namespace === 'shop' && x.message.includes('namespace "shop"'))).toBe(true);
  });

  test('HK-NETWORK-003: allowFrom isolates web for egress and api for ingress only (one-sided)', () => {
    expect(on('HK-NETWORK-003', 'Deployment', web).map((f) => f.message))
      .toContain('its pods are isolated one-sidedly: no NetworkPolicy selecting them isolates Ingress');
    expect(on('HK-NETWORK-003', 'Deployment', api).map((f) => f.message))
      .toContain('its pods are isolated one-sidedly: no NetworkPolicy selecting them isolates Egress');
  });

  test.each([['web'], ['api']])('HK-WORKLOAD-021: the %s Deployment has no PodDisruptionBudget', (which) => {
    const f = on('HK-WORKLOAD-021', 'Deployment', which === 'web' ? web : api);
    expect(f.map((x) => x.message).join('\n')).toMatch(/PodDisruptionBudget/);
  });

  test('cdk8s-plus defaults that already comply are not reported', () => {
    for (const id of ['HK-WORKLOAD-001', 'HK-WORKLOAD-002', 'HK-WORKLOAD-009', 'HK-WORKLOAD-010', 'HK-NETWORK-006']) {
      expect([id, report.findings.filter((f) => f.practiceId === id)]).toEqual([id, []]);
    }
  });
});
