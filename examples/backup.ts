import { Chart, Duration } from 'cdk8s';
import { AuditPolicy, BackupPlan, CisBenchmark, EncryptionConfiguration, IMountableSecret, RestoreDrill, VolumeData } from 'cdk8s-hardened';

const KUBECTL = 'registry.k8s.io/kubectl:v1.28.15@sha256:5f1b4d0e6c8e4f8b0a1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6';
const KUBE_BENCH = 'docker.io/aquasec/kube-bench:v0.15.6@sha256:0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d';

/** What `addBackupAndBaseline` created. */
export interface BackupExample {
  /** The Velero plan for the data namespace. */
  readonly plan: BackupPlan;
  /** Its restore drill. */
  readonly drill: RestoreDrill;
}

/**
 * Backs up the `payments` namespace hourly (RPO 1h) with CSI snapshots moved to an SSE-KMS bucket, drills a restore
 * every night (RTO 30 min), benchmarks the nodes against CIS weekly (results backed up and drilled too), and adds the control-plane files (KMS v2
 * encryption at rest, audit policy). The files are not part of any chart: after `app.synth()`, write them with
 * `writeControlPlaneFiles(app, 'dist/control-plane')`.
 *
 * `repositoryPassword` is the data mover's repository password, an encrypted Secret `velero-repo-credentials` in
 * namespace `velero` with key `repository-password`, e.g.
 *
 * ```ts
 * new EncryptedSecret(app, 'velero-repo-credentials', {
 *   name: REPOSITORY_SECRET_NAME, namespace: 'velero',
 *   stringData: { [REPOSITORY_SECRET_KEY]: SecretValue.fromEnv('VELERO_REPO_PASSWORD') },
 *   recipients: [SopsRecipient.kms('arn:aws:kms:eu-west-1:111122223333:alias/gitops')],
 * });
 * ```
 */
export function addBackupAndBaseline(chart: Chart, repositoryPassword: IMountableSecret): BackupExample {
  const plan = new BackupPlan(chart, 'payments-backup', {
    namespaces: ['payments'],
    schedule: '15 * * * *',
    rpo: Duration.hours(1),
    ttl: Duration.days(30),
    volumes: VolumeData.csiSnapshots({ repositoryPassword }),
    storage: { bucket: 'acme-prod-velero', prefix: 'cluster-eu-1', region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' },
    hooks: [{
      name: 'postgres-checkpoint',
      podLabels: { 'app.kubernetes.io/name': 'postgres' },
      container: 'postgres',
      pre: ['psql', '-c', 'CHECKPOINT'],
      timeout: Duration.minutes(2),
    }],
  });
  // Velero's own namespace, where the storage location and the repository password live: default-deny, then egress
  // only to DNS, the API server and S3 in eu-west-1 (its ranges from AWS's published ip-ranges.json).
  plan.lockVeleroNamespace('velero-lock', {
    apiServer: { cidrs: ['10.0.0.10/32', '10.0.0.11/32', '10.0.0.12/32'], port: 6443 },
    objectStore: { cidrs: ['52.218.0.0/17', '3.5.64.0/21', '3.5.72.0/23'] },
  });
  const drill = plan.addRestoreDrill('drill', {
    schedule: '0 2 * * *',
    rto: Duration.minutes(30),
    image: KUBECTL,
    apiServer: { cidrs: ['10.0.0.10/32', '10.0.0.11/32', '10.0.0.12/32'], port: 6443 },
    owner: 'payments-team',
  });
  // The benchmark keeps its results on a volume, so its namespace is stateful and gets a plan and a drill too.
  new CisBenchmark(chart, 'cis', { owner: 'platform-team', image: KUBE_BENCH, kubernetesVersion: '1.28' });
  const platform = new BackupPlan(chart, 'platform-backup', {
    namespaces: ['cis-benchmark'],
    schedule: '30 4 * * *',
    rpo: Duration.days(1),
    volumes: VolumeData.csiSnapshots({ repositoryPassword }),
    storage: { bucket: 'acme-prod-velero', prefix: 'cluster-eu-1', region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' },
  });
  platform.addRestoreDrill('drill', {
    schedule: '0 6 * * 0',
    rto: Duration.minutes(15),
    image: KUBECTL,
    apiServer: { cidrs: ['10.0.0.10/32', '10.0.0.11/32', '10.0.0.12/32'], port: 6443 },
    owner: 'platform-team',
  });
  new EncryptionConfiguration(chart, 'encryption-at-rest', {
    kmsProviders: [{ name: 'aws-kms-prod', endpoint: 'unix:///var/run/kmsplugin/socket.sock' }],
    resources: ['secrets', 'configmaps'],
  });
  new AuditPolicy(chart, 'audit-policy');
  return { plan, drill };
}
