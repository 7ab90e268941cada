import { Testing } from 'cdk8s';
import { audit } from '../../lib/audit/audit';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { HardenedNodePool } from '../../lib/nodes/hardened-node-pool';

const LABEL = { key: 'node.example.com/image', value: 'cis-al2023' };
const TAINT = { key: 'node.example.com/hardened', value: 'true' };

function refusal(build: (chart: ReturnType<typeof Testing.chart>) => void): string {
  try {
    build(Testing.chart());
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('HardenedNodePool', () => {
  test('gives workloads its node selector and the toleration of its taint', () => {
    const pool = new HardenedNodePool(Testing.chart(), 'pool', { nodeLabel: LABEL, taint: TAINT });
    expect(pool.nodeSelector).toEqual({ 'node.example.com/image': 'cis-al2023' });
    expect(pool.tolerations).toEqual([{ key: 'node.example.com/hardened', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
    expect(new HardenedNodePool(Testing.chart(), 'p', { nodeLabel: LABEL }).tolerations).toEqual([]);
  });

  test('requireIn writes the requirement on the namespace, and the audit then judges its workloads (HK-CLUSTER-007)', () => {
    const chart = Testing.chart();
    const ns = new LockedNamespace(chart, 'payments', { owner: 'payments-team' });
    new HardenedNodePool(chart, 'pool', { nodeLabel: LABEL, taint: TAINT }).requireIn(ns);
    const objects = Testing.synth(chart);
    const namespace = objects.find((o) => o.kind === 'Namespace');
    expect(namespace.metadata.annotations['cdk8s-hardened.io/node-pool']).toBe('node.example.com/image=cis-al2023');
    const unpinned = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: namespace.metadata.name }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    const findings = audit([...objects, unpinned]).findings.filter((f) => f.practiceId === 'HK-CLUSTER-007');
    expect(findings.map((f) => f.message)).toEqual([`is not pinned to node pool node.example.com/image=cis-al2023, which namespace ${namespace.metadata.name} requires`]);
  });

  test('refuses a bad label or taint', () => {
    expect(refusal((c) => new HardenedNodePool(c, 'pool', { nodeLabel: { key: 'bad key', value: 'x' } }))).toBe(
      '[test/pool] HardenedNodePool prop \'nodeLabel.key\' is \'bad key\', not a label key.\n'
      + 'Fix: give { key: \'node.example.com/image\', value: \'cis-al2023\' }.');
    expect(refusal((c) => new HardenedNodePool(c, 'pool', { nodeLabel: { key: 'k', value: '' } }))).toBe(
      '[test/pool] HardenedNodePool prop \'nodeLabel.value\' is \'\', not a non-empty label value.\n'
      + 'Fix: give { key: \'node.example.com/image\', value: \'cis-al2023\' }.');
    expect(refusal((c) => new HardenedNodePool(c, 'pool', { nodeLabel: null } as any))).toBe(
      '[test/pool] HardenedNodePool prop \'nodeLabel\' is null, not { key, value }.\n'
      + 'Fix: give { key: \'node.example.com/image\', value: \'cis-al2023\' }.');
    expect(refusal((c) => new HardenedNodePool(c, 'pool', { nodeLabel: LABEL, taint: { ...TAINT, effect: 'PreferNoSchedule' as any } }))).toBe(
      '[test/pool] HardenedNodePool prop \'taint.effect\' is "PreferNoSchedule", not NoSchedule or NoExecute.\n'
      + 'Fix: use NoSchedule (or NoExecute to evict pods already running).');
  });

  test('refuses two pools for one namespace', () => {
    expect(refusal((c) => {
      const ns = new LockedNamespace(c, 'payments', { owner: 'payments-team' });
      new HardenedNodePool(c, 'a', { nodeLabel: LABEL }).requireIn(ns);
      new HardenedNodePool(c, 'b', { nodeLabel: { key: LABEL.key, value: 'other' } }).requireIn(ns);
    })).toMatch(/^\[test\/b\] HardenedNodePool prop 'requireIn\(ns\)' names namespace '[a-z0-9-]+', which already requires node pool 'node\.example\.com\/image=cis-al2023'\.\n/);
  });
});
