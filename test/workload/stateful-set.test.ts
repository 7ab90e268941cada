import { Chart, Duration, Size, Testing } from 'cdk8s';
import { byKind } from './kinds';
import { image, ready, refusal, shop } from './support';
import { audit } from '../../lib/audit/audit';
import { BackupPlan, VolumeData } from '../../lib/backup/backup-plan';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { podSpecOf } from '../../lib/practices/manifest';
import { StorageClass } from '../../lib/storage/storage-class';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { ClaimRetention, PodManagementPolicy, SecureStatefulSet, VolumeAccessMode } from '../../lib/workload/secure-stateful-set';
import { evaluatePss } from '../support/pss';

const KUBECTL = `registry.example.com/tools/kubectl:v1.28.15@sha256:${'b'.repeat(64)}`;
const pg = HealthCheck.exec(['pg_isready', '--host=127.0.0.1']);
const data = { name: 'data', mountPath: '/var/lib/postgresql/data', size: Size.gibibytes(10) };
const PLATFORM = 'created by the platform baseline, KMS-encrypted (PLAT-7)';
const SSD = StorageClass.fromName('ssd', PLATFORM);

/** The shop with a database StatefulSet protected by a plan with its restore drill. */
function protectedDb(): { chart: Chart; db: SecureStatefulSet; plan: BackupPlan } {
  const chart = new Chart(Testing.app(), 'test');
  const ns = new LockedNamespace(chart, 'shop', {
    owner: 'shop-team',
    allowedRegistries: ['registry.example.com'],
    storageClass: StorageClass.fromName('encrypted-ssd', PLATFORM),
  });
  const db = new SecureStatefulSet(ns, 'db', { image: image('postgres'), port: 5432, readinessProbe: pg, volumeClaims: [data] });
  const plan = new BackupPlan(chart, 'shop-backup', {
    namespaces: ['shop'],
    schedule: '0 * * * *',
    rpo: Duration.hours(1),
    volumes: VolumeData.csiSnapshots({ moveData: false }),
    storage: { bucket: 'acme-velero', region: 'eu-west-1', kmsKeyId: 'alias/velero' },
  });
  plan.addRestoreDrill('drill', { schedule: '0 3 * * *', rto: Duration.minutes(30), image: KUBECTL, apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 }, owner: 'shop-team' });
  plan.protect(db);
  return { chart, db, plan };
}

describe('SecureStatefulSet', () => {
  const { chart } = protectedDb();
  const set = Testing.synth(chart);
  const sts = byKind(set, 'StatefulSet', 'db');

  test('matches the snapshot', () => {
    expect(sts).toMatchSnapshot();
  });

  test('audits clean once a BackupPlan protects it', () => {
    expect(audit(set).findings.filter((f) => !f.excepted)).toEqual([]);
  });

  test('the claim template names the namespace\'s StorageClass, its size, ReadWriteOncePod and Filesystem mode', () => {
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: { 'app.kubernetes.io/name': 'db' } },
      spec: { accessModes: ['ReadWriteOncePod'], storageClassName: 'encrypted-ssd', volumeMode: 'Filesystem', resources: { requests: { storage: '10Gi' } } },
    }]);
    expect(podSpecOf(sts).containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data', readOnly: false });
  });

  test('a headless governing Service, no ClusterIP Service unless asked, a PDB, fsGroup OnRootMismatch', () => {
    expect(sts.spec.serviceName).toBe('db-headless');
    expect(byKind(set, 'Service', 'db-headless').spec).toMatchObject({ clusterIP: 'None', selector: { 'app.kubernetes.io/name': 'db' }, publishNotReadyAddresses: false });
    expect(set.filter((m) => m.kind === 'Service' && m.metadata?.name === 'db')).toEqual([]);
    expect(byKind(set, 'PodDisruptionBudget', 'db').spec.maxUnavailable).toBe(1);
    expect(podSpecOf(sts).securityContext).toMatchObject({ fsGroup: 65532, fsGroupChangePolicy: 'OnRootMismatch' });
  });

  test('ordered pods, a partitioned rolling update and claim retention written explicitly', () => {
    expect(sts.spec).toMatchObject({
      replicas: 2,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      revisionHistoryLimit: 10,
      minReadySeconds: 0,
    });
  });

  test('plan.protect(db) names the Schedule on the StatefulSet and adds the namespace to the Schedule', () => {
    expect(sts.metadata.annotations['backup.cdk8s-hardened.io/schedule']).toBe('velero/shop-backup');
    expect(byKind(set, 'Schedule', 'shop-backup').spec.template.includedNamespaces).toEqual(['shop']);
  });

  test('passes Pod Security restricted at v1.28 and latest', () => {
    expect(evaluatePss(sts.spec.template.metadata, podSpecOf(sts), 'restricted', { minor: 28 })).toEqual([]);
    expect(evaluatePss(sts.spec.template.metadata, podSpecOf(sts), 'restricted', 'latest')).toEqual([]);
  });

  test('an unprotected StatefulSet with claims is an HK-BACKUP-001 finding with the way out', () => {
    const { chart: c, ns } = shop();
    new SecureStatefulSet(ns, 'db', { image: image('postgres'), port: 5432, readinessProbe: pg, volumeClaims: [{ ...data, storageClass: StorageClass.fromName('encrypted-ssd', PLATFORM) }] });
    const findings = audit(Testing.synth(c)).findings.filter((f) => !f.excepted);
    expect(findings.map((f) => [f.practiceId, f.object?.kind, f.message])).toEqual([['HK-BACKUP-001', 'StatefulSet',
      'StatefulSet/db holds volume data, but the set has no Velero Schedule and the object does not name the one that backs it up '
      + '(annotation backup.cdk8s-hardened.io/schedule: <velero namespace>/<schedule>); protect it with a BackupPlan (plan.protect(workload))']]);
  });

  test('options: parallel pods, partition, deletion on scale-down, ReadWriteOnce, a ClusterIP Service, autoscaling without replicas', () => {
    const { chart: c, ns } = shop();
    const db = new SecureStatefulSet(ns, 'cache', {
      image: image('redis'),
      port: 6379,
      readinessProbe: HealthCheck.exec(['redis-cli', 'ping']),
      podManagementPolicy: PodManagementPolicy.PARALLEL,
      partition: 1,
      claimRetention: { whenScaled: ClaimRetention.DELETE },
      clusterIpService: true,
      replicas: 3,
      volumeClaims: [{ name: 'data', mountPath: '/data', size: Size.gibibytes(1), storageClass: StorageClass.fromName('fast', PLATFORM), accessMode: VolumeAccessMode.READ_WRITE_ONCE }],
    });
    db.autoscale({ minReplicas: 3, maxReplicas: 6 });
    const out = Testing.synth(c);
    const s = byKind(out, 'StatefulSet', 'cache');
    expect(s.spec.replicas).toBeUndefined();
    expect(s.spec).toMatchObject({ podManagementPolicy: 'Parallel', updateStrategy: { rollingUpdate: { partition: 1 } }, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } });
    expect(s.spec.volumeClaimTemplates[0].spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(byKind(out, 'Service', 'cache').spec.type).toBe('ClusterIP');
    expect(byKind(out, 'HorizontalPodAutoscaler', 'cache').spec).toMatchObject({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'cache' }, minReplicas: 3, maxReplicas: 6 });
  });
});

describe('autoscale()', () => {
  test('an autoscaling/v2 HPA on CPU; the Deployment omits replicas; audit clean', () => {
    const { chart, ns } = shop();
    const api = new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready() });
    api.autoscale({ maxReplicas: 10, memoryUtilization: 80, cpuUtilization: 60, scaleDownStabilization: Duration.minutes(10) });
    const set = Testing.synth(chart);
    expect(byKind(set, 'Deployment', 'api').spec.replicas).toBeUndefined();
    // Polaris deploymentMissingReplicas would want replicas written; the exemption says why it is not.
    expect(byKind(set, 'Deployment', 'api').metadata.annotations['polaris.fairwinds.com/deploymentMissingReplicas-exempt']).toBe('true');
    const hpa = byKind(set, 'HorizontalPodAutoscaler', 'api');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    expect(hpa.spec.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 600, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] });
    expect(audit(set).findings.filter((f) => !f.excepted)).toEqual([]);
  });
});

describe('SecureStatefulSet and autoscale() refuse bad input with the exact message', () => {
  const sts = (props: any) => () => new SecureStatefulSet(shop().ns, 'db', { image: image(), port: 5432, readinessProbe: pg, ...props });
  const api = (options: any) => () => new SecureDeployment(shop().ns, 'api', { image: image(), port: 8080, readinessProbe: ready() }).autoscale(options);
  const CASES: Array<[string, () => unknown, string]> = [
    ['a claim without a StorageClass', sts({ volumeClaims: [data] }),
      "[test/shop/db] SecureStatefulSet prop 'volumeClaims[0].storageClass' is missing, and the namespace names none, so the claim would silently take the cluster's default class.\n"
      + "Fix: name an encrypted StorageClass here or as the LockedNamespace storageClass, or choose the default on purpose with StorageClass.clusterDefault('<why>')."],
    ['a claim above the LimitRange', sts({ volumeClaims: [{ ...data, size: Size.gibibytes(100), storageClass: SSD }] }),
      "[test/shop/db] SecureStatefulSet prop 'volumeClaims[0].size' is 100Gi, above the 50Gi the LimitRange of namespace 'shop' admits per claim.\nPractice HK-NAMESPACE-004 (LimitRange defaults and maxima) refuses it.\nFix: request less, or raise the LockedNamespace limits.maxClaimStorage."],
    ['a claim size as a string', sts({ volumeClaims: [{ ...data, size: '10Gi', storageClass: SSD }] }),
      "[test/shop/db] SecureStatefulSet prop 'volumeClaims[0].size' is not a positive whole number of KiB.\nFix: give e.g. Size.gibibytes(10)."],
    ['ReadWriteMany', sts({ volumeClaims: [{ ...data, storageClass: SSD, accessMode: 'ReadWriteMany' }] }),
      "[test/shop/db] SecureStatefulSet prop 'volumeClaims[0].accessMode' is \"ReadWriteMany\".\nFix: use VolumeAccessMode.READ_WRITE_ONCE_POD or READ_WRITE_ONCE; shared volumes are not per-pod data."],
    ['claims as an object', sts({ volumeClaims: data }),
      "[test/shop/db] SecureStatefulSet prop 'volumeClaims' is an object, not a list.\nFix: give [{ name: 'data', mountPath: '/var/lib/app', size: Size.gibibytes(10) }]."],
    ['a claim over /tmp', sts({ volumeClaims: [{ ...data, mountPath: '/tmp', storageClass: SSD }] }),
      "[test/shop/db] SecureStatefulSet prop 'volumeClaims[0].mountPath' is '/tmp', which overlaps another mount of container 'app' (/tmp).\nFix: mount each claim in its own directory."],
    ['a relative claim path', sts({ volumeClaims: [{ ...data, mountPath: 'data', storageClass: SSD }] }),
      "[test/shop/db] SecureStatefulSet prop 'volumeClaims[0].mountPath' is \"data\", not an absolute directory.\nFix: give a directory such as '/etc/app'."],
    ['a claim named twice', sts({ volumeClaims: [{ ...data, storageClass: SSD }, { ...data, mountPath: '/other', storageClass: SSD }] }),
      "[test/shop/db] SecureStatefulSet prop 'volumeClaims[1].name' is 'data' again.\nFix: give every claim its own name."],
    ['an unknown pod management policy', sts({ podManagementPolicy: 'Random' }),
      "[test/shop/db] SecureStatefulSet prop 'podManagementPolicy' is \"Random\".\nFix: use PodManagementPolicy.ORDERED_READY or PodManagementPolicy.PARALLEL."],
    ['a negative partition', sts({ partition: -1 }),
      "[test/shop/db] SecureStatefulSet prop 'partition' is -1, not a whole number from 0 to 1000.\nFix: give a whole number from 0 to 1000."],
    ['a retention policy of "Keep"', sts({ claimRetention: { whenDeleted: 'Keep' } }),
      "[test/shop/db] SecureStatefulSet prop 'claimRetention.whenDeleted' is \"Keep\".\nFix: use ClaimRetention.RETAIN or ClaimRetention.DELETE."],
    ['one replica without an exception', sts({ replicas: 1 }),
      "[test/shop/db] SecureStatefulSet prop 'replicas' is 1, so one node drain takes the workload down.\nPractice HK-WORKLOAD-021 (Disruption budget, ≥2 replicas, spread) refuses it.\nFix: run at least 2 replicas, or add exceptions: [{ practice: 'HK-WORKLOAD-021', reason: '…' }]."],
    ['autoscaling below 2', api({ minReplicas: 1, maxReplicas: 4 }),
      "[test/shop/api] SecureDeployment prop 'autoscale(options.minReplicas)' is 1, so one node drain can take the workload down.\nPractice HK-WORKLOAD-021 (Disruption budget, ≥2 replicas, spread) refuses it.\nFix: keep at least 2 replicas, or add exceptions: [{ practice: 'HK-WORKLOAD-021', reason: '…' }]."],
    ['autoscaling without maxReplicas', api({}),
      "[test/shop/api] SecureDeployment prop 'autoscale(options.maxReplicas)' is missing.\nPractice HK-WORKLOAD-021 (Disruption budget, ≥2 replicas, spread) refuses it.\nFix: give the most replicas the namespace can hold, e.g. 10."],
    ['maxReplicas not above minReplicas', api({ minReplicas: 4, maxReplicas: 4 }),
      "[test/shop/api] SecureDeployment prop 'autoscale(options.maxReplicas)' is 4, not above minReplicas 4, so nothing would scale.\nPractice HK-WORKLOAD-021 (Disruption budget, ≥2 replicas, spread) refuses it.\nFix: raise maxReplicas, or set replicas instead of autoscaling."],
    ['maxReplicas the quota cannot hold', api({ maxReplicas: 40 }),
      "[test/shop/api] SecureDeployment prop 'autoscale(options.maxReplicas)' is 40, and with 1 pod(s) of rollout surge more than the 40 pods the quota of namespace 'shop' admits.\nPractice HK-NAMESPACE-003 (ResourceQuota incl. zero NodePorts/LoadBalancers) refuses it.\nFix: lower maxReplicas to at most 39, or raise the LockedNamespace quota.pods."],
    ['a CPU target of 150%', api({ maxReplicas: 4, cpuUtilization: 150 }),
      "[test/shop/api] SecureDeployment prop 'autoscale(options.cpuUtilization)' is 150, not a whole number from 1 to 100.\nFix: give a whole number from 1 to 100."],
    ['maxReplicas as a string', api({ maxReplicas: '10' }),
      "[test/shop/api] SecureDeployment prop 'autoscale(options.maxReplicas)' is \"10\", not a whole number from 1 to 1000.\nPractice HK-WORKLOAD-021 (Disruption budget, ≥2 replicas, spread) refuses it.\nFix: give a whole number from 1 to 1000."],
    ['protecting something else', () => protectedDb().plan.protect({} as any),
      "[test/shop-backup] BackupPlan prop 'protect(workload)' is [object Object], not a secure workload.\nPractice HK-BACKUP-001 (Scheduled Velero backup for stateful namespaces) refuses it.\nFix: pass a SecureStatefulSet (or any secure workload)."],
  ];
  test.each(CASES)('refuses %s', (_name, fn, expected) => {
    expect(refusal(fn)).toBe(expected);
  });
});
