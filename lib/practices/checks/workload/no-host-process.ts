import { POD_RESOURCES } from '../../admission/resources';
import { scHas } from '../../admission/rule-helpers';
import { containerLabel, containersOf, podSpecOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-WORKLOAD-013: pod level and every container. */
export const noHostProcess: Practice = {
  id: 'HK-WORKLOAD-013',
  group: PracticeGroup.WORKLOAD,
  title: 'No Windows HostProcess',
  severity: Severity.CRITICAL,
  why: 'A HostProcess container runs directly on the Windows host with host privileges.',
  criterion: 'The pod securityContext.windowsOptions.hostProcess and every container\'s, init container\'s and ephemeral container\'s '
    + 'securityContext.windowsOptions.hostProcess are absent or false.',
  library: 'SecureDeployment refuses HostProcess; the library emits no Windows pods.',
  fix: 'Remove windowsOptions.hostProcess: true; run the workload as an ordinary Windows container.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Windows node agents in audited manifests (CNI, CSI proxy, log collectors).',
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['baseline/windowsHostProcess'],
    cis: ['5.2.11'],
    polaris: ['hostProcess'],
    kyverno: ['pod-security/baseline/disallow-host-process'],
    gatekeeper: ['K8sPSPHostProcess'],
    kubescape: ['C-0202'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: '!(has(variables.podSC.windowsOptions) && has(variables.podSC.windowsOptions.hostProcess) && variables.podSC.windowsOptions.hostProcess == true)'
          + ` && !variables.containers.exists(c, ${scHas('windowsOptions')} && has(c.securityContext.windowsOptions.hostProcess)`
          + ' && c.securityContext.windowsOptions.hostProcess == true)',
      message: 'neither the pod nor any container may set windowsOptions.hostProcess: true',
    }],
    rego: `problem["pod securityContext sets windowsOptions.hostProcess: true"] {
    pod_sc.windowsOptions.hostProcess == true
  }
  
  problem[msg] {
    c := containers[_]
    sc(c).windowsOptions.hostProcess == true
    msg := sprintf("container %v sets securityContext.windowsOptions.hostProcess: true", [c.name])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj) => {
    const problems: string[] = [];
    if (podSpecOf(obj)?.securityContext?.windowsOptions?.hostProcess === true) {
      problems.push('pod securityContext sets windowsOptions.hostProcess: true');
    }
    for (const c of containersOf(obj)) {
      if (c.container?.securityContext?.windowsOptions?.hostProcess === true) {
        problems.push(`${containerLabel(c)} sets securityContext.windowsOptions.hostProcess: true`);
      }
    }
    return problems;
  }),
};
