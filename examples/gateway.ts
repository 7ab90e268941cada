import { Construct } from 'constructs';
import { WebApiDb } from './web-api-db';
import { CertIssuer, IngressController, NamespaceMesh, RoutePathType, SecureGateway, SecureHttpRoute, TlsSource } from 'cdk8s-hardened';

/**
 * The Gateway API variant of the shop's entry: the platform's Gateway `public` in namespace `edge` (Istio's Gateway
 * API implementation deploys its proxy pods there, labelled with the Gateway's name and running as `public-istio`)
 * serves shop.example.com over HTTPS only, redirects plain HTTP, and admits routes from `shop` alone; the shop's
 * HTTPRoute attaches across namespaces and reaches web on its declared port.
 */
export function addShopGateway(
  scope: Construct, shop: WebApiDb, options: { readonly mesh?: NamespaceMesh } = {},
): { gateway: SecureGateway; route: SecureHttpRoute } {
  const proxy = new IngressController(scope, 'public-gateway-proxy', {
    namespace: 'edge',
    podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' },
    serviceAccount: 'public-istio',
    mesh: options.mesh ?? NamespaceMesh.NONE,
    egressPolicyName: 'shop-routes',
  });
  const gateway = new SecureGateway(scope, 'public', {
    namespace: 'edge',
    gatewayClassName: 'istio',
    proxy,
    tls: TlsSource.certManager(CertIssuer.clusterIssuer('letsencrypt')),
    listeners: [{ name: 'shop', hostname: 'shop.example.com' }],
    allowedRouteNamespaces: [shop.namespace.name],
  });
  const route = new SecureHttpRoute(shop.namespace, 'web-route', {
    name: 'web',
    gateway,
    hostnames: ['shop.example.com'],
    rules: [{ path: '/', pathType: RoutePathType.PATH_PREFIX, backend: shop.web }],
  });
  return { gateway, route };
}
