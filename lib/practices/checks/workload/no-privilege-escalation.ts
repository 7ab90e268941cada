import { isExemptWindowsPod } from './util';
import { POD_RESOURCES } from '../../admission/resources';
import { scHas } from '../../admission/rule-helpers';
import { containerLabel, containersOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-WORKLOAD-002: "unset" fails as PSS restricted does; Windows pods are exempt from policy 1.25. */
export const noPrivilegeEscalation: Practice = {
  id: 'HK-WORKLOAD-002',
  group: PracticeGroup.WORKLOAD,
  title: 'No privilege escalation',
  severity: Severity.HIGH,
  why: 'Without no_new_privs, a setuid binary in the image turns a code-execution bug into root.',
  criterion: 'Every container, init container and ephemeral container sets securityContext.allowPrivilegeEscalation: false '
    + 'explicitly (unset fails); pods with spec.os.name: windows are exempt from target 1.25.',
  library: 'SecureDeployment sets allowPrivilegeEscalation: false on every container.',
  fix: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Only on a container that also carries a HK-WORKLOAD-001 exception or adds CAP_SYS_ADMIN under HK-WORKLOAD-007: '
    + 'the API rejects allowPrivilegeEscalation: false together with either, so such a container cannot comply.',
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['restricted/allowPrivilegeEscalation'],
    nsa: ['Kubernetes Pod security (ks C-0016, tv 1.7)'],
    cis: ['5.2.6'],
    polaris: ['privilegeEscalationAllowed'],
    kubeLinter: ['privilege-escalation-container'],
    kyverno: ['pod-security/restricted/disallow-privilege-escalation'],
    gatekeeper: ['K8sPSPAllowPrivilegeEscalationContainer'],
    kubesec: ['AllowPrivilegeEscalation'],
    checkov: ['CKV_K8S_20', 'CKV_K8S_5'],
    kubescape: ['C-0016', 'C-0197', 'C-0217'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.windowsExempt || variables.containers.all(c, ${scHas('allowPrivilegeEscalation')} && c.securityContext.allowPrivilegeEscalation == false)`,
      message: 'every container must set securityContext.allowPrivilegeEscalation: false',
    }],
    rego: `problem[msg] {
    not windows_exempt
    c := containers[_]
    object.get(sc(c), "allowPrivilegeEscalation", null) != false
    msg := sprintf("container %v does not set securityContext.allowPrivilegeEscalation: false", [c.name])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj, ctx) => {
    if (isExemptWindowsPod(obj, ctx.settings.targetVersion)) return [];
    return containersOf(obj)
      .filter((c) => c.container?.securityContext?.allowPrivilegeEscalation !== false)
      .map((c) => {
        const value = c.container?.securityContext?.allowPrivilegeEscalation;
        return value === undefined
          ? `${containerLabel(c)} does not set securityContext.allowPrivilegeEscalation: false`
          : `${containerLabel(c)} sets securityContext.allowPrivilegeEscalation: ${JSON.stringify(value)}`;
      });
  }),
};
