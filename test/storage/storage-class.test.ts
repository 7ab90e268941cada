import { ApiObject, Chart, Duration, Size, Testing } from 'cdk8s';
import { WebApiDbChart } from '../../examples/web-api-db';
import { BackupPlan, VolumeData } from '../../lib/backup/backup-plan';
import { EtcdSnapshot } from '../../lib/backup/etcd-snapshot';
import { CisBenchmark } from '../../lib/cluster/cis-benchmark';
import { coherenceProblems, EXTERNAL_REFERENCES_ANNOTATION } from '../../lib/coherence/coherence';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { DEFAULT_STORAGE_CLASS_ANNOTATION, StorageClass } from '../../lib/storage/storage-class';
import { PriorityClass } from '../../lib/workload/priority-class';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureStatefulSet, VolumeClaimOptions } from '../../lib/workload/secure-stateful-set';
import { etcdSnapshotProps, repositoryPassword } from '../backup/support';
import { image, refusal, shop, synthErrors } from '../workload/support';

const pg = HealthCheck.exec(['pg_isready', '--host=127.0.0.1']);
const data = { name: 'data', mountPath: '/data', size: Size.gibibytes(1) };
const PLATFORM = 'created by the platform baseline: EBS gp3, KMS-encrypted (PLAT-7)';

/** The shop with a two-replica database whose claims are `claims`. */
function db(claims: VolumeClaimOptions[], nsClass?: StorageClassArg): { chart: Chart; objects: () => any[] } {
  const chart = new Chart(Testing.app(), 'test');
  const ns = new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'], ...(nsClass ? { storageClass: nsClass } : {}) });
  new SecureStatefulSet(ns, 'db', { image: image('postgres'), port: 5432, readinessProbe: pg, replicas: 2, volumeClaims: claims });
  return { chart, objects: () => Testing.synth(chart) };
}
type StorageClassArg = ReturnType<typeof StorageClass.fromName>;

const statefulSet = (objects: any[]) => objects.find((o) => o.kind === 'StatefulSet');

describe('StorageClass references are judged like PriorityClass references', () => {
  test('refuses a claim naming a StorageClass the app does not define, offering both ways out', () => {
    const { chart } = db([{ ...data, storageClass: { storageClassName: 'encrypted-ssd' } }]);
    expect(synthErrors(chart)).toEqual([
      '[test/shop/db/Resource] StatefulSet shop/db (test/shop/db/Resource) refers (volumeClaimTemplates "data") to StorageClass \'encrypted-ssd\', '
      + 'which the app does not define; applied alone, it waits or fails at run time. Fix: define it in the app, or record it as created elsewhere '
      + '(use StorageClass.fromName(name, reason)), i.e. the annotation cdk8s-hardened.io/external-references: "StorageClass/encrypted-ssd: <who creates it and why>".',
    ]);
  });

  test('a StorageClass the app defines resolves, and nothing is recorded', () => {
    const { chart, objects } = db([{ ...data, storageClass: { storageClassName: 'encrypted-ssd' } }]);
    new ApiObject(chart, 'sc', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'encrypted-ssd' }, provisioner: 'ebs.csi.aws.com' });
    const sts = statefulSet(objects());
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('encrypted-ssd');
    expect(sts.metadata.annotations[EXTERNAL_REFERENCES_ANNOTATION]).toBeUndefined();
  });

  test('StorageClass.fromName records who creates the class on the StatefulSet, and synth accepts it', () => {
    const { objects } = db([{ ...data, storageClass: StorageClass.fromName('encrypted-ssd', PLATFORM) }]);
    const sts = statefulSet(objects());
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('encrypted-ssd');
    expect(sts.metadata.annotations[EXTERNAL_REFERENCES_ANNOTATION]).toBe(`StorageClass/encrypted-ssd: ${PLATFORM}`);
  });

  test('the LockedNamespace\'s class is inherited, named on the namespace, and recorded on the workload that uses it', () => {
    const { objects } = db([data], StorageClass.fromName('encrypted-ssd', PLATFORM));
    const out = objects();
    expect(statefulSet(out).spec.volumeClaimTemplates[0].spec.storageClassName).toBe('encrypted-ssd');
    expect(statefulSet(out).metadata.annotations[EXTERNAL_REFERENCES_ANNOTATION]).toBe(`StorageClass/encrypted-ssd: ${PLATFORM}`);
    expect(out.find((o) => o.kind === 'Namespace').metadata.annotations['cdk8s-hardened.io/storage-class']).toBe('encrypted-ssd');
  });

  test('references are recorded one line each, and each resolves', () => {
    const chart = new Chart(Testing.app(), 'test');
    const ns = new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] });
    new SecureStatefulSet(ns, 'db', {
      image: image('postgres'),
      port: 5432,
      readinessProbe: pg,
      replicas: 2,
      priorityClass: PriorityClass.fromName('platform-high', 'created by the platform baseline (PLAT-3)'),
      volumeClaims: [
        { ...data, storageClass: StorageClass.fromName('fast', 'created by the platform baseline (PLAT-3)') },
        { ...data, name: 'logs', mountPath: '/logs', storageClass: StorageClass.fromName('slow', 'created by the storage team (STO-1)') },
      ],
    });
    expect(statefulSet(Testing.synth(chart)).metadata.annotations[EXTERNAL_REFERENCES_ANNOTATION])
      .toBe('PriorityClass/platform-high: created by the platform baseline (PLAT-3)\nStorageClass/fast: created by the platform baseline (PLAT-3)\n'
        + 'StorageClass/slow: created by the storage team (STO-1)');
  });

  test('the cluster\'s default class, chosen on purpose: no storageClassName, the reason recorded', () => {
    const reason = 'the EKS default gp3 class, encrypted by the account default key (PLAT-7)';
    const sts = statefulSet(db([{ ...data, storageClass: StorageClass.clusterDefault(reason) }]).objects());
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOncePod'], volumeMode: 'Filesystem', resources: { requests: { storage: '1Gi' } },
    });
    expect(sts.metadata.annotations[DEFAULT_STORAGE_CLASS_ANNOTATION]).toBe(reason);
    expect(sts.metadata.annotations[EXTERNAL_REFERENCES_ANNOTATION]).toBeUndefined();
  });

  test('refuses a claim that names no class where the namespace names none (never the default silently)', () => {
    expect(refusal(() => db([data]))).toBe(
      '[test/shop/db] SecureStatefulSet prop \'volumeClaims[0].storageClass\' is missing, and the namespace names none, so the claim would silently take '
      + 'the cluster\'s default class.\nFix: name an encrypted StorageClass here or as the LockedNamespace storageClass, or choose the default on purpose '
      + 'with StorageClass.clusterDefault(\'<why>\').');
  });

  test.each([
    ['a reason shorter than 10 characters', StorageClass.fromName('ssd', 'platform'),
      '[test/shop/db] SecureStatefulSet prop \'volumeClaims[0].storageClass\' is StorageClass.fromName(\'ssd\') with the reason "platform", shorter than '
      + '10 characters.\nPractice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\nFix: say who creates the class and how it '
      + 'encrypts, e.g. \'created by the platform baseline: EBS gp3, KMS-encrypted (PLAT-7)\'.'],
    ['the cluster default without a reason', StorageClass.clusterDefault(undefined as any),
      '[test/shop/db] SecureStatefulSet prop \'volumeClaims[0].storageClass\' names no StorageClass and records no reason, so claims would silently take '
      + 'the cluster\'s default class.\nFix: name the class, or choose the default on purpose with StorageClass.clusterDefault(\'<why the default class>\').'],
    ['a name that is no StorageClass name', StorageClass.fromName('Fast_SSD', PLATFORM),
      '[test/shop/db] SecureStatefulSet prop \'volumeClaims[0].storageClass\' names "Fast_SSD", not a StorageClass name.\nFix: give the name of a '
      + 'StorageClass, e.g. StorageClass.fromName(\'encrypted-ssd\', \'<who creates it>\').'],
    ['a string (plain JavaScript)', 'encrypted-ssd',
      '[test/shop/db] SecureStatefulSet prop \'volumeClaims[0].storageClass\' is "encrypted-ssd", not a StorageClass.\nFix: pass a StorageClass of the app, '
      + 'StorageClass.fromName(\'name\', \'<who creates it>\') or StorageClass.clusterDefault(\'<why the default class>\').'],
    ['null (plain JavaScript)', null,
      '[test/shop/db] SecureStatefulSet prop \'volumeClaims[0].storageClass\' is null, not a StorageClass.\nFix: pass a StorageClass of the app, '
      + 'StorageClass.fromName(\'name\', \'<who creates it>\') or StorageClass.clusterDefault(\'<why the default class>\').'],
  ])('refuses %s', (_, storageClass, message) => {
    expect(refusal(() => db([{ ...data, storageClass: storageClass as any }]))).toBe(message);
  });

  test('refuses the former storageClassName props, naming their replacement', () => {
    expect(refusal(() => db([{ ...data, storageClassName: 'ssd' } as any]))).toBe(
      '[test/shop/db] SecureStatefulSet prop \'volumeClaims[0].storageClassName\' is given, but claims take a storageClass.\n'
      + 'Fix: write storageClass: StorageClass.fromName(\'<name>\', \'<who creates it>\') or a StorageClass of the app.');
    expect(refusal(() => new LockedNamespace(Testing.chart(), 'shop', { owner: 'shop-team', storageClassName: 'ssd' } as any))).toBe(
      '[test/shop] LockedNamespace prop \'storageClassName\' is given, but a LockedNamespace takes a storageClass.\n'
      + 'Fix: write storageClass: StorageClass.fromName(\'<name>\', \'<who creates it>\') or a StorageClass of the app.');
    const kubeBench = `registry.example.com/tools/kube-bench:v0.10.1@sha256:${'d'.repeat(64)}`;
    expect(refusal(() => new CisBenchmark(Testing.chart(), 'cis', { owner: 'platform-team', image: kubeBench, kubernetesVersion: '1.28', storageClassName: 'gp3' } as any)))
      .toBe('[test/cis] CisBenchmark prop \'storageClassName\' is given, but a CisBenchmark takes a storageClass.\n'
        + 'Fix: write storageClass: StorageClass.fromName(\'<name>\', \'<who creates it>\') or a StorageClass of the app.');
    expect(refusal(() => new EtcdSnapshot(Testing.chart(), 'etcd', {
      selfManagedControlPlane: true,
      owner: 'platform-team',
      etcdImage: `registry.k8s.io/etcd:3.6.4-0@sha256:${'b'.repeat(64)}`,
      encryptImage: `registry.example.com/tools/age:1.2.1@sha256:${'c'.repeat(64)}`,
      recipient: 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p',
      storageClassName: 'efs-encrypted',
    } as any))).toBe('[test/etcd] EtcdSnapshot prop \'storageClassName\' is given, but an EtcdSnapshot takes a storageClass.\n'
      + 'Practice HK-BACKUP-006 (etcd snapshots to an RWX volume, exceptions recorded) refuses it.\n'
      + 'Fix: write storageClass: StorageClass.fromName(\'<name>\', \'<who creates it>\') or a StorageClass of the app.');
  });

  test('refuses a bad LockedNamespace storageClass where it is written', () => {
    expect(refusal(() => new LockedNamespace(Testing.chart(), 'shop', { owner: 'shop-team', storageClass: StorageClass.fromName('ssd', '') }))).toBe(
      '[test/shop] LockedNamespace prop \'storageClass\' is StorageClass.fromName(\'ssd\') with the reason "", shorter than 10 characters.\n'
      + 'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
      + 'Fix: say who creates the class and how it encrypts, e.g. \'created by the platform baseline: EBS gp3, KMS-encrypted (PLAT-7)\'.');
  });

  test('a PersistentVolumeClaim naming an unknown class is refused; one recording it is not', () => {
    const claim = (annotations?: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'scratch', namespace: 'a', ...(annotations ? { annotations } : {}) },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3', resources: { requests: { storage: '1Gi' } } },
    });
    expect(coherenceProblems([claim()]).map((p) => p.message)).toEqual([
      'PersistentVolumeClaim a/scratch refers (spec.storageClassName) to StorageClass \'gp3\', which the app does not define; applied alone, it waits or '
      + 'fails at run time. Fix: define it in the app, or record it as created elsewhere (use StorageClass.fromName(name, reason)), i.e. the annotation '
      + 'cdk8s-hardened.io/external-references: "StorageClass/gp3: <who creates it and why>".',
    ]);
    expect(coherenceProblems([claim({ [EXTERNAL_REFERENCES_ANNOTATION]: `StorageClass/gp3: ${PLATFORM}` })])).toEqual([]);
    // A claim that names no class takes the cluster's default one: nothing to resolve (the constructs refuse it unless chosen).
    const unnamed = claim();
    delete (unnamed.spec as any).storageClassName;
    expect(coherenceProblems([unnamed])).toEqual([]);
  });

  test('a second line of the annotation records as much as the first; a line without a reason records nothing', () => {
    const pvc = (name: string, text: string) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace: 'a', annotations: { [EXTERNAL_REFERENCES_ANNOTATION]: text } },
      spec: { storageClassName: 'gp3' },
    });
    expect(coherenceProblems([pvc('x', `PriorityClass/p: ${PLATFORM}\nStorageClass/gp3: ${PLATFORM}`)])).toEqual([]);
    expect(coherenceProblems([pvc('y', `PriorityClass/p: ${PLATFORM}\nStorageClass/gp3: short`)])).toHaveLength(1);
  });

  test('EtcdSnapshot and CisBenchmark record the class of their claims', () => {
    const chart = new Chart(Testing.app(), 'test');
    const plan = new BackupPlan(chart, 'plan', {
      namespaces: ['etcd-backup'],
      schedule: '0 5 * * *',
      rpo: Duration.days(1),
      volumes: VolumeData.csiSnapshots({ repositoryPassword: repositoryPassword() }),
      storage: { bucket: 'acme-prod-velero', region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' },
    });
    plan.addEtcdSnapshots('etcd', etcdSnapshotProps());
    plan.addRestoreDrill('drill', {
      schedule: '0 7 * * 0',
      rto: Duration.minutes(15),
      image: `registry.k8s.io/kubectl:v1.28.15@sha256:${'a'.repeat(64)}`,
      apiServer: { cidrs: ['10.0.0.10/32'] },
      owner: 'platform-team',
    });
    new CisBenchmark(chart, 'cis', {
      owner: 'platform-team',
      image: `registry.example.com/tools/kube-bench:v0.10.1@sha256:${'d'.repeat(64)}`,
      kubernetesVersion: '1.28',
      storageClass: StorageClass.fromName('standard-encrypted', 'created by the platform baseline (PLAT-9)'),
    });
    const claims = Testing.synth(chart).filter((o) => o.kind === 'PersistentVolumeClaim');
    expect(claims.map((c) => [c.metadata.name, c.spec.storageClassName, c.metadata.annotations[EXTERNAL_REFERENCES_ANNOTATION]])).toEqual([
      ['etcd-snapshots', 'efs-encrypted', 'StorageClass/efs-encrypted: created by the platform baseline: EFS, encrypted at rest (PLAT-9)'],
      ['cis-results-node', 'standard-encrypted', 'StorageClass/standard-encrypted: created by the platform baseline (PLAT-9)'],
    ]);
  });

  test('a named class on a shop namespace resolves for every StatefulSet in it', () => {
    const { chart, ns } = shop();
    new ApiObject(chart, 'sc', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'ssd' }, provisioner: 'ebs.csi.aws.com' });
    for (const name of ['a', 'b']) {
      new SecureStatefulSet(ns, name, { image: image(), port: 5432, readinessProbe: pg, replicas: 2, volumeClaims: [{ ...data, storageClass: { storageClassName: 'ssd' } }] });
    }
    expect(Testing.synth(chart).filter((o) => o.kind === 'StatefulSet').map((s) => s.spec.volumeClaimTemplates[0].spec.storageClassName)).toEqual(['ssd', 'ssd']);
  });
});

describe('the shop example', () => {
  test('its database names the platform\'s encrypted-ssd class, and records who creates it', () => {
    const sts = Testing.synth(new WebApiDbChart(Testing.app(), 'example')).find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'db');
    expect(sts.spec.volumeClaimTemplates.map((t: any) => t.spec.storageClassName)).toEqual(['encrypted-ssd']);
    expect(sts.metadata.annotations[EXTERNAL_REFERENCES_ANNOTATION])
      .toBe('StorageClass/encrypted-ssd: created by the platform baseline: EBS gp3, encrypted with the cluster KMS key');
  });
});
