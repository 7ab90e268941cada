/**
 * Objects the app references but another party creates (a certificate cert-manager issues, the platform's CA bundle, a
 * pre-provisioned claim, the operator's IRSA ServiceAccount): synth refuses the reference unless the construct records
 * who creates it, and the record lands in the manifest as the external-references annotation.
 */
import { Chart, Testing } from 'cdk8s';
import { ConfigMap } from 'cdk8s-plus-28';
import { image, ready, refusal, shop, synthErrors } from './support';
import { ExistingSecret } from '../../lib/secrets/existing-secret';
import { SecretStore, SecretStoreProvider } from '../../lib/secrets/secret-store';
import { ImmutableConfigMap } from '../../lib/workload/config-map';
import { PriorityClass } from '../../lib/workload/priority-class';
import { SecureDeployment } from '../../lib/workload/secure-deployment';

const ANNOTATION = 'cdk8s-hardened.io/external-references';
const CA_REASON = 'copied into every namespace by trust-manager (PLAT-12)';

function deploymentOf(chart: Chart): any {
  return Testing.synth(chart).find((m) => m.kind === 'Deployment');
}

describe('a Secret created elsewhere', () => {
  test('an ExistingSecret mounts as read-only files and records who creates it', () => {
    const { chart, ns } = shop();
    const api = new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready() });
    api.mountSecret(new ExistingSecret(ns, 'ca', { name: 'platform-ca', keys: ['ca.crt'], createdElsewhere: CA_REASON }), '/etc/platform-ca');
    const d = deploymentOf(chart);
    expect(d.metadata.annotations[ANNOTATION]).toBe(`Secret/platform-ca: ${CA_REASON}`);
    expect(d.spec.template.spec.volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'platform-ca', defaultMode: 0o400 }) }));
  });

  test('with a PriorityClass defined elsewhere too: one line per reference', () => {
    const { chart, ns } = shop();
    const api = new SecureDeployment(ns, 'api', {
      image: image(), port: 8080, readinessProbe: ready(), priorityClass: PriorityClass.fromName('platform-high', 'created by the platform baseline (PLAT-3)'),
    });
    api.mountSecret(new ExistingSecret(ns, 'ca', { name: 'platform-ca', keys: ['ca.crt'], createdElsewhere: CA_REASON }), '/etc/platform-ca');
    expect(deploymentOf(chart).metadata.annotations[ANNOTATION]).toBe(`PriorityClass/platform-high: created by the platform baseline (PLAT-3)\nSecret/platform-ca: ${CA_REASON}`);
  });

  test('read as an environment variable under a recorded HK-SECRETS-005 exception: recorded too', () => {
    const { chart, ns } = shop();
    const token = new ExistingSecret(ns, 'token', { name: 'vendor-token', keys: ['token'], createdElsewhere: 'provisioned by the vendor onboarding job (VEND-9)' });
    new SecureDeployment(ns, 'api', {
      image: image(),
      port: 8080,
      readinessProbe: ready(),
      secretEnv: { VENDOR_TOKEN: { secret: token, key: 'token' } },
      exceptions: [{ practice: 'HK-SECRETS-005', reason: 'the vendor SDK reads its token from the environment only' }],
    });
    expect(deploymentOf(chart).metadata.annotations[ANNOTATION]).toBe('Secret/vendor-token: provisioned by the vendor onboarding job (VEND-9)');
  });

  test('refused: a short reason, no keys, a bad name, keys that are not a list', () => {
    const { ns } = shop();
    expect(refusal(() => new ExistingSecret(ns, 'a', { name: 'platform-ca', keys: ['ca.crt'], createdElsewhere: 'tm' }))).toBe(
      "[test/shop/a] ExistingSecret prop 'createdElsewhere' is \"tm\", not a reason of at least 10 characters.\n"
      + 'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
      + "Fix: say who creates the Secret, e.g. 'issued by cert-manager (Certificate api-tls)'.");
    expect(refusal(() => new ExistingSecret(ns, 'b', { name: 'platform-ca', keys: [], createdElsewhere: CA_REASON }))).toBe(
      "[test/shop/b] ExistingSecret prop 'keys' is empty.\nFix: list the keys the Secret holds, e.g. ['ca.crt'].");
    expect(refusal(() => new ExistingSecret(ns, 'c', { name: 'Platform_CA', keys: ['ca.crt'], createdElsewhere: CA_REASON }))).toBe(
      "[test/shop/c] ExistingSecret prop 'name' is \"Platform_CA\", not a Secret name.\nFix: use lowercase letters, digits, '-' and '.', e.g. 'platform-ca'.");
    expect(refusal(() => new ExistingSecret(ns, 'd', { name: 'platform-ca', keys: ['ca.crt', 7 as any], createdElsewhere: CA_REASON }))).toBe(
      "[test/shop/d] ExistingSecret prop 'keys' holds 7, not a Secret key.\nFix: use letters, digits, '-', '_' and '.'.");
    expect(refusal(() => new ExistingSecret(ns, 'e', { name: 'platform-ca', keys: 'ca.crt' as any, createdElsewhere: CA_REASON }))).toBe(
      "[test/shop/e] ExistingSecret prop 'keys' is \"ca.crt\", not a list of keys.\nFix: list the keys the Secret holds, e.g. ['ca.crt'].");
  });

  test('a record of an object the app defines is refused: it would mislead the reviewer about who owns it', () => {
    const { chart, ns } = shop();
    new ImmutableConfigMap(ns, 'settings', { data: { 'a.conf': 'x' } });
    const api = new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready() });
    const name = (ns.node.findChild('settings') as ImmutableConfigMap).name;
    api.mountConfigMap(ConfigMap.fromConfigMapName(ns, 'by-name', name), '/etc/settings', { createdElsewhere: 'published by the platform (PLAT-5)' });
    expect(synthErrors(chart)).toEqual([
      `[test/shop/api/Resource] Deployment shop/api (test/shop/api/Resource) records ConfigMap '${name}' as created elsewhere (${ANNOTATION}), but the app defines it. `
      + "Fix: drop the createdElsewhere reason and reference the app's ConfigMap.",
    ]);
  });
});

describe('a ConfigMap or claim created elsewhere', () => {
  test('refused without a reason, recorded with one', () => {
    const bare = shop();
    new SecureDeployment(bare.ns, 'api', { image: image(), port: 8080, readinessProbe: ready() })
      .mountConfigMap(ConfigMap.fromConfigMapName(bare.ns, 'bundle', 'trust-bundle'), '/etc/trust');
    expect(synthErrors(bare.chart)).toEqual([
      "[test/shop/api/Resource] Deployment shop/api (test/shop/api/Resource) refers (volume \"config-trust-bundle\") to ConfigMap 'trust-bundle' in namespace 'shop', "
      + 'which the app does not define; applied alone, it waits or fails at run time. Fix: define it in the app, or record it as created elsewhere (pass '
      + `{ createdElsewhere } to mountConfigMap), i.e. the annotation ${ANNOTATION}: "ConfigMap/trust-bundle: <who creates it and why>".`,
    ]);

    const { chart, ns } = shop();
    const api = new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready() });
    api.mountConfigMap(ConfigMap.fromConfigMapName(ns, 'bundle', 'trust-bundle'), '/etc/trust', { createdElsewhere: 'published by trust-manager (PLAT-12)' });
    api.mountVolumeClaim('reports', '/reports', { readOnly: true, createdElsewhere: 'provisioned by the storage team (STOR-4)' });
    expect(deploymentOf(chart).metadata.annotations[ANNOTATION]).toBe(
      'ConfigMap/trust-bundle: published by trust-manager (PLAT-12)\nPersistentVolumeClaim/reports: provisioned by the storage team (STOR-4)');
  });

  test('two different reasons for one object are refused', () => {
    const { ns } = shop();
    const api = new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready() });
    api.addContainer({ name: 'sidecar', image: image('sidecar'), port: 9000, readinessProbe: ready() });
    api.mountVolumeClaim('reports', '/reports', { readOnly: true, createdElsewhere: 'provisioned by the storage team (STOR-4)' });
    expect(refusal(() => api.mountVolumeClaim('reports', '/reports', { container: 'sidecar', readOnly: true, createdElsewhere: 'someone else made it' }))).toBe(
      "[test/shop/api] SecureDeployment prop 'mountVolumeClaim(options.createdElsewhere)' gives PersistentVolumeClaim/reports a second reason (\"someone else made it\"; "
      + 'first: "provisioned by the storage team (STOR-4)").\nPractice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\nFix: give one reason for one object.');
  });

  test('a short reason is refused where it is given', () => {
    const { ns } = shop();
    const api = new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready() });
    expect(refusal(() => api.mountConfigMap(ConfigMap.fromConfigMapName(ns, 'bundle', 'trust-bundle'), '/etc/trust', { createdElsewhere: 42 as any }))).toBe(
      "[test/shop/api] SecureDeployment prop 'mountConfigMap(options.createdElsewhere)' is 42, not a reason of at least 10 characters.\n"
      + 'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
      + "Fix: say who creates ConfigMap/trust-bundle, e.g. 'issued by cert-manager (Certificate api-tls)'.");
  });
});

describe('a SecretStore\'s ServiceAccount created elsewhere', () => {
  test('recorded on the SecretStore', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'payments' });
    new SecretStore(chart, 'Store', {
      name: 'aws',
      provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-west-1', serviceAccount: { name: 'eso', createdElsewhere: 'created by the platform team with its IRSA role (PLAT-7)' } }),
    });
    const store = Testing.synth(chart).find((m) => m.kind === 'SecretStore')!;
    expect(store.metadata.annotations[ANNOTATION]).toBe('ServiceAccount/eso: created by the platform team with its IRSA role (PLAT-7)');
  });

  test('a short reason is refused', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'payments' });
    expect(refusal(() => new SecretStore(chart, 'Store', {
      name: 'aws',
      provider: SecretStoreProvider.vault({ server: 'https://vault.example.com', path: 'secret', role: 'payments', serviceAccount: { name: 'eso', createdElsewhere: 'IRSA' } }),
    }))).toBe("[test/Store] SecretStore prop 'provider.serviceAccount.createdElsewhere' is \"IRSA\", not a reason of at least 10 characters.\n"
      + 'Practice HK-SECRETS-004 (External Secrets: scoped store, owned target, bounded refresh) refuses it.\n'
      + "Fix: say who creates the ServiceAccount, e.g. 'created by the platform team with its IRSA role (PLAT-7)'");
  });
});

test('a reason written over several lines stays one entry of the annotation', () => {
  const { chart, ns } = shop();
  const api = new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready() });
  api.mountVolumeClaim('reports', '/reports', { readOnly: true, createdElsewhere: 'provisioned by\nthe storage team\n(STOR-4)' });
  expect(deploymentOf(chart).metadata.annotations[ANNOTATION]).toBe('PersistentVolumeClaim/reports: provisioned by the storage team (STOR-4)');
});
