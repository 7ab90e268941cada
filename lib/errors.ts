import { IConstruct } from 'constructs';

const HARDENED_ERROR = Symbol.for('cdk8s-hardened.HardenedError');

/**
 * What went wrong, in the user's terms. Every refusal of the library is built from one of these, so every
 * message names the construct path, the prop, the practice and the way out in the same order.
 */
export interface RefusalDetails {
  /** The construct that received the value. */
  readonly scope: IConstruct;
  /** The construct's class name as the user wrote it, e.g. `SecureDeployment`. */
  readonly construct: string;
  /** The prop or method argument, e.g. `image` or `allowFrom(peer)`. */
  readonly prop: string;
  /** What is wrong with the value. Must never contain secret material. */
  readonly problem: string;
  /** The practice the value breaks, when there is one. */
  readonly practiceId?: string;
  /** The practice title, read from the catalogue by the caller. */
  readonly practiceTitle?: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * A problem no construct owns: input of the audit or the CLI, a SOPS file, a sealing certificate, a misuse of a
 * pure helper. The message is written whole by the raiser and must never contain secret material.
 */
export interface UnattributedProblem {
  /** The whole message, ending with the way out. */
  readonly message: string;
  /** How to fix it, as the message states it. */
  readonly fix: string;
  /** The practice at stake, when there is one. */
  readonly practiceId?: string;
}

/**
 * The library's error family: every error thrown in `lib/` is a HardenedError or one of its subclasses
 * (`SopsError`, `SealingError`, …), enforced by lint. Detected by symbol, not `instanceof`, so two copies of
 * the library in one `node_modules` still recognise each other's errors.
 */
// eslint-disable-next-line no-restricted-syntax -- the root of the family is the one class that extends Error.
export class HardenedError extends Error {
  /** Whether `x` is a HardenedError (of any subclass), from this copy of the library or another. */
  public static isHardenedError(x: unknown): x is HardenedError {
    return typeof x === 'object' && x !== null && HARDENED_ERROR in x;
  }

  /** Path of the construct that received the bad value; undefined when no construct owns the problem. */
  public readonly constructPath?: string;
  /** The prop or argument at fault; undefined when no construct owns the problem. */
  public readonly prop?: string;
  /** The practice the value breaks, if any. */
  public readonly practiceId?: string;
  /** How to fix it. */
  public readonly fix: string;

  constructor(details: RefusalDetails | UnattributedProblem) {
    super(isRefusal(details) ? formatRefusal(details) : details.message);
    this.name = new.target.name;
    if (isRefusal(details)) {
      this.constructPath = details.scope.node.path;
      this.prop = details.prop;
    }
    this.practiceId = details.practiceId;
    this.fix = details.fix;
    Object.defineProperty(this, HARDENED_ERROR, { value: true });
  }
}

/** The longest problem or fix a refusal prints: a 200 KB prop value is cut, not echoed (twice) into logs. */
export const MAX_REFUSAL_PART = 1000;

/** Cuts `text` to MAX_REFUSAL_PART characters, saying how much was left out. */
export function boundedText(text: string): string {
  if (text.length <= MAX_REFUSAL_PART) return text;
  return `${text.slice(0, MAX_REFUSAL_PART)}… [${text.length - MAX_REFUSAL_PART} more characters]`;
}

/** Builds the refusal text: `[path] Construct prop 'x' <problem>.\nPractice …\nFix: …`, each part bounded in length. */
export function formatRefusal(details: RefusalDetails): string {
  const lines = [`[${details.scope.node.path}] ${details.construct} prop '${boundedText(details.prop)}' ${boundedText(details.problem)}.`];
  if (details.practiceId) {
    const title = details.practiceTitle ? ` (${details.practiceTitle})` : '';
    lines.push(`Practice ${details.practiceId}${title} refuses it.`);
  }
  lines.push(`Fix: ${boundedText(details.fix)}`);
  return lines.join('\n');
}

function isRefusal(details: RefusalDetails | UnattributedProblem): details is RefusalDetails {
  return (details as RefusalDetails).scope !== undefined;
}
