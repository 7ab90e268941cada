import { HardenedError } from '../../errors';

const SEALING_ERROR = Symbol.for('cdk8s-hardened.SealingError');

/**
 * A refusal of the pure sealing layer: what is wrong and how to fix it, in the user's terms. Never carries secret
 * material, so the construct can wrap it into a HardenedError naming its path as is.
 */
export class SealingError extends HardenedError {
  /** Whether `x` is a SealingError, from this copy of the library or another. */
  public static isSealingError(x: unknown): x is SealingError {
    return typeof x === 'object' && x !== null && SEALING_ERROR in x;
  }

  /** What is wrong, phrased to follow "prop '<x>' ...". */
  public readonly problem: string;

  constructor(problem: string, fix: string) {
    super({ message: `${problem}. Fix: ${fix}`, fix });
    this.name = 'SealingError';
    this.problem = problem;
    Object.defineProperty(this, SEALING_ERROR, { value: true });
  }
}
