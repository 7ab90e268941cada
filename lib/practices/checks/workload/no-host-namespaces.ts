import { POD_RESOURCES } from '../../admission/resources';
import { podSpecOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

/** HK-WORKLOAD-010: one finding per shared namespace. */
export const noHostNamespaces: Practice = {
  id: 'HK-WORKLOAD-010',
  group: PracticeGroup.WORKLOAD,
  title: 'No host network / PID / IPC',
  severity: Severity.CRITICAL,
  why: 'Sharing host namespaces exposes node-local services, other processes\' environment and memory segments.',
  criterion: 'The pod spec\'s hostNetwork, hostPID and hostIPC are each absent or false.',
  library: 'SecureDeployment sets hostNetwork, hostPID and hostIPC to false and refuses true.',
  fix: 'Remove hostNetwork, hostPID and hostIPC (or set them to false); expose the workload through a Service instead.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'The library\'s BackupPlan etcd job (hostNetwork, HK-BACKUP-006) and CIS job (hostPID, HK-CLUSTER-005) pre-record '
    + 'theirs; node agents in audited manifests are the other legitimate case.',
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['baseline/hostNamespaces'],
    nsa: ['Kubernetes Pod security (ks C-0038, C-0041; tv 1.3-1.5)'],
    cis: ['5.2.3', '5.2.4', '5.2.5'],
    polaris: ['hostNetworkSet', 'hostPIDSet', 'hostIPCSet'],
    kubeLinter: ['host-network', 'host-pid', 'host-ipc'],
    kyverno: ['pod-security/baseline/disallow-host-namespaces'],
    gatekeeper: ['K8sPSPHostNamespace', 'K8sPSPHostNetworkingPorts'],
    kubesec: ['HostNetwork', 'HostPID', 'HostIPC'],
    checkov: ['CKV_K8S_19', 'CKV_K8S_17', 'CKV_K8S_18', 'CKV_K8S_4', 'CKV_K8S_1', 'CKV_K8S_3'],
    kubescape: ['C-0038', 'C-0041', 'C-0194', 'C-0195', 'C-0196', 'C-0214', 'C-0215', 'C-0216', 'C-0275', 'C-0276'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: ['hostNetwork', 'hostPID', 'hostIPC'].map((f) => ({
      expression: `!(has(variables.podSpec.${f}) && variables.podSpec.${f} == true)`,
      message: `the pod may not set ${f}: true`,
    })),
    rego: `problem[msg] {
    f := ["hostNetwork", "hostPID", "hostIPC"][_]
    pod_spec[f] == true
    msg := sprintf("pod spec sets %v: true", [f])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj) => {
    const spec = podSpecOf(obj);
    return HOST_NAMESPACE_FIELDS.filter((f) => spec?.[f] === true).map((f) => `pod spec sets ${f}: true`);
  }),
};
