import { PracticeCases } from './types';

export const NAMESPACE_CASES: PracticeCases = {};
