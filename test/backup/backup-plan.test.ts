import { Duration, Testing } from 'cdk8s';
import { errorOf, newChart, PASSWORD_CANARY, repositoryPassword } from './support';
import { audit } from '../../lib/audit/audit';
import { BackupPlan, BackupPlanProps, RPO_ANNOTATION, VolumeData } from '../../lib/backup/backup-plan';

const props = (overrides: Partial<BackupPlanProps> = {}): BackupPlanProps => ({
  namespaces: ['payments'],
  schedule: '15 * * * *',
  rpo: Duration.hours(1),
  volumes: VolumeData.csiSnapshots({ repositoryPassword: repositoryPassword() }),
  storage: { bucket: 'acme-prod-velero', prefix: 'cluster-eu-1', region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' },
  ...overrides,
});

function synth(overrides: Partial<BackupPlanProps> = {}): any[] {
  const { chart } = newChart();
  new BackupPlan(chart, 'plan', props(overrides));
  return Testing.synth(chart);
}

const scheduleOf = (objs: any[]) => objs.find((o) => o.kind === 'Schedule');
const locationOf = (objs: any[]) => objs.find((o) => o.kind === 'BackupStorageLocation');

describe('BackupPlan', () => {
  test('HK-BACKUP-001: a Schedule in the Velero namespace with cron, namespaces, TTL, location and no owner references', () => {
    const s = scheduleOf(synth());
    expect(s.apiVersion).toBe('velero.io/v1');
    expect(s.metadata.namespace).toBe('velero');
    expect(s.spec.schedule).toBe('15 * * * *');
    expect(s.spec.useOwnerReferencesInBackup).toBe(false);
    expect(s.spec.template.includedNamespaces).toEqual(['payments']);
    expect(s.spec.template.ttl).toBe('720h0m0s');
    expect(s.spec.template.storageLocation).toBe('plan');
    expect(s.metadata.annotations[RPO_ANNOTATION]).toBe('1h0m0s');
  });

  test('HK-BACKUP-002: CSI snapshots moved to the bucket by default', () => {
    const t = scheduleOf(synth()).spec.template;
    expect(t.snapshotVolumes).toBe(true);
    expect(t.snapshotMoveData).toBe(true);
    expect(t.defaultVolumesToFsBackup).toBe(false);
  });

  test('HK-BACKUP-002: file-system backup sets defaultVolumesToFsBackup', () => {
    const t = scheduleOf(synth({ volumes: VolumeData.fileSystemBackup(repositoryPassword()) })).spec.template;
    expect(t.defaultVolumesToFsBackup).toBe(true);
    expect(t.snapshotVolumes).toBe(false);
  });

  test('HK-BACKUP-002: a stateless plan records its exception on the Schedule', () => {
    const s = scheduleOf(synth({ volumes: VolumeData.none('the namespace holds only stateless web frontends') }));
    expect(s.metadata.annotations['exceptions.cdk8s-hardened.io/HK-BACKUP-002']).toBe('the namespace holds only stateless web frontends');
    expect(s.spec.template.snapshotVolumes).toBe(false);
  });

  test('HK-BACKUP-003: the location encrypts with the KMS key, verifies TLS and uses workload identity', () => {
    const l = locationOf(synth());
    expect(l.spec.provider).toBe('velero.io/aws');
    expect(l.spec.accessMode).toBe('ReadWrite');
    expect(l.spec.config).toEqual({ region: 'eu-west-1', kmsKeyId: 'alias/velero-backups', checksumAlgorithm: 'SHA256' });
    expect(l.spec.config.insecureSkipTLSVerify).toBeUndefined();
    expect(l.spec.credential).toBeUndefined();
    expect(l.spec.objectStorage).toEqual({ bucket: 'acme-prod-velero', prefix: 'cluster-eu-1' });
  });

  test('an S3-compatible endpoint is https with its CA from a Secret', () => {
    const l = locationOf(synth({ storage: { ...props().storage, s3Url: 'https://minio.storage:9000', caCert: { secretName: 'minio-ca', key: 'ca.crt' } } }));
    expect(l.spec.config.s3Url).toBe('https://minio.storage:9000');
    expect(l.spec.objectStorage.caCertRef).toEqual({ name: 'minio-ca', key: 'ca.crt' });
  });

  test('hooks become pre/post exec hooks that fail the backup on error', () => {
    const t = scheduleOf(synth({
      hooks: [{ name: 'pg', podLabels: { app: 'postgres' }, container: 'postgres', pre: ['psql', '-c', 'CHECKPOINT'], post: ['true'], timeout: Duration.minutes(2) }],
    })).spec.template;
    expect(t.hooks.resources).toEqual([{
      name: 'pg',
      includedNamespaces: ['payments'],
      labelSelector: { matchLabels: { app: 'postgres' } },
      pre: [{ exec: { container: 'postgres', command: ['psql', '-c', 'CHECKPOINT'], onError: 'Fail', timeout: '0h2m0s' } }],
      post: [{ exec: { container: 'postgres', command: ['true'], onError: 'Fail', timeout: '0h2m0s' } }],
    }]);
  });

  test('the repository password never appears in the output', () => {
    expect(JSON.stringify(synth())).not.toContain(PASSWORD_CANARY);
  });

  test('the audit of a plan without a drill reports only the missing drill (HK-BACKUP-005)', () => {
    expect(audit(synth()).findings.map((f) => `${f.practiceId} ${f.object.kind}/${f.object.name}`)).toEqual(['HK-BACKUP-005 Schedule/plan']);
  });

  test('snapshot', () => {
    expect(synth()).toMatchSnapshot();
  });
});

describe('BackupPlan refuses', () => {
  const refusal = (overrides: Partial<BackupPlanProps>) => errorOf(() => new BackupPlan(newChart().chart, 'plan', props(overrides)));

  test('refuses a location without an encryption key', () => {
    expect(refusal({ storage: { ...props().storage, kmsKeyId: '' } })).toBe(
      '[test/plan] BackupPlan prop \'storage.kmsKeyId\' is empty, so backups (every Secret of the namespaces, in clear JSON) would be stored without a KMS key.\n'
      + 'Practice HK-BACKUP-003 (Backup storage encrypted and TLS-verified) refuses it.\n'
      + 'Fix: give the KMS key Velero\'s IAM role may use: a key id, \'alias/<name>\' or the key ARN, e.g. \'alias/velero-backups\'.');
  });

  test('refuses an RPO tighter than the schedule', () => {
    expect(refusal({ schedule: '15 2 * * *' })).toBe(
      '[test/plan] BackupPlan prop \'schedule\' is \'15 2 * * *\', whose longest gap between backups (1d) exceeds the rpo (1h).\n'
      + 'Practice HK-BACKUP-001 (Scheduled Velero backup for stateful namespaces) refuses it.\n'
      + 'Fix: back up at least every 1h (e.g. \'0 * * * *\' is hourly), or raise rpo to at least 1d.');
  });

  test('refuses an unparsable cron', () => {
    expect(refusal({ schedule: '15 2 * *' })).toBe(
      '[test/plan] BackupPlan prop \'schedule\' is \'15 2 * *\', which has 4 fields, not the 5 of \'minute hour day-of-month month day-of-week\'.\n'
      + 'Practice HK-BACKUP-001 (Scheduled Velero backup for stateful namespaces) refuses it.\n'
      + 'Fix: write five cron fields \'minute hour day-of-month month day-of-week\', e.g. \'15 * * * *\' for hourly.');
  });

  test('refuses a TTL shorter than the RPO', () => {
    expect(refusal({ ttl: Duration.minutes(30) })).toBe(
      '[test/plan] BackupPlan prop \'ttl\' is 30m, shorter than the rpo (1h), so a backup can expire before the next one exists.\n'
      + 'Practice HK-BACKUP-001 (Scheduled Velero backup for stateful namespaces) refuses it.\n'
      + 'Fix: keep backups at least 1h; the default is Duration.days(30).');
  });

  const repoFix = 'Fix: supply the repository password as an encrypted Secret (EncryptedSecret, SealedSecret or ExternalSecret) named '
    + '\'velero-repo-credentials\' in namespace \'velero\' with key \'repository-password\', created before the first backup.';

  test('refuses file-system backup that would leave Velero\'s built-in repository password', () => {
    expect(refusal({ volumes: VolumeData.fileSystemBackup(undefined as any) })).toBe(
      '[test/plan] BackupPlan prop \'volumes\' uses file-system backup without a repository password, so Velero would create its built-in default password.\n'
      + 'Practice HK-BACKUP-002 (Volume data included in backups) refuses it.\n' + repoFix);
  });

  test('refuses the data mover without a repository password', () => {
    expect(refusal({ volumes: VolumeData.csiSnapshots() })).toBe(
      '[test/plan] BackupPlan prop \'volumes\' uses the CSI data mover without a repository password, so Velero would create its built-in default password.\n'
      + 'Practice HK-BACKUP-002 (Volume data included in backups) refuses it.\n' + repoFix);
  });

  test('refuses a repository password Secret Velero does not read', () => {
    expect(refusal({ volumes: VolumeData.csiSnapshots({ repositoryPassword: repositoryPassword({ name: 'repo' }) }) })).toBe(
      '[test/plan] BackupPlan prop \'volumes\' names the repository password Secret \'velero/repo\' with keys [repository-password], which Velero does not read.\n'
      + 'Practice HK-BACKUP-002 (Volume data included in backups) refuses it.\n' + repoFix);
  });

  test('refuses a plain-http S3 endpoint', () => {
    expect(refusal({ storage: { ...props().storage, s3Url: 'http://minio:9000' } })).toBe(
      '[test/plan] BackupPlan prop \'storage.s3Url\' is \'http://minio:9000\', not an https:// endpoint.\n'
      + 'Practice HK-BACKUP-003 (Backup storage encrypted and TLS-verified) refuses it.\n'
      + 'Fix: serve the S3-compatible store over TLS and give its https:// URL.');
  });

  test('refuses system namespaces', () => {
    expect(refusal({ namespaces: ['kube-system'] })).toBe(
      '[test/plan] BackupPlan prop \'namespaces\' contains \'kube-system\', not an application namespace.\n'
      + 'Practice HK-BACKUP-001 (Scheduled Velero backup for stateful namespaces) refuses it.\n'
      + 'Fix: list application namespaces by name (no globs, never default or kube-*).');
  });

  test('refuses a hook without pod labels', () => {
    expect(refusal({ hooks: [{ name: 'pg', podLabels: {}, container: 'postgres', pre: ['true'] }] })).toBe(
      '[test/plan] BackupPlan prop \'hooks[0].podLabels\' is empty, so the hook would exec into every pod of the namespaces.\n'
      + 'Fix: select the pods of the workload that holds the data, e.g. { app: \'postgres\' }.');
  });
});

describe('BackupPlan silent acceptances closed', () => {
  const refusal = (overrides: Partial<BackupPlanProps>) => errorOf(() => new BackupPlan(newChart().chart, 'plan', props(overrides)));

  test('refuses an rpo of NaN, which every comparison would let through (a yearly schedule accepted)', () => {
    expect(refusal({ rpo: Duration.seconds(NaN), schedule: '0 0 1 1 *' })).toBe(
      '[test/plan] BackupPlan prop \'rpo\' is NaN seconds, not a positive duration.\n'
      + 'Practice HK-BACKUP-001 (Scheduled Velero backup for stateful namespaces) refuses it.\n'
      + 'Fix: give the most data loss the namespaces may suffer, e.g. Duration.hours(1).');
  });

  test('refuses storage without a bucket', () => {
    expect(refusal({ storage: { region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' } as any })).toBe(
      '[test/plan] BackupPlan prop \'storage.bucket\' is \'undefined\', not an S3 bucket name.\n'
      + 'Fix: use the bucket name only (no s3:// and no path); put paths in prefix.');
  });

  test('refuses storage without a region', () => {
    expect(refusal({ storage: { bucket: 'acme-prod-velero', kmsKeyId: 'alias/velero-backups' } as any })).toBe(
      '[test/plan] BackupPlan prop \'storage.region\' is undefined, not a region name.\n'
      + 'Practice HK-BACKUP-003 (Backup storage encrypted and TLS-verified) refuses it.\n'
      + 'Fix: give the bucket\'s region, e.g. \'eu-west-1\' (an S3-compatible store takes its configured region, often \'us-east-1\').');
  });

  test('refuses VolumeData.none(\'\'): an exception without a reason', () => {
    expect(refusal({ volumes: VolumeData.none('') })).toBe(
      '[test/plan] BackupPlan prop \'volumes\' is VolumeData.none(""), whose reason is under 10 characters.\n'
      + 'Practice HK-BACKUP-002 (Volume data included in backups) refuses it.\n'
      + 'Fix: say why the namespaces hold no data worth backing up, e.g. VolumeData.none(\'stateless API: state lives in RDS (ADR-7)\').');
  });
});
