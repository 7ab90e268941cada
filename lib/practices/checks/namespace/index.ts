import { Practice } from '../../practice';

export const NAMESPACE_PRACTICES: readonly Practice[] = [];
