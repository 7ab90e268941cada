import { Testing } from 'cdk8s';
import { benchmarkFor, CIS_BENCHMARK_EXCEPTIONS, CisBenchmark, CisBenchmarkProps } from '../../lib/cluster/cis-benchmark';
import { KubernetesTarget } from '../../lib/target/kubernetes-target';
import { errorOf, newChart } from '../backup/support';

const IMAGE = 'docker.io/aquasec/kube-bench:v0.15.6@sha256:' + 'd'.repeat(64);

function synth(overrides: Partial<CisBenchmarkProps> = {}): any[] {
  const { chart } = newChart();
  if (overrides.kubernetesVersion) KubernetesTarget.set(chart, overrides.kubernetesVersion);
  new CisBenchmark(chart, 'cis', { owner: 'platform-team', image: IMAGE, ...overrides });
  return Testing.synth(chart);
}

describe('CisBenchmark', () => {
  const objs = synth({ controlPlane: true });
  const crons = objs.filter((o) => o.kind === 'CronJob');

  test('HK-CLUSTER-005: kube-bench pinned by digest with the benchmark of the target version, per target', () => {
    expect(crons.map((c) => c.metadata.name)).toEqual(['kube-bench-node', 'kube-bench-control-plane']);
    const pod = crons[0].spec.jobTemplate.spec.template.spec;
    expect(pod.containers[0].image).toBe(IMAGE);
    expect(pod.containers[0].command[2]).toContain('kube-bench run --targets node --benchmark cis-1.10 --json --outputfile "$f"');
    expect(crons[1].spec.jobTemplate.spec.template.spec.nodeSelector).toEqual({ 'node-role.kubernetes.io/control-plane': '' });
  });

  test('each CronJob\'s instance label is its name (Polaris metadataAndInstanceMismatched)', () => {
    expect(crons.map((c) => c.metadata.labels['app.kubernetes.io/instance'])).toEqual(['kube-bench-node', 'kube-bench-control-plane']);
  });

  test('HK-CLUSTER-005: hostPID and read-only host paths only; no API token', () => {
    const pod = crons[0].spec.jobTemplate.spec.template.spec;
    expect(pod.hostPID).toBe(true);
    expect([pod.hostNetwork, pod.hostIPC]).toEqual([false, false]);
    expect(pod.volumes.find((v: any) => v.hostPath?.path === '/srv/kubernetes').hostPath).toEqual({ path: '/srv/kubernetes' });
    expect(pod.automountServiceAccountToken).toBe(false);
    const hostVolumes = pod.volumes.filter((v: any) => v.hostPath).map((v: any) => v.name);
    const mounts = pod.containers[0].volumeMounts.filter((m: any) => hostVolumes.includes(m.name));
    expect(mounts.length).toBe(hostVolumes.length);
    for (const m of mounts) expect(m.readOnly).toBe(true);
  });

  test('results are kept on a volume per target', () => {
    expect(objs.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name)).toEqual(['cis-results-node', 'cis-results-control-plane']);
  });

  test('HK-AUDIT-003: every relaxation is recorded with its reason, in a namespace of its own', () => {
    for (const c of crons) {
      expect(c.metadata.namespace).toBe('cis-benchmark');
      for (const e of CIS_BENCHMARK_EXCEPTIONS) expect(c.metadata.annotations[`exceptions.cdk8s-hardened.io/${e.practice}`]).toBe(e.reason);
    }
  });

  test('benchmarks follow kube-bench\'s version mapping', () => {
    expect(['1.28', 'v1.29', '1.31.2', '1.32', '1.34', '1.35'].map(benchmarkFor)).toEqual(['cis-1.10', 'cis-1.11', 'cis-1.11', 'cis-1.12', 'cis-1.12', undefined]);
  });

  test('snapshot', () => {
    expect(objs).toMatchSnapshot();
  });

  test('refuses a version the mapping does not cover', () => {
    expect(errorOf(() => synth({ kubernetesVersion: '1.35' }))).toBe(
      '[test/cis] CisBenchmark prop \'kubernetesVersion\' is \'1.35\', which the kube-bench version mapping does not cover.\n'
      + 'Practice HK-CLUSTER-005 (Scheduled CIS benchmark job) refuses it.\n'
      + 'Fix: give benchmark explicitly (a directory under kube-bench cfg/, e.g. \'cis-1.12\' or \'eks-1.5.0\').');
  });

  test('refuses an image pinned only by tag', () => {
    expect(errorOf(() => synth({ image: 'docker.io/aquasec/kube-bench:latest' }))).toBe(
      '[test/cis] CisBenchmark prop \'image\' is \'docker.io/aquasec/kube-bench:latest\', not a fully qualified image pinned by digest.\n'
      + 'Practice HK-IMAGE-001 (Pin every image by digest) refuses it.\n'
      + 'Fix: give \'<registry>/<repository>[:tag]@sha256:<64 hex digits>\', e.g. \'registry.k8s.io/etcd:3.6.4-0@sha256:…\'.');
  });
});
