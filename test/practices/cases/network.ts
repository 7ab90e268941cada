import { PracticeCases } from './types';

export const NETWORK_CASES: PracticeCases = {};
