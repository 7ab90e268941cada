import { Practice } from '../../practice';

export const AUDIT_PRACTICES: readonly Practice[] = [];
