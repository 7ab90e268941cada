import { Practice } from '../../practice';
import { runAsNonRoot } from './run-as-non-root';

export const WORKLOAD_PRACTICES: readonly Practice[] = [
  runAsNonRoot,
];
