import { dedicatedServiceAccount } from './dedicated-service-account';
import { minimalSecretAccess } from './minimal-secret-access';
import { minimalWorkloadCreation } from './minimal-workload-creation';
import { namespacedRbac } from './namespaced-rbac';
import { noAutomountToken } from './no-automount-token';
import { noClusterAdminBindings } from './no-cluster-admin';
import { noClusterControlGrants } from './no-cluster-control-grants';
import { noEscalationVerbs } from './no-escalation-verbs';
import { noExecAccess } from './no-exec-access';
import { noSystemGroupBindings } from './no-system-group-bindings';
import { noWildcardRules } from './no-wildcards';
import { Practice } from '../../practice';

/** The RBAC practices, ordered by id. */
export const RBAC_PRACTICES: readonly Practice[] = [
  dedicatedServiceAccount,
  noAutomountToken,
  noClusterAdminBindings,
  noWildcardRules,
  minimalSecretAccess,
  minimalWorkloadCreation,
  noEscalationVerbs,
  noSystemGroupBindings,
  noExecAccess,
  noClusterControlGrants,
  namespacedRbac,
];
