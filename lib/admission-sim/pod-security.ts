/**
 * An evaluator of the Pod Security Standards (baseline and restricted), written from the check list of
 * kubernetes/pod-security-admission (`policy/check_*.go`) with each check's version gates. Synth uses it to simulate
 * Pod Security Admission (a recorded exception excuses a practice, never the namespace's PSA), and tests judge pod
 * templates with it independently of the catalogue's checks; test/conformance/psa.test.ts runs it over the upstream
 * fixtures. `evaluatePss` returns the ids of the failing checks; empty = admitted.
 */

/** A PSS policy version: `{ minor }` of 1.x, or `latest` (the newest the upstream checks know, 1.37). */
export type PssVersion = { readonly minor: number } | 'latest';

const LATEST_MINOR = 37;

const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret', 'image'];

function safeSysctls(minor: number): string[] {
  const out = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
  if (minor >= 27) out.push('net.ipv4.ip_local_reserved_ports');
  if (minor >= 29) out.push('net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes');
  if (minor >= 32) out.push('net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem');
  if (minor >= 37) out.push('net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat');
  return out;
}

const list = (x: unknown): any[] => (Array.isArray(x) ? x : []);

/** The failing check ids of a pod (metadata + spec) at `level` and `version`. */
export function evaluatePss(meta: any, spec: any, level: 'baseline' | 'restricted', version: PssVersion): string[] {
  const minor = version === 'latest' ? LATEST_MINOR : version.minor;
  const s = spec ?? {};
  const psc = s.securityContext ?? {};
  const containers = [...list(s.containers), ...list(s.initContainers), ...list(s.ephemeralContainers)];
  const annotations: Record<string, string> = meta?.annotations ?? {};
  const windows = minor >= 25 && s.os?.name === 'windows';
  const userNamespaced = s.hostUsers === false;
  const fails = new Set<string>();

  // baseline
  if (s.hostNetwork === true || s.hostPID === true || s.hostIPC === true) fails.add('hostNamespaces');
  if (containers.some((c) => c.securityContext?.privileged === true)) fails.add('privileged');
  if (containers.some((c) => list(c.securityContext?.capabilities?.add).some((cap: string) => !BASELINE_CAPABILITIES.includes(cap)))) fails.add('capabilities_baseline');
  if (list(s.volumes).some((v) => v?.hostPath)) fails.add('hostPathVolumes');
  if (containers.some((c) => list(c.ports).some((p) => (p?.hostPort ?? 0) !== 0))) fails.add('hostPorts');
  const appArmorOk = (p: any) => !p || p.type === undefined || p.type === 'RuntimeDefault' || (p.type === 'Localhost' && !!p.localhostProfile);
  const appArmorAnnotationOk = (v: string) => v === '' || v === 'runtime/default' || v.startsWith('localhost/');
  if (Object.entries(annotations).some(([k, v]) => k.startsWith('container.apparmor.security.beta.kubernetes.io/') && !appArmorAnnotationOk(v))
    || !appArmorOk(psc.appArmorProfile) || containers.some((c) => !appArmorOk(c.securityContext?.appArmorProfile))) fails.add('appArmorProfile');
  const seLinuxTypes = ['', 'container_t', 'container_init_t', 'container_kvm_t', ...(minor >= 31 ? ['container_engine_t'] : [])];
  const seLinuxOk = (o: any) => !o || (seLinuxTypes.includes(o.type ?? '') && !o.user && !o.role);
  if (!seLinuxOk(psc.seLinuxOptions) || containers.some((c) => !seLinuxOk(c.securityContext?.seLinuxOptions))) fails.add('seLinuxOptions');
  const procMountOk = (c: any) => (c.securityContext?.procMount ?? 'Default') === 'Default';
  if (!(minor >= 35 && userNamespaced) && containers.some((c) => !procMountOk(c))) fails.add('procMount');
  if (minor >= 19) {
    const unconfined = (p: any) => p?.type === 'Unconfined';
    if (unconfined(psc.seccompProfile) || containers.some((c) => unconfined(c.securityContext?.seccompProfile))) fails.add('seccompProfile_baseline');
  } else {
    const ok = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
    if (Object.entries(annotations).some(([k, v]) => (k === 'seccomp.security.alpha.kubernetes.io/pod' || k.startsWith('container.seccomp.security.alpha.kubernetes.io/')) && !ok(v))) {
      fails.add('seccompProfile_baseline');
    }
  }
  const safe = safeSysctls(minor);
  if (list(psc.sysctls).some((x) => !safe.includes(x?.name))) fails.add('sysctls');
  const hostProcess = (o: any) => o?.windowsOptions?.hostProcess === true;
  if (hostProcess(psc) || containers.some((c) => hostProcess(c.securityContext))) fails.add('windowsHostProcess');
  if (minor >= 34) {
    const hosted = (h: any) => !!(h?.httpGet?.host || h?.tcpSocket?.host);
    if (containers.some((c) => [c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle?.postStart, c.lifecycle?.preStop].some(hosted))) {
      fails.add('hostProbesAndHostLifecycle');
    }
  }
  if (level === 'baseline') return [...fails].sort();

  // restricted
  if (list(s.volumes).some((v) => Object.keys(v ?? {}).filter((k) => k !== 'name').some((k) => !RESTRICTED_VOLUMES.includes(k)))) fails.add('restrictedVolumes');
  if (minor >= 8 && !windows && containers.some((c) => c.securityContext?.allowPrivilegeEscalation !== false)) fails.add('allowPrivilegeEscalation');
  if (!(minor >= 35 && userNamespaced)) {
    const explicitFalse = psc.runAsNonRoot === false || containers.some((c) => c.securityContext?.runAsNonRoot === false);
    const unresolved = containers.some((c) => (c.securityContext?.runAsNonRoot ?? psc.runAsNonRoot) !== true);
    if (explicitFalse || unresolved) fails.add('runAsNonRoot');
    if (minor >= 23 && (psc.runAsUser === 0 || containers.some((c) => c.securityContext?.runAsUser === 0))) fails.add('runAsUser');
  }
  if (minor >= 19) {
    const allowed = (p: any) => p?.type === 'RuntimeDefault' || p?.type === 'Localhost';
    const invalid = (p: any) => p !== undefined && p !== null && !allowed(p);
    if (invalid(psc.seccompProfile) || containers.some((c) => invalid(c.securityContext?.seccompProfile))
      || (!windows && containers.some((c) => !allowed(c.securityContext?.seccompProfile ?? psc.seccompProfile)))) fails.add('seccompProfile_restricted');
  }
  if (minor >= 22 && !windows) {
    const bad = (c: any) => !list(c.securityContext?.capabilities?.drop).includes('ALL')
      || list(c.securityContext?.capabilities?.add).some((cap: string) => cap !== 'NET_BIND_SERVICE');
    if (containers.some(bad)) fails.add('capabilities_restricted');
  }
  if (minor >= 35 && userNamespaced && containers.some((c) => !procMountOk(c))) fails.add('procMount_restricted');
  return [...fails].sort();
}
