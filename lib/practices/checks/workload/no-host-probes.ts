import { HOOK_FIELDS, nonEmpty, PROBE_FIELDS } from './util';
import { appContainersOf, containerLabel, ContainerView, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

const HANDLERS = ['httpGet', 'tcpSocket'] as const;

/** A problem per handler of a probe or hook (at `field` of container `c`) that names a host, pushed onto `out`. */
function hostProblems(c: ContainerView, field: string, handler: any, out: string[]): void {
  for (const kind of HANDLERS) {
    const host = handler?.[kind]?.host;
    if (nonEmpty(host)) out.push(`${containerLabel(c)} ${field}.${kind}.host is ${JSON.stringify(host)}`);
  }
}

/** HK-WORKLOAD-018: applied on every target version, though PSA enforces it only from 1.34. */
export const noHostProbes: Practice = {
  id: 'HK-WORKLOAD-018',
  group: PracticeGroup.WORKLOAD,
  title: 'Probes and hooks never target another host',
  severity: Severity.MEDIUM,
  why: 'A probe or hook host makes the kubelet connect to an arbitrary address from the node\'s network position (SSRF via the kubelet).',
  criterion: 'On every container and init container, {liveness,readiness,startup}Probe.{httpGet,tcpSocket}.host and '
    + 'lifecycle.{postStart,preStop}.{httpGet,tcpSocket}.host are absent or empty.',
  library: 'SecureDeployment refuses a probe or hook host.',
  fix: 'Remove the host field so the kubelet probes the pod\'s own IP; check a remote dependency from inside the application instead.',
  exception: ExceptionPolicy.NONE,
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['baseline/hostProbesAndHostLifecycle'],
    gatekeeper: ['K8sPSPHostProbesLifecycle'],
  },
  evaluate: perObject(POD_KINDS, (obj) => {
    const problems: string[] = [];
    // Probes, then lifecycle hooks, read in place (no list of them is built per container).
    for (const c of appContainersOf(obj)) {
      for (const field of PROBE_FIELDS) hostProblems(c, field, c.container?.[field], problems);
      for (const field of HOOK_FIELDS) hostProblems(c, `lifecycle.${field}`, c.container?.lifecycle?.[field], problems);
    }
    return problems;
  }),
};
