import { Manifest } from '../../../lib/practices/manifest';
import { clone, DIGEST, NS, plus, provenance, secureDeployment } from '../fixtures';
import { PracticeCases } from './types';

const VELERO = 'velero';
const ETCD_IMAGE = `registry.k8s.io/etcd:3.6.4-0@${DIGEST}`;

function velero(kind: string, name: string, spec: any, labels: Record<string, string> = {}): Manifest {
  const meta = provenance(name, `test/backup/${name}`);
  return { apiVersion: 'velero.io/v1', kind, metadata: { name, namespace: VELERO, labels: { ...meta.labels, ...labels }, annotations: meta.annotations }, spec };
}

/** A compliant Schedule of the shop namespace; `mutate` edits its spec. */
function schedule(mutate: (spec: any) => void = () => undefined, name = 'shop-daily'): Manifest {
  const spec: any = {
    schedule: 'CRON_TZ=Etc/UTC 15 2 * * *',
    useOwnerReferencesInBackup: false,
    template: { includedNamespaces: [NS], storageLocation: 'primary', ttl: '720h0m0s', snapshotVolumes: false, defaultVolumesToFsBackup: true },
  };
  mutate(spec);
  return velero('Schedule', name, spec);
}

/** A compliant AWS BackupStorageLocation; `mutate` edits its spec. */
function storage(mutate: (spec: any) => void = () => undefined, labels: Record<string, string> = {}): Manifest {
  const spec: any = {
    provider: 'velero.io/aws',
    default: true,
    accessMode: 'ReadWrite',
    objectStorage: { bucket: 'acme-prod-velero', prefix: 'cluster-eu-1' },
    config: { region: 'eu-west-1', kmsKeyId: 'alias/velero-backups', checksumAlgorithm: 'SHA256' },
  };
  mutate(spec);
  return velero('BackupStorageLocation', 'primary', spec, labels);
}

/** A compliant drill Restore of the shop namespace; `mutate` edits its spec. */
function restore(mutate: (spec: any) => void = () => undefined, labels: Record<string, string> = { 'cdk8s-hardened.io/restore-drill': 'shop-daily' }): Manifest {
  const spec: any = {
    scheduleName: 'shop-daily',
    includedNamespaces: [NS],
    namespaceMapping: { [NS]: `${NS}-restore-drill` },
    excludedResources: ['cronjobs.batch'],
    restorePVs: true,
    existingResourcePolicy: 'none',
  };
  mutate(spec);
  return velero('Restore', 'shop-drill', spec, labels);
}

/** A bounded CronJob in the velero namespace running `containers`, with `labels`; `mutate` edits its spec. */
function cronJob(
  name: string, containers: any[], labels: Record<string, string> = {}, mutate: (spec: any) => void = () => undefined,
  annotations: Record<string, string> = {},
): Manifest {
  const meta = provenance(name, `test/backup/${name}`);
  const pod = clone(secureDeployment(name).spec.template);
  pod.spec.restartPolicy = 'Never';
  delete pod.spec.affinity;
  delete pod.spec.topologySpreadConstraints;
  pod.spec.containers = containers;
  const spec: any = {
    schedule: '0 4 * * 0',
    concurrencyPolicy: 'Forbid',
    startingDeadlineSeconds: 300,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 3,
    jobTemplate: { spec: { backoffLimit: 0, activeDeadlineSeconds: 3600, template: pod } },
  };
  mutate(spec);
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: VELERO, labels: { ...meta.labels, ...labels }, annotations: { ...meta.annotations, ...annotations } },
    spec,
  };
}

/** The drill runner CronJob for the shop-daily Schedule. */
function drillRunner(scheduleName = 'shop-daily'): Manifest {
  return cronJob('restore-drill', [{ name: 'drill', image: `registry.example.com/tools/kubectl:1.28@${DIGEST}`, command: ['/drill.sh'] }],
    { 'cdk8s-hardened.io/restore-drill': scheduleName });
}

const ETCD_EXCEPTIONS = {
  'exceptions.cdk8s-hardened.io/HK-WORKLOAD-003': 'etcd client key files are root-owned 0600, so the snapshot pod runs as UID 0',
  'exceptions.cdk8s-hardened.io/HK-WORKLOAD-004': 'runs as UID 0 for the same reason: the etcd client key is root-owned 0600',
  'exceptions.cdk8s-hardened.io/HK-WORKLOAD-010': 'etcd listens on the control-plane host loopback, reachable only with hostNetwork',
  'exceptions.cdk8s-hardened.io/HK-WORKLOAD-011': 'etcd client certificates are read from the host PKI directory via hostPath',
};

/** The etcd snapshot CronJob of backup.md §6 writing to an RWX claim, in namespace etcd-backup; `mutate` edits its pod spec. */
function etcdSnapshot(mutate: (pod: any, cron: any) => void = () => undefined): Manifest {
  const save = {
    name: 'save',
    image: ETCD_IMAGE,
    command: ['etcdctl'],
    args: ['--endpoints=https://127.0.0.1:2379', '--cacert=/pki/ca.crt', '--cert=/pki/backup-client.crt', '--key=/pki/backup-client.key',
      'snapshot', 'save', '/snap/snapshot.db'],
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    volumeMounts: [{ name: 'pki', mountPath: '/pki', readOnly: true }, { name: 'snapshots', mountPath: '/snap' }],
  };
  const verify = { ...clone(save), name: 'verify', command: ['etcdutl'], args: ['snapshot', 'status', '/snap/snapshot.db', '-w', 'json'] };
  const cron: any = cronJob('etcd-snapshot', [verify], { 'cdk8s-hardened.io/backup': 'true' }, () => undefined, ETCD_EXCEPTIONS);
  cron.metadata.namespace = 'etcd-backup';
  const pod = cron.spec.jobTemplate.spec.template.spec;
  pod.initContainers = [save];
  pod.hostNetwork = true;
  pod.dnsPolicy = 'ClusterFirstWithHostNet';
  pod.serviceAccountName = 'etcd-backup';
  pod.nodeSelector = { 'node-role.kubernetes.io/control-plane': '' };
  pod.tolerations = [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }];
  pod.securityContext = { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } };
  pod.volumes = [
    { name: 'pki', hostPath: { path: '/etc/kubernetes/pki/etcd', type: 'Directory' } },
    { name: 'snapshots', persistentVolumeClaim: { claimName: 'etcd-snapshots' } },
  ];
  mutate(pod, cron);
  return cron;
}

function etcdClaim(accessModes = ['ReadWriteMany']): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'etcd-snapshots', namespace: 'etcd-backup', ...provenance('etcd-snapshots', 'test/backup/pvc') },
    spec: { accessModes, resources: { requests: { storage: '20Gi' } }, storageClassName: 'encrypted-rwx' },
  };
}

function etcdNamespace(enforce = 'privileged', exception = true): Manifest {
  const meta = provenance('etcd-backup', 'test/backup/ns');
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: 'etcd-backup',
      labels: { ...meta.labels, 'pod-security.kubernetes.io/enforce': enforce },
      annotations: {
        ...meta.annotations,
        ...(exception ? { 'exceptions.cdk8s-hardened.io/HK-NAMESPACE-002': 'etcd snapshots need hostNetwork and hostPath, which only privileged admits' } : {}),
      },
    },
  };
}

/** A StatefulSet in the shop namespace (state that a Schedule must cover). */
function statefulSet(): Manifest {
  const d = clone(secureDeployment('db'));
  d.kind = 'StatefulSet';
  d.spec.serviceName = 'db';
  delete d.spec.strategy;
  return d;
}

/** The StatefulSet with a volumeClaimTemplate: it holds volume data; `schedule` is its backup.cdk8s-hardened.io/schedule. */
function statefulSetWithData(protectedBy?: string): Manifest {
  const d = statefulSet();
  d.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOncePod'], storageClassName: 'encrypted', resources: { requests: { storage: '1Gi' } } } }];
  if (protectedBy === undefined) return d;
  return { ...d, metadata: { ...d.metadata, annotations: { ...d.metadata?.annotations, 'backup.cdk8s-hardened.io/schedule': protectedBy } } };
}

const veleroServer = { name: 'velero', image: `docker.io/velero/velero:v1.18.1@${DIGEST}`, command: ['/velero'] };

export const BACKUP_CASES: PracticeCases = {
  'HK-BACKUP-001': {
    pass: [
      { name: 'no Schedules: a StatefulSet without claims is not judged', objects: plus(statefulSet()) },
      { name: 'no Schedules: the StatefulSet names the Schedule managed elsewhere', objects: plus(statefulSetWithData('velero/shop-daily')) },
      { name: 'a Schedule covers the StatefulSet with claims', objects: plus(schedule(), statefulSetWithData('velero/shop-daily'), drillRunner()) },
      { name: 'compliant Schedule covering the stateful namespace', objects: plus(schedule(), statefulSet(), drillRunner()) },
      { name: 'plain 5-field cron without time zone', objects: plus(schedule((s) => { s.schedule = '0 */6 * * *'; })) },
      { name: 'useOwnerReferencesInBackup unset (defaults to false)', objects: plus(schedule((s) => { delete s.useOwnerReferencesInBackup; })) },
    ],
    fail: [
      { name: 'six-field cron', objects: plus(schedule((s) => { s.schedule = '0 0 2 * * *'; })) },
      { name: 'descriptor instead of five fields', objects: plus(schedule((s) => { s.schedule = '@daily'; })) },
      { name: 'out-of-range hour', objects: plus(schedule((s) => { s.schedule = '0 25 * * *'; })) },
      { name: 'unknown time zone', objects: plus(schedule((s) => { s.schedule = 'CRON_TZ=Mars/Olympus 0 2 * * *'; })) },
      { name: 'no includedNamespaces', objects: plus(schedule((s) => { delete s.template.includedNamespaces; })) },
      { name: 'glob includedNamespaces', objects: plus(schedule((s) => { s.template.includedNamespaces = ['*']; })) },
      { name: 'no ttl', objects: plus(schedule((s) => { delete s.template.ttl; })) },
      { name: 'ttl not a Go duration', objects: plus(schedule((s) => { s.template.ttl = '30 days'; })) },
      { name: 'no storageLocation', objects: plus(schedule((s) => { delete s.template.storageLocation; })) },
      { name: 'useOwnerReferencesInBackup true', objects: plus(schedule((s) => { s.useOwnerReferencesInBackup = true; })) },
      { name: 'no Schedules: a StatefulSet with claims names no Schedule', objects: plus(statefulSetWithData()) },
      { name: 'no Schedules: the annotation is no <namespace>/<schedule>', objects: plus(statefulSetWithData('nightly')) },
      { name: 'stateful namespace not covered', objects: plus(schedule((s) => { s.template.includedNamespaces = ['payments']; }), statefulSet()) },
    ],
  },
  'HK-BACKUP-002': {
    pass: [
      { name: 'file-system backup', objects: plus(schedule()) },
      { name: 'CSI snapshots', objects: plus(schedule((s) => { s.template.snapshotVolumes = true; s.template.defaultVolumesToFsBackup = false; })) },
      {
        name: 'stateless namespace with a recorded exception',
        objects: plus(schedule((s) => { s.template.defaultVolumesToFsBackup = false; })).map((o) => {
          if (o.kind === 'Schedule') (o.metadata as any).annotations['exceptions.cdk8s-hardened.io/HK-BACKUP-002'] = 'the shop namespace holds no volumes';
          return o;
        }),
      },
    ],
    fail: [
      { name: 'neither snapshots nor fs backup', objects: plus(schedule((s) => { s.template.defaultVolumesToFsBackup = false; })) },
      { name: 'deprecated defaultVolumesToRestic', objects: plus(schedule((s) => { delete s.template.defaultVolumesToFsBackup; s.template.defaultVolumesToRestic = true; })) },
      { name: 'standalone Backup without volumes', objects: plus(velero('Backup', 'one-off', { includedNamespaces: [NS], ttl: '24h0m0s' })) },
    ],
  },
  'HK-BACKUP-003': {
    pass: [
      { name: 'AWS with kmsKeyId', objects: plus(storage()) },
      { name: 'GCP with kmsKeyName', objects: plus(storage((s) => { s.provider = 'velero.io/gcp'; s.config = { kmsKeyName: 'projects/p/locations/l/keyRings/r/cryptoKeys/k' }; })) },
      { name: 'insecureSkipTLSVerify "false"', objects: plus(storage((s) => { s.config.insecureSkipTLSVerify = 'false'; })) },
      { name: 'https S3-compatible endpoint', objects: plus(storage((s) => { s.config.s3Url = 'https://minio.example.com'; s.config.s3ForcePathStyle = 'true'; })) },
      { name: 'credential by Secret reference', objects: plus(storage((s) => { s.credential = { name: 'bsl-credentials', key: 'cloud' }; })) },
    ],
    fail: [
      { name: 'AWS without kmsKeyId', objects: plus(storage((s) => { delete s.config.kmsKeyId; })) },
      { name: 'unknown provider', objects: plus(storage((s) => { s.provider = 'example.com/store'; })) },
      { name: 'insecureSkipTLSVerify "true"', objects: plus(storage((s) => { s.config.insecureSkipTLSVerify = 'true'; })) },
      { name: 'plain http endpoint', objects: plus(storage((s) => { s.config.s3Url = 'http://minio.velero.svc:9000'; })) },
      { name: 'credentials in the URL', objects: plus(storage((s) => { s.config.s3Url = 'https://user:pass@minio.example.com'; })) },
      { name: 'inline secret key', objects: plus(storage((s) => { s.config.aws_secret_access_key = 'redacted-for-the-test'; })) },
    ],
  },
  'HK-BACKUP-004': {
    pass: [
      { name: 'primary location read-write (not judged)', objects: plus(storage()) },
      { name: 'DR location read-only', objects: plus(storage((s) => { s.accessMode = 'ReadOnly'; }, { 'cdk8s-hardened.io/role': 'disaster-recovery' })) },
    ],
    fail: [
      { name: 'DR location read-write', objects: plus(storage(() => undefined, { 'cdk8s-hardened.io/role': 'disaster-recovery' })) },
      { name: 'DR location without accessMode', objects: plus(storage((s) => { delete s.accessMode; }, { 'cdk8s-hardened.io/role': 'disaster-recovery' })) },
    ],
  },
  'HK-BACKUP-005': {
    pass: [
      { name: 'no Velero objects', objects: plus() },
      { name: 'Schedule with a drill runner CronJob', objects: plus(schedule(), drillRunner()) },
      { name: 'Schedule with a drill Restore', objects: plus(schedule(), restore()) },
      { name: 'DR restore in place (not a drill)', objects: plus(velero('Restore', 'dr', { backupName: 'shop-daily-20260101', includedNamespaces: [NS], restorePVs: true })) },
    ],
    fail: [
      { name: 'Schedule without a drill', objects: plus(schedule()) },
      { name: 'drill runner for another Schedule', objects: plus(schedule(), drillRunner('other')) },
      { name: 'drill without scheduleName', objects: plus(restore((s) => { delete s.scheduleName; s.backupName = 'shop-daily-20260101'; })) },
      { name: 'drill into a non-scratch namespace', objects: plus(restore((s) => { s.namespaceMapping = { [NS]: 'shop-copy' }; })) },
      { name: 'drill without restorePVs', objects: plus(restore((s) => { delete s.restorePVs; })) },
      { name: 'drill with an unmapped namespace', objects: plus(restore((s) => { s.includedNamespaces = [NS, 'payments']; })) },
      { name: 'drill without includedNamespaces', objects: plus(restore((s) => { delete s.includedNamespaces; })) },
      { name: 'unlabelled Restore mapping into *-restore-drill is judged as a drill', objects: plus(restore((s) => { delete s.restorePVs; }, {})) },
      { name: 'restore into kube-system', objects: plus(velero('Restore', 'bad', { backupName: 'b', namespaceMapping: { [NS]: 'kube-system' }, restorePVs: true })) },
    ],
  },
  'HK-BACKUP-006': {
    pass: [
      { name: 'no etcd snapshot job: not judged', objects: plus() },
      { name: 'backup.md skeleton on an RWX claim', objects: plus(etcdSnapshot(), etcdClaim(), etcdNamespace()) },
      { name: 'Namespace outside the set', objects: plus(etcdSnapshot(), etcdClaim()) },
    ],
    fail: [
      { name: 'no control-plane nodeSelector', objects: plus(etcdSnapshot((p) => { delete p.nodeSelector; }), etcdClaim()) },
      { name: 'no toleration', objects: plus(etcdSnapshot((p) => { p.tolerations = []; }), etcdClaim()) },
      { name: 'no TLS client flags', objects: plus(etcdSnapshot((p) => { p.initContainers[0].args = ['snapshot', 'save', '/snap/snapshot.db']; }), etcdClaim()) },
      { name: 'verifies with the removed etcdctl snapshot status', objects: plus(etcdSnapshot((p) => { p.containers[0].command = ['etcdctl']; }), etcdClaim()) },
      { name: 'claim is ReadWriteOnce', objects: plus(etcdSnapshot(), etcdClaim(['ReadWriteOnce'])) },
      { name: 'claim not in the set', objects: plus(etcdSnapshot()) },
      { name: 'writes to emptyDir only', objects: plus(etcdSnapshot((p) => { p.volumes[1] = { name: 'snapshots', emptyDir: {} }; })) },
      { name: 'image not pinned', objects: plus(etcdSnapshot((p) => { p.initContainers[0].image = 'registry.k8s.io/etcd:3.6.4-0'; }), etcdClaim()) },
      {
        name: 'hostNetwork without a recorded exception',
        objects: plus(etcdSnapshot((_p, c) => { delete c.metadata.annotations['exceptions.cdk8s-hardened.io/HK-WORKLOAD-010']; }), etcdClaim()),
      },
      {
        name: 'root with a too-short reason',
        objects: plus(etcdSnapshot((_p, c) => { c.metadata.annotations['exceptions.cdk8s-hardened.io/HK-WORKLOAD-003'] = 'root'; }), etcdClaim()),
      },
      { name: 'namespace enforces restricted', objects: plus(etcdSnapshot(), etcdClaim(), etcdNamespace('restricted')) },
      { name: 'namespace without its HK-NAMESPACE-002 exception', objects: plus(etcdSnapshot(), etcdClaim(), etcdNamespace('privileged', false)) },
    ],
  },
  'HK-BACKUP-007': {
    pass: [
      { name: 'bounded drill runner', objects: plus(drillRunner()) },
      { name: 'bounded etcd snapshot job', objects: plus(etcdSnapshot(), etcdClaim()) },
      { name: 'unbounded non-backup CronJob is HK-WORKLOAD-022\'s concern', objects: plus(cronJob('report', [{ name: 'r', image: `registry.example.com/r:1@${DIGEST}` }], {}, (s) => { s.concurrencyPolicy = 'Allow'; })) },
    ],
    fail: [
      { name: 'labelled backup job allowing overlap', objects: plus(cronJob('dump', [{ name: 'd', image: `registry.example.com/pgdump:1@${DIGEST}` }], { 'cdk8s-hardened.io/backup': 'true' }, (s) => { s.concurrencyPolicy = 'Allow'; })) },
      { name: 'velero image without startingDeadlineSeconds', objects: plus(cronJob('velero-gc', [veleroServer], {}, (s) => { delete s.startingDeadlineSeconds; })) },
      { name: 'etcd job without history limits', objects: plus(etcdSnapshot((_p, c) => { delete c.spec.successfulJobsHistoryLimit; }), etcdClaim()) },
      { name: 'drill runner without activeDeadlineSeconds', objects: plus(cronJob('restore-drill', [veleroServer], { 'cdk8s-hardened.io/restore-drill': 'x' }, (s) => { delete s.jobTemplate.spec.activeDeadlineSeconds; })) },
      { name: 'backup job with a jobTemplate TTL', objects: plus(cronJob('velero-gc', [veleroServer], {}, (s) => { s.jobTemplate.spec.ttlSecondsAfterFinished = 600; })) },
      { name: 'backup job without backoffLimit', objects: plus(cronJob('velero-gc', [veleroServer], {}, (s) => { delete s.jobTemplate.spec.backoffLimit; })) },
    ],
  },
};
