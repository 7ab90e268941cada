import { audit } from '../../lib/audit/audit';
import { Manifest } from '../../lib/practices/manifest';
import { parseSopsYaml } from '../../lib/secrets/sops/yaml-tree';
import { BILLION_LAUGHS } from '../yaml/bombs';

const deployment = (name: string, annotations: Record<string, string> = {}): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'demo', annotations },
  spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } },
});

const NAMESPACE_FACTS = ['HK-NETWORK-001', 'HK-NETWORK-002', 'HK-NAMESPACE-003', 'HK-NAMESPACE-004'];

describe('namespace-level facts on third-party YAML', () => {
  test('are reported once per namespace, on its first workload, naming the others', () => {
    const set = Array.from({ length: 12 }, (_, i) => deployment(`svc-${i}`));
    const findings = audit(set).findings.filter((f) => NAMESPACE_FACTS.includes(f.practiceId));
    expect(findings.map((f) => [f.practiceId, f.object.name])).toEqual(NAMESPACE_FACTS.map((id) => [id, 'svc-0']));
    expect(findings.find((f) => f.practiceId === 'HK-NAMESPACE-003')?.message).toBe(
      'namespace "demo" holds workloads but has no ResourceQuota (also concerns Deployment/demo/svc-1, Deployment/demo/svc-2, Deployment/demo/svc-3 and 8 more)');
  });

  test('an exception covers the namespace fact only when every workload of the namespace records it', () => {
    const reason = { 'exceptions.cdk8s-hardened.io/HK-NAMESPACE-003': 'quota is enforced by the platform team (PLAT-9)' };
    const quota = (set: Manifest[]) => audit(set).findings.filter((f) => f.practiceId === 'HK-NAMESPACE-003').map((f) => f.excepted);
    expect(quota([deployment('a', reason), deployment('b')])).toEqual([false]);
    expect(quota([deployment('a', reason), deployment('b', reason)])).toEqual([true]);
  });
});

describe('SOPS files (decrypt and EncryptedSecret.prepareAll read them through parseSopsYaml)', () => {
  test('an alias bomb is refused before any alias is expanded', () => {
    let message = '';
    try {
      parseSopsYaml(`kind: Secret\nsops: {}\n${BILLION_LAUGHS.replace(/^/gm, 'x')}\n`, 'previous file');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('previous file:1: document 1 expands its aliases beyond 10000 added nodes (an alias bomb, or anchors reused far more than '
      + 'manifests need)\nFix: a file written by sops has no deep nesting, no alias bomb and valid syntax; restore it from version control');
  });
});
