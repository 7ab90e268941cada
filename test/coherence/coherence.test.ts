import { ApiObject, Chart, Testing } from 'cdk8s';
import { coherenceProblems, EXTERNAL_REFERENCES_ANNOTATION } from '../../lib/coherence/coherence';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { RbacProfile } from '../../lib/rbac/rbac-profile';
import { ExternalSecret } from '../../lib/secrets/external-secret';
import { SecretStore, SecretStoreProvider } from '../../lib/secrets/secret-store';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { image, ready, shop, synthErrors } from '../workload/support';

const pod = (name: string, spec: any) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'a' }, spec });

describe('the app is coherent', () => {
  test('refuses two workloads with one workloadName', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'web', { image: image(), port: 8080, readinessProbe: ready(), workloadName: 'front' });
    new SecureDeployment(ns, 'web2', { image: image(), port: 8080, readinessProbe: ready(), workloadName: 'front' });
    const errors = synthErrors(chart);
    expect(errors[0]).toBe('[test/shop/web2/ServiceAccount] ServiceAccount shop/front (test/shop/web2/ServiceAccount) has the kind, namespace and '
      + 'name of ServiceAccount shop/front (test/shop/web/ServiceAccount); applied together, one silently replaces the other. '
      + 'Fix: give one of them another name (workloadName, name or the construct id).');
    expect(errors.map((e) => e.split(' ')[0])).toEqual([
      '[test/shop/web2/ServiceAccount]', '[test/shop/web2/Service]', '[test/shop/web2/NetworkPolicy]', '[test/shop/web2/PodDisruptionBudget]', '[test/shop/web2/Resource]',
    ]);
  });

  test('refuses two LockedNamespaces with one name', () => {
    const chart = Testing.chart();
    new LockedNamespace(chart, 'a', { name: 'shop', owner: 'shop-team' });
    new LockedNamespace(chart, 'b', { name: 'shop', owner: 'shop-team' });
    expect(synthErrors(chart)[0]).toBe('[test/b/Resource] Namespace shop (test/b/Resource) has the kind, namespace and name of Namespace shop '
      + '(test/a/Resource); applied together, one silently replaces the other. Fix: give one of them another name (workloadName, name or the construct id).');
  });

  test('refuses an RbacProfile whose ServiceAccount collides with a workload\'s', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'web', { image: image(), port: 8080, readinessProbe: ready() });
    new RbacProfile(ns, 'web-profile', { name: 'web' });
    expect(synthErrors(chart).filter((e) => e.includes('ServiceAccount shop/web'))[0])
      .toMatch(/^\[test\/shop\/web-profile\/[A-Za-z]+\] ServiceAccount shop\/web \(test\/shop\/web-profile\/[A-Za-z]+\) has the kind, namespace and name of ServiceAccount shop\/web \(test\/shop\/web\/ServiceAccount\); /);
  });

  test('refuses a SealedSecret and an ExternalSecret producing one Secret', () => {
    const objects = [
      { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'db', namespace: 'a' }, spec: { template: { metadata: { name: 'db' } } } },
      { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'db-ext', namespace: 'a' }, spec: { target: { name: 'db' } } },
    ];
    expect(coherenceProblems(objects).map((p) => p.message)).toEqual([
      'ExternalSecret a/db-ext produces Secret a/db, which SealedSecret a/db also produces; their controllers overwrite each other. Fix: give one of them another Secret name.',
    ]);
  });

  test('flags two names cut at 63 characters into one as a truncation collision', () => {
    const long = 'x'.repeat(63);
    const objects = [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: long, namespace: 'a' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: long, namespace: 'a' } },
    ];
    expect(coherenceProblems(objects).map((p) => p.message)).toEqual([
      `Service a/${long} has the kind, namespace and name of Service a/${long}; applied together, one silently replaces the other. `
      + 'The name is 63 characters long: a derived name was probably cut there, and two long names collided. '
      + 'Fix: give one of them another name (workloadName, name or the construct id).',
    ]);
  });

  test('one name in two namespaces, or in two API groups, is no duplicate', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'a' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'b' } },
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'x', namespace: 'a' } },
      { apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'AuthorizationPolicy', metadata: { name: 'x', namespace: 'a' } },
    ];
    expect(coherenceProblems(objects)).toEqual([]);
  });

  test('refuses an object without metadata.name', () => {
    expect(coherenceProblems([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'a' } }]).map((p) => p.message)).toEqual([
      'ConfigMap a/? has no metadata.name, which the API server requires; anything that refers to it by a generated name refers to nothing. Fix: give the construct a name.',
    ]);
  });

  test('a SecretStore created without a name has one, and the ExternalSecret refers to it', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'payments' });
    new ApiObject(chart, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'eso' } });
    const store = new SecretStore(chart, 'Store', { provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-west-1', serviceAccount: { name: 'eso' } }) });
    new ExternalSecret(chart, 'Db', { name: 'db', store, data: { password: { key: 'prod/db' } } });
    const objects = Testing.synth(chart);
    const storeObject = objects.find((o) => o.kind === 'SecretStore');
    expect(storeObject.metadata.name).toBe(store.secretStoreName);
    expect(objects.find((o) => o.kind === 'ExternalSecret').spec.secretStoreRef.name).toBe(store.secretStoreName);
  });

  test('refuses references that resolve to nothing: Secret, ConfigMap, ServiceAccount, claim, PriorityClass', () => {
    const objects = [pod('p', {
      serviceAccountName: 'runner',
      priorityClassName: 'batch-low',
      volumes: [{ name: 'cfg', configMap: { name: 'settings' } }, { name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'opt', secret: { secretName: 'x', optional: true } }],
      containers: [{ name: 'c', env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }] }],
    })];
    const tail = 'which the app does not define; applied alone, it waits or fails at run time. Fix: define it in the app, or record it as created elsewhere';
    const annotation = 'i.e. the annotation cdk8s-hardened.io/external-references:';
    expect(coherenceProblems(objects).map((p) => p.message)).toEqual([
      // A pod names its ServiceAccount only when written by hand (every workload construct creates its own): no construct way out.
      `Pod a/p refers (serviceAccountName) to ServiceAccount 'runner' in namespace 'a', ${tail}, ${annotation} "ServiceAccount/runner: <who creates it and why>".`,
      `Pod a/p refers (priorityClassName) to PriorityClass 'batch-low', ${tail} (use PriorityClass.fromName(name, reason)), ${annotation} "PriorityClass/batch-low: <who creates it and why>".`,
      `Pod a/p refers (volume "cfg") to ConfigMap 'settings' in namespace 'a', ${tail} (pass { createdElsewhere } to mountConfigMap), ${annotation} "ConfigMap/settings: <who creates it and why>".`,
      `Pod a/p refers (volume "data") to PersistentVolumeClaim 'data' in namespace 'a', ${tail} (pass { createdElsewhere } to mountVolumeClaim), ${annotation} `
        + '"PersistentVolumeClaim/data: <who creates it and why>".',
      `Pod a/p refers (container "c" env TOKEN) to Secret 'api' in namespace 'a', ${tail} (mount an ExistingSecret: new ExistingSecret(scope, id, { name, keys, createdElsewhere })), `
        + `${annotation} "Secret/api: <who creates it and why>".`,
    ]);
  });

  test('references resolve to objects of the app, Secrets its controllers produce, or recorded external ones', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'runner', namespace: 'a' } },
      { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'api', namespace: 'a' }, spec: {} },
      {
        ...pod('p', {
          serviceAccountName: 'runner',
          priorityClassName: 'system-cluster-critical',
          volumes: [{ name: 'cfg', configMap: { name: 'settings' } }],
          containers: [{ name: 'c', env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }] }],
        }),
        metadata: { name: 'p', namespace: 'a', annotations: { [EXTERNAL_REFERENCES_ANNOTATION]: 'ConfigMap/settings: written by the platform team\'s config sync (PLAT-4)' } },
      },
    ];
    expect(coherenceProblems(objects)).toEqual([]);
  });

  test('an external reference without a reason is not recorded', () => {
    const objects = [{
      ...pod('p', { volumes: [{ name: 'cfg', configMap: { name: 'settings' } }], containers: [{ name: 'c' }] }),
      metadata: { name: 'p', namespace: 'a', annotations: { [EXTERNAL_REFERENCES_ANNOTATION]: 'ConfigMap/settings' } },
    }];
    expect(coherenceProblems(objects)).toHaveLength(1);
  });

  test('a SecretStore refers to its ServiceAccount', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'payments' });
    new SecretStore(chart, 'Store', { name: 'aws', provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-west-1', serviceAccount: { name: 'eso' } }) });
    expect(synthErrors(chart)).toEqual([
      '[test/Store/Resource] SecretStore payments/aws (test/Store/Resource) refers (spec.provider serviceAccountRef) to ServiceAccount \'eso\' in namespace \'payments\', '
      + 'which the app does not define; applied alone, it waits or fails at run time. Fix: define it in the app, or record it as created elsewhere (give the provider serviceAccount: '
      + '{ name, createdElsewhere }), i.e. the annotation cdk8s-hardened.io/external-references: "ServiceAccount/eso: <who creates it and why>".',
    ]);
  });

  test('objects a LockedNamespace adopts are judged in that namespace', () => {
    const chart = Testing.chart();
    const ns = new LockedNamespace(chart, 'shop', { owner: 'shop-team' });
    new ApiObject(ns, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'eso' }, automountServiceAccountToken: false });
    new SecretStore(ns, 'Store', { name: 'aws', provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-west-1', serviceAccount: { name: 'eso' } }) });
    expect(Testing.synth(chart).find((o) => o.kind === 'ServiceAccount').metadata.namespace).toBe('shop');
  });
});
