import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { addShopGateway } from './gateway';
import { IngressController } from '../lib/ingress/ingress-controller';
import { IngressPathType, SecureIngress } from '../lib/ingress/secure-ingress';
import { CertIssuer, TlsSource } from '../lib/ingress/tls';
import { LockedNamespace, NamespaceMesh } from '../lib/namespace/locked-namespace';
import { HealthCheck } from '../lib/workload/probes';
import { SecureDeployment } from '../lib/workload/secure-deployment';

/** Digests of the example images (illustrative: resolve real ones with `crane digest`). */
const DIGEST = {
  web: 'sha256:3f1c5a3e0c1d4b6f9a7e2d8c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928',
  api: 'sha256:9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c4b3a',
  db: 'sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
};

/** The three tiers of the example and their namespace. */
export interface WebApiDb {
  readonly namespace: LockedNamespace;
  readonly web: SecureDeployment;
  readonly api: SecureDeployment;
  readonly db: SecureDeployment;
  /** The ingress controller the shop is reached through (ingress-nginx), described once. */
  readonly ingressController: IngressController;
  /** web's Ingress: shop.example.com over TLS from cert-manager. */
  readonly ingress: SecureIngress;
}

/**
 * web → api → db, and nothing else: the ingress controller reaches web through a SecureIngress (TLS from cert-manager),
 * web reaches api on 8080, api reaches db on 5432. Everything else is denied by the namespace default-deny and each
 * workload's own policy. With a mesh, the same graph becomes mTLS authorization by ServiceAccount, and the controller
 * is taken to be meshed too (its identity is what web admits).
 */
export function addWebApiDb(scope: Construct, options: { readonly mesh?: NamespaceMesh } = {}): WebApiDb {
  const namespace = new LockedNamespace(scope, 'shop', {
    owner: 'shop-team',
    allowedRegistries: ['registry.example.com/shop'],
    mesh: options.mesh ?? NamespaceMesh.NONE,
  });
  const db = new SecureDeployment(namespace, 'db', {
    image: `registry.example.com/shop/postgres:16.4@${DIGEST.db}`,
    port: 5432,
    // Ready when the server accepts queries; alive while it accepts connections (the default liveness check).
    readinessProbe: HealthCheck.exec(['pg_isready', '--host=127.0.0.1', '--port=5432']),
    writablePaths: [{ path: '/tmp' }, { path: '/var/run/postgresql' }],
  });
  const api = new SecureDeployment(namespace, 'api', {
    image: `registry.example.com/shop/api:1.4.2@${DIGEST.api}`,
    port: 8080,
    readinessProbe: HealthCheck.httpGet('/ready'),
    livenessProbe: HealthCheck.httpGet('/healthz'),
  });
  const web = new SecureDeployment(namespace, 'web', {
    image: `registry.example.com/shop/web:2.0.1@${DIGEST.web}`,
    port: 8080,
    readinessProbe: HealthCheck.httpGet('/'),
    livenessProbe: HealthCheck.httpGet('/healthz'),
  });
  api.allowFrom(web);
  db.allowFrom(api);
  const ingressController = IngressController.ingressNginx(scope, 'ingress-nginx', { mesh: options.mesh ?? NamespaceMesh.NONE, egressPolicyName: 'shop-routes' });
  const ingress = new SecureIngress(namespace, 'web-ingress', {
    name: 'web',
    controller: ingressController,
    tls: TlsSource.certManager(CertIssuer.clusterIssuer('letsencrypt')),
    rules: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: web }] }],
  });
  return { namespace, web, api, db, ingressController, ingress };
}

/** A chart holding the web → api → db example, reached through its Ingress and through the Gateway API variant. */
export class WebApiDbChart extends Chart {
  /** The example's workloads. */
  public readonly shop: WebApiDb;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.shop = addWebApiDb(this);
    addShopGateway(this, this.shop);
  }
}
