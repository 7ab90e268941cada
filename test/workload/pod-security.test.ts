import { ApiObject, Chart, Testing } from 'cdk8s';
import { everyKind } from './kinds';
import { image, shop, workloads, ready } from './support';
import { addWebApiDb } from '../../examples/web-api-db';
import { NamespaceMesh } from '../../lib/namespace/locked-namespace';
import { Manifest, podMetaOf, podSpecOf } from '../../lib/practices/manifest';
import { hardenedPodSpec } from '../../lib/workload/pod-spec';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { evaluatePss } from '../support/pss';

function everyVariant(): Manifest[] {
  const sets: Manifest[][] = [];
  for (const mesh of [NamespaceMesh.NONE, NamespaceMesh.ISTIO, NamespaceMesh.ISTIO_AMBIENT, NamespaceMesh.LINKERD]) {
    const chart = new Chart(Testing.app(), 'psa');
    addWebApiDb(chart, { mesh });
    sets.push(Testing.synth(chart));
  }
  const { chart, ns } = shop();
  const d = new SecureDeployment(ns, 'full', {
    image: image(), port: 8080, readinessProbe: ready(), userNamespaces: true, serviceAccountToken: { audience: 'vault', reason: 'reads leases from Vault (TICKET-7)' },
  });
  d.addContainer({ name: 'proxy', image: image('proxy'), port: 9000, readinessProbe: ready() });
  d.addInitContainer({ name: 'migrate', image: image('migrate'), command: ['/migrate'] });
  d.mountSecret({ secretName: 'db', keys: ['password'], node: ns.node } as any, '/etc/secrets/db');
  new ApiObject(chart, 'db', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' } });
  sets.push(Testing.synth(chart));
  return sets.flat();
}

describe('Pod Security Standards (independent evaluator, test/support/pss.ts)', () => {
  const pods = workloads(everyVariant());

  test('covers every variant: per mesh the shop\'s Deployments, StatefulSet, CronJob, log agent and restore drill', () => {
    expect(pods.length).toBe(25);
    expect([...new Set(pods.map((p) => p.kind))].sort()).toEqual(['CronJob', 'DaemonSet', 'Deployment', 'StatefulSet']);
  });

  test.each([['v1.28', { minor: 28 }], ['latest', 'latest' as const]])('every pod template passes restricted at %s, but the recorded host path of the log agent', (_name, version) => {
    for (const w of pods) {
      const recorded = w.metadata?.annotations?.['exceptions.cdk8s-hardened.io/HK-WORKLOAD-011'] !== undefined;
      expect([w.metadata?.name, evaluatePss(podMetaOf(w), podSpecOf(w), 'restricted', version)])
        .toEqual([w.metadata?.name, recorded && w.metadata?.name === 'log-agent' ? ['hostPathVolumes', 'restrictedVolumes'] : []]);
    }
  });

  test('the evaluator is not vacuous: a pod the builder would never emit fails', () => {
    const spec = podSpecOf(pods[0]);
    const escalating = { ...spec.containers[0].securityContext, allowPrivilegeEscalation: true };
    const broken = { ...spec, containers: [{ ...spec.containers[0], securityContext: escalating }] };
    expect(evaluatePss({}, broken, 'restricted', { minor: 28 })).toEqual(['allowPrivilegeEscalation']);
  });
});

describe('Pod Security Standards for every pod template kind', () => {
  const pods = workloads(Testing.synth(everyKind().chart));

  test('covers a Deployment, a Job, a CronJob and a DaemonSet', () => {
    expect(pods.map((p) => p.kind).sort()).toEqual(['CronJob', 'DaemonSet', 'Deployment', 'Job']);
  });

  test.each([['v1.28', { minor: 28 }], ['latest', 'latest' as const]])('each passes restricted at %s, but for the recorded host path of the agent', (_name, version) => {
    const verdicts = pods.map((w) => [w.kind, w.metadata?.name, evaluatePss(podMetaOf(w), podSpecOf(w), 'restricted', version)]);
    expect(verdicts).toEqual([
      ['Deployment', 'api', []],
      ['Job', 'migrate', []],
      ['CronJob', 'report', []],
      ['DaemonSet', 'log-agent', ['hostPathVolumes', 'restrictedVolumes']],
    ]);
    const agent = pods.find((p) => p.kind === 'DaemonSet')!;
    expect(agent.metadata?.annotations?.['exceptions.cdk8s-hardened.io/HK-WORKLOAD-011']).toBeDefined();
  });
});

describe('hardenedPodSpec', () => {
  const options = {
    serviceAccountName: 'a',
    labels: { 'app.kubernetes.io/name': 'a' },
    annotations: {},
    selector: { 'app.kubernetes.io/name': 'a' },
    runAsUser: 65532,
    runAsGroup: 65532,
    fsGroup: 65532,
    seccomp: { type: 'RuntimeDefault' as const },
    userNamespaces: false,
    containers: [{
      name: 'app',
      image: image(),
      imagePullPolicy: 'Always' as const,
      ports: [],
      env: {},
      secretEnv: [],
      resources: { requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' }, limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '256Mi' } },
      probes: {},
      runAsUser: 65532,
      runAsGroup: 65532,
      addCapabilities: [],
      seccomp: { type: 'RuntimeDefault' as const },
      readOnlyRootFilesystem: true,
      writablePaths: [{ path: '/tmp', sizeLimit: '64Mi' }, { path: '/var/cache/app', sizeLimit: '1Gi' }],
      secrets: [{ secretName: 'db', path: '/etc/db' }],
      mountToken: false,
    }],
    initContainers: [],
    restartPolicy: 'OnFailure' as const,
    terminationGracePeriodSeconds: 30,
  };

  test('is pure: the same options give the same pod, and the options are not mutated', () => {
    const before = JSON.stringify(options);
    expect(JSON.stringify(hardenedPodSpec(options))).toBe(JSON.stringify(hardenedPodSpec(options)));
    expect(JSON.stringify(options)).toBe(before);
  });

  test('turns writable paths into size-limited emptyDirs and Secrets into 0400 read-only volumes', () => {
    const { podSpec } = hardenedPodSpec(options);
    expect(podSpec.volumes).toEqual([
      { name: 'app-tmp', emptyDir: { sizeLimit: expect.objectContaining({ value: '64Mi' }) } },
      { name: 'app-var-cache-app', emptyDir: { sizeLimit: expect.objectContaining({ value: '1Gi' }) } },
      { name: 'secret-db', secret: { secretName: 'db', defaultMode: 256, optional: false } },
    ]);
    expect(podSpec.containers[0].volumeMounts).toEqual([
      { name: 'secret-db', mountPath: '/etc/db', readOnly: true },
      { name: 'app-tmp', mountPath: '/tmp', readOnly: false },
      { name: 'app-var-cache-app', mountPath: '/var/cache/app', readOnly: false },
    ]);
  });

  test('spreads only replicated pods', () => {
    expect(hardenedPodSpec(options).podSpec.affinity).toBeUndefined();
    expect(hardenedPodSpec({ ...options, spread: { zones: true } }).podSpec.topologySpreadConstraints).toHaveLength(2);
  });
});
