import { Chart, Testing } from 'cdk8s';
import { audit } from '../../lib/audit/audit';
import { SecureGateway, SecureGatewayProps } from '../../lib/gateway/secure-gateway';
import { GrpcRouteRule, SecureGrpcRoute } from '../../lib/gateway/secure-grpc-route';
import { RoutePathType, SecureHttpRoute } from '../../lib/gateway/secure-http-route';
import { IngressController } from '../../lib/ingress/ingress-controller';
import { CertIssuer, TlsSource } from '../../lib/ingress/tls';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { Manifest } from '../../lib/practices/manifest';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { image, ready, refusal } from '../workload/support';

function setup(props: Partial<SecureGatewayProps> = {}) {
  const chart = new Chart(Testing.app(), 'test');
  const proxy = new IngressController(chart, 'proxy', { namespace: 'edge', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' }, serviceAccount: 'public-istio' });
  const gateway = new SecureGateway(chart, 'public', {
    namespace: 'edge',
    gatewayClassName: 'istio',
    proxy,
    tls: TlsSource.certManager(CertIssuer.clusterIssuer('letsencrypt')),
    listeners: [{ name: 'shop', hostname: 'shop.example.com' }, { name: 'api', hostname: 'api.example.com' }],
    allowedRouteNamespaces: ['shop', 'cart'],
    ...props,
  });
  const shop = new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] });
  const web = new SecureDeployment(shop, 'web', { image: image('web'), readinessProbe: ready(), port: 8080 });
  return { chart, proxy, gateway, shop, web };
}

const kind = (set: Manifest[], k: string) => set.filter((m) => m.kind === k);

describe('SecureGateway', () => {
  test('HTTPS listeners with certificateRefs, a redirect-only HTTP listener, routes from named namespaces only', () => {
    const { chart } = setup();
    const set = Testing.synth(chart);
    const [gw] = kind(set, 'Gateway');
    const fromNamed = { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['cart', 'shop'] }] } } };
    const kinds = [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }, { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' }];
    const tls = { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'public-tls' }] };
    expect([gw.apiVersion, gw.metadata!.namespace, gw.spec]).toEqual(['gateway.networking.k8s.io/v1', 'edge', {
      gatewayClassName: 'istio',
      listeners: [
        { name: 'shop', hostname: 'shop.example.com', port: 443, protocol: 'HTTPS', tls, allowedRoutes: { ...fromNamed, kinds } },
        { name: 'api', hostname: 'api.example.com', port: 443, protocol: 'HTTPS', tls, allowedRoutes: { ...fromNamed, kinds } },
        { name: 'http-redirect', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' }, kinds: [kinds[0]] } },
      ],
    }]);
    expect(kind(set, 'HTTPRoute').map((r) => [r.metadata!.name, r.spec])).toEqual([['public-http-redirect', {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', sectionName: 'http-redirect' }],
      hostnames: ['shop.example.com', 'api.example.com'],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    }]]);
    expect(kind(set, 'Certificate').map((c) => [c.metadata!.namespace, c.spec.dnsNames, c.spec.secretName])).toEqual([['edge', ['shop.example.com', 'api.example.com'], 'public-tls']]);
    expect(audit(set).findings).toEqual([]);
  });

  test('without the redirect listener there is no HTTP listener at all', () => {
    const { chart } = setup({ httpRedirect: false });
    const set = Testing.synth(chart);
    expect(kind(set, 'Gateway')[0].spec.listeners.map((l: any) => l.protocol)).toEqual(['HTTPS', 'HTTPS']);
    expect(kind(set, 'HTTPRoute')).toEqual([]);
  });

  const REFUSALS: Array<[string, Partial<SecureGatewayProps>, string]> = [
    ['no allowed namespaces (never All)', { allowedRouteNamespaces: [] },
      "[test/public] SecureGateway prop 'allowedRouteNamespaces' is [], which names no namespace.\nPractice HK-NETWORK-012 (Gateway listeners admit routes only from named namespaces) refuses it.\nFix: name each namespace whose routes may attach, e.g. ['shop'] (never all namespaces)."],
    ['a listener without hostname', { listeners: [{ hostname: undefined as any }] },
      "[test/public] SecureGateway prop 'listeners[0].hostname' is undefined, not a lower-case DNS name.\nPractice HK-NETWORK-007 (TLS on every Ingress host) refuses it.\nFix: name the host, e.g. 'shop.example.com' (a listener without hostname answers any host)."],
    ['a wildcard listener', { listeners: [{ hostname: '*.example.com' }] },
      "[test/public] SecureGateway prop 'listeners[0].hostname' is '*.example.com', a wildcard that answers for hosts nobody named.\nPractice HK-NETWORK-007 (TLS on every Ingress host) refuses it.\nFix: name each host, or add exceptions: [{ practice: 'HK-NETWORK-007', reason: '…' }] (a wildcard certificate needs a DNS-01 issuer)."],
    ['an HTTPS listener on port 80', { listeners: [{ hostname: 'shop.example.com', port: 80 }] },
      "[test/public] SecureGateway prop 'listeners[0].port' is 80, the plain-HTTP port the redirect listener uses.\nPractice HK-NETWORK-011 (Gateway listeners serve HTTPS only; plain HTTP only redirects) refuses it.\nFix: serve HTTPS on 443."],
    ['no listener', { listeners: [] },
      "[test/public] SecureGateway prop 'listeners' is [], which names no HTTPS listener.\nPractice HK-NETWORK-011 (Gateway listeners serve HTTPS only; plain HTTP only redirects) refuses it.\nFix: give at least one listener: [{ hostname: 'shop.example.com' }]."],
  ];
  test.each(REFUSALS)('refuses %s', (_name, props, message) => {
    expect(refusal(() => setup(props))).toBe(message);
  });
});

describe('SecureHttpRoute', () => {
  test('attaches across namespaces by sectionName, routes to web, sets HSTS, admits the proxy on 8080, audits clean', () => {
    const { chart, gateway, shop, web } = setup();
    new SecureHttpRoute(shop, 'web-route', { name: 'web', gateway, hostnames: ['shop.example.com'], rules: [{ path: '/', pathType: RoutePathType.PATH_PREFIX, backend: web }] });
    const set = Testing.synth(chart);
    const route = kind(set, 'HTTPRoute').find((r) => r.metadata!.namespace === 'shop')!;
    expect(route.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'edge', sectionName: 'shop' }],
      hostnames: ['shop.example.com'],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' }] } }],
        backendRefs: [{ group: '', kind: 'Service', name: 'web', port: 8080 }],
      }],
    });
    expect(set.find((m) => m.kind === 'NetworkPolicy' && m.metadata?.name === 'web')!.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } }, podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }]);
    expect(audit(set).findings).toEqual([]);
  });

  test('a backend in another namespace gets a ReferenceGrant naming its one Service, in its namespace', () => {
    const { chart, gateway, web } = setup();
    const cart = new LockedNamespace(chart, 'cart', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] });
    new SecureHttpRoute(cart, 'route', { gateway, hostnames: ['shop.example.com'], rules: [{ path: '/', pathType: RoutePathType.PATH_PREFIX, backend: web }] });
    const set = Testing.synth(chart);
    expect(kind(set, 'ReferenceGrant').map((g) => [g.apiVersion, g.metadata!.namespace, g.spec])).toEqual([['gateway.networking.k8s.io/v1', 'shop', {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'cart' }],
      to: [{ group: '', kind: 'Service', name: 'web' }],
    }]]);
    expect(kind(set, 'HTTPRoute').find((r) => r.metadata!.namespace === 'cart')!.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'web', namespace: 'shop', port: 8080 }]);
    expect(audit(set).findings).toEqual([]);
  });

  test('refuses a route from a namespace the Gateway does not admit', () => {
    const { chart, gateway, web } = setup();
    const blog = new LockedNamespace(chart, 'blog', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] });
    expect(refusal(() => new SecureHttpRoute(blog, 'r', { gateway, hostnames: ['shop.example.com'], rules: [{ path: '/', pathType: RoutePathType.PATH_PREFIX, backend: web }] }))).toBe(
      "[test/blog/r] SecureHttpRoute prop 'gateway' is Gateway 'edge/public', which admits routes only from 'cart', 'shop', not from 'blog'.\nPractice HK-NETWORK-012 (Gateway listeners admit routes only from named namespaces) refuses it.\nFix: add 'blog' to the Gateway's allowedRouteNamespaces; the Gateway would never attach this route.");
  });

  test('refuses a hostname no listener serves', () => {
    const { gateway, shop, web } = setup();
    expect(refusal(() => new SecureHttpRoute(shop, 'r', { gateway, hostnames: ['blog.example.com'], rules: [{ path: '/', pathType: RoutePathType.PATH_PREFIX, backend: web }] }))).toBe(
      "[test/shop/r] SecureHttpRoute prop 'hostnames[0]' is 'blog.example.com', which no HTTPS listener of Gateway 'edge/public' serves (shop.example.com, api.example.com).\nPractice HK-NETWORK-011 (Gateway listeners serve HTTPS only; plain HTTP only redirects) refuses it.\nFix: add a listener for the host to the Gateway, or route a host it serves.");
  });

  test('refuses a route without hostnames', () => {
    const { gateway, shop, web } = setup();
    expect(refusal(() => new SecureHttpRoute(shop, 'r', { gateway, hostnames: [], rules: [{ path: '/', pathType: RoutePathType.PATH_PREFIX, backend: web }] }))).toBe(
      "[test/shop/r] SecureHttpRoute prop 'hostnames' is [], so the route would answer every host of the Gateway.\nPractice HK-NETWORK-007 (TLS on every Ingress host) refuses it.\nFix: name the hosts, e.g. ['shop.example.com'].");
  });
});

describe('SecureGrpcRoute', () => {
  test('matches the service exactly and routes to the workload on its declared port', () => {
    const { chart, gateway, shop } = setup();
    const cart = new SecureDeployment(shop, 'cart', { image: image('cart'), readinessProbe: ready(), port: 9000 });
    const rules: GrpcRouteRule[] = [{ service: 'shop.v1.Cart', backend: cart }, { service: 'shop.v1.Admin', method: 'Ping', backend: cart }];
    new SecureGrpcRoute(shop, 'cart-route', { name: 'cart', gateway, hostnames: ['api.example.com'], rules });
    const set = Testing.synth(chart);
    const [route] = kind(set, 'GRPCRoute');
    expect([route.apiVersion, route.spec]).toEqual(['gateway.networking.k8s.io/v1', {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'edge', sectionName: 'api' }],
      hostnames: ['api.example.com'],
      rules: [
        { matches: [{ method: { type: 'Exact', service: 'shop.v1.Cart' } }], backendRefs: [{ group: '', kind: 'Service', name: 'cart', port: 9000 }] },
        { matches: [{ method: { type: 'Exact', service: 'shop.v1.Admin', method: 'Ping' } }], backendRefs: [{ group: '', kind: 'Service', name: 'cart', port: 9000 }] },
      ],
    }]);
    expect(audit(set).findings).toEqual([]);
  });

  test('refuses a rule without a service', () => {
    const { gateway, shop, web } = setup();
    expect(refusal(() => new SecureGrpcRoute(shop, 'r', { gateway, hostnames: ['api.example.com'], rules: [{ service: '', backend: web }] }))).toBe(
      "[test/shop/r] SecureGrpcRoute prop 'rules[0].service' is \"\", not a gRPC service name.\nFix: give the fully qualified service, e.g. 'shop.v1.Cart' (every rule names one, so no route matches everything).");
  });
});
