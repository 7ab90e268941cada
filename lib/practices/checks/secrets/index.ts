import { Practice } from '../../practice';

export const SECRETS_PRACTICES: readonly Practice[] = [];
