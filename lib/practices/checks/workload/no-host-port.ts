import { POD_RESOURCES } from '../../admission/resources';
import { appContainersOf, asArray, containerLabel, podSpecOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-WORKLOAD-012: on a host-network pod the API defaults every hostPort to its containerPort, so those count too. */
export const noHostPort: Practice = {
  id: 'HK-WORKLOAD-012',
  group: PracticeGroup.WORKLOAD,
  title: 'No hostPort',
  severity: Severity.HIGH,
  why: 'A hostPort binds the node\'s interface, bypasses NetworkPolicy on many CNIs and pins scheduling.',
  criterion: 'Every container and init container port has hostPort absent or 0; on a pod with hostNetwork: true every declared port '
    + 'is a host port (the API defaults hostPort to containerPort) and fails.',
  library: 'SecureDeployment refuses hostPort (cdk8s-plus exposes it freely).',
  fix: 'Remove hostPort and reach the pod through a ClusterIP Service (and an Ingress for outside traffic).',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'A bare-metal ingress controller bound to node ports, the case HK-NETWORK-006 also allows.',
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['baseline/hostPorts'],
    nsa: ['Kubernetes Pod security (ks C-0044)'],
    cis: ['5.2.13'],
    polaris: ['hostPortSet'],
    kyverno: ['pod-security/baseline/disallow-host-ports', 'pod-security/baseline/disallow-host-ports-range'],
    gatekeeper: ['K8sPSPHostNetworkingPorts'],
    checkov: ['CKV_K8S_26'],
    kubescape: ['C-0044', 'C-0204'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: 'variables.appContainers.all(c, !has(c.ports) || c.ports.all(p, !(has(p.hostPort) && p.hostPort != 0)'
          + ' && !(has(variables.podSpec.hostNetwork) && variables.podSpec.hostNetwork == true)))',
      message: 'no container port may be a host port (hostPort, or any port of a hostNetwork pod)',
    }],
    rego: `problem[msg] {
    c := app_containers[_]
    p := object.get(c, "ports", [])[_]
    object.get(p, "hostPort", 0) != 0
    msg := sprintf("container %v port %v sets hostPort %v", [c.name, p.containerPort, p.hostPort])
  }
  
  problem[msg] {
    pod_spec.hostNetwork == true
    c := app_containers[_]
    p := object.get(c, "ports", [])[_]
    msg := sprintf("container %v port %v is a host port, because the pod uses hostNetwork", [c.name, p.containerPort])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj) => {
    const hostNetwork = podSpecOf(obj)?.hostNetwork === true;
    const problems: string[] = [];
    for (const c of appContainersOf(obj)) {
      for (const port of asArray(c.container?.ports)) {
        const hostPort = port?.hostPort;
        if (hostPort !== undefined && hostPort !== null && hostPort !== 0) {
          problems.push(`${containerLabel(c)} port ${port?.containerPort ?? '?'} sets hostPort ${hostPort}`);
        } else if (hostNetwork) {
          problems.push(`${containerLabel(c)} port ${port?.containerPort ?? '?'} is a host port, because the pod uses hostNetwork`);
        }
      }
    }
    return problems;
  }),
};
