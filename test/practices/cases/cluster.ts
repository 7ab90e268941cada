import { PracticeCases } from './types';

export const CLUSTER_CASES: PracticeCases = {};
