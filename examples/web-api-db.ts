import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
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
}

/**
 * web → api → db, and nothing else: the ingress controller reaches web, web reaches api on 8080, api reaches db on
 * 5432. Everything else is denied by the namespace default-deny and each workload's own policy. With a mesh, the
 * same graph becomes mTLS authorization by ServiceAccount.
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
  web.allowFromIngressController({ mesh: options.mesh ?? NamespaceMesh.NONE });
  api.allowFrom(web);
  db.allowFrom(api);
  return { namespace, web, api, db };
}

/** A chart holding only the web → api → db example. */
export class WebApiDbChart extends Chart {
  /** The example's workloads. */
  public readonly shop: WebApiDb;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.shop = addWebApiDb(this);
  }
}
