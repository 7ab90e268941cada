import { PracticeCases } from './types';

export const IMAGE_CASES: PracticeCases = {};
