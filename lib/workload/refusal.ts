import { IConstruct } from 'constructs';
import { HardenedError } from '../errors';
import { findPractice } from '../practices/catalogue';
import { exceptionAnnotations, isAcceptableReason, MIN_REASON_LENGTH, PracticeException } from '../practices/exceptions';
import { ExceptionPolicy } from '../practices/practice';

/**
 * Throws the library's refusal for one bad value. `fix` is the way out in the user's terms; when `exceptable` is true
 * (the construct honours a recorded exception for this very refusal) the exception is offered as the last way out.
 */
export type Refuse = (prop: string, problem: string, fix: string, practiceId?: string, exceptable?: boolean) => never;

/** A value as a message shows it: primitives as JSON, objects and lists by their kind (never their content). */
export function shown(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return JSON.stringify(value) ?? 'undefined';
}

/** A refusal function bound to a construct and the class name the user wrote. */
export function refuser(scope: IConstruct, construct: string): Refuse {
  return (prop, problem, fix, practiceId, exceptable = false) => {
    const practice = practiceId ? findPractice(practiceId) : undefined;
    const wayOut = exceptable && practice?.exception === ExceptionPolicy.RECORDABLE
      ? `${fix.replace(/\.$/, '')}, or add exceptions: [{ practice: '${practiceId}', reason: '…' }].`
      : fix;
    throw new HardenedError({ scope, construct, prop, problem, practiceId, practiceTitle: practice?.title, fix: wayOut });
  };
}

/** Validated exceptions of one construct: which practices it relaxes, and the annotations that record them. */
export class ExceptionSet {
  private readonly reasons = new Map<string, string>();

  /**
   * Validates `exceptions` (HK-AUDIT-003): each names a practice of the catalogue whose exception policy is
   * recordable, gives a reason of at least 10 characters, and appears once.
   */
  constructor(refuse: Refuse, exceptions: readonly PracticeException[]) {
    exceptions.forEach((e, i) => {
      const prop = `exceptions[${i}]`;
      if (e === null || typeof e !== 'object') {
        refuse(prop, `is ${JSON.stringify(e) ?? 'undefined'}, not { practice, reason }`, 'write { practice: \'HK-…\', reason: \'…\' }.', 'HK-AUDIT-003');
      }
      const practice = typeof e.practice === 'string' ? findPractice(e.practice) : undefined;
      if (!practice) {
        refuse(`${prop}.practice`, `is '${String(e.practice)}', which is no practice of the catalogue`,
          'use a practice id from the catalogue, e.g. \'HK-WORKLOAD-009\' (see the README practice table).', 'HK-AUDIT-003');
      }
      if (practice.exception !== ExceptionPolicy.RECORDABLE) {
        const why = practice.exception === ExceptionPolicy.NONE ? 'allows no exception' : 'is not something an object can opt out of';
        refuse(`${prop}.practice`, `is '${practice.id}' (${practice.title}), which ${why}`,
          'remove the exception and comply with the practice; there is no recorded way out.', 'HK-AUDIT-003');
      }
      if (!isAcceptableReason(e.reason)) {
        refuse(`${prop}.reason`, `for '${practice.id}' is ${e.reason === undefined ? 'missing' : `'${String(e.reason)}'`}, shorter than ${MIN_REASON_LENGTH} characters`,
          'say why in words a reviewer can check: a ticket, an upstream constraint.', 'HK-AUDIT-003');
      }
      if (this.reasons.has(practice.id)) {
        refuse(`${prop}.practice`, `is '${practice.id}' again`, 'record each practice once, with one reason.', 'HK-AUDIT-003');
      }
      this.reasons.set(practice.id, e.reason.trim());
    });
  }

  /** Whether the practice is relaxed by a recorded exception. */
  public has(practiceId: string): boolean {
    return this.reasons.has(practiceId);
  }

  /** The `exceptions.cdk8s-hardened.io/<ID>` annotations for the practices among `ids` (all when omitted). */
  public annotations(ids?: readonly string[]): Record<string, string> {
    const chosen = [...this.reasons].filter(([id]) => ids === undefined || ids.includes(id)).map(([practice, reason]) => ({ practice, reason }));
    return exceptionAnnotations(chosen);
  }

  /** The recorded practice ids. */
  public get ids(): string[] {
    return [...this.reasons.keys()];
  }
}
