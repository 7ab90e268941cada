import { Practice } from '../../practice';

export const CLUSTER_PRACTICES: readonly Practice[] = [];
