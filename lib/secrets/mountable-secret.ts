import { IConstruct } from 'constructs';

/**
 * A Secret that reaches containers only as read-only files (HK-SECRETS-005, HK-SECRETS-007), whatever produced
 * it: a SOPS-encrypted Secret, a SealedSecret the controller unseals, or an ExternalSecret the operator syncs.
 * SecureDeployment mounts any of them.
 */
export interface IMountableSecret extends IConstruct {
  /** Name of the Kubernetes Secret that exists in the cluster once the secret is applied. */
  readonly secretName: string;
  /** Namespace the Secret lives in; a pod can only mount a Secret of its own namespace. */
  readonly secretNamespace?: string;
  /** The keys the Secret holds, each becoming one file; never the values. */
  readonly keys: string[];
  /**
   * Who creates the Secret, when this app does not (ExistingSecret): recorded on every workload that mounts it.
   * @default - the app creates the Secret
   */
  readonly createdElsewhere?: string;
}
