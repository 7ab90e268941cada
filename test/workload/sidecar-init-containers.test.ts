/**
 * Restartable sidecar init containers (`restartPolicy: Always` on an init container): offered by the pod builder from
 * Kubernetes 1.29 (SidecarContainers on by default), hardened like every container, with probes allowed.
 */
import { App, Chart, Testing } from 'cdk8s';
import { image, ready, refusal } from './support';
import { audit } from '../../lib/audit/audit';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { KubernetesTarget } from '../../lib/target/kubernetes-target';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { SecureJob } from '../../lib/workload/secure-job';
import { schemaErrorsOf } from '../support/k8s-schema';

/** A chart with a LockedNamespace 'shop' in an app targeting `target`. */
function shopAt(target?: string): { chart: Chart; ns: LockedNamespace } {
  const app: App = Testing.app();
  if (target) KubernetesTarget.set(app, target);
  const chart = new Chart(app, 'test');
  return { chart, ns: new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] }) };
}

const api = (ns: LockedNamespace) => new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready() });
const proxy = { name: 'proxy', image: image('proxy'), ports: [{ name: 'proxy', port: 15001 }], readinessProbe: HealthCheck.httpGet('/ready', { port: 15001 }) };

describe('addSidecarInitContainer', () => {
  test('renders a restartable init container, hardened like the application container, with its probes', () => {
    const { chart, ns } = shopAt('1.29');
    api(ns).addSidecarInitContainer(proxy);
    const objects = Testing.synth(chart);
    const pod = objects.find((o) => o.kind === 'Deployment').spec.template.spec;
    const [sidecar] = pod.initContainers;
    expect(sidecar.name).toBe('proxy');
    expect(sidecar.restartPolicy).toBe('Always');
    expect(sidecar.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'proxy', scheme: 'HTTP' });
    expect(sidecar.livenessProbe.tcpSocket).toEqual({ port: 'proxy' });
    expect(sidecar.securityContext).toEqual(pod.containers[0].securityContext);
    expect(sidecar.imagePullPolicy).toBe('Always');
    expect(schemaErrorsOf(objects)).toEqual([]);
    expect(audit(objects, { targetVersion: '1.29' }).findings.filter((f) => !f.excepted)).toEqual([]);
  });

  test('a Job\'s sidecar needs no probes and does not keep the pod from completing', () => {
    const { chart, ns } = shopAt('1.30');
    new SecureJob(ns, 'report', { image: image('report') }).addSidecarInitContainer({ name: 'shipper', image: image('shipper') });
    const pod = Testing.synth(chart).find((o) => o.kind === 'Job').spec.template.spec;
    expect(pod.initContainers.map((c: any) => [c.name, c.restartPolicy, c.readinessProbe, c.livenessProbe])).toEqual([['shipper', 'Always', undefined, undefined]]);
  });

  test('is refused at the default target 1.28, where the feature gate is off', () => {
    const { ns } = shopAt();
    expect(refusal(() => api(ns).addSidecarInitContainer(proxy))).toBe(
      '[test/shop/api] SecureDeployment prop \'addSidecarInitContainer(proxy)\' needs Kubernetes 1.29, but the app targets 1.28, where the SidecarContainers '
      + 'feature gate is off by default: the API server drops restartPolicy and the sidecar blocks the pod as an init container that never completes.\n'
      + 'Fix: target 1.29 or later (KubernetesTarget.set(app, \'1.29\')), or add it as a regular sidecar with addContainer().');
  });

  test('shares the pod\'s network namespace: a port the application declares is refused', () => {
    const { ns } = shopAt('1.29');
    expect(refusal(() => api(ns).addSidecarInitContainer({ ...proxy, ports: [{ name: 'alt', port: 8080 }], readinessProbe: HealthCheck.httpGet('/ready', { port: 8080 }) }))).toBe(
      '[test/shop/api] SecureDeployment prop \'addSidecarInitContainer(proxy).ports\' declares TCP 8080, which container \'app\' declares too; containers of one '
      + 'pod share one network namespace, so only one of them can listen on it.\nFix: give the sidecar a port of its own (and reach the other container on localhost at its port).');
  });

  test('a later sidecar may not take the sidecar init container\'s port', () => {
    const { ns } = shopAt('1.29');
    const d = api(ns);
    d.addSidecarInitContainer(proxy);
    expect(refusal(() => d.addContainer({ name: 'metrics', image: image('metrics'), ports: [{ name: 'metrics', port: 15001 }], readinessProbe: ready() }))).toBe(
      '[test/shop/api] SecureDeployment prop \'addContainer(metrics).ports\' declares TCP 15001, which container \'proxy\' declares too; containers of one '
      + 'pod share one network namespace, so only one of them can listen on it.\nFix: give the sidecar a port of its own (and reach the other container on localhost at its port).');
  });

  test('without probes and without a TCP port it is refused like any long-running container', () => {
    const { ns } = shopAt('1.29');
    expect(refusal(() => api(ns).addSidecarInitContainer({ name: 'shipper', image: image('shipper') }))).toBe(
      '[test/shop/api] SecureDeployment prop \'addSidecarInitContainer(shipper).readinessProbe\' is missing and the container declares no TCP port to check.\n'
      + 'Practice HK-WORKLOAD-020 (Readiness and liveness probes, distinct) refuses it.\n'
      + 'Fix: pass readinessProbe and livenessProbe (e.g. HealthCheck.exec([...])), or declare the port the process serves, '
      + 'or add exceptions: [{ practice: \'HK-WORKLOAD-020\', reason: \'…\' }].');
  });
});
