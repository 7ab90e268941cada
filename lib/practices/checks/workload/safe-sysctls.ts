import { atLeastVersion } from './util';
import { POD_RESOURCES } from '../../admission/resources';
import { asArray, podSpecOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, KubernetesVersion, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** The PSS baseline safe sysctls, each with the policy version that admitted it (kubernetes/pod-security-admission). */
export const SAFE_SYSCTLS: ReadonlyArray<{ readonly name: string; readonly since: KubernetesVersion }> = [
  ...['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
    'net.ipv4.ip_unprivileged_port_start'].map((name) => ({ name, since: { major: 1, minor: 0 } })),
  { name: 'net.ipv4.ip_local_reserved_ports', since: { major: 1, minor: 27 } },
  ...['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']
    .map((name) => ({ name, since: { major: 1, minor: 29 } })),
  ...['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'].map((name) => ({ name, since: { major: 1, minor: 32 } })),
  ...['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'].map((name) => ({ name, since: { major: 1, minor: 37 } })),
];

/** The sysctl names PSS baseline admits on a target version (exact names, compared as PSA does). */
/** The safe set as a CEL map from name to the minor version that made it safe. */
const SAFE_SYSCTL_MAP = `{${SAFE_SYSCTLS.map((s) => `'${s.name}': ${s.since.minor}`).join(', ')}}`;

export function safeSysctlsFor(version: KubernetesVersion): string[] {
  return SAFE_SYSCTLS.filter((s) => atLeastVersion(version, s.since.major, s.since.minor)).map((s) => s.name);
}

/** HK-WORKLOAD-017: the safe set grows with the target version, so the same pod can pass on 1.29 and fail on 1.28. */
export const safeSysctls: Practice = {
  id: 'HK-WORKLOAD-017',
  group: PracticeGroup.WORKLOAD,
  title: 'Only safe sysctls',
  severity: Severity.MEDIUM,
  why: 'Pods can only set namespaced sysctls, and outside the safe set those are not isolated from other pods (kernel IPC limits, '
    + 'most of net.*), so one pod can starve or destabilise the whole node.',
  criterion: 'Every pod securityContext.sysctls[*].name is in the PSS safe set for the target version: on 1.28 kernel.shm_rmid_forced, '
    + 'net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start, '
    + 'net.ipv4.ip_local_reserved_ports; plus tcp_keepalive_time, tcp_fin_timeout, tcp_keepalive_intvl, tcp_keepalive_probes from 1.29; '
    + 'tcp_rmem, tcp_wmem from 1.32; tcp_slow_start_after_idle, tcp_notsent_lowat from 1.37 (all net.ipv4.*).',
  library: 'The constructs set no sysctl unless asked and refuse any outside the safe set; a requested safe one carries a kube-linter exception.',
  fix: 'Remove the sysctl, or tune the node instead; a namespaced sysctl the kubelets allow-list needs a recorded exception.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'A namespaced sysctl the nodes\' kubelets allow-list with --allowed-unsafe-sysctls (e.g. net.core.somaxconn); such a '
    + 'pod also needs a namespace below PSA baseline.',
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['baseline/sysctls'],
    kubeLinter: ['unsafe-sysctls'],
    kyverno: ['pod-security/baseline/restrict-sysctls'],
    gatekeeper: ['K8sPSPForbiddenSysctls'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: `!has(variables.podSC.sysctls) || variables.podSC.sysctls.all(s, s.name in ${SAFE_SYSCTL_MAP} && ${SAFE_SYSCTL_MAP}[s.name] <= variables.targetMinor)`,
      message: 'the pod may set only the sysctls Pod Security Standards call safe on the target version',
    }],
    rego: `safe := ${JSON.stringify(Object.fromEntries(SAFE_SYSCTLS.map((s) => [s.name, s.since.minor])))}
  
  problem[msg] {
    s := object.get(pod_sc, "sysctls", [])[_]
    not safe_on_target(s.name)
    msg := sprintf("pod securityContext sets sysctl %v, which is not safe on the target version", [s.name])
  }
  
  safe_on_target(name) {
    safe[name] <= target_minor
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj, ctx) => {
    const safe = safeSysctlsFor(ctx.settings.targetVersion);
    const v = ctx.settings.targetVersion;
    return asArray(podSpecOf(obj)?.securityContext?.sysctls)
      .filter((s) => !safe.includes(s?.name))
      .map((s) => `pod securityContext sets sysctl ${JSON.stringify(s?.name)}, which is not safe on Kubernetes ${v.major}.${v.minor}`);
  }),
};
