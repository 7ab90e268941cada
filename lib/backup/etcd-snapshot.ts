import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { objectMeta, requirePinnedImage } from '../cluster/object-meta';
import { PrivilegedNamespace } from '../cluster/privileged-namespace';
import { ExceptionSet } from '../exceptions/exception-set';
import { requireOwner } from '../namespace/namespace-guards';
import { PracticeException } from '../practices/exceptions';
import { isText, quoted, Refuse, refuser } from '../refusal';
import * as kube from '../render/kube';
import { IStorageClass, resolveStorageClass, storageClassAnnotations } from '../storage/storage-class';
import { enableAppChecks } from '../synth/app-checks';
import { SynthPass } from '../synth/synth-pass';
import { isCronProblem, parseCron, worstCaseIntervalSeconds } from '../units/cron';
import { describeDuration } from '../units/duration';
import { parseQuantity } from '../units/quantity';
import { systemJobPodSpec } from '../workload/system-job-pod';

const CONSTRUCT = 'EtcdSnapshot';

/** The relaxations an etcd snapshot pod needs, each with the reason recorded on the CronJob (HK-AUDIT-003). */
export const ETCD_SNAPSHOT_EXCEPTIONS: readonly PracticeException[] = [
  { practice: 'HK-WORKLOAD-003', reason: 'etcd client key files are root-owned 0600, so the snapshot pod runs as UID 0 (all capabilities dropped)' },
  { practice: 'HK-WORKLOAD-004', reason: 'runs as UID 0 for the same reason as HK-WORKLOAD-003: the etcd client key is root-owned 0600' },
  { practice: 'HK-WORKLOAD-010', reason: 'etcd listens on the control-plane host loopback (127.0.0.1:2379), reachable only with hostNetwork' },
  { practice: 'HK-WORKLOAD-011', reason: 'etcd client certificates are read from the host PKI directory through a read-only hostPath mount' },
];

/** Props of EtcdSnapshot. */
export interface EtcdSnapshotProps {
  /**
   * Confirms the cluster runs its own control plane (kubeadm-style). Managed control planes (EKS, GKE, AKS) do not
   * expose etcd; there the provider backs it up and this construct is refused.
   */
  readonly selfManagedControlPlane: boolean;
  /** Team that owns the snapshot namespace. */
  readonly owner: string;
  /** etcd image with `etcdctl` and `etcdutl` (e.g. `registry.k8s.io/etcd`), pinned by digest. */
  readonly etcdImage: string;
  /** Image with `/bin/sh`, `date`, `find` and `age`, pinned by digest; encrypts the snapshot on the node. */
  readonly encryptImage: string;
  /** age recipient (public key, `age1…`) the snapshot is encrypted to; its private key lives off-cluster. */
  readonly recipient: string;
  /**
   * StorageClass of the ReadWriteMany volume the encrypted snapshots are written to (encrypted, and itself backed up
   * off-cluster): one the app defines, or `StorageClass.fromName(name, reason)` for one created elsewhere (recorded on
   * the claim).
   */
  readonly storageClass: IStorageClass;
  /**
   * Cron schedule.
   * @default '0 *\/6 * * *' — every six hours
   */
  readonly schedule?: string;
  /**
   * Size of the snapshot volume.
   * @default '20Gi'
   */
  readonly storage?: string;
  /**
   * Days an encrypted snapshot is kept on the volume.
   * @default 14
   */
  readonly retentionDays?: number;
  /**
   * Namespace of the snapshot job: a dedicated PrivilegedNamespace, never a LockedNamespace.
   * @default 'etcd-backup'
   */
  readonly namespace?: string;
  /**
   * Host directory holding the etcd CA and the client certificate.
   * @default '/etc/kubernetes/pki/etcd'
   */
  readonly pkiPath?: string;
  /**
   * Base name of the client certificate and key in `pkiPath` (`<name>.crt`, `<name>.key`). A dedicated backup
   * client certificate is better than reusing kubeadm's health-check one.
   * @default 'healthcheck-client'
   */
  readonly clientCertificate?: string;
}

/**
 * etcd snapshots for a self-managed control plane (HK-BACKUP-006): a CronJob on a control-plane node runs
 * `etcdctl snapshot save` against the local member, verifies the file with `etcdutl snapshot status` (etcd 3.6
 * removed the etcdctl form), encrypts it to an age recipient on the node, and writes it to a ReadWriteMany volume,
 * pruning old files. It needs hostNetwork, a read-only hostPath and UID 0, so it lives in its own
 * PrivilegedNamespace, with each relaxation recorded as an exception with its reason.
 *
 * The snapshot holds every object; Secrets in it are only as protected as the EncryptionConfiguration made them,
 * and restoring needs the same KMS key — back that up separately.
 */
export class EtcdSnapshot extends Construct {
  /** The dedicated namespace. */
  public readonly namespace: PrivilegedNamespace;
  /** The CronJob. */
  public readonly cronJob: k8s.KubeCronJob;

  private readonly refuse: Refuse = refuser(this, CONSTRUCT);

  constructor(scope: Construct, id: string, props: EtcdSnapshotProps) {
    super(scope, id);
    SynthPass.of(this).checkRenderedObjects(this);
    enableAppChecks(this);
    if (props.selfManagedControlPlane !== true) {
      this.refuse('selfManagedControlPlane', 'is not true; managed control planes (EKS, GKE, AKS) do not expose etcd',
        'rely on the provider\'s etcd backups on a managed cluster; set selfManagedControlPlane: true only for kubeadm-style control planes.', 'HK-BACKUP-006');
    }
    requireOwner(this.refuse, props.owner);
    ExceptionSet.builtIn(this, CONSTRUCT, ETCD_SNAPSHOT_EXCEPTIONS, (i) => `ETCD_SNAPSHOT_EXCEPTIONS[${i}]`);
    const etcdImage = requirePinnedImage(this, CONSTRUCT, 'etcdImage', props.etcdImage);
    const encryptImage = requirePinnedImage(this, CONSTRUCT, 'encryptImage', props.encryptImage);
    if (!isText(props.recipient, /^age1[02-9ac-hj-np-z]{58}$/)) {
      // The value is not echoed: a private key given here by mistake must not reach logs.
      const what = isText(props.recipient, /^AGE-SECRET-KEY-/i) ? 'an age private key, which must never reach the cluster' : 'not an age X25519 recipient';
      this.refuse('recipient', `is ${what}`,
        'give the public key printed by \'age-keygen -y\' (age1 followed by 58 characters); keep the private key off the cluster.', 'HK-BACKUP-006');
    }
    const cron = props.schedule ?? '0 */6 * * *';
    const parsed = parseCron(cron);
    if (isCronProblem(parsed)) {
      this.refuse('schedule', `is '${cron}', which ${parsed.problem}`, 'write five cron fields, e.g. \'0 */6 * * *\'.', 'HK-BACKUP-006');
    }
    const retention = props.retentionDays ?? 14;
    if (!Number.isInteger(retention) || retention < 1) {
      this.refuse('retentionDays', `is ${retention}, not a whole number of days of at least 1`, 'keep snapshots for e.g. 14 days.', 'HK-BACKUP-006');
    }
    if (retention * 86400 < worstCaseIntervalSeconds(parsed)) {
      this.refuse('retentionDays', `is ${retention}, shorter than the longest gap between snapshots (${describeDuration(Duration.seconds(worstCaseIntervalSeconds(parsed)))})`,
        'keep snapshots at least as long as the schedule\'s longest gap, so one always exists.', 'HK-BACKUP-006');
    }
    if ((props as { storageClassName?: unknown }).storageClassName !== undefined) {
      this.refuse('storageClassName', 'is given, but an EtcdSnapshot takes a storageClass',
        'write storageClass: StorageClass.fromName(\'<name>\', \'<who creates it>\') or a StorageClass of the app.', 'HK-BACKUP-006');
    }
    const storageClass = resolveStorageClass((prop, problem, fix, practiceId) => this.refuse(prop, problem, fix, practiceId ?? 'HK-BACKUP-006'),
      'storageClass', props.storageClass);
    const pkiPath = props.pkiPath ?? '/etc/kubernetes/pki/etcd';
    const cert = props.clientCertificate ?? 'healthcheck-client';
    if (!isText(pkiPath, /^\/[A-Za-z0-9._/-]+$/) || !isText(cert, /^[A-Za-z0-9._-]+$/)) {
      this.refuse('pkiPath', `is ${quoted(pkiPath)} with certificate ${quoted(cert)}, not an absolute host path and a file base name`,
        'give e.g. pkiPath \'/etc/kubernetes/pki/etcd\' and clientCertificate \'etcd-backup-client\'.', 'HK-BACKUP-006');
    }
    const storage = props.storage ?? '20Gi';
    if (typeof storage !== 'string' || !(parseQuantity(storage)! > 0)) {
      this.refuse('storage', `is ${quoted(storage)}, not a Kubernetes quantity`, 'give the snapshot volume\'s size, e.g. \'20Gi\'.', 'HK-BACKUP-006');
    }

    const nsName = props.namespace ?? 'etcd-backup';
    this.namespace = new PrivilegedNamespace(this, 'Namespace', {
      name: nsName,
      owner: props.owner,
      reason: 'etcd snapshot pods need hostNetwork and a read-only hostPath to the etcd PKI, which only the privileged PSA level admits',
      maxClaimStorage: storage,
    });
    const name = 'etcd-snapshot';
    const appLabels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'etcd-snapshot' };
    const meta = (childId: string, objName: string, exceptions: readonly PracticeException[] = []) => objectMeta({
      scope: this, id: childId, name: objName, namespace: nsName, appName: name, partOf: nsName, labels: appLabels, exceptions,
    });

    const sa = new kube.KubeServiceAccount(this, 'ServiceAccount', { metadata: meta('ServiceAccount', name), automountServiceAccountToken: false });
    const claim = new kube.KubePersistentVolumeClaim(this, 'Snapshots', {
      metadata: objectMeta({
        scope: this,
        id: 'Snapshots',
        name: 'etcd-snapshots',
        namespace: nsName,
        appName: name,
        partOf: nsName,
        labels: appLabels,
        annotations: storageClassAnnotations([storageClass]),
      }),
      spec: {
        accessModes: ['ReadWriteMany'],
        ...(storageClass.storageClassName === undefined ? {} : { storageClassName: storageClass.storageClassName }),
        resources: { requests: { storage: k8s.Quantity.fromString(storage) } },
      },
    });
    // Host-network pods escape NetworkPolicy in most CNIs; the policy still isolates the pod where the CNI applies it.
    new kube.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: meta('NetworkPolicy', name),
      spec: { podSelector: { matchLabels: appLabels }, policyTypes: ['Ingress', 'Egress'] },
    });

    const snapshot = '/snap/snapshot.db';
    const encrypt = [
      'set -eu',
      'f="/backup/etcd-$(date -u +%Y%m%dT%H%M%SZ).db.age"',
      `age -r ${props.recipient} -o "$f.partial" ${snapshot}`,
      'mv "$f.partial" "$f"',
      `find /backup -name 'etcd-*.db.age' -mtime +${retention} -delete`,
      'echo "wrote $f"',
    ].join('\n');
    const big = { cpuRequest: '100m', cpuLimit: '1', memory: '256Mi', ephemeralStorage: '2Gi' };
    this.cronJob = new kube.KubeCronJob(this, 'Resource', {
      metadata: meta('Resource', name, ETCD_SNAPSHOT_EXCEPTIONS),
      spec: {
        schedule: cron,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 1,
            activeDeadlineSeconds: 1800,
            template: {
              metadata: { labels: { ...appLabels, 'app.kubernetes.io/part-of': nsName } },
              spec: systemJobPodSpec(this.refuse, {
                serviceAccountName: sa.name,
                runAsRoot: true,
                hostNetwork: true,
                nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
                tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
                initContainers: [
                  {
                    name: 'save',
                    image: etcdImage,
                    command: ['etcdctl'],
                    // etcdctl snapshot save accepts exactly one endpoint: the local member.
                    args: ['--endpoints=https://127.0.0.1:2379', '--cacert=/pki/ca.crt', `--cert=/pki/${cert}.crt`, `--key=/pki/${cert}.key`,
                      'snapshot', 'save', snapshot],
                    volumeMounts: [{ name: 'pki', mountPath: '/pki', readOnly: true }, { name: 'work', mountPath: '/snap' }],
                    resources: big,
                  },
                  {
                    name: 'verify',
                    image: etcdImage,
                    command: ['etcdutl'],
                    args: ['snapshot', 'status', snapshot, '-w', 'json'],
                    volumeMounts: [{ name: 'work', mountPath: '/snap', readOnly: true }],
                  },
                ],
                containers: [{
                  name: 'encrypt',
                  image: encryptImage,
                  command: ['/bin/sh', '-c', encrypt],
                  volumeMounts: [{ name: 'work', mountPath: '/snap', readOnly: true }, { name: 'snapshots', mountPath: '/backup' }],
                }],
                volumes: [
                  { name: 'pki', hostPath: { path: pkiPath, type: 'Directory' } },
                  { name: 'work', emptyDir: { sizeLimit: k8s.Quantity.fromString('2Gi') } },
                  { name: 'snapshots', persistentVolumeClaim: { claimName: claim.name } },
                ],
              }, ETCD_SNAPSHOT_EXCEPTIONS),
            },
          },
        },
      },
    });
  }
}
