import { ExternalReference, externalReferencesAnnotation } from '../coherence/coherence';
import { isAcceptableReason, MIN_REASON_LENGTH } from '../practices/exceptions';
import { Refuse, shown } from '../refusal';

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

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * StorageClasses the app does not define. A claim naming a class nobody creates stays Pending forever (the volume
 * is never provisioned, the pod never starts), so synth refuses a name it cannot resolve: define the class in the
 * app, or record who creates it.
 */
export class StorageClass {
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

  private constructor() {}
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
