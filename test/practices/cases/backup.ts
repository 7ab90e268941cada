import { PracticeCases } from './types';

export const BACKUP_CASES: PracticeCases = {};
