import { SERVICE_RESOURCES } from '../../admission/resources';
import { asArray } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-NETWORK-006: judged per Service; the ingress controller's own Service records its exception. */
export const clusterIpOnly: Practice = {
  id: 'HK-NETWORK-006',
  group: PracticeGroup.NETWORK,
  title: 'ClusterIP only: no NodePort, LoadBalancer, externalIPs',
  severity: Severity.HIGH,
  why: 'NodePort opens the port on every node; LoadBalancer publishes to the internet by default; `externalIPs` can hijack traffic (CVE-2020-8554).',
  criterion: 'Every Service has spec.type absent or ClusterIP (headless clusterIP: None included; NodePort, LoadBalancer and '
    + 'ExternalName fail), no non-empty spec.externalIPs, and no spec.ports[*].nodePort.',
  library: 'SecureDeployment emits ClusterIP Services only and refuses other types; the LockedNamespace quota (HK-NAMESPACE-003) backs it on the server.',
  fix: 'Use type ClusterIP and expose HTTP through an Ingress (HK-NETWORK-007); drop externalIPs and nodePort; '
    + 'record an exception only on the ingress controller\'s own Service.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'The ingress controller\'s own LoadBalancer or NodePort Service.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Network separation and hardening'],
    cis: ['1.2.3'],
    kubeScore: ['service-type'],
    kubeLinter: ['exposed-services'],
    kyverno: ['best-practices/restrict-node-port', 'other/restrict-loadbalancer', 'best-practices/restrict-service-external-ips'],
    gatekeeper: ['K8sBlockNodePort', 'K8sBlockLoadBalancer', 'K8sExternalIPs'],
    kubescape: ['C-0256', 'C-0021', 'C-0283'],
  },
  admission: {
    match: SERVICE_RESOURCES,
    validations: [
      { expression: '!has(object.spec.type) || object.spec.type == \'ClusterIP\'', message: 'spec.type must be ClusterIP (no NodePort, LoadBalancer or ExternalName)' },
      { expression: '!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0', message: 'spec.externalIPs must not be set' },
      { expression: '!has(object.spec.ports) || object.spec.ports.all(p, !has(p.nodePort))', message: 'no port may set a nodePort' },
    ],
    rego: `problem[msg] {
    t := object.get(obj.spec, "type", "ClusterIP")
    t != "ClusterIP"
    msg := sprintf("spec.type is %v", [t])
  }
  
  problem["spec.externalIPs is set"] {
    count(object.get(obj.spec, "externalIPs", [])) > 0
  }
  
  problem[msg] {
    p := object.get(obj.spec, "ports", [])[_]
    p.nodePort
    msg := sprintf("port %v sets nodePort %v", [object.get(p, "port", "?"), p.nodePort])
  }`,
  },
  evaluate: perObject(['Service'], (svc) => {
    const problems: string[] = [];
    const type = svc.spec?.type;
    if (type !== undefined && type !== 'ClusterIP') problems.push(`spec.type is ${type}`);
    if (asArray(svc.spec?.externalIPs).length > 0) problems.push('spec.externalIPs is set');
    asArray(svc.spec?.ports).forEach((p, i) => {
      if (p?.nodePort !== undefined && p?.nodePort !== null) problems.push(`spec.ports[${i}] (${p?.name ?? p?.port ?? '?'}) sets nodePort ${p.nodePort}`);
    });
    return problems;
  }),
};
