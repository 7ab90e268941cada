import { Chart, Testing } from 'cdk8s';
import { HardenedError } from '../../lib/errors';
import { LockedNamespace, NamespaceMesh } from '../../lib/namespace/locked-namespace';
import { Manifest, POD_KINDS } from '../../lib/practices/manifest';
import { HealthCheck } from '../../lib/workload/probes';

/** A digest-pinned image in the namespace's allowed registry. */
export function image(name = 'api', tag = '1.0.0'): string {
  return `registry.example.com/shop/${name}:${tag}@sha256:${'c'.repeat(64)}`;
}

/** A chart with a LockedNamespace 'shop' (registry allow-list, optional mesh) to create workloads in. */
export function shop(mesh: NamespaceMesh = NamespaceMesh.NONE): { chart: Chart; ns: LockedNamespace } {
  const chart = new Chart(Testing.app(), 'test');
  const ns = new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'], mesh });
  return { chart, ns };
}

/** Every pod-bearing object of a synthesized set. */
export function workloads(manifests: Manifest[]): Manifest[] {
  return manifests.filter((m) => POD_KINDS.includes(m.kind ?? ''));
}

/** The message of the HardenedError `fn` throws; fails the test when it throws anything else or nothing. */
export function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (HardenedError.isHardenedError(e)) return e.message;
    throw e;
  }
  throw new Error('expected a HardenedError, but nothing was thrown');
}

/** A readiness check of the application itself, so the default TCP liveness check differs from it (HK-WORKLOAD-020). */
export function ready(): HealthCheck {
  return HealthCheck.httpGet('/ready');
}

/** The synth-time validation errors of a chart (without cdk8s's header line), or a failure when synth succeeds. */
export function synthErrors(chart: Chart): string[] {
  try {
    Testing.synth(chart);
  } catch (e) {
    const [head, ...lines] = (e as Error).message.split('\n');
    expect(head).toBe('Validation failed with the following errors:');
    return lines.map((l) => l.replace(/^ {2}/, ''));
  }
  throw new Error('expected synth to fail, but it succeeded');
}
