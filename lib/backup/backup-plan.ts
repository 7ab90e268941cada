import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { EtcdSnapshot, EtcdSnapshotProps } from './etcd-snapshot';
import { IBackupPlan, RestoreDrill, RestoreDrillOptions } from './restore-drill';
import { VeleroNamespaceLock, VeleroNamespaceLockProps } from './velero-namespace-lock';
import { objectMeta } from '../cluster/object-meta';
import * as bsl from '../imports/velero-bsl-velero.io';
import * as schedule from '../imports/velero-schedule-velero.io';
import { PROTECTED_BY_ANNOTATION } from '../practices/checks/backup/util';
import { isReservedNamespace } from '../practices/checks/namespace/dedicated-namespace';
import { PracticeException } from '../practices/exceptions';
import { DNS_LABEL } from '../practices/manifest';
import { isText, quoted, Refuse, refuser } from '../refusal';
import { IMountableSecret } from '../secrets/mountable-secret';
import { enableAppChecks } from '../synth/app-checks';
import { SynthPass } from '../synth/synth-pass';
import { isCronProblem, parseCron, worstCaseIntervalSeconds } from '../units/cron';
import { describeDuration, goDuration, seconds } from '../units/duration';
import { SecureWorkload } from '../workload/secure-workload';

/** Annotation with a plan's recovery point objective, as a Go duration (read by audits and monitors). */
export const RPO_ANNOTATION = 'cdk8s-hardened.io/rpo';
/** Label on every Backup a plan's Schedule creates, and on the plan's own objects. */
export const BACKUP_PLAN_LABEL = 'cdk8s-hardened.io/backup-plan';

/** Velero's file-system-backup / data-mover repository password Secret (`pkg/repository/keys/keys.go`). */
export const REPOSITORY_SECRET_NAME = 'velero-repo-credentials';
/** The key of the repository password in that Secret. */
export const REPOSITORY_SECRET_KEY = 'repository-password';

const CONSTRUCT = 'BackupPlan';

/** A Secret in the Velero namespace: a name and the key to read. */
export interface SecretKeyRef {
  /** Secret name. */
  readonly secretName: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** Where and how backups are stored: an S3 bucket with SSE-KMS (HK-BACKUP-003). */
export interface BackupStorage {
  /**
   * Name of the BackupStorageLocation.
   * @default - the plan name
   */
  readonly name?: string;
  /** Bucket name. */
  readonly bucket: string;
  /**
   * Prefix inside the bucket, e.g. the cluster name.
   * @default - the bucket root
   */
  readonly prefix?: string;
  /** Bucket region, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * KMS key for server-side encryption (`kmsKeyId`: key id, `alias/<name>` or ARN). Required: backups hold every
   * Secret of the namespace in clear JSON, so the bucket must be encrypted with a key whose use is audited.
   */
  readonly kmsKeyId: string;
  /**
   * Endpoint of an S3-compatible store; must be `https://`. TLS is always verified (`insecureSkipTLSVerify` is never set).
   * @default - AWS S3
   */
  readonly s3Url?: string;
  /**
   * CA bundle for a private S3 endpoint, from a Secret in the Velero namespace.
   * @default - the system trust store
   */
  readonly caCert?: SecretKeyRef;
  /**
   * Cloud credentials from a Secret in the Velero namespace (produced by EncryptedSecret).
   * @default - workload identity (IRSA / EKS Pod Identity) of Velero's ServiceAccount
   */
  readonly credential?: SecretKeyRef;
}

/** How volume contents get into the backup (HK-BACKUP-002). */
export class VolumeData {
  /**
   * CSI volume snapshots. With `moveData` (the default) the data mover copies them to the bucket, so a lost
   * storage backend does not take the backups with it; the mover's repository password must then be supplied.
   */
  public static csiSnapshots(options: CsiSnapshotOptions = {}): VolumeData {
    const moveData = options.moveData ?? true;
    return new VolumeData('csi', moveData, options.repositoryPassword);
  }

  /** File-system backup (kopia) of every pod volume; needs the repository password and Velero's node agent. */
  public static fileSystemBackup(repositoryPassword: IMountableSecret): VolumeData {
    return new VolumeData('fs', false, repositoryPassword);
  }

  /**
   * Manifests only, for namespaces without state. Recorded on the Schedule as an HK-BACKUP-002 exception.
   * @param reason why the namespace holds no data worth backing up (at least 10 characters)
   */
  public static none(reason: string): VolumeData {
    return new VolumeData('none', false, undefined, reason);
  }

  private constructor(
    /** `csi`, `fs` or `none`. */
    public readonly mode: 'csi' | 'fs' | 'none',
    /** Whether CSI snapshot data is moved to the bucket. */
    public readonly moveData: boolean,
    /** The repository password Secret, for file-system backup and the data mover. */
    public readonly repositoryPassword?: IMountableSecret,
    /** Why no volume data is backed up. */
    public readonly reason?: string,
  ) {}
}

/** Options of `VolumeData.csiSnapshots`. */
export interface CsiSnapshotOptions {
  /**
   * Move snapshot data to the bucket (`snapshotMoveData`).
   * @default true
   */
  readonly moveData?: boolean;
  /**
   * The data mover's repository password (`velero-repo-credentials`, key `repository-password`); required when
   * `moveData` is on, because Velero otherwise creates it with a built-in, public default.
   * @default - none; refused when moveData is on
   */
  readonly repositoryPassword?: IMountableSecret;
}

/** A consistency hook Velero runs in a pod before (and after) backing it up, e.g. a database dump or flush. */
export interface BackupHook {
  /** Hook name. */
  readonly name: string;
  /** Labels of the pods to run it in. */
  readonly podLabels: Record<string, string>;
  /** Container to exec in. */
  readonly container: string;
  /**
   * Command before the pod's volumes are backed up (argv, not run in a shell).
   * @default - none
   */
  readonly pre?: string[];
  /**
   * Command after the pod's items are backed up.
   * @default - none
   */
  readonly post?: string[];
  /**
   * How long each command may run.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Whether a failing hook fails the backup (`Fail`) rather than being logged (`Continue`).
   * @default true — an inconsistent backup is worse than a failed one an alert sees
   */
  readonly failBackupOnError?: boolean;
}

/** Props of BackupPlan. */
export interface BackupPlanProps {
  /**
   * Name of the Schedule (and default name of the storage location).
   * @default - the construct id
   */
  readonly name?: string;
  /** The namespaces the plan protects (HK-BACKUP-001). */
  readonly namespaces: string[];
  /** Cron schedule (5 fields, optional `CRON_TZ=` prefix); its longest gap must not exceed `rpo`. */
  readonly schedule: string;
  /** Recovery point objective: the most data, in time, the plan may lose. */
  readonly rpo: Duration;
  /**
   * How long each backup is kept; at least the RPO and the restore-drill interval.
   * @default Duration.days(30) — Velero's default
   */
  readonly ttl?: Duration;
  /** How volume contents are captured (HK-BACKUP-002). */
  readonly volumes: VolumeData;
  /** Where backups go (HK-BACKUP-003). */
  readonly storage: BackupStorage;
  /**
   * Consistency hooks.
   * @default - none
   */
  readonly hooks?: BackupHook[];
  /**
   * The namespace Velero runs in; every Velero object must be created there.
   * @default 'velero'
   */
  readonly veleroNamespace?: string;
}

/**
 * A Velero backup plan for some namespaces: a Schedule checked against the recovery point objective, with TTL,
 * volume data, consistency hooks and `useOwnerReferencesInBackup: false` (deleting the Schedule never deletes its
 * backups), and a BackupStorageLocation on S3 encrypted with a KMS key and TLS-verified. When volume data goes
 * through file-system backup or the data mover, the repository password must come from an encrypted Secret, so
 * Velero never creates its built-in default. Restore drills and etcd snapshots are added with
 * `addRestoreDrill` and `addEtcdSnapshots`.
 *
 * Prerequisites outside Kubernetes: bucket default encryption with the same key, versioning and Object Lock, a
 * bucket policy refusing unencrypted PutObject, and a copy in another account or region.
 */
export class BackupPlan extends Construct implements IBackupPlan {
  /** Name of the Schedule. */
  public readonly scheduleName: string;
  /** Namespace Velero runs in. */
  public readonly veleroNamespace: string;
  /** Protected namespaces. */
  public readonly namespaces: string[];
  /** Backup TTL. */
  public readonly ttl: Duration;
  /** Recovery point objective. */
  public readonly rpo: Duration;
  /** The Schedule. */
  public readonly schedule: schedule.Schedule;
  /** The BackupStorageLocation. */
  public readonly storageLocation: bsl.BackupStorageLocation;

  private readonly refuse: Refuse = refuser(this, CONSTRUCT);

  constructor(scope: Construct, id: string, props: BackupPlanProps) {
    super(scope, id);
    SynthPass.of(this).checkRenderedObjects(this);
    enableAppChecks(this);
    this.scheduleName = props.name ?? id;
    this.veleroNamespace = props.veleroNamespace ?? 'velero';
    for (const [prop, value] of [['rpo', props.rpo], ['ttl', props.ttl ?? Duration.days(30)]] as const) {
      if (!(value instanceof Duration)) {
        this.refuse(prop, `is ${JSON.stringify(value) ?? 'undefined'}, not a Duration`, 'write e.g. Duration.hours(1).', 'HK-BACKUP-001');
      }
    }
    this.rpo = props.rpo;
    this.ttl = props.ttl ?? Duration.days(30);
    this.namespaces = this.validateNamespaces(props.namespaces);
    this.validateName('name', this.scheduleName);
    this.validateName('veleroNamespace', this.veleroNamespace);
    this.validateTiming(props.schedule);
    this.validateVolumes(props.volumes);
    if (!props.storage || typeof props.storage !== 'object') {
      this.refuse('storage', `is ${JSON.stringify(props.storage) ?? 'undefined'}, not a storage description`,
        'give { bucket, region, kmsKeyId } of the S3 bucket the backups go to.', 'HK-BACKUP-003');
    }
    const storageName = props.storage.name ?? this.scheduleName;
    this.validateName('storage.name', storageName);
    const storageSpec = this.storageSpec(props.storage);

    const meta = (childId: string, name: string, annotations: Record<string, string> = {}, exceptions: PracticeException[] = []) => objectMeta({
      scope: this,
      id: childId,
      name,
      namespace: this.veleroNamespace,
      appName: this.scheduleName,
      partOf: this.veleroNamespace,
      labels: { [BACKUP_PLAN_LABEL]: this.scheduleName },
      annotations,
      exceptions,
    });

    this.storageLocation = new bsl.BackupStorageLocation(this, 'StorageLocation', { metadata: meta('StorageLocation', storageName), spec: storageSpec });

    const volumes = props.volumes;
    const hooks = (props.hooks ?? []).map((h, i) => this.hook(h, i));
    this.schedule = new schedule.Schedule(this, 'Resource', {
      metadata: meta('Resource', this.scheduleName, { [RPO_ANNOTATION]: goDuration(this.rpo) },
        volumes.mode === 'none' ? [{ practice: 'HK-BACKUP-002', reason: volumes.reason ?? '' }] : []),
      spec: {
        schedule: props.schedule,
        useOwnerReferencesInBackup: false,
        paused: false,
        template: {
          includedNamespaces: this.namespaces,
          storageLocation: storageName,
          ttl: goDuration(this.ttl),
          snapshotVolumes: volumes.mode === 'csi',
          defaultVolumesToFsBackup: volumes.mode === 'fs',
          ...(volumes.mode === 'csi' ? { snapshotMoveData: volumes.moveData } : {}),
          ...(hooks.length > 0 ? { hooks: { resources: hooks } } : {}),
          metadata: { labels: { [BACKUP_PLAN_LABEL]: this.scheduleName } },
        },
      },
    });
  }

  /**
   * Backs up a workload's data: its namespace joins the Schedule's includedNamespaces, and its controller names the
   * Schedule in the `backup.cdk8s-hardened.io/schedule` annotation, which the audit checks (HK-BACKUP-001).
   *
   * @example
   * const db = new SecureStatefulSet(shop, 'db', { ... });
   * plan.protect(db);
   */
  public protect(workload: SecureWorkload): void {
    if (!SecureWorkload.isSecureWorkload(workload)) {
      this.refuse('protect(workload)', `is ${String(workload)}, not a secure workload`, 'pass a SecureStatefulSet (or any secure workload).', 'HK-BACKUP-001');
    }
    if (isReservedNamespace(workload.namespace)) {
      this.refuse('protect(workload)', `is in namespace '${workload.namespace}', which the plan cannot back up`, 'protect application workloads only.', 'HK-BACKUP-001');
    }
    if (!this.namespaces.includes(workload.namespace)) {
      // The Schedule renders this very array, so the namespace reaches its includedNamespaces.
      this.namespaces.push(workload.namespace);
      this.namespaces.sort();
    }
    const controller = workload.node.defaultChild;
    if (ApiObject.isApiObject(controller)) controller.metadata.addAnnotation(PROTECTED_BY_ANNOTATION, `${this.veleroNamespace}/${this.scheduleName}`);
  }

  /** Adds a scheduled restore drill of one protected namespace into its own locked drill namespace (HK-BACKUP-005). */
  public addRestoreDrill(id: string, options: RestoreDrillOptions): RestoreDrill {
    return new RestoreDrill(this, id, { ...options, plan: this });
  }

  /**
   * Locks the Velero namespace this plan writes into (the BackupStorageLocation, the Schedule, the repository
   * password): default-deny, then egress only to DNS, the API server and the object store. Velero is installed
   * elsewhere (its chart creates the namespace); this adds the NetworkPolicies that chart does not.
   */
  public lockVeleroNamespace(id: string, options: Omit<VeleroNamespaceLockProps, 'namespace'>): VeleroNamespaceLock {
    return new VeleroNamespaceLock(this, id, { ...options, namespace: this.veleroNamespace });
  }

  /** Adds etcd snapshots for a self-managed control plane (HK-BACKUP-006). */
  public addEtcdSnapshots(id: string, props: EtcdSnapshotProps): EtcdSnapshot {
    return new EtcdSnapshot(this, id, props);
  }

  private validateNamespaces(namespaces: string[]): string[] {
    if (!Array.isArray(namespaces) || namespaces.length === 0) {
      this.refuse('namespaces', 'is empty, so the Schedule would back up every namespace or none',
        'list the namespaces the plan protects, e.g. [\'payments\'].', 'HK-BACKUP-001');
    }
    for (const ns of namespaces) {
      if (typeof ns !== 'string' || !DNS_LABEL.test(ns) || isReservedNamespace(ns)) {
        this.refuse('namespaces', `contains '${ns}', not an application namespace`,
          'list application namespaces by name (no globs, never default or kube-*).', 'HK-BACKUP-001');
      }
    }
    return [...new Set(namespaces)].sort();
  }

  private validateName(prop: string, name: string): void {
    if (!isText(name, DNS_LABEL) || name.length > 63) {
      this.refuse(prop, `is ${quoted(name)}, not a DNS label`, 'use lower-case letters, digits and \'-\', at most 63 characters.');
    }
  }

  private validateTiming(cron: string): void {
    if (typeof cron !== 'string') {
      this.refuse('schedule', `is ${JSON.stringify(cron) ?? 'undefined'}, not a cron expression`,
        'write five cron fields \'minute hour day-of-month month day-of-week\', e.g. \'15 * * * *\' for hourly.', 'HK-BACKUP-001');
    }
    const parsed = parseCron(cron);
    if (isCronProblem(parsed)) {
      this.refuse('schedule', `is '${cron}', which ${parsed.problem}`,
        'write five cron fields \'minute hour day-of-month month day-of-week\', e.g. \'15 * * * *\' for hourly.', 'HK-BACKUP-001');
    }
    const gap = Duration.seconds(worstCaseIntervalSeconds(parsed));
    // NaN compares false with everything: without this, a NaN rpo would accept any schedule, even a yearly one.
    if (!(seconds(this.rpo) > 0) || !Number.isFinite(seconds(this.rpo))) {
      const given = Number.isFinite(seconds(this.rpo)) ? describeDuration(this.rpo) : `${seconds(this.rpo)} seconds`;
      this.refuse('rpo', `is ${given}, not a positive duration`, 'give the most data loss the namespaces may suffer, e.g. Duration.hours(1).', 'HK-BACKUP-001');
    }
    if (seconds(gap) > seconds(this.rpo)) {
      this.refuse('schedule', `is '${cron}', whose longest gap between backups (${describeDuration(gap)}) exceeds the rpo (${describeDuration(this.rpo)})`,
        `back up at least every ${describeDuration(this.rpo)} (e.g. '0 * * * *' is hourly), or raise rpo to at least ${describeDuration(gap)}.`, 'HK-BACKUP-001');
    }
    if (!Number.isFinite(seconds(this.ttl)) || seconds(this.ttl) < seconds(this.rpo)) {
      this.refuse('ttl', `is ${describeDuration(this.ttl)}, shorter than the rpo (${describeDuration(this.rpo)}), so a backup can expire before the next one exists`,
        `keep backups at least ${describeDuration(this.rpo)}; the default is Duration.days(30).`, 'HK-BACKUP-001');
    }
  }

  private validateVolumes(volumes: VolumeData): void {
    if (!(volumes instanceof VolumeData)) {
      this.refuse('volumes', `is ${JSON.stringify(volumes) ?? 'undefined'}, not a VolumeData`,
        'use VolumeData.csiSnapshots(…), VolumeData.fileSystemBackup(…) or VolumeData.none(reason).', 'HK-BACKUP-002');
    }
    if (volumes.mode === 'none' && (typeof volumes.reason !== 'string' || volumes.reason.trim().length < 10)) {
      this.refuse('volumes', `is VolumeData.none(${JSON.stringify(volumes.reason)?.slice(0, 80) ?? 'undefined'}), whose reason is under 10 characters`,
        'say why the namespaces hold no data worth backing up, e.g. VolumeData.none(\'stateless API: state lives in RDS (ADR-7)\').', 'HK-BACKUP-002');
    }
    const needsPassword = volumes.mode === 'fs' || (volumes.mode === 'csi' && volumes.moveData);
    if (!needsPassword) return;
    const what = volumes.mode === 'fs' ? 'file-system backup' : 'the CSI data mover';
    const secret = volumes.repositoryPassword;
    const fix = `supply the repository password as an encrypted Secret (EncryptedSecret, SealedSecret or ExternalSecret) named '${REPOSITORY_SECRET_NAME}' `
      + `in namespace '${this.veleroNamespace}' with key '${REPOSITORY_SECRET_KEY}', created before the first backup.`;
    if (!secret) {
      this.refuse('volumes', `uses ${what} without a repository password, so Velero would create its built-in default password`, fix, 'HK-BACKUP-002');
    }
    if (secret.secretName !== REPOSITORY_SECRET_NAME || (secret.secretNamespace ?? this.veleroNamespace) !== this.veleroNamespace
      || !secret.keys.includes(REPOSITORY_SECRET_KEY)) {
      this.refuse('volumes', `names the repository password Secret '${secret.secretNamespace ?? '(no namespace)'}/${secret.secretName}' `
        + `with keys [${secret.keys.join(', ')}], which Velero does not read`, fix, 'HK-BACKUP-002');
    }
  }

  private storageSpec(s: BackupStorage): bsl.BackupStorageLocationSpec {
    if (typeof s.kmsKeyId !== 'string' || s.kmsKeyId.trim() === '') {
      this.refuse('storage.kmsKeyId', 'is empty, so backups (every Secret of the namespaces, in clear JSON) would be stored without a KMS key',
        'give the KMS key Velero\'s IAM role may use: a key id, \'alias/<name>\' or the key ARN, e.g. \'alias/velero-backups\'.', 'HK-BACKUP-003');
    }
    if (!/^(alias\/[A-Za-z0-9/_-]+|[0-9a-f-]{36}|mrk-[0-9a-f]{32}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+)$/.test(s.kmsKeyId)) {
      this.refuse('storage.kmsKeyId', `is '${s.kmsKeyId}', not a KMS key id, alias or ARN`,
        'write \'alias/<name>\', a key id (UUID or mrk-…) or \'arn:aws:kms:<region>:<account>:key/<id>\'.', 'HK-BACKUP-003');
    }
    if (typeof s.bucket !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s.bucket)) {
      this.refuse('storage.bucket', `is '${s.bucket}', not an S3 bucket name`, 'use the bucket name only (no s3:// and no path); put paths in prefix.');
    }
    if (typeof s.region !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(s.region)) {
      this.refuse('storage.region', `is ${JSON.stringify(s.region) ?? 'undefined'}, not a region name`,
        'give the bucket\'s region, e.g. \'eu-west-1\' (an S3-compatible store takes its configured region, often \'us-east-1\').', 'HK-BACKUP-003');
    }
    if (s.s3Url !== undefined && !isText(s.s3Url, /^https:\/\/[^\s/]+(\/\S*)?$/)) {
      this.refuse('storage.s3Url', `is ${quoted(s.s3Url)}, not an https:// endpoint`, 'serve the S3-compatible store over TLS and give its https:// URL.', 'HK-BACKUP-003');
    }
    const config: Record<string, string> = { region: s.region, kmsKeyId: s.kmsKeyId, checksumAlgorithm: 'SHA256' };
    if (s.s3Url !== undefined) {
      config.s3Url = s.s3Url;
      config.s3ForcePathStyle = 'true';
    }
    return {
      provider: 'velero.io/aws',
      accessMode: bsl.BackupStorageLocationSpecAccessMode.READ_WRITE,
      objectStorage: {
        bucket: s.bucket,
        ...(s.prefix ? { prefix: s.prefix } : {}),
        ...(s.caCert ? { caCertRef: { name: s.caCert.secretName, key: s.caCert.key } } : {}),
      },
      config,
      ...(s.credential ? { credential: { name: s.credential.secretName, key: s.credential.key } } : {}),
      validationFrequency: '1m0s',
    };
  }

  private hook(h: BackupHook, index: number): schedule.ScheduleSpecTemplateHooksResources {
    if (!isText(h.name, DNS_LABEL) || h.name.length > 63) {
      this.refuse(`hooks[${index}].name`, `is ${quoted(h.name)}, not a DNS label`, 'name the hook in lower case, e.g. \'postgres-dump\'.');
    }
    if (!h.pre?.length && !h.post?.length) {
      this.refuse(`hooks[${index}]`, 'has neither a pre nor a post command', 'give pre (run before the pod is backed up), post, or both.');
    }
    if (Object.keys(h.podLabels ?? {}).length === 0) {
      this.refuse(`hooks[${index}].podLabels`, 'is empty, so the hook would exec into every pod of the namespaces', 'select the pods of the workload that holds the data, e.g. { app: \'postgres\' }.');
    }
    const timeout = goDuration(h.timeout ?? Duration.seconds(30));
    const onError = h.failBackupOnError === false ? 'Continue' : 'Fail';
    const exec = (command: string[]) => ({ exec: { container: h.container, command, onError, timeout } });
    return {
      name: h.name,
      includedNamespaces: this.namespaces,
      labelSelector: { matchLabels: { ...h.podLabels } },
      ...(h.pre?.length ? { pre: [exec(h.pre) as schedule.ScheduleSpecTemplateHooksResourcesPre] } : {}),
      ...(h.post?.length ? { post: [exec(h.post) as schedule.ScheduleSpecTemplateHooksResourcesPost] } : {}),
    };
  }
}
