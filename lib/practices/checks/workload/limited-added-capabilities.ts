import { celStringList } from '../../admission/cel';
import { POD_RESOURCES } from '../../admission/resources';
import { scHas } from '../../admission/rule-helpers';
import { asArray, containerLabel, containersOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** The only capability a container may add back (exact spelling, as PSS restricted compares it). */
export const ALLOWED_ADDED_CAPABILITIES: readonly string[] = ['NET_BIND_SERVICE'];

/** HK-WORKLOAD-007: one finding per added capability, so the reason of an exception can name each. */
export const limitedAddedCapabilities: Practice = {
  id: 'HK-WORKLOAD-007',
  group: PracticeGroup.WORKLOAD,
  title: 'Add back at most NET_BIND_SERVICE',
  severity: Severity.HIGH,
  why: 'Every added capability widens the kernel attack surface; SYS_ADMIN and NET_ADMIN are close to root.',
  criterion: 'securityContext.capabilities.add is absent or contains only "NET_BIND_SERVICE" on every container, init container '
    + 'and ephemeral container.',
  library: 'SecureDeployment refuses any added capability other than NET_BIND_SERVICE and advises listening on a port >= 1024 instead.',
  fix: 'Remove the added capability; listen on a port >= 1024 instead of adding NET_BIND_SERVICE.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'The reason names each capability: mesh init containers (istio-init adds NET_ADMIN and NET_RAW; prefer the mesh CNI) '
    + 'and node agents in audited manifests.',
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['restricted/capabilities_restricted', 'baseline/capabilities_baseline'],
    nsa: ['Hardening container environments (ks C-0046)'],
    cis: ['5.2.9'],
    polaris: ['dangerousCapabilities'],
    kubeLinter: ['privileged-ports'],
    kyverno: ['pod-security/baseline/disallow-capabilities', 'pod-security/restricted/disallow-capabilities-strict'],
    gatekeeper: ['K8sPSPCapabilities'],
    kubesec: ['CapSysAdmin'],
    checkov: ['CKV_K8S_25', 'CKV_K8S_24', 'CKV_K8S_39'],
    kubescape: ['C-0046', 'C-0200', 'C-0219'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.containers.all(c, !(${scHas('capabilities')} && has(c.securityContext.capabilities.add))`
          + ` || c.securityContext.capabilities.add.all(a, a in ${celStringList(ALLOWED_ADDED_CAPABILITIES)}))`,
      message: `containers may add back no capability but ${ALLOWED_ADDED_CAPABILITIES.join(', ')}`,
    }],
    rego: `allowed_capability(cap) {
    cap == ${JSON.stringify(ALLOWED_ADDED_CAPABILITIES)}[_]
  }
  
  problem[msg] {
    c := containers[_]
    cap := object.get(object.get(sc(c), "capabilities", {}), "add", [])[_]
    not allowed_capability(cap)
    msg := sprintf("container %v adds capability %v", [c.name, cap])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj) => containersOf(obj).flatMap((c) => asArray(c.container?.securityContext?.capabilities?.add)
    .filter((cap) => !ALLOWED_ADDED_CAPABILITIES.includes(cap))
    .map((cap) => `${containerLabel(c)} adds capability ${JSON.stringify(cap)}`))),
};
