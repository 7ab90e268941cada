import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { ServiceType } from 'cdk8s-plus-28';
import { audit } from '../../lib/audit/audit';
import { IngressController } from '../../lib/ingress/ingress-controller';
import { IngressPathType, SecureIngress, SecureIngressProps } from '../../lib/ingress/secure-ingress';
import { CertIssuer, TlsSource } from '../../lib/ingress/tls';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { Manifest } from '../../lib/practices/manifest';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { image, ready, refusal } from '../workload/support';

function setup() {
  const chart = new Chart(Testing.app(), 'test');
  const nginx = IngressController.ingressNginx(chart, 'nginx');
  const shop = new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] });
  const web = new SecureDeployment(shop, 'web', { image: image('web'), readinessProbe: ready(), port: 8080 });
  const api = new SecureDeployment(shop, 'api', { image: image('api'), readinessProbe: ready(), ports: [{ port: 8080 }, { port: 9090, name: 'metrics' }] });
  return { chart, nginx, shop, web, api };
}

const byKind = (set: Manifest[], kind: string) => set.filter((m) => m.kind === kind);

describe('SecureIngress', () => {
  test('emits the Ingress, its Certificate, both NetworkPolicy ends, and audits clean', () => {
    const { chart, nginx, shop, web, api } = setup();
    web.allowFrom(api);
    new SecureIngress(shop, 'web-ingress', {
      name: 'web',
      controller: nginx,
      tls: TlsSource.certManager(CertIssuer.issuer('shop-ca'), { duration: undefined }),
      rules: [
        { host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: web }, { path: '/api', pathType: IngressPathType.PREFIX, backend: api, port: 8080 }] },
        { host: 'www.shop.example.com', paths: [{ path: '/', pathType: IngressPathType.EXACT, backend: web }] },
      ],
    });
    const set = Testing.synth(chart);
    const [ingress] = byKind(set, 'Ingress');
    expect(ingress.metadata!.annotations).toMatchObject({ 'nginx.ingress.kubernetes.io/ssl-redirect': 'true', 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com', 'www.shop.example.com'], secretName: 'web-tls' }],
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } },
              { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8080 } } } },
            ],
          },
        },
        { host: 'www.shop.example.com', http: { paths: [{ path: '/', pathType: 'Exact', backend: { service: { name: 'web', port: { number: 8080 } } } }] } },
      ],
    });
    expect(byKind(set, 'Certificate').map((c) => c.spec)).toEqual([{
      secretName: 'web-tls',
      dnsNames: ['shop.example.com', 'www.shop.example.com'],
      issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: 'shop-ca' },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['digital signature', 'server auth'],
    }]);
    const controllerPeer = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } },
    };
    const policy = (name: string) => set.find((m) => m.kind === 'NetworkPolicy' && m.metadata?.name === name)!;
    // api admits the controller on the routed 8080 only, never on 9090; web keeps its internal caller api.
    expect(policy('api').spec.ingress).toEqual([{ from: [controllerPeer], ports: [{ protocol: 'TCP', port: 8080 }] }]);
    expect(policy('web').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      { from: [controllerPeer], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
    expect(policy('test-routes')).toMatchObject({ metadata: { namespace: 'ingress-nginx' }, spec: { podSelector: { matchLabels: controllerPeer.podSelector.matchLabels }, policyTypes: ['Egress'] } });
    expect(policy('test-routes').spec.egress.map((r: any) => [r.to[0].podSelector.matchLabels['app.kubernetes.io/name'], r.ports])).toEqual([
      ['web', [{ protocol: 'TCP', port: 8080 }]],
      ['api', [{ protocol: 'TCP', port: 8080 }]],
    ]);
    expect(audit(set).findings).toEqual([]);
  });

  test('an existing TLS Secret emits no Certificate; cert-manager durations become Go durations', () => {
    const { chart, nginx, shop, web } = setup();
    new SecureIngress(shop, 'web-ingress', {
      controller: nginx,
      tls: TlsSource.existingSecret('shop-tls'),
      rules: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: web }] }],
    });
    const set = Testing.synth(chart);
    expect(byKind(set, 'Certificate')).toEqual([]);
    expect(byKind(set, 'Ingress')[0].spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]);
  });

  test('a wildcard host with a recorded exception is written, and the exception with it', () => {
    const { chart, nginx, shop, web } = setup();
    const reason = 'tenant subdomains are issued by the DNS-01 issuer (TICKET-9)';
    new SecureIngress(shop, 'web-ingress', {
      controller: nginx,
      tls: TlsSource.certManager(CertIssuer.clusterIssuer('dns01')),
      rules: [{ host: '*.shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: web }] }],
      exceptions: [{ practice: 'HK-NETWORK-007', reason }],
    });
    const set = Testing.synth(chart);
    expect(byKind(set, 'Ingress')[0].metadata!.annotations!['exceptions.cdk8s-hardened.io/HK-NETWORK-007']).toBe(reason);
    expect(audit(set).findings.map((f) => [f.practiceId, f.excepted])).toEqual([['HK-NETWORK-007', true]]);
  });
});

describe('SecureIngress checks itself', () => {
  test('fails synth when a raw patch drops the TLS section, under the path of the Ingress', () => {
    const { chart, nginx, shop, web } = setup();
    const ing = new SecureIngress(shop, 'web-ingress', {
      name: 'web',
      controller: nginx,
      tls: TlsSource.existingSecret('shop-tls'),
      rules: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: web }] }],
    });
    ApiObject.of(ing).addJsonPatch(JsonPatch.remove('/spec/tls'));
    let message = '';
    try {
      Testing.synth(chart);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'Validation failed with the following errors:',
      '  [test/shop/web-ingress/Resource] HK-NETWORK-007 (high) TLS on every Ingress host: host "shop.example.com" is not listed in any spec.tls[].hosts. '
      + 'Fix: List every host under spec.tls[].hosts with a secretName (or let cert-manager issue it via its issuer annotation); '
      + 'replace wildcard and empty hosts and any defaultBackend with explicit hosts.',
    ]);
  });
});

describe('SecureIngress refuses', () => {
  type Mutate = (p: any, s: ReturnType<typeof setup>) => any;
  const base = (s: ReturnType<typeof setup>): SecureIngressProps => ({
    controller: s.nginx,
    tls: TlsSource.certManager(CertIssuer.clusterIssuer('letsencrypt')),
    rules: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: s.web }] }],
  });
  const CASES: Array<[string, Mutate, string]> = [
    ['a wildcard host', (p) => ({ ...p, rules: [{ ...p.rules[0], host: '*.example.com' }] }),
      "[test/shop/ing] SecureIngress prop 'rules[0].host' is '*.example.com', a wildcard that answers for hosts nobody named.\nPractice HK-NETWORK-007 (TLS on every Ingress host) refuses it.\nFix: name each host, or add exceptions: [{ practice: 'HK-NETWORK-007', reason: '…' }] (a wildcard certificate needs a DNS-01 issuer)."],
    ['an empty host', (p) => ({ ...p, rules: [{ ...p.rules[0], host: '' }] }),
      "[test/shop/ing] SecureIngress prop 'rules[0].host' is \"\", so the rule would answer any host.\nPractice HK-NETWORK-007 (TLS on every Ingress host) refuses it.\nFix: name the host, e.g. 'shop.example.com'."],
    ['an IP host', (p) => ({ ...p, rules: [{ ...p.rules[0], host: '203.0.113.9' }] }),
      "[test/shop/ing] SecureIngress prop 'rules[0].host' is '203.0.113.9', not a lower-case DNS name.\nPractice HK-NETWORK-007 (TLS on every Ingress host) refuses it.\nFix: give a host name such as 'shop.example.com' (no IP address, port or upper case)."],
    ['no TLS source', (p) => ({ ...p, tls: undefined }),
      "[test/shop/ing] SecureIngress prop 'tls' is undefined, not a TlsSource.\nPractice HK-NETWORK-007 (TLS on every Ingress host) refuses it.\nFix: use TlsSource.certManager(CertIssuer.clusterIssuer('letsencrypt')) or TlsSource.existingSecret('shop-tls')."],
    ['a path type left to the controller', (p) => ({ ...p, rules: [{ ...p.rules[0], paths: [{ ...p.rules[0].paths[0], pathType: 'ImplementationSpecific' }] }] }),
      "[test/shop/ing] SecureIngress prop 'rules[0].paths[0].pathType' is \"ImplementationSpecific\".\nFix: use IngressPathType.PREFIX or IngressPathType.EXACT (ImplementationSpecific differs between controllers)."],
    ['a regular-expression path', (p) => ({ ...p, rules: [{ ...p.rules[0], paths: [{ ...p.rules[0].paths[0], path: '/api(/|$)(.*)' }] }] }),
      "[test/shop/ing] SecureIngress prop 'rules[0].paths[0].path' is \"/api(/|$)(.*)\", not an absolute path of letters, digits and / - . _ ~.\nFix: give a path such as '/' or '/api' (no regular expressions: ingress-nginx validates paths strictly)."],
    ['a backend that is not a library workload', (p) => ({ ...p, rules: [{ ...p.rules[0], paths: [{ ...p.rules[0].paths[0], backend: { name: 'web' } }] }] }),
      "[test/shop/ing] SecureIngress prop 'rules[0].paths[0].backend' is a Object, not a workload of the library.\nPractice HK-NETWORK-005 (Outside traffic enters only via the ingress controller) refuses it.\nFix: route to a SecureDeployment (or another secure workload with a Service); a Service made elsewhere carries no NetworkPolicy to admit the route."],
    ['an undeclared port', (p) => ({ ...p, rules: [{ ...p.rules[0], paths: [{ ...p.rules[0].paths[0], port: 9999 }] }] }),
      "[test/shop/ing] SecureIngress prop 'rules[0].paths[0].port' is 9999, not a TCP port workload 'web' declares (8080).\nPractice HK-NETWORK-004 (No blanket allow rules) refuses it.\nFix: route to a declared port."],
    ['no port for a workload with several', (p, s) => ({ ...p, rules: [{ ...p.rules[0], paths: [{ ...p.rules[0].paths[0], backend: s.api }] }] }),
      "[test/shop/ing] SecureIngress prop 'rules[0].paths[0].port' is missing, and workload 'api' declares several TCP ports (8080, 9090).\nPractice HK-NETWORK-004 (No blanket allow rules) refuses it.\nFix: name the routed port."],
    ['the same host twice', (p) => ({ ...p, rules: [p.rules[0], p.rules[0]] }),
      "[test/shop/ing] SecureIngress prop 'rules[1].host' is 'shop.example.com' again.\nPractice HK-NETWORK-007 (TLS on every Ingress host) refuses it.\nFix: list each host once, with all its paths."],
    ['no rules', (p) => ({ ...p, rules: [] }),
      "[test/shop/ing] SecureIngress prop 'rules' is [], which names no host.\nPractice HK-NETWORK-007 (TLS on every Ingress host) refuses it.\nFix: list each host with its paths: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: web }] }]."],
    ['a controller that serves no IngressClass', (p, s) => ({ ...p, controller: new IngressController(s.chart, 'gw-proxy', { namespace: 'edge', podLabels: { app: 'gw' }, serviceAccount: 'gw' }) }),
      "[test/shop/ing] SecureIngress prop 'controller' is IngressController 'test/gw-proxy', which serves no IngressClass.\nPractice HK-NETWORK-007 (TLS on every Ingress host) refuses it.\nFix: give the controller its ingressClassName (ingress-nginx: 'nginx')."],
  ];
  test.each(CASES)('%s', (_name, mutate, message) => {
    const s = setup();
    expect(refusal(() => new SecureIngress(s.shop, 'ing', mutate(base(s), s)))).toBe(message);
  });

  test('a backend whose Service is a NodePort', () => {
    const s = setup();
    const node = new SecureDeployment(s.shop, 'node', {
      image: image('node'), readinessProbe: ready(), port: 8080, serviceType: ServiceType.NODE_PORT, exceptions: [{ practice: 'HK-NETWORK-006', reason: 'bare-metal health checker (TICKET-5)' }],
    });
    const props = base(s);
    expect(refusal(() => new SecureIngress(s.shop, 'ing', { ...props, rules: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: node }] }] }))).toBe(
      "[test/shop/ing] SecureIngress prop 'rules[0].paths[0].backend' is workload 'node', whose Service is NodePort.\nPractice HK-NETWORK-006 (ClusterIP only: no NodePort, LoadBalancer, externalIPs) refuses it.\nFix: route to workloads whose Service is ClusterIP: the controller is the only way in, and a NodePort or LoadBalancer bypasses it.");
  });

  test('backends of another namespace', () => {
    const s = setup();
    const other = new LockedNamespace(s.chart, 'other', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] });
    const admin = new SecureDeployment(other, 'admin', { image: image('admin'), readinessProbe: ready(), port: 8080 });
    expect(refusal(() => new SecureIngress(s.shop, 'ing', { ...base(s), rules: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: admin }] }] }))).toBe(
      "[test/shop/ing] SecureIngress prop 'namespace' is 'shop', but the backends run in 'other'.\nPractice HK-NETWORK-005 (Outside traffic enters only via the ingress controller) refuses it.\nFix: create the SecureIngress in the backends' namespace (an Ingress reaches only Services of its own namespace).");
  });

  test('an IngressController without pod labels', () => {
    const chart = new Chart(Testing.app(), 'test');
    expect(refusal(() => new IngressController(chart, 'c', { namespace: 'ingress-nginx', podLabels: {}, serviceAccount: 'x', ingressClassName: 'nginx' }))).toBe(
      "[test/c] IngressController prop 'podLabels' is {}, which does not name the controller's pods.\nPractice HK-NETWORK-005 (Outside traffic enters only via the ingress controller) refuses it.\nFix: give the labels of the controller pods, e.g. { 'app.kubernetes.io/name': 'ingress-nginx' }.");
  });
});
