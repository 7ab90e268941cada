/**
 * Runs the catalogue's RBAC practices over a set of objects, the way the audit does, but keeps each violation's
 * `exceptable` flag and object identity, so RbacProfile can tell which of its own rendered objects breaks what and
 * whether its recorded exceptions cover it. The rules themselves live only in the practices.
 */
import { createAuditContext } from '../audit/audit';
import { RBAC_PRACTICES } from '../practices/checks/rbac';
import { Manifest } from '../practices/manifest';
import { AuditContext, ExceptionPolicy, Practice, Violation } from '../practices/practice';

/** One violation with the practice that found it. */
export interface RbacViolation {
  /** The practice. */
  readonly practice: Practice;
  /** The violation as the practice reported it (its object is one of the judged manifests, by identity). */
  readonly violation: Violation;
}

/** A context over `objects`, with the audit's default settings (the RBAC practices read no setting). */
export function rbacContext(objects: readonly Manifest[]): AuditContext {
  return createAuditContext(objects);
}

/** Every violation the RBAC practices find in `objects`, in catalogue order. */
export function judgeRbac(objects: readonly Manifest[]): RbacViolation[] {
  const ctx = rbacContext(objects);
  const out: RbacViolation[] = [];
  for (const practice of RBAC_PRACTICES) {
    for (const violation of practice.evaluate?.(ctx) ?? []) out.push({ practice, violation });
  }
  return out;
}

/** Whether a recorded exception for the violation's practice may excuse it. */
export function isExceptable(v: RbacViolation): boolean {
  return v.practice.exception === ExceptionPolicy.RECORDABLE && v.violation.exceptable !== false;
}
