import { ApiObject, Testing } from 'cdk8s';
import { Cpu, ServiceType } from 'cdk8s-plus-28';
import { admissionProblems } from '../../lib/admission-sim/admission';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { image, ready, shop, synthErrors } from '../workload/support';

describe('admission simulated at synth', () => {
  test('refuses a pod whose SYS_ADMIN exception the restricted LockedNamespace would refuse, naming both sides', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'web', {
      image: image(),
      port: 8080,
      readinessProbe: ready(),
      addCapabilities: ['SYS_ADMIN'],
      exceptions: [{ practice: 'HK-WORKLOAD-007', reason: 'FUSE mount for the legacy importer (OPS-9)' }],
    });
    expect(synthErrors(chart)).toEqual([
      '[test/shop/web/Resource] Deployment shop/web (test/shop/web/Resource) would be refused by Pod Security Admission: '
      + 'Namespace shop (test/shop/Resource) enforces \'restricted\' (v1.28), which its pods break on capabilities_baseline, capabilities_restricted '
      + '(its recorded exceptions HK-WORKLOAD-007 excuse the audit, not Pod Security Admission). '
      + 'Fix: change the workload so its pods meet \'restricted\', or run it where Pod Security enforces \'privileged\': they break \'baseline\' too '
      + '(capabilities_baseline), so only a PrivilegedNamespace, with its reason, admits them (a LockedNamespace is relaxed to \'baseline\' at the lowest).',
    ]);
  });

  test('refuses a NodePort Service the LockedNamespace quota forbids (services.nodeports: 0)', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'edge', {
      image: image(),
      port: 8080,
      readinessProbe: ready(),
      serviceType: ServiceType.NODE_PORT,
      exceptions: [{ practice: 'HK-NETWORK-006', reason: 'bare-metal entry point, see NET-3' }],
    });
    expect(synthErrors(chart)).toEqual([
      '[test/shop/edge/Service] Service shop/edge (test/shop/edge/Service) of type NodePort would be refused by ResourceQuota shop/quota '
      + '(test/shop/Quota): it needs 1 node port(s), and the quota allows services.nodeports: 0. '
      + 'Fix: keep the Service ClusterIP and expose it through an Ingress or a Gateway, or relax the namespace with its own recorded exception: '
      + 'LockedNamespace quota.nodePorts: 1 with exceptions: [{ practice: \'HK-NAMESPACE-003\', reason: \'…\' }].',
    ]);
  });

  test('refuses a container above the LimitRange maximum', () => {
    const chart = Testing.chart();
    const ns = new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'], limits: { max: { cpu: '1' } } });
    new SecureDeployment(ns, 'batch', { image: image(), port: 8080, readinessProbe: ready(), resources: { cpu: { request: Cpu.millis(500), limit: Cpu.units(2) } } });
    expect(synthErrors(chart)).toEqual([
      '[test/shop/batch/Resource] Deployment shop/batch (test/shop/batch/Resource) would be refused by its namespace\'s LimitRange: '
      + 'container "app" limits.cpu 2 is above the max 1 of LimitRange shop/limits (test/shop/Limits). '
      + 'Fix: give the container limits.cpu at most 1, or change the namespace\'s limits (LockedNamespace prop limits.max).',
    ]);
  });

  test('refuses replicas × requests beyond the quota, counting the rolling-update surge', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready(), replicas: 6, resources: { cpu: { request: Cpu.millis(600), limit: Cpu.units(1) } } });
    expect(synthErrors(chart)).toEqual([
      '[test/shop/Quota] ResourceQuota shop/quota (test/shop/Quota) allows requests.cpu: 4, but the app\'s workloads need 4200m at full scale: '
      + 'Deployment shop/api (test/shop/api/Resource) 7 × 600m (6 replica(s) + 1 surge pod(s) during a rolling update); '
      + 'the pods past the quota are refused (a rollout stalls, an HPA cannot scale out). '
      + 'Fix: lower replicas, maxReplicas or requests, or raise the quota (LockedNamespace prop quota).',
    ]);
  });

  test('an HPA\'s maxReplicas counts instead of replicas', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'a' }, spec: { hard: { 'requests.memory': '1Gi' } } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'w', namespace: 'a' },
        spec: { replicas: 1, strategy: { type: 'Recreate' }, template: { spec: { containers: [{ name: 'c', resources: { requests: { memory: '256Mi' } } }] } } },
      },
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'w', namespace: 'a' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'w' }, maxReplicas: 5 } },
    ];
    expect(admissionProblems(objects).map((p) => p.message)).toEqual([
      'ResourceQuota a/q allows requests.memory: 1Gi, but the app\'s workloads need 1280Mi at full scale: Deployment a/w 5 × 256Mi (maxReplicas 5 of '
      + 'HorizontalPodAutoscaler w); the pods past the quota are refused (a rollout stalls, an HPA cannot scale out). '
      + 'Fix: lower replicas, maxReplicas or requests, or raise the quota (LockedNamespace prop quota).',
    ]);
  });

  test('the first HPA scaling a workload counts; one scaling another kind of the same name does not', () => {
    const hpa = (name: string, kind: string, maxReplicas: number) => ({
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name, namespace: 'a' }, spec: { scaleTargetRef: { kind, name: 'w' }, maxReplicas },
    });
    const objects = [
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'a' }, spec: { hard: { 'requests.memory': '1Gi' } } },
      hpa('other-kind', 'StatefulSet', 9),
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'w', namespace: 'a' },
        spec: { replicas: 1, strategy: { type: 'Recreate' }, template: { spec: { containers: [{ name: 'c', resources: { requests: { memory: '256Mi' } } }] } } },
      },
      hpa('first', 'Deployment', 6),
      hpa('second', 'Deployment', 2),
    ];
    expect(admissionProblems(objects).map((p) => p.message)).toEqual([
      'ResourceQuota a/q allows requests.memory: 1Gi, but the app\'s workloads need 1536Mi at full scale: Deployment a/w 6 × 256Mi (maxReplicas 6 of '
      + 'HorizontalPodAutoscaler first); the pods past the quota are refused (a rollout stalls, an HPA cannot scale out). '
      + 'Fix: lower replicas, maxReplicas or requests, or raise the quota (LockedNamespace prop quota).',
    ]);
  });

  test('judges every workload of a namespace against each quota key, listing them only when the quota is exceeded', () => {
    const deployment = (name: string, memory: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'a' },
      spec: { replicas: 1, strategy: { type: 'Recreate' }, template: { spec: { containers: [{ name: 'c', resources: { requests: { memory, cpu: '100m' } } }] } } },
    });
    const objects = [
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'a' }, spec: { hard: { 'requests.cpu': '1', 'requests.memory': '1Gi' } } },
      deployment('x', '512Mi'),
      deployment('y', '768Mi'),
    ];
    expect(admissionProblems(objects).map((p) => p.message)).toEqual([
      'ResourceQuota a/q allows requests.memory: 1Gi, but the app\'s workloads need 1280Mi at full scale: Deployment a/x 1 × 512Mi (1 replica(s)), '
      + 'Deployment a/y 1 × 768Mi (1 replica(s)); the pods past the quota are refused (a rollout stalls, an HPA cannot scale out). '
      + 'Fix: lower replicas, maxReplicas or requests, or raise the quota (LockedNamespace prop quota).',
    ]);
  });

  test('refuses a container with no request where the quota tracks it and no LimitRange gives a default', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'a' }, spec: { hard: { 'limits.cpu': '2' } } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers: [{ name: 'c' }] } },
    ];
    expect(admissionProblems(objects).map((p) => p.message)).toEqual([
      'Pod a/p would be refused by ResourceQuota a/q: the quota tracks limits.cpu, so every container needs limits.cpu, and one of its containers '
      + 'has none and the namespace gives no default. Fix: set limits.cpu on every container, or give the namespace a LimitRange default (a LockedNamespace has one).',
    ]);
  });

  test('refuses more objects than a count quota allows, counting the kube-root-ca.crt ConfigMap', () => {
    const chart = Testing.chart();
    new LockedNamespace(chart, 'shop', { owner: 'shop-team', quota: { configMaps: 1 } });
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' } });
    expect(synthErrors(chart)).toEqual([
      '[test/shop/Quota] ResourceQuota shop/quota (test/shop/Quota) allows count/configmaps: 1, but the app puts 2 in namespace \'shop\' '
      + '(counting the kube-root-ca.crt ConfigMap the cluster adds); the API server refuses the ones past the quota. '
      + 'Fix: raise the quota (LockedNamespace prop quota) or move objects to another namespace.',
    ]);
  });

  test('refuses a claim above the LimitRange\'s largest claim', () => {
    const chart = Testing.chart();
    new LockedNamespace(chart, 'shop', { owner: 'shop-team' });
    new ApiObject(chart, 'pvc', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'shop' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } } },
    });
    expect(synthErrors(chart)).toEqual([
      '[test/pvc] PersistentVolumeClaim shop/data (test/pvc) would be refused by its namespace\'s LimitRange: claim "data" requests storage 100Gi, '
      + 'above the max 50Gi of LimitRange shop/limits (test/shop/Limits). Fix: request at most 50Gi, or raise the namespace\'s largest claim '
      + '(LockedNamespace prop limits.maxClaimStorage).',
    ]);
  });

  test('admits the default SecureDeployment in a LockedNamespace', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'web', { image: image(), port: 8080, readinessProbe: ready() });
    expect(Testing.synth(chart).length).toBeGreaterThan(0);
  });
});
