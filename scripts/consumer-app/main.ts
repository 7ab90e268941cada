// The app `npm run test:consumer` writes into a fresh `cdk8s init typescript-app` project: it is compiled by that
// template's own tsc and tsconfig, tested by its own Jest config and synthesized by `cdk8s synth`.
import { App, Chart } from 'cdk8s';
// eslint-disable-next-line import/no-extraneous-dependencies -- a dependency of the template's app, not of the library
import * as kplus from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import {
  EncryptedSecret,
  HardenedAudit,
  HealthCheck,
  LockedNamespace,
  RbacProfile,
  SecretValue,
  SecureDeployment,
  SopsRecipient,
} from 'cdk8s-hardened';

/** The development-only age key of the cdk8s-hardened repository (examples/dev-age-key.txt). */
export const AGE_RECIPIENT = 'age1a0q56e4anpdpdjpe95we73hl36upgg6ptavtknqgf8pcv9uy9c2smrdgh6';

const DIGEST = 'sha256:4b8e2a1f0c3d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f';

/** A locked namespace with web → api, a CI identity that may only roll the api out, and a cdk8s-plus-33 ConfigMap. */
export class ShopChart extends Chart {
  public readonly api: SecureDeployment;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const shop = new LockedNamespace(this, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com/shop'] });
    const ready = HealthCheck.httpGet('/ready');
    this.api = new SecureDeployment(shop, 'api', { image: `registry.example.com/shop/api:1.4.2@${DIGEST}`, port: 8080, readinessProbe: ready });
    const web = new SecureDeployment(shop, 'web', { image: `registry.example.com/shop/web:2.0.1@${DIGEST}`, port: 8080, readinessProbe: ready });
    web.allowFromIngressController();
    this.api.allowFrom(web);
    const ci = new RbacProfile(shop, 'ci-deployer');
    ci.rolloutDeployments(['api']);
    // The template's own cdk8s-plus-33 in the same chart, judged by the same audit.
    new kplus.ConfigMap(this, 'settings', {
      metadata: { namespace: 'shop', labels: { 'app.kubernetes.io/name': 'settings', 'app.kubernetes.io/part-of': 'shop' } },
      data: { LOG_LEVEL: 'info' },
      immutable: true,
    });
  }
}

/** Builds the whole app: the chart, and the api's database password as a SOPS file of its own. */
export function buildApp(app: App): ShopChart {
  HardenedAudit.enable(app);
  const chart = new ShopChart(app, 'shop');
  const db = new EncryptedSecret(app, 'db-credentials', {
    name: 'db-credentials',
    namespace: 'shop',
    labels: { 'app.kubernetes.io/part-of': 'shop' }, // its own chart: name the namespace's application (HK-NAMESPACE-005)
    stringData: { password: SecretValue.fromEnv('DB_PASSWORD') },
    recipients: [SopsRecipient.age(AGE_RECIPIENT)],
  });
  chart.api.mountSecret(db, '/etc/secrets/db');
  return chart;
}

async function main(): Promise<void> {
  const app = new App();
  buildApp(app);
  await EncryptedSecret.prepareAll(app);
  app.synth();
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
