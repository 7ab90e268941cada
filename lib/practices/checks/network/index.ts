import { Practice } from '../../practice';

export const NETWORK_PRACTICES: readonly Practice[] = [];
