import { POD_RESOURCES } from '../../admission/resources';
import { scHas } from '../../admission/rule-helpers';
import { containerLabel, containersOf, podSpecOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-WORKLOAD-003: judged as PSS restricted `runAsNonRoot` does — container value, else pod value. */
export const runAsNonRoot: Practice = {
  id: 'HK-WORKLOAD-003',
  group: PracticeGroup.WORKLOAD,
  title: 'Must run as non-root',
  severity: Severity.HIGH,
  why: 'Root in the container is root on the host the moment any isolation layer fails.',
  criterion: 'No pod or container securityContext sets runAsNonRoot: false, and every container resolves to runAsNonRoot: true (its own value, else the pod\'s).',
  library: 'SecureDeployment sets runAsNonRoot: true at pod and container level.',
  fix: 'Set securityContext.runAsNonRoot: true with a numeric runAsUser above 10000 (65532); if the image needs root, rebuild it with a numeric USER.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Third-party images that insist on root; prefer a rebuilt image.',
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['restricted/runAsNonRoot'],
    nsa: ['Non-root containers and rootless container engines (ks C-0013, tv 1.0)'],
    cis: ['5.2.7'],
    polaris: ['runAsRootAllowed'],
    kubeLinter: ['run-as-non-root'],
    kyverno: ['pod-security/restricted/require-run-as-nonroot'],
    gatekeeper: ['K8sPSPAllowedUsers'],
    kubesec: ['RunAsNonRoot'],
    checkov: ['CKV_K8S_23', 'CKV_K8S_6'],
    kubescape: ['C-0013', 'C-0198', 'C-0218'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: '!(has(variables.podSC.runAsNonRoot) && variables.podSC.runAsNonRoot == false)'
          + ` && variables.containers.all(c, (${scHas('runAsNonRoot')}) ? c.securityContext.runAsNonRoot == true`
          + ' : (has(variables.podSC.runAsNonRoot) && variables.podSC.runAsNonRoot == true))',
      message: 'every container must resolve securityContext.runAsNonRoot to true, and none may set it to false',
    }],
    rego: `problem["pod securityContext sets runAsNonRoot: false"] {
    pod_sc.runAsNonRoot == false
  }
  
  problem[msg] {
    c := containers[_]
    resolved(c, "runAsNonRoot") != true
    msg := sprintf("container %v does not resolve securityContext.runAsNonRoot to true", [c.name])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj) => {
    const podValue = podSpecOf(obj)?.securityContext?.runAsNonRoot;
    const problems: string[] = [];
    if (podValue === false) problems.push('pod securityContext sets runAsNonRoot: false');
    for (const c of containersOf(obj)) {
      const own = c.container?.securityContext?.runAsNonRoot;
      if (own === false) problems.push(`${containerLabel(c)} sets runAsNonRoot: false`);
      else if ((own ?? podValue) !== true) problems.push(`${containerLabel(c)} does not resolve to runAsNonRoot: true`);
    }
    return problems;
  }),
};
