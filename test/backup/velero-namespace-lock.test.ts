import { Duration, Testing } from 'cdk8s';
import { errorOf, newChart } from './support';
import { audit } from '../../lib/audit/audit';
import { BackupPlan, VolumeData } from '../../lib/backup/backup-plan';
import { VeleroNamespaceLockProps } from '../../lib/backup/velero-namespace-lock';

const LOCK: Omit<VeleroNamespaceLockProps, 'namespace'> = {
  apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 },
  objectStore: { cidrs: ['52.218.0.0/17'] },
};

function synth(lock: Partial<Omit<VeleroNamespaceLockProps, 'namespace'>> = {}): any[] {
  const { chart } = newChart();
  const plan = new BackupPlan(chart, 'plan', {
    namespaces: ['payments'],
    schedule: '15 * * * *',
    rpo: Duration.hours(1),
    volumes: VolumeData.none('stateless: the manifests are the whole application'),
    storage: { bucket: 'acme-prod-velero', region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' },
  });
  plan.lockVeleroNamespace('lock', { ...LOCK, ...lock });
  return Testing.synth(chart);
}

const policies = (objs: any[]) => objs.filter((o) => o.kind === 'NetworkPolicy');

describe('BackupPlan.lockVeleroNamespace', () => {
  const objs = synth();

  test('HK-NETWORK-004: a public object store is recorded as the egress rule\'s exception, with its reason; a private API server is not', () => {
    const byName = Object.fromEntries(policies(objs).map((p) => [p.metadata.name, p.metadata.annotations]));
    expect(byName['allow-object-store']['exceptions.cdk8s-hardened.io/HK-NETWORK-004']).toBe(
      'Velero writes backups to an object store reached at public addresses (e.g. the region\'s S3 ranges); the rule opens only those, on one port');
    expect(byName['allow-api-server']['exceptions.cdk8s-hardened.io/HK-NETWORK-004']).toBeUndefined();
    const excepted = audit(objs).findings.filter((f) => f.practiceId === 'HK-NETWORK-004');
    expect(excepted.map((f) => [f.object.name, f.excepted])).toEqual([['allow-object-store', true]]);
  });

  test('HK-NETWORK-004: a private object store (MinIO in the cluster network) records no exception', () => {
    const annotations = policies(synth({ objectStore: { cidrs: ['10.30.0.0/24'] } })).find((p) => p.metadata.name === 'allow-object-store').metadata.annotations;
    expect(annotations['exceptions.cdk8s-hardened.io/HK-NETWORK-004']).toBeUndefined();
  });

  test('default-deny in both directions for every pod of the velero namespace', () => {
    const deny = policies(objs).find((p) => p.metadata.name === 'default-deny');
    expect(deny.metadata.namespace).toBe('velero');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('egress only to DNS, the API server and the object store', () => {
    const egress = Object.fromEntries(policies(objs).filter((p) => p.metadata.name !== 'default-deny').map((p) => [p.metadata.name, p.spec.egress]));
    expect(Object.keys(egress).sort()).toEqual(['allow-api-server', 'allow-dns', 'allow-object-store']);
    expect(egress['allow-api-server']).toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }]);
    expect(egress['allow-object-store']).toEqual([{ to: [{ ipBlock: { cidr: '52.218.0.0/17' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
    expect(egress['allow-dns'][0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
    expect(policies(objs).every((p) => p.spec.ingress === undefined)).toBe(true);
  });

  test('the policies pass the audit', () => {
    expect(audit(objs).findings.filter((f) => f.object.kind === 'NetworkPolicy' && !f.excepted)).toEqual([]);
  });

  test('refuses an object store open to the internet', () => {
    expect(errorOf(() => synth({ objectStore: { cidrs: ['0.0.0.0/0'] } }))).toBe(
      '[test/plan/lock] VeleroNamespaceLock prop \'objectStore.cidrs\' contains "0.0.0.0/0", not an IPv4 CIDR of /8 or narrower.\n'
      + 'Practice HK-NETWORK-004 (No blanket allow rules) refuses it.\n'
      + 'Fix: give the endpoint\'s addresses, /8 or narrower, e.g. \'10.0.0.10/32\'.');
  });

  test('refuses a wrong-typed API server endpoint with a HardenedError', () => {
    expect(errorOf(() => synth({ apiServer: { cidrs: '10.0.0.10/32' as unknown as string[] } }))).toBe(
      '[test/plan/lock] VeleroNamespaceLock prop \'apiServer.cidrs\' is "10.0.0.10/32", not a list of CIDRs.\n'
      + 'Practice HK-NETWORK-003 (Least-access policies from declared dependencies) refuses it.\n'
      + 'Fix: list the endpoint addresses, e.g. [\'10.0.0.10/32\'].');
  });
});
