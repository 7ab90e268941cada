import { appArmorProfile } from './apparmor-profile';
import { boundedJobs } from './bounded-jobs';
import { defaultProcMount } from './default-proc-mount';
import { disruptionBudget } from './disruption-budget';
import { dropAllCapabilities } from './drop-all-capabilities';
import { healthProbes } from './health-probes';
import { highUid } from './high-uid';
import { limitedAddedCapabilities } from './limited-added-capabilities';
import { noHostNamespaces } from './no-host-namespaces';
import { noHostPort } from './no-host-port';
import { noHostProbes } from './no-host-probes';
import { noHostProcess } from './no-host-process';
import { noPrivilegeEscalation } from './no-privilege-escalation';
import { noPrivileged } from './no-privileged';
import { nonRootGroups } from './non-root-groups';
import { readOnlyRootFilesystem } from './read-only-root-filesystem';
import { resourceRequirements } from './resource-requirements';
import { restrictedVolumeTypes } from './restricted-volume-types';
import { runAsNonRoot } from './run-as-non-root';
import { safeSysctls } from './safe-sysctls';
import { seccompProfile } from './seccomp-profile';
import { seLinuxOptions } from './selinux-options';
import { userNamespaces } from './user-namespaces';
import { Practice } from '../../practice';

export const WORKLOAD_PRACTICES: readonly Practice[] = [
  noPrivileged,
  noPrivilegeEscalation,
  runAsNonRoot,
  highUid,
  nonRootGroups,
  dropAllCapabilities,
  limitedAddedCapabilities,
  seccompProfile,
  readOnlyRootFilesystem,
  noHostNamespaces,
  restrictedVolumeTypes,
  noHostPort,
  noHostProcess,
  appArmorProfile,
  seLinuxOptions,
  defaultProcMount,
  safeSysctls,
  noHostProbes,
  resourceRequirements,
  healthProbes,
  disruptionBudget,
  boundedJobs,
  userNamespaces,
];
