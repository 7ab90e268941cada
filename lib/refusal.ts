import { IConstruct } from 'constructs';
import { HardenedError } from './errors';
import { findPractice } from './practices/catalogue';
import { ExceptionPolicy } from './practices/practice';

/**
 * Throws the library's refusal for one bad value. `fix` is the way out in the user's terms; when `exceptable` is true
 * (the construct honours a recorded exception for this very refusal) the exception is offered as the last way out.
 */
export type Refuse = (prop: string, problem: string, fix: string, practiceId?: string, exceptable?: boolean) => never;

/** A value as a message shows it: primitives as JSON, objects and lists by their kind (never their content). */
export function shown(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value); // JSON would show NaN and Infinity as null
  return JSON.stringify(value) ?? 'undefined';
}

/** A prop value as a refusal quotes it: text in single quotes, as the user wrote it; anything else as `shown` shows it. */
export function quoted(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : shown(value);
}

/**
 * Whether `value` is text matching `pattern`. `RegExp.test` turns its argument into text first, so `42`, `[42]` or
 * `true` would pass a pattern of letters and digits: every prop checked against a pattern goes through here.
 */
export function isText(value: unknown, pattern: RegExp): value is string {
  return typeof value === 'string' && pattern.test(value);
}

/** The one refusal helper of the library: a refusal function bound to a construct and the class name the user wrote. */
export function refuser(scope: IConstruct, construct: string): Refuse {
  return (prop, problem, fix, practiceId, exceptable = false) => {
    const practice = practiceId ? findPractice(practiceId) : undefined;
    const wayOut = exceptable && practice?.exception === ExceptionPolicy.RECORDABLE
      ? `${fix.replace(/\.$/, '')}, or add exceptions: [{ practice: '${practiceId}', reason: '…' }].`
      : fix;
    throw new HardenedError({ scope, construct, prop, problem, practiceId, practiceTitle: practice?.title, fix: wayOut });
  };
}
