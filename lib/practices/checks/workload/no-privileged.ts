import { POD_RESOURCES } from '../../admission/resources';
import { scHas } from '../../admission/rule-helpers';
import { containerLabel, containersOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-WORKLOAD-001: absent passes (the API default is false); the library writes false anyway. */
export const noPrivileged: Practice = {
  id: 'HK-WORKLOAD-001',
  group: PracticeGroup.WORKLOAD,
  title: 'No privileged containers',
  severity: Severity.CRITICAL,
  why: 'A privileged container has every capability and all host devices; escaping to the node is trivial.',
  criterion: 'securityContext.privileged is absent or false on every container, init container and ephemeral container.',
  library: 'SecureDeployment sets privileged: false and has no prop to change it.',
  fix: 'Remove privileged: true; grant the single capability or device the workload needs instead.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Never for application workloads: node agents such as CNI daemons and CSI node plugins in audited third-party '
    + 'manifests; none of the library\'s own jobs needs it.',
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['baseline/privileged'],
    nsa: ['Kubernetes Pod security (ks C-0057, tv 1.2)'],
    cis: ['5.2.2', '5.7.3'],
    kubeScore: ['container-security-context-privileged'],
    polaris: ['runAsPrivileged'],
    kubeLinter: ['privileged-container', 'scc-deny-privileged-container'],
    kyverno: ['pod-security/baseline/disallow-privileged-containers'],
    gatekeeper: ['K8sPSPPrivilegedContainer'],
    kubesec: ['Privileged'],
    checkov: ['CKV_K8S_16', 'CKV_K8S_2'],
    kubescape: ['C-0057', 'C-0193', 'C-0213'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: `!variables.containers.exists(c, ${scHas('privileged')} && c.securityContext.privileged == true)`,
      message: 'no container may set securityContext.privileged: true',
    }],
    rego: `problem[msg] {
    c := containers[_]
    sc(c).privileged == true
    msg := sprintf("container %v sets securityContext.privileged: true", [c.name])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj) => containersOf(obj)
    .filter((c) => c.container?.securityContext?.privileged === true)
    .map((c) => `${containerLabel(c)} sets securityContext.privileged: true`)),
};
