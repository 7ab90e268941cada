import { AGE_RECIPIENT } from './sops/age-keys';
import { KMS_ARN } from './sops/kms-keys';

/** Options of a KMS recipient. */
export interface SopsKmsOptions {
  /**
   * KMS encryption context: written in clear text into the file, and required by `kms:Decrypt`, so key policies can
   * scope who decrypts what (`kms:EncryptionContext:<key>` conditions). Keep `:` and `,` out of keys and values.
   * @default - `{ 'cdk8s-hardened/namespace': <namespace>, 'cdk8s-hardened/secret': <name> }`
   */
  readonly context?: Readonly<Record<string, string>>;
}

/** A master key that can unwrap a SOPS data key; every recipient of a secret wraps the same data key. */
export class SopsRecipient {
  /**
   * An age recipient (`age1...`, or a post-quantum `age1pq1...`): decrypts offline with its identity
   * (`SOPS_AGE_KEY_FILE`), e.g. as break-glass next to KMS, or for development.
   */
  public static age(recipient: string): SopsRecipient {
    return new SopsRecipient('age', recipient);
  }

  /**
   * An AWS KMS key or alias ARN (`arn:aws:kms:<region>:<account>:key/<id>` or `...:alias/<name>`); the file records
   * the key ARN KMS answers with. Decryption needs `kms:Decrypt` on the key with the same context.
   */
  public static kms(arn: string, options: SopsKmsOptions = {}): SopsRecipient {
    return new SopsRecipient('kms', arn, options.context ? { ...options.context } : undefined);
  }

  private constructor(
    /** `age` or `kms`. */
    public readonly type: 'age' | 'kms',
    /** The age recipient or KMS ARN. */
    public readonly id: string,
    /** The KMS encryption context given, if any. */
    public readonly context?: Readonly<Record<string, string>>,
  ) {}

  /**
   * Why the recipient is malformed, or `undefined`.
   * @internal
   */
  public _problem(): string | undefined {
    if (this.type === 'age') return AGE_RECIPIENT.test(this.id) ? undefined : `has '${this.id}', which is not an age recipient (age1...)`;
    if (!KMS_ARN.test(this.id)) return `has '${this.id}', which is not a KMS key or alias ARN (sops needs the full ARN to find the region)`;
    for (const [k, v] of Object.entries(this.context ?? {})) {
      if (/[:,]/.test(k) || /[:,]/.test(v) || k === '') return `has a KMS context pair '${k}', whose key or value is empty or holds ':' or ','`;
    }
    return undefined;
  }
}
