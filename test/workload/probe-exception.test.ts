import { Testing } from 'cdk8s';
import { image, shop } from './support';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureDeployment } from '../../lib/workload/secure-deployment';

describe('HK-WORKLOAD-020 relaxed by its recorded exception, as the refusal offers', () => {
  test('identical readiness and liveness checks are kept, the exception recorded and mirrored for kube-score', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'api', {
      image: image(),
      port: 8080,
      readinessProbe: HealthCheck.httpGet('/healthz'),
      livenessProbe: HealthCheck.httpGet('/healthz'),
      exceptions: [{ practice: 'HK-WORKLOAD-020', reason: 'vendor app serves one health endpoint only (OPS-31)' }],
    });
    const deployment = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    const container = deployment.spec.template.spec.containers[0];
    expect([container.readinessProbe.httpGet.path, container.livenessProbe.httpGet.path]).toEqual(['/healthz', '/healthz']);
    expect(deployment.metadata.annotations['exceptions.cdk8s-hardened.io/HK-WORKLOAD-020']).toBe('vendor app serves one health endpoint only (OPS-31)');
    expect(deployment.metadata.annotations['kube-score/ignore']).toBe('pod-probes,pod-probes-identical');
  });
});
