import { Duration, Testing } from 'cdk8s';
import { errorOf, ETCD_SNAPSHOT_RECIPIENT, etcdSnapshotProps, newChart, repositoryPassword } from './support';
import { audit } from '../../lib/audit/audit';
import { BackupPlan, VolumeData } from '../../lib/backup/backup-plan';
import { ETCD_SNAPSHOT_EXCEPTIONS, EtcdSnapshotProps } from '../../lib/backup/etcd-snapshot';

const KUBECTL = 'registry.k8s.io/kubectl:v1.28.15@sha256:' + 'a'.repeat(64);
/** A plan for the snapshot namespace itself (its RWX volume is state), with a drill, plus the etcd snapshots. */
function synth(overrides: Partial<EtcdSnapshotProps> = {}): any[] {
  const { chart } = newChart();
  const plan = new BackupPlan(chart, 'plan', {
    namespaces: ['etcd-backup'],
    schedule: '0 5 * * *',
    rpo: Duration.days(1),
    volumes: VolumeData.csiSnapshots({ repositoryPassword: repositoryPassword() }),
    storage: { bucket: 'acme-prod-velero', region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' },
  });
  plan.addEtcdSnapshots('etcd', etcdSnapshotProps(overrides));
  plan.addRestoreDrill('drill', { schedule: '0 7 * * 0', rto: Duration.minutes(15), image: KUBECTL, apiServer: { cidrs: ['10.0.0.10/32'] }, owner: 'platform-team' });
  return Testing.synth(chart);
}

describe('EtcdSnapshot', () => {
  const objs = synth();
  const cron = objs.find((o) => o.kind === 'CronJob' && o.metadata.name === 'etcd-snapshot');
  const pod = cron.spec.jobTemplate.spec.template.spec;

  test('HK-BACKUP-006: runs on a control-plane node with the etcd PKI read-only', () => {
    expect(pod.nodeSelector).toEqual({ 'node-role.kubernetes.io/control-plane': '' });
    expect(pod.tolerations).toEqual([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.hostNetwork).toBe(true);
    expect(pod.volumes.find((v: any) => v.name === 'host-etc-kubernetes-pki-etcd').hostPath).toEqual({ path: '/etc/kubernetes/pki/etcd', type: 'Directory' });
    expect(pod.initContainers[0].volumeMounts).toContainEqual({ name: 'host-etc-kubernetes-pki-etcd', mountPath: '/pki', readOnly: true });
  });

  test('HK-BACKUP-006: saves with etcdctl against one endpoint and verifies with etcdutl', () => {
    expect(pod.initContainers.map((c: any) => [c.command, c.args])).toEqual([
      [['etcdctl'], ['--endpoints=https://127.0.0.1:2379', '--cacert=/pki/ca.crt', '--cert=/pki/healthcheck-client.crt',
        '--key=/pki/healthcheck-client.key', 'snapshot', 'save', '/snap/snapshot.db']],
      [['etcdutl'], ['snapshot', 'status', '/snap/snapshot.db', '-w', 'json']],
    ]);
  });

  test('HK-BACKUP-006: encrypts to the age recipient on the node and writes to a ReadWriteMany volume', () => {
    const script: string = pod.containers[0].command[2];
    expect(script).toContain(`age -r ${ETCD_SNAPSHOT_RECIPIENT} -o "$f.partial" /snap/snapshot.db`);
    expect(script).toContain('find /backup -name \'etcd-*.db.age\' -mtime +14 -delete');
    const claim = objs.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'etcd-snapshots');
    expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(claim.spec.storageClassName).toBe('efs-encrypted');
  });

  test('HK-AUDIT-003: every relaxation is recorded with its reason, capabilities stay dropped', () => {
    for (const e of ETCD_SNAPSHOT_EXCEPTIONS) expect(cron.metadata.annotations[`exceptions.cdk8s-hardened.io/${e.practice}`]).toBe(e.reason);
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
  });

  test('its namespace enforces privileged and records why, while audit and warn stay restricted', () => {
    const ns = objs.find((o) => o.kind === 'Namespace' && o.metadata.name === 'etcd-backup');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.labels['pod-security.kubernetes.io/audit']).toBe('restricted');
    expect(ns.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(ns.metadata.annotations['exceptions.cdk8s-hardened.io/HK-NAMESPACE-002']).toBe(
      'etcd snapshot pods need hostNetwork and a read-only hostPath to the etcd PKI, which only the privileged PSA level admits');
  });

  test('the audit passes with only the recorded exceptions', () => {
    const findings = audit(objs).findings;
    expect(findings.filter((f) => !f.excepted)).toEqual([]);
    expect([...new Set(findings.map((f) => `${f.object.kind}/${f.object.name} ${f.practiceId}`))].sort()).toEqual([
      'CronJob/etcd-snapshot HK-WORKLOAD-003',
      'CronJob/etcd-snapshot HK-WORKLOAD-004',
      'CronJob/etcd-snapshot HK-WORKLOAD-010',
      'CronJob/etcd-snapshot HK-WORKLOAD-011',
      'Namespace/etcd-backup HK-NAMESPACE-002',
      'Role/restore-drill HK-RBAC-005',
    ]);
  });

  test('snapshot', () => {
    expect(objs.filter((o) => o.metadata.namespace === 'etcd-backup' || o.metadata.name === 'etcd-backup')).toMatchSnapshot();
  });
});

describe('EtcdSnapshot refuses', () => {
  test('refuses a managed control plane', () => {
    expect(errorOf(() => synth({ selfManagedControlPlane: false }))).toBe(
      '[test/plan/etcd] EtcdSnapshot prop \'selfManagedControlPlane\' is not true; managed control planes (EKS, GKE, AKS) do not expose etcd.\n'
      + 'Practice HK-BACKUP-006 (etcd snapshots to an RWX volume, exceptions recorded) refuses it.\n'
      + 'Fix: rely on the provider\'s etcd backups on a managed cluster; set selfManagedControlPlane: true only for kubeadm-style control planes.');
  });

  test('refuses a private key as recipient without echoing it', () => {
    expect(errorOf(() => synth({ recipient: 'AGE-SECRET-KEY-1XYZ' }))).toBe(
      '[test/plan/etcd] EtcdSnapshot prop \'recipient\' is an age private key, which must never reach the cluster.\n'
      + 'Practice HK-BACKUP-006 (etcd snapshots to an RWX volume, exceptions recorded) refuses it.\n'
      + 'Fix: give the public key printed by \'age-keygen -y\' (age1 followed by 58 characters); keep the private key off the cluster.');
  });

  test('refuses a retention shorter than the schedule gap', () => {
    expect(errorOf(() => synth({ schedule: '0 0 1 * *', retentionDays: 7 }))).toBe(
      '[test/plan/etcd] EtcdSnapshot prop \'retentionDays\' is 7, shorter than the longest gap between snapshots (31d).\n'
      + 'Practice HK-BACKUP-006 (etcd snapshots to an RWX volume, exceptions recorded) refuses it.\n'
      + 'Fix: keep snapshots at least as long as the schedule\'s longest gap, so one always exists.');
  });
});
