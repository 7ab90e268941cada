import { Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ExternalReference, externalReferencesAnnotation } from '../coherence/coherence';
import { isAcceptableReason, MIN_REASON_LENGTH } from '../practices/exceptions';
import { DNS_SUBDOMAIN, QUALIFIED_KEY } from '../practices/manifest';
import { stampProvenance } from '../provenance';
import { refuser, Refuse, shown } from '../refusal';
import * as kube from '../render/kube';
import { SynthPass } from '../synth/synth-pass';

/**
 * A StorageClass claims can name: one the app defines, one created elsewhere with the reason recorded
 * (`StorageClass.fromName`), or the cluster's default class, chosen explicitly with its reason
 * (`StorageClass.clusterDefault`).
 */
export interface IStorageClass {
  /**
   * The name claims write as `storageClassName`.
   * @default - none: the claim names no class, so the cluster's default class provisions it (`StorageClass.clusterDefault`)
   */
  readonly storageClassName?: string;
  /**
   * Who creates the class (or makes the cluster's default class encrypted), for a class the app does not define; the
   * objects whose claims use it record it: `cdk8s-hardened.io/external-references` for a named class,
   * `cdk8s-hardened.io/default-storage-class` for the cluster's default one.
   * @default - none: the class is defined in the app
   */
  readonly createdElsewhere?: string;
}

/** Annotation on an object whose claims take the cluster's default StorageClass: why that class is acceptable. */
export const DEFAULT_STORAGE_CLASS_ANNOTATION = 'cdk8s-hardened.io/default-storage-class';

/** Options of `StorageProvisioner.awsEbs`. */
export interface AwsEbsOptions {
  /**
   * EBS volume type.
   * @default 'gp3'
   */
  readonly volumeType?: string;
  /**
   * ARN of the customer-managed KMS key that encrypts the volumes (`arn:aws:kms:<region>:<account>:key/<id>` or an
   * alias ARN).
   * @default - the account's default EBS key for the region (`aws/ebs`)
   */
  readonly kmsKeyArn?: string;
}

/** Options of `StorageProvisioner.gcePersistentDisk`. */
export interface GcePersistentDiskOptions {
  /**
   * Persistent disk type.
   * @default 'pd-balanced'
   */
  readonly diskType?: string;
  /**
   * Cloud KMS key that encrypts the disks (`projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`).
   * @default - Google-managed encryption keys
   */
  readonly kmsKey?: string;
}

/** Options of `StorageProvisioner.azureDisk`. */
export interface AzureDiskOptions {
  /**
   * Managed disk SKU.
   * @default 'StandardSSD_ZRS'
   */
  readonly skuName?: string;
  /**
   * Resource id of the disk encryption set holding the customer-managed key
   * (`/subscriptions/<s>/resourceGroups/<g>/providers/Microsoft.Compute/diskEncryptionSets/<n>`).
   * @default - platform-managed keys
   */
  readonly diskEncryptionSetId?: string;
}

/** Options of `StorageProvisioner.of`. */
export interface CustomProvisionerOptions {
  /**
   * The driver's StorageClass parameters.
   * @default - none
   */
  readonly parameters?: Record<string, string>;
  /** How the driver encrypts the volumes at rest, in words a reviewer can check (at least 10 characters). */
  readonly encryption: string;
}

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/;
const GCP_KMS_KEY = /^projects\/[^/\s]+\/locations\/[^/\s]+\/keyRings\/[^/\s]+\/cryptoKeys\/[^/\s]+$/;
const AZURE_DES = /^\/subscriptions\/[^/\s]+\/resourceGroups\/[^/\s]+\/providers\/Microsoft\.Compute\/diskEncryptionSets\/[^/\s]+$/i;
const CSI_DRIVER = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const PARAMETER_VALUE = /^[^\s]{1,253}$/;

/**
 * The CSI driver a StorageClass provisions volumes with, and how it encrypts them at rest. The cloud drivers are
 * written with their encryption parameters; any other driver states how it encrypts.
 */
export class StorageProvisioner {
  /**
   * The AWS EBS CSI driver (`ebs.csi.aws.com`): `encrypted: "true"`, with the customer-managed key when given.
   */
  public static awsEbs(options: AwsEbsOptions = {}): StorageProvisioner {
    const { volumeType = 'gp3', kmsKeyArn } = options ?? {};
    return new StorageProvisioner('ebs.csi.aws.com', {
      'type': volumeType,
      'encrypted': 'true',
      ...(kmsKeyArn === undefined ? {} : { kmsKeyId: kmsKeyArn }),
      'csi.storage.k8s.io/fstype': 'ext4',
    }, kmsKeyArn === undefined ? 'EBS encryption with the account\'s default key (aws/ebs)' : `EBS encryption with KMS key ${kmsKeyArn}`,
    (refuse) => {
      if (typeof volumeType !== 'string' || !/^(gp2|gp3|io1|io2|st1|sc1)$/.test(volumeType)) {
        refuse('provisioner', `is StorageProvisioner.awsEbs with volumeType ${shown(volumeType)}, not an EBS volume type`, 'use gp3, gp2, io1, io2, st1 or sc1.');
      }
      if (kmsKeyArn !== undefined && (typeof kmsKeyArn !== 'string' || !KMS_KEY_ARN.test(kmsKeyArn))) {
        refuse('provisioner', `is StorageProvisioner.awsEbs with kmsKeyArn ${shown(kmsKeyArn)}, not a KMS key or alias ARN`,
          'give the full ARN, e.g. \'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\' (the EBS driver takes no bare alias).');
      }
    });
  }

  /**
   * The GCE persistent disk CSI driver (`pd.csi.storage.gke.io`): disks are always encrypted; with `kmsKey`, by a
   * customer-managed Cloud KMS key (`disk-encryption-kms-key`).
   */
  public static gcePersistentDisk(options: GcePersistentDiskOptions = {}): StorageProvisioner {
    const { diskType = 'pd-balanced', kmsKey } = options ?? {};
    return new StorageProvisioner('pd.csi.storage.gke.io', {
      type: diskType,
      ...(kmsKey === undefined ? {} : { 'disk-encryption-kms-key': kmsKey }),
    }, kmsKey === undefined ? 'persistent disks are always encrypted at rest, by Google-managed keys' : `persistent disks encrypted by Cloud KMS key ${kmsKey}`,
    (refuse) => {
      if (typeof diskType !== 'string' || !/^(pd-standard|pd-balanced|pd-ssd|pd-extreme|hyperdisk-[a-z-]+)$/.test(diskType)) {
        refuse('provisioner', `is StorageProvisioner.gcePersistentDisk with diskType ${shown(diskType)}, not a persistent disk type`,
          'use pd-balanced, pd-ssd, pd-standard, pd-extreme or a hyperdisk type.');
      }
      if (kmsKey !== undefined && (typeof kmsKey !== 'string' || !GCP_KMS_KEY.test(kmsKey))) {
        refuse('provisioner', `is StorageProvisioner.gcePersistentDisk with kmsKey ${shown(kmsKey)}, not a Cloud KMS key name`,
          'give \'projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>\'.');
      }
    });
  }

  /**
   * The Azure Disk CSI driver (`disk.csi.azure.com`): managed disks are always encrypted; with
   * `diskEncryptionSetId`, by a customer-managed key (`diskEncryptionSetID`).
   */
  public static azureDisk(options: AzureDiskOptions = {}): StorageProvisioner {
    const { skuName = 'StandardSSD_ZRS', diskEncryptionSetId } = options ?? {};
    return new StorageProvisioner('disk.csi.azure.com', {
      skuName,
      ...(diskEncryptionSetId === undefined ? {} : { diskEncryptionSetID: diskEncryptionSetId }),
    }, diskEncryptionSetId === undefined ? 'managed disks are always encrypted at rest, by platform-managed keys'
      : `managed disks encrypted by the customer-managed key of ${diskEncryptionSetId}`,
    (refuse) => {
      if (typeof skuName !== 'string' || !/^(Standard_LRS|StandardSSD_LRS|StandardSSD_ZRS|Premium_LRS|Premium_ZRS|PremiumV2_LRS|UltraSSD_LRS)$/.test(skuName)) {
        refuse('provisioner', `is StorageProvisioner.azureDisk with skuName ${shown(skuName)}, not a managed disk SKU`,
          'use StandardSSD_ZRS, StandardSSD_LRS, Premium_ZRS, Premium_LRS, PremiumV2_LRS, UltraSSD_LRS or Standard_LRS.');
      }
      if (diskEncryptionSetId !== undefined && (typeof diskEncryptionSetId !== 'string' || !AZURE_DES.test(diskEncryptionSetId))) {
        refuse('provisioner', `is StorageProvisioner.azureDisk with diskEncryptionSetId ${shown(diskEncryptionSetId)}, not a disk encryption set resource id`,
          'give \'/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Compute/diskEncryptionSets/<name>\'.');
      }
    });
  }

  /**
   * Any other CSI driver, with its parameters as given and `encryption`: how it encrypts the volumes at rest (at
   * least 10 characters), recorded on the StorageClass.
   * @param provisioner the CSI driver's name, e.g. 'rook-ceph.rbd.csi.ceph.com'
   */
  public static of(provisioner: string, options: CustomProvisionerOptions): StorageProvisioner {
    const parameters = options?.parameters ?? {};
    const encryption = options?.encryption;
    return new StorageProvisioner(provisioner, parameters, encryption, (refuse) => {
      // In-tree provisioners (`kubernetes.io/…`) are removed or migrated to CSI; their names do not match.
      if (typeof provisioner !== 'string' || provisioner.length > 63 || !CSI_DRIVER.test(provisioner)) {
        refuse('provisioner', `is StorageProvisioner.of(${shown(provisioner)}), not the name of a CSI driver`,
          'give the driver\'s name, e.g. \'rook-ceph.rbd.csi.ceph.com\' (in-tree kubernetes.io/ provisioners are removed or migrated to CSI).');
      }
      if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)
        || Object.entries(parameters).some(([k, v]) => !QUALIFIED_KEY.test(k) || typeof v !== 'string' || !PARAMETER_VALUE.test(v))) {
        refuse('provisioner', `is StorageProvisioner.of('${provisioner}') with parameters that are not a map of keys to strings`,
          'give { key: \'value\' } with the driver\'s parameter names.');
      }
      if (!isAcceptableReason(encryption)) {
        refuse('provisioner', `is StorageProvisioner.of('${provisioner}') whose encryption is ${shown(encryption)}, shorter than ${MIN_REASON_LENGTH} characters`,
          'say how the driver encrypts the volumes at rest, e.g. \'Ceph RBD with encrypted: "true" (LUKS), keys in Vault (STO-4)\'.', 'HK-AUDIT-003');
      }
    });
  }

  private constructor(
    /** The CSI driver. */
    public readonly provisioner: string,
    /** The StorageClass parameters. */
    public readonly parameters: Record<string, string>,
    /** How the volumes are encrypted at rest. */
    public readonly encryption: string,
    private readonly check: (refuse: Refuse) => void,
  ) {}

  /** Refuses what the factory was given, where the StorageClass receives it. @internal */
  public _validate(refuse: Refuse): void {
    this.check(refuse);
  }
}

/** What Kubernetes does with a volume when its claim is deleted. */
export enum ReclaimPolicy {
  /** Keep the volume and its data (an operator deletes it on purpose). */
  RETAIN = 'Retain',
  /** Delete the volume with the claim. */
  DELETE = 'Delete',
}

/** When a volume is provisioned and bound. */
export enum VolumeBindingMode {
  /** When the first pod using the claim is scheduled, in that pod's zone. */
  WAIT_FOR_FIRST_CONSUMER = 'WaitForFirstConsumer',
  /** As soon as the claim is created, possibly in a zone the pod cannot run in. */
  IMMEDIATE = 'Immediate',
}

/** Props of StorageClass. */
export interface StorageClassProps {
  /** The CSI driver and its encryption, e.g. `StorageProvisioner.awsEbs({ kmsKeyArn })`. */
  readonly provisioner: StorageProvisioner;
  /**
   * Name of the StorageClass (a DNS subdomain).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * What happens to a volume when its claim is deleted.
   * @default ReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: ReclaimPolicy;
  /**
   * Whether claims may grow (the driver must support expansion).
   * @default true
   */
  readonly allowVolumeExpansion?: boolean;
  /**
   * When volumes are provisioned.
   * @default VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER
   */
  readonly volumeBindingMode?: VolumeBindingMode;
}

/** Annotation on a StorageClass saying how its volumes are encrypted at rest. */
export const STORAGE_ENCRYPTION_ANNOTATION = 'cdk8s-hardened.io/encryption';

/**
 * A cluster-wide StorageClass whose volumes are encrypted at rest (the provisioner says how, recorded as the
 * `cdk8s-hardened.io/encryption` annotation), kept when their claim goes (`reclaimPolicy: Retain`), expandable, and
 * provisioned where the first pod is scheduled (`WaitForFirstConsumer`). It never becomes the cluster's default class,
 * which would change every claim that names none. Pass it as a claim's or LockedNamespace's `storageClass`.
 *
 * @example
 * const ssd = new StorageClass(chart, 'encrypted-ssd', {
 *   provisioner: StorageProvisioner.awsEbs({ kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }),
 * });
 * new LockedNamespace(chart, 'shop', { owner: 'shop-team', storageClass: ssd });
 */
export class StorageClass extends Construct implements IStorageClass {
  /**
   * A StorageClass created elsewhere (by the platform, the cloud's add-on), with `reason`: who creates it and why
   * its volumes are encrypted (at least 10 characters). Recorded on the objects whose claims use it, as their
   * `cdk8s-hardened.io/external-references` annotation.
   * @param name the class's name
   * @param reason who creates the class and how it encrypts, e.g. 'created by the platform baseline: EBS gp3, KMS-encrypted (PLAT-7)'
   */
  public static fromName(name: string, reason: string): IStorageClass {
    return { storageClassName: name, createdElsewhere: reason };
  }

  /**
   * The cluster's default StorageClass, chosen on purpose: claims name no class and the DefaultStorageClass admission
   * plugin fills it in when they are created. `reason` says why that class is acceptable (which class is the default
   * and how it encrypts); it is recorded as the `cdk8s-hardened.io/default-storage-class` annotation. A cluster with
   * no default class leaves the claims Pending.
   * @param reason why the default class is acceptable, e.g. 'the EKS default gp3 class, encrypted by the account default key (PLAT-7)'
   */
  public static clusterDefault(reason: string): IStorageClass {
    return { createdElsewhere: reason };
  }

  /** The StorageClass's name. */
  public readonly storageClassName: string;
  /** How its volumes are encrypted at rest. */
  public readonly encryption: string;
  /** The StorageClass object. */
  public readonly resource: k8s.KubeStorageClass;

  constructor(scope: Construct, id: string, props: StorageClassProps) {
    super(scope, id);
    SynthPass.of(this).checkRenderedObjects(this);
    const refuse = refuser(this, 'StorageClass');
    if (props === null || typeof props !== 'object') refuse('props', `are ${shown(props)}`, 'pass { provisioner: StorageProvisioner.awsEbs() }.');
    if (!(props.provisioner instanceof StorageProvisioner)) {
      refuse('provisioner', `is ${shown(props.provisioner)}, not a StorageProvisioner`,
        'use StorageProvisioner.awsEbs(), .gcePersistentDisk(), .azureDisk() or .of(\'<csi driver>\', { encryption: \'<how it encrypts>\' }).');
    }
    props.provisioner._validate(refuse);
    const name = props.name ?? id;
    if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      refuse('name', `is ${shown(name)}, not a DNS subdomain`, 'use lower-case letters, digits, \'-\' and \'.\', e.g. \'encrypted-ssd\'.');
    }
    const reclaimPolicy = props.reclaimPolicy ?? ReclaimPolicy.RETAIN;
    if (!Object.values(ReclaimPolicy).includes(reclaimPolicy)) {
      refuse('reclaimPolicy', `is ${shown(reclaimPolicy)}`, 'use ReclaimPolicy.RETAIN or ReclaimPolicy.DELETE.');
    }
    const bindingMode = props.volumeBindingMode ?? VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER;
    if (!Object.values(VolumeBindingMode).includes(bindingMode)) {
      refuse('volumeBindingMode', `is ${shown(bindingMode)}`, 'use VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER or VolumeBindingMode.IMMEDIATE.');
    }
    const expansion = props.allowVolumeExpansion ?? true;
    if (typeof expansion !== 'boolean') refuse('allowVolumeExpansion', `is ${shown(expansion)}`, 'give true or false.');
    this.storageClassName = name;
    this.encryption = props.provisioner.encryption.trim();
    this.resource = new kube.KubeStorageClass(this, 'Resource', {
      metadata: { name, annotations: { [STORAGE_ENCRYPTION_ANNOTATION]: this.encryption } },
      provisioner: props.provisioner.provisioner,
      parameters: { ...props.provisioner.parameters },
      reclaimPolicy,
      allowVolumeExpansion: expansion,
      volumeBindingMode: bindingMode,
    });
    // cdk8s gives every object of a chart the chart's namespace; a StorageClass is cluster-scoped.
    if (this.resource.metadata.namespace !== undefined) this.resource.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    this.node.defaultChild = this.resource;
    // A cluster-wide class belongs to its chart's application, wherever in the tree it is created.
    stampProvenance(this.resource, { name, partOf: Chart.of(this).node.id });
  }
}

/** A StorageClass as a construct renders it: the name its claims write, and what to record. */
export interface ResolvedStorageClass {
  /** The `storageClassName` claims write; undefined for the cluster's default class. */
  readonly storageClassName?: string;
  /** Why a class the app does not define is acceptable; undefined for a class of the app. */
  readonly createdElsewhere?: string;
}

/** Validates an `IStorageClass` prop (from TypeScript or plain JavaScript) into what a claim renders. */
export function resolveStorageClass(refuse: Refuse, prop: string, given: unknown): ResolvedStorageClass {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    refuse(prop, `is ${shown(given)}, not a StorageClass`,
      'pass a StorageClass of the app, StorageClass.fromName(\'name\', \'<who creates it>\') or StorageClass.clusterDefault(\'<why the default class>\').');
  }
  const { storageClassName: name, createdElsewhere: reason } = given as IStorageClass;
  if (name !== undefined && (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name))) {
    refuse(prop, `names ${shown(name)}, not a StorageClass name`, 'give the name of a StorageClass, e.g. StorageClass.fromName(\'encrypted-ssd\', \'<who creates it>\').');
  }
  if (reason !== undefined && !isAcceptableReason(reason)) {
    const what = name === undefined ? 'StorageClass.clusterDefault' : `StorageClass.fromName('${name}')`;
    refuse(prop, `is ${what} with the reason ${shown(reason)}, shorter than ${MIN_REASON_LENGTH} characters`,
      'say who creates the class and how it encrypts, e.g. \'created by the platform baseline: EBS gp3, KMS-encrypted (PLAT-7)\'.', 'HK-AUDIT-003');
  }
  if (name === undefined && reason === undefined) {
    refuse(prop, 'names no StorageClass and records no reason, so claims would silently take the cluster\'s default class',
      'name the class, or choose the default on purpose with StorageClass.clusterDefault(\'<why the default class>\').');
  }
  return {
    ...(name === undefined ? {} : { storageClassName: name }),
    ...(reason === undefined ? {} : { createdElsewhere: (reason as string).trim() }),
  };
}

/** Named classes the app does not define among `classes`, as the external references of the object whose claims use them. */
export function storageClassReferences(classes: readonly ResolvedStorageClass[]): ExternalReference[] {
  return classes.filter((c) => c.storageClassName !== undefined && c.createdElsewhere !== undefined)
    .map((c) => ({ ref: `StorageClass/${c.storageClassName}`, reason: c.createdElsewhere! }));
}

/** Why claims among `classes` that name no class may take the cluster's default one; empty when none does. */
export function defaultStorageClassAnnotation(classes: readonly ResolvedStorageClass[]): Record<string, string> {
  const reasons = [...new Set(classes.filter((c) => c.storageClassName === undefined).map((c) => c.createdElsewhere!))];
  return reasons.length === 0 ? {} : { [DEFAULT_STORAGE_CLASS_ANNOTATION]: reasons.join('; ') };
}

/** Everything an object whose claims use `classes` records about them (and nothing for classes of the app). */
export function storageClassAnnotations(classes: readonly ResolvedStorageClass[]): Record<string, string> {
  return { ...externalReferencesAnnotation(storageClassReferences(classes)), ...defaultStorageClassAnnotation(classes) };
}
