import { Practice } from '../../practice';

export const BACKUP_PRACTICES: readonly Practice[] = [];
