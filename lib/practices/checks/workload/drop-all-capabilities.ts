import { isExemptWindowsPod } from './util';
import { POD_RESOURCES } from '../../admission/resources';
import { scHas } from '../../admission/rule-helpers';
import { asArray, containerLabel, containersOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-WORKLOAD-006: the literal upper-case "ALL", compared exactly as PSA does (`all` passes Polaris, fails PSA). */
export const dropAllCapabilities: Practice = {
  id: 'HK-WORKLOAD-006',
  group: PracticeGroup.WORKLOAD,
  title: 'Drop ALL capabilities',
  severity: Severity.HIGH,
  why: 'The runtime\'s default set still includes NET_RAW (packet spoofing), CHOWN, SETUID and others an application never needs.',
  criterion: 'securityContext.capabilities.drop contains the literal upper-case "ALL" on every container, init container and '
    + 'ephemeral container; pods with spec.os.name: windows are exempt from target 1.25.',
  library: 'SecureDeployment sets capabilities.drop: ["ALL"] on every container.',
  fix: 'Set securityContext.capabilities.drop: ["ALL"] (upper case) and add back only NET_BIND_SERVICE if needed (HK-WORKLOAD-007).',
  exception: ExceptionPolicy.NONE,
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['restricted/capabilities_restricted'],
    nsa: ['Hardening container environments (ks C-0046, C-0055)'],
    cis: ['5.2.8', '5.2.10'],
    polaris: ['insecureCapabilities', 'linuxHardening'],
    kubeLinter: ['drop-net-raw-capability'],
    kyverno: ['pod-security/restricted/disallow-capabilities-strict', 'best-practices/require-drop-all', 'best-practices/require-drop-cap-net-raw'],
    gatekeeper: ['K8sPSPCapabilities'],
    kubesec: ['CapDropAll', 'CapDropAny'],
    checkov: ['CKV_K8S_28', 'CKV_K8S_7', 'CKV_K8S_37', 'CKV_K8S_36'],
    kubescape: ['C-0046', 'C-0199', 'C-0201', 'C-0220'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.windowsExempt || variables.containers.all(c, ${scHas('capabilities')} && has(c.securityContext.capabilities.drop)`
          + ' && \'ALL\' in c.securityContext.capabilities.drop)',
      message: 'every container must drop the capability "ALL" (upper case)',
    }],
    rego: `drops_all(c) {
    object.get(object.get(sc(c), "capabilities", {}), "drop", [])[_] == "ALL"
  }
  
  problem[msg] {
    not windows_exempt
    c := containers[_]
    not drops_all(c)
    msg := sprintf("container %v does not drop ALL capabilities", [c.name])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj, ctx) => {
    if (isExemptWindowsPod(obj, ctx.settings.targetVersion)) return [];
    const problems: string[] = [];
    for (const c of containersOf(obj)) {
      const drop = asArray(c.container?.securityContext?.capabilities?.drop);
      if (drop.includes('ALL')) continue;
      const lower = drop.find((d) => typeof d === 'string' && d.toUpperCase() === 'ALL');
      problems.push(lower !== undefined
        ? `${containerLabel(c)} drops "${lower}"; capabilities.drop needs the exact upper-case "ALL"`
        : `${containerLabel(c)} does not drop ALL capabilities (capabilities.drop: ${JSON.stringify(drop)})`);
    }
    return problems;
  }),
};
