import { PracticeCases } from './types';

export const SECRETS_CASES: PracticeCases = {};
