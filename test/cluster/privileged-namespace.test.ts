import { ApiObject, Testing } from 'cdk8s';
import { PrivilegedNamespace } from '../../lib/cluster/privileged-namespace';
import { ImmutableConfigMap } from '../../lib/workload/config-map';

function agents(): { chart: ReturnType<typeof Testing.chart>; ns: PrivilegedNamespace } {
  const chart = Testing.chart();
  const ns = new PrivilegedNamespace(chart, 'agents', { name: 'node-agents', owner: 'platform-team', reason: 'node agents read host logs, read-only' });
  return { chart, ns };
}

describe('what is created inside a PrivilegedNamespace lands in it', () => {
  test('a ConfigMap of its agents (it had no namespace at all, so it went wherever kubectl pointed)', () => {
    const { chart, ns } = agents();
    const config = new ImmutableConfigMap(ns, 'agent-config', { data: { 'agent.yaml': 'level: info\n' } });
    const cm = Testing.synth(chart).find((o) => o.kind === 'ConfigMap' && o.metadata.name === config.name)!;
    expect(cm.metadata.namespace).toBe('node-agents');
  });

  test('an object naming another namespace fails synth', () => {
    const { chart, ns } = agents();
    new ApiObject(ns, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'other' } });
    expect(() => Testing.synth(chart)).toThrow(new Error('Validation failed with the following errors:\n  [test/agents] ConfigMap test/agents/cm is created inside '
      + "PrivilegedNamespace 'node-agents' but sets namespace 'other'; create it outside the PrivilegedNamespace, or drop its namespace."));
  });

  test('cluster-scoped objects are left alone', () => {
    const { chart, ns } = agents();
    new ApiObject(ns, 'pc', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'agents' }, value: 1000 });
    expect(Testing.synth(chart).find((o) => o.kind === 'PriorityClass')!.metadata.namespace).toBeUndefined();
  });
});
