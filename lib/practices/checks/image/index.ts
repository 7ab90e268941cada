import { Practice } from '../../practice';

export const IMAGE_PRACTICES: readonly Practice[] = [];
