import { auditLogging } from './audit-logging';
import { auditPolicy } from './audit-policy';
import { exceptionsWellFormed } from './exceptions-well-formed';
import { provenanceMetadata } from './provenance-metadata';
import { Practice } from '../../practice';

/** The AUDIT practices, ordered by id. */
export const AUDIT_PRACTICES: readonly Practice[] = [
  auditLogging,
  auditPolicy,
  exceptionsWellFormed,
  provenanceMetadata,
];
