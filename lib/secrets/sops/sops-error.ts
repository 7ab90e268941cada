import { HardenedError } from '../../errors';

const SOPS_ERROR = Symbol.for('cdk8s-hardened.SopsError');

/**
 * A SOPS file that cannot be read, decrypted or verified, or a key service that refused. Raised by the format code,
 * which has no construct to blame; `EncryptedSecret` turns it into a `HardenedError` naming its own path.
 * The message never holds plaintext, data keys or identities.
 */
export class SopsError extends HardenedError {
  /** Whether `x` is a SopsError, from this copy of the library or another. */
  public static isSopsError(x: unknown): x is SopsError {
    return typeof x === 'object' && x !== null && SOPS_ERROR in x;
  }

  constructor(problem: string, fix: string) {
    super({ message: `${problem}\nFix: ${fix}`, fix });
    this.name = 'SopsError';
    Object.defineProperty(this, SOPS_ERROR, { value: true });
  }

  /** The problem without the fix line. */
  public get problem(): string {
    return this.message.slice(0, this.message.length - this.fix.length - '\nFix: '.length);
  }
}
