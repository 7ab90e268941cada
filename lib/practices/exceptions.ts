import { Manifest } from './manifest';

/** Annotation prefix under which an object records why it is excepted from a practice. */
export const EXCEPTION_ANNOTATION_PREFIX = 'exceptions.cdk8s-hardened.io/';

/** Shortest acceptable reason, as cdk-nag requires for its suppressions. */
export const MIN_REASON_LENGTH = 10;

/** A recorded exception: the practice relaxed on one object and why. */
export interface PracticeException {
  /** The practice id, e.g. `HK-WORKLOAD-009`. */
  readonly practice: string;
  /** Why, in words a reviewer can check (at least 10 characters): a ticket, an upstream constraint. */
  readonly reason: string;
}

/** The annotation key recording an exception to `practiceId`. */
export function exceptionAnnotationKey(practiceId: string): string {
  return `${EXCEPTION_ANNOTATION_PREFIX}${practiceId}`;
}

/** The annotations that record `exceptions`, sorted by practice id for deterministic output. */
export function exceptionAnnotations(exceptions: readonly PracticeException[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of [...exceptions].sort((a, b) => a.practice.localeCompare(b.practice))) {
    out[exceptionAnnotationKey(e.practice)] = e.reason;
  }
  return out;
}

/** The exceptions an object records in its annotations, keyed by practice id (the reason may be empty). */
export function recordedExceptions(obj: Manifest): Map<string, string> {
  const out = new Map<string, string>();
  const annotations: Record<string, unknown> = obj.metadata?.annotations ?? {};
  // Own keys in Object.entries order, walked in place: the audit asks this of every object with a finding.
  for (const key in annotations) {
    if (Object.prototype.hasOwnProperty.call(annotations, key) && key.startsWith(EXCEPTION_ANNOTATION_PREFIX)) {
      const value = annotations[key];
      out.set(key.slice(EXCEPTION_ANNOTATION_PREFIX.length), typeof value === 'string' ? value : '');
    }
  }
  return out;
}

/** Whether a reason is long enough to be honoured. */
export function isAcceptableReason(reason: string | undefined): boolean {
  return typeof reason === 'string' && reason.trim().length >= MIN_REASON_LENGTH;
}
