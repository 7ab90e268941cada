/**
 * A refusal of the pure sealing layer: what is wrong and how to fix it, in the user's terms. Never carries secret
 * material, so the construct can wrap it into a HardenedError as is.
 */
export class SealingError extends Error {
  constructor(
    /** What is wrong, phrased to follow "prop '<x>' ...". */
    public readonly problem: string,
    /** How to fix it. */
    public readonly fix: string,
  ) {
    super(`${problem}. Fix: ${fix}`);
    this.name = 'SealingError';
  }
}
