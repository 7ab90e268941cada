import { Lazy, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { boundedCount } from './job-spec';
import { PodVolume } from './pod-spec';
import { shown } from '../refusal';
import { ReplicatedWorkload, ReplicatedWorkloadProps } from './replicated-workload';
import { sizeQuantity } from './resources';
import { LockedNamespace } from '../namespace/locked-namespace';
import * as kube from '../render/kube';
import { defaultStorageClassAnnotation, IStorageClass, ResolvedStorageClass, resolveStorageClass } from '../storage/storage-class';
import { parseQuantity } from '../units/quantity';

/** Who may mount a claim. */
export enum VolumeAccessMode {
  /** One pod only (needs a CSI driver; beta on 1.28, GA on 1.29). */
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
  /** Pods of one node. */
  READ_WRITE_ONCE = 'ReadWriteOnce',
}

/** How pods of the StatefulSet are started and stopped. */
export enum PodManagementPolicy {
  /** One at a time, in order (databases with a primary). */
  ORDERED_READY = 'OrderedReady',
  /** All at once (peers that need no order). */
  PARALLEL = 'Parallel',
}

/** What happens to the claims when the StatefulSet is deleted or scaled down. */
export enum ClaimRetention {
  /** Keep them (the data outlives the workload). */
  RETAIN = 'Retain',
  /** Delete them with the pods. */
  DELETE = 'Delete',
}

/** One volumeClaimTemplate: every pod gets its own claim, mounted into the main container. */
export interface VolumeClaimOptions {
  /** Claim name (DNS label, at most 40 characters: pods' claims are named `<name>-<workload>-<ordinal>`). */
  readonly name: string;
  /** Absolute directory the volume is mounted at. */
  readonly mountPath: string;
  /** Requested size (the namespace's LimitRange caps it). */
  readonly size: Size;
  /**
   * StorageClass of the claim: one the app defines, `StorageClass.fromName(name, reason)` for one created elsewhere, or
   * `StorageClass.clusterDefault(reason)` for the cluster's default class chosen on purpose. Never the default silently.
   * @default - the enclosing LockedNamespace's storageClass; refused when it names none
   */
  readonly storageClass?: IStorageClass;
  /** @default VolumeAccessMode.READ_WRITE_ONCE_POD */
  readonly accessMode?: VolumeAccessMode;
}

/** Claim retention, written explicitly. */
export interface ClaimRetentionOptions {
  /** @default ClaimRetention.RETAIN */
  readonly whenDeleted?: ClaimRetention;
  /** @default ClaimRetention.RETAIN */
  readonly whenScaled?: ClaimRetention;
}

/** Props of SecureStatefulSet. */
export interface SecureStatefulSetProps extends ReplicatedWorkloadProps {
  /** Per-pod volumes. @default - none */
  readonly volumeClaims?: VolumeClaimOptions[];
  /** @default PodManagementPolicy.ORDERED_READY */
  readonly podManagementPolicy?: PodManagementPolicy;
  /** Ordinals below the partition keep the old revision during a rolling update (staged rollouts). @default 0 */
  readonly partition?: number;
  /** @default - both RETAIN */
  readonly claimRetention?: ClaimRetentionOptions;
  /**
   * A ClusterIP Service besides the headless governing Service (which always exists), for clients that want any replica.
   * @default false
   */
  readonly clusterIpService?: boolean;
}

interface ResolvedClaim {
  readonly name: string;
  readonly mountPath: string;
  readonly size: string;
  readonly storageClass: ResolvedStorageClass;
  readonly accessMode: VolumeAccessMode;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A StatefulSet hardened like every workload of the library: per-pod volumes from volumeClaimTemplates with a named
 * StorageClass (never the cluster default silently) and a bounded size, the headless governing Service (and a
 * ClusterIP Service on request), an ordered or parallel pod policy, a partitioned rolling update, claim retention
 * written explicitly, fsGroup with `OnRootMismatch`, and a PodDisruptionBudget. Its data is backed up when a
 * BackupPlan protects it (`plan.protect(db)`); the audit reports an unprotected one.
 *
 * @example
 * const db = new SecureStatefulSet(shop, 'db', {
 *   image: 'registry.example.com/shop/postgres:16.4@sha256:…', port: 5432,
 *   readinessProbe: HealthCheck.exec(['pg_isready', '--host=127.0.0.1']),
 *   volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: Size.gibibytes(20),
 *     storageClass: StorageClass.fromName('encrypted-ssd', 'created by the platform baseline: EBS gp3, KMS-encrypted (PLAT-7)') }],
 * });
 * plan.protect(db);
 */
export class SecureStatefulSet extends ReplicatedWorkload {
  /** The StatefulSet (the construct's default child, so `ApiObject.of(this)` patches it). */
  public readonly resource: k8s.KubeStatefulSet;
  /** The headless governing Service. */
  public readonly headlessService: k8s.KubeService;
  /** Names of the claim templates. */
  public readonly claimNames: string[];
  private readonly claims: ResolvedClaim[];
  private readonly podManagementPolicy: PodManagementPolicy;
  private readonly partition: number;
  private readonly retention: { whenDeleted: ClaimRetention; whenScaled: ClaimRetention };

  constructor(scope: Construct, id: string, props: SecureStatefulSetProps) {
    super(scope, id, props, { construct: 'SecureStatefulSet', lifecycle: 'replicated', clusterIpService: props?.clusterIpService === true });
    if (props.clusterIpService !== undefined && typeof props.clusterIpService !== 'boolean') {
      this._refuse('clusterIpService', `is ${JSON.stringify(props.clusterIpService)}`, 'give true or false.');
    }
    if (this.name.length > 54) this._refuse('workloadName', `is '${this.name}', longer than 54 characters`, 'shorten it: the headless Service is named <name>-headless.');
    this.claims = this.resolveClaims(props.volumeClaims);
    this.claimNames = this.claims.map((c) => c.name);
    this.podManagementPolicy = props.podManagementPolicy ?? PodManagementPolicy.ORDERED_READY;
    if (!Object.values(PodManagementPolicy).includes(this.podManagementPolicy)) {
      this._refuse('podManagementPolicy', `is ${JSON.stringify(this.podManagementPolicy)}`, 'use PodManagementPolicy.ORDERED_READY or PodManagementPolicy.PARALLEL.');
    }
    this.partition = boundedCount(this._refuse, 'partition', props.partition, 0, 0, 1000);
    this.retention = this.resolveRetention(props.claimRetention);
    for (const [i, c] of this.claims.entries()) {
      this.claimPath(this.main, c.mountPath, `volumeClaims[${i}].mountPath`, 'mount each claim in its own directory.');
      this.addMount(this.main.name, { volume: c.name, path: c.mountPath, readOnly: false });
    }
    this.headlessService = new kube.KubeService(this, 'HeadlessService', {
      metadata: { ...this.meta(['HK-NAMESPACE-001']), name: `${this.name}-headless` },
      spec: {
        type: 'ClusterIP',
        clusterIp: 'None',
        selector: { ...this.selector },
        publishNotReadyAddresses: false,
        ports: this.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol })),
      },
    });
    this.resource = new kube.KubeStatefulSet(this, 'Resource', {
      metadata: this._controllerMeta(defaultStorageClassAnnotation(this.claims.map((c) => c.storageClass))),
      spec: Lazy.any({ produce: () => this.renderSpec() }) as unknown as k8s.StatefulSetSpec,
    });
    this.node.defaultChild = this.resource;
    this._stamp();
  }

  /** @internal */
  protected _kind(): string {
    return 'StatefulSet';
  }

  /** @internal */
  protected _surge(): number {
    return 0;
  }

  private resolveClaims(given: unknown): ResolvedClaim[] {
    if (given === undefined) return [];
    if (!Array.isArray(given)) this._refuse('volumeClaims', `is ${shown(given)}, not a list`, 'give [{ name: \'data\', mountPath: \'/var/lib/app\', size: Size.gibibytes(10) }].');
    const locked = LockedNamespace.of(this);
    const ownNamespace = locked?.name === this.namespace ? locked : undefined;
    const out: ResolvedClaim[] = [];
    given.forEach((c: VolumeClaimOptions, i: number) => {
      const prop = `volumeClaims[${i}]`;
      if (c === null || typeof c !== 'object') this._refuse(prop, `is ${JSON.stringify(c)}, not a claim`, 'give { name, mountPath, size }.');
      if (typeof c.name !== 'string' || c.name.length > 40 || !DNS_LABEL.test(c.name) || c.name.startsWith('api-token') || /^(secret|config|claim|shared|host)-/.test(c.name)) {
        this._refuse(`${prop}.name`, `is ${JSON.stringify(c.name) ?? 'undefined'}, not a DNS label of at most 40 characters of its own`, 'name it like \'data\'.');
      }
      if (out.some((o) => o.name === c.name)) this._refuse(`${prop}.name`, `is '${c.name}' again`, 'give every claim its own name.');
      const size = c.size instanceof Size ? sizeQuantity(c.size) : undefined;
      if (size === undefined) this._refuse(`${prop}.size`, 'is not a positive whole number of KiB', 'give e.g. Size.gibibytes(10).');
      const max = ownNamespace?.maxClaimStorage;
      if (max !== undefined && (parseQuantity(size) ?? 0) > (parseQuantity(max) ?? Infinity)) {
        this._refuse(`${prop}.size`, `is ${size}, above the ${max} the LimitRange of namespace '${this.namespace}' admits per claim`,
          'request less, or raise the LockedNamespace limits.maxClaimStorage.', 'HK-NAMESPACE-004');
      }
      if ((c as { storageClassName?: unknown }).storageClassName !== undefined) {
        this._refuse(`${prop}.storageClassName`, 'is given, but claims take a storageClass',
          'write storageClass: StorageClass.fromName(\'<name>\', \'<who creates it>\') or a StorageClass of the app.');
      }
      if (c.storageClass === undefined && ownNamespace?.storageClass === undefined) {
        this._refuse(`${prop}.storageClass`, 'is missing, and the namespace names none, so the claim would silently take the cluster\'s default class',
          'name an encrypted StorageClass here or as the LockedNamespace storageClass, or choose the default on purpose with StorageClass.clusterDefault(\'<why>\').');
      }
      // The namespace's class was validated by the LockedNamespace.
      const storageClass = c.storageClass === undefined ? ownNamespace!.storageClass! : resolveStorageClass(this._refuse, `${prop}.storageClass`, c.storageClass);
      if (storageClass.storageClassName !== undefined && storageClass.createdElsewhere !== undefined) {
        this._recordExternal(`${prop}.storageClass`, `StorageClass/${storageClass.storageClassName}`, storageClass.createdElsewhere);
      }
      const accessMode = c.accessMode ?? VolumeAccessMode.READ_WRITE_ONCE_POD;
      if (!Object.values(VolumeAccessMode).includes(accessMode)) {
        this._refuse(`${prop}.accessMode`, `is ${JSON.stringify(accessMode)}`, 'use VolumeAccessMode.READ_WRITE_ONCE_POD or READ_WRITE_ONCE; shared volumes are not per-pod data.');
      }
      out.push({ name: c.name, mountPath: c.mountPath, size, storageClass, accessMode });
    });
    return out;
  }

  private resolveRetention(given: ClaimRetentionOptions | undefined): { whenDeleted: ClaimRetention; whenScaled: ClaimRetention } {
    if (given !== undefined && (given === null || typeof given !== 'object')) this._refuse('claimRetention', `is ${JSON.stringify(given)}`, 'give { whenDeleted, whenScaled }.');
    const pick = (f: 'whenDeleted' | 'whenScaled') => {
      const v = given?.[f] ?? ClaimRetention.RETAIN;
      if (!Object.values(ClaimRetention).includes(v)) this._refuse(`claimRetention.${f}`, `is ${JSON.stringify(v)}`, 'use ClaimRetention.RETAIN or ClaimRetention.DELETE.');
      return v;
    };
    return { whenDeleted: pick('whenDeleted'), whenScaled: pick('whenScaled') };
  }

  private renderSpec(): k8s.StatefulSetSpec {
    const templates: PodVolume[] = this.claims.map((c) => ({ name: c.name, claimTemplate: true }));
    const { podSpec, podMetadata } = this._pod({ volumes: templates });
    return {
      ...this._replicasField(),
      serviceName: `${this.name}-headless`,
      selector: { matchLabels: { ...this.selector } },
      podManagementPolicy: this.podManagementPolicy,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: this.partition } },
      persistentVolumeClaimRetentionPolicy: { ...this.retention },
      minReadySeconds: this._minReadySeconds,
      revisionHistoryLimit: this._revisionHistoryLimit,
      template: { metadata: podMetadata, spec: podSpec },
      ...(this.claims.length > 0 ? {
        volumeClaimTemplates: this.claims.map((c) => ({
          metadata: { name: c.name, labels: { ...this.selector } },
          spec: {
            accessModes: [c.accessMode],
            ...(c.storageClass.storageClassName === undefined ? {} : { storageClassName: c.storageClass.storageClassName }),
            volumeMode: 'Filesystem',
            resources: { requests: { storage: k8s.Quantity.fromString(c.size) } },
          },
        })),
      } : {}),
    };
  }
}

