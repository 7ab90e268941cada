import { AUDIT_CASES } from './audit';
import { BACKUP_CASES } from './backup';
import { CLUSTER_CASES } from './cluster';
import { IMAGE_CASES } from './image';
import { NAMESPACE_CASES } from './namespace';
import { NETWORK_CASES } from './network';
import { RBAC_CASES } from './rbac';
import { SECRETS_CASES } from './secrets';
import { PracticeCases } from './types';
import { WORKLOAD_CASES } from './workload';

export const ALL_CASES: PracticeCases = {
  ...IMAGE_CASES,
  ...WORKLOAD_CASES,
  ...NETWORK_CASES,
  ...SECRETS_CASES,
  ...RBAC_CASES,
  ...NAMESPACE_CASES,
  ...BACKUP_CASES,
  ...CLUSTER_CASES,
  ...AUDIT_CASES,
};
