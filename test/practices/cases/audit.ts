import { PracticeCases } from './types';

export const AUDIT_CASES: PracticeCases = {};
