import { Practice } from '../../practice';

export const RBAC_PRACTICES: readonly Practice[] = [];
