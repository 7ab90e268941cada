import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { image, ready, shop } from './support';
import { SecureGateway } from '../../lib/gateway/secure-gateway';
import { IngressController } from '../../lib/ingress/ingress-controller';
import { IngressPathType, SecureIngress } from '../../lib/ingress/secure-ingress';
import { CertIssuer, TlsSource } from '../../lib/ingress/tls';
import { SecureCronJob } from '../../lib/workload/secure-cron-job';
import { SecureDeployment } from '../../lib/workload/secure-deployment';

/** The synth-time errors of `chart`, each without cdk8s's indentation. */
function synthErrors(chart: Chart): string[] {
  try {
    Testing.synth(chart);
  } catch (e) {
    const [head, ...rest] = (e as Error).message.split('\n  [');
    expect(head).toBe('Validation failed with the following errors:');
    return rest.map((r) => `[${r}`);
  }
  throw new Error('expected synth to fail, but it succeeded');
}

const idle = (path: string, construct: string, index: number, id: string, title: string) => `[${path}] ${construct} prop 'exceptions[${index}]' `
  + `records an exception to ${id} (${title}), but nothing the ${construct} renders breaks it.\n`
  + 'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
  + 'Fix: remove the exception, so a later change that needs it is judged again.';

describe('an exception that excuses nothing is refused by every construct that takes exceptions', () => {
  test('SecureDeployment: an exception to a practice its output keeps is refused, naming the index and the practice', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'api', {
      image: image(),
      port: 8080,
      readinessProbe: ready(),
      readOnlyRootFilesystem: false,
      exceptions: [
        { practice: 'HK-WORKLOAD-009', reason: 'legacy CMS writes its cache under /var/www (TICKET-412)' },
        { practice: 'HK-IMAGE-001', reason: 'the vendor publishes tags only (TICKET-9)' },
      ],
    });
    expect(synthErrors(chart)).toEqual([idle('test/shop/api', 'SecureDeployment', 1, 'HK-IMAGE-001', 'Pin every image by digest')]);
  });

  test('SecureCronJob: a replicas exception on a batch pod excuses nothing', () => {
    const { chart, ns } = shop();
    new SecureCronJob(ns, 'report', {
      image: image('report'),
      schedule: '30 2 * * *',
      exceptions: [{ practice: 'HK-WORKLOAD-021', reason: 'single primary, restored from backups (TICKET-1)' }],
    });
    expect(synthErrors(chart)).toEqual([idle('test/shop/report', 'SecureCronJob', 0, 'HK-WORKLOAD-021', 'Disruption budget, ≥2 replicas, spread')]);
  });

  test('an exception the construct used to relax a refusal is kept', () => {
    const { chart, ns } = shop();
    const api = new SecureDeployment(ns, 'api', {
      image: image(),
      port: 8080,
      readinessProbe: ready(),
      replicas: 1,
      exceptions: [{ practice: 'HK-WORKLOAD-021', reason: 'single primary, restored from backups (TICKET-1)' }],
    });
    const deployment = Testing.synth(chart).find((m) => m.kind === 'Deployment')!;
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.metadata.annotations['exceptions.cdk8s-hardened.io/HK-WORKLOAD-021']).toBe('single primary, restored from backups (TICKET-1)');
    expect(api.name).toBe('api');
  });

  test('an exception that excuses what a raw patch added is kept: the audit of the patched output excepts the breach', () => {
    const { chart, ns } = shop();
    const api = new SecureDeployment(ns, 'api', {
      image: image(),
      port: 8080,
      readinessProbe: ready(),
      exceptions: [{ practice: 'HK-WORKLOAD-009', reason: 'legacy CMS writes its cache under /var/www (TICKET-412)' }],
    });
    ApiObject.of(api).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem', false));
    const deployment = Testing.synth(chart).find((m) => m.kind === 'Deployment')!;
    expect(deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
  });

  test('SecureIngress: a wildcard-host exception without a wildcard host is refused', () => {
    const { chart, ns } = shop();
    const nginx = IngressController.ingressNginx(chart, 'nginx');
    const web = new SecureDeployment(ns, 'web', { image: image('web'), readinessProbe: ready(), port: 8080 });
    new SecureIngress(ns, 'web-ingress', {
      name: 'web',
      controller: nginx,
      tls: TlsSource.certManager(CertIssuer.issuer('shop-ca')),
      rules: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: web }] }],
      exceptions: [{ practice: 'HK-NETWORK-007', reason: 'wildcard certificate from the DNS-01 issuer (NET-7)' }],
    });
    expect(synthErrors(chart)).toEqual([idle('test/shop/web-ingress', 'SecureIngress', 0, 'HK-NETWORK-007', 'TLS on every Ingress host')]);
  });

  test('SecureGateway: the same, for listeners that name every host', () => {
    const chart = new Chart(Testing.app(), 'test');
    const proxy = new IngressController(chart, 'proxy', { namespace: 'edge', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' }, serviceAccount: 'public-istio' });
    new SecureGateway(chart, 'public', {
      namespace: 'edge',
      gatewayClassName: 'istio',
      proxy,
      tls: TlsSource.certManager(CertIssuer.clusterIssuer('letsencrypt')),
      listeners: [{ name: 'shop', hostname: 'shop.example.com' }],
      allowedRouteNamespaces: ['shop'],
      exceptions: [{ practice: 'HK-NETWORK-007', reason: 'wildcard certificate from the DNS-01 issuer (NET-7)' }],
    });
    expect(synthErrors(chart)).toEqual([idle('test/public', 'SecureGateway', 0, 'HK-NETWORK-007', 'TLS on every Ingress host')]);
  });
});
