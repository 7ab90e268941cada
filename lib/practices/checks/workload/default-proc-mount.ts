import { POD_RESOURCES } from '../../admission/resources';
import { scHas } from '../../admission/rule-helpers';
import { containerLabel, containersOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-WORKLOAD-016: judged on every pod, hostUsers: false ones included (PSS restricted keeps the rule for them). */
export const defaultProcMount: Practice = {
  id: 'HK-WORKLOAD-016',
  group: PracticeGroup.WORKLOAD,
  title: 'Default `/proc` mount',
  severity: Severity.MEDIUM,
  why: 'procMount: Unmasked exposes kernel interfaces the runtime normally masks.',
  criterion: 'securityContext.procMount is absent or "Default" on every container, init container and ephemeral container.',
  library: 'SecureDeployment refuses procMount: Unmasked.',
  fix: 'Remove procMount or set it to Default.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'On 1.28 Unmasked needs the alpha ProcMountType feature gate, so no workload on the target can legitimately use it; '
    + 'revisit together with user-namespace pods (HK-WORKLOAD-023).',
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['baseline/procMount', 'restricted/procMount_restricted'],
    polaris: ['procMount'],
    kubeLinter: ['unsafe-proc-mount'],
    kyverno: ['pod-security/baseline/disallow-proc-mount'],
    gatekeeper: ['K8sPSPProcMount'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.containers.all(c, !(${scHas('procMount')}) || c.securityContext.procMount == 'Default')`,
      message: 'no container may set securityContext.procMount other than Default',
    }],
    rego: `problem[msg] {
    c := containers[_]
    object.get(sc(c), "procMount", "Default") != "Default"
    msg := sprintf("container %v sets securityContext.procMount: %v", [c.name, sc(c).procMount])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj) => containersOf(obj)
    .filter((c) => {
      const value = c.container?.securityContext?.procMount;
      return value !== undefined && value !== null && value !== 'Default';
    })
    .map((c) => `${containerLabel(c)} sets securityContext.procMount: ${JSON.stringify(c.container.securityContext.procMount)}`)),
};
