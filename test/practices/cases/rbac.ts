import { PracticeCases } from './types';

export const RBAC_CASES: PracticeCases = {};
