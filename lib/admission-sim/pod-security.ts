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

/*
 * Plain loops and one pass over the containers, not a closure and an Array.some per check: this runs once per pod
 * template, so V8 optimizes it, and optimizing two dozen inlined Array.some cost 0.1-0.2 s of a background thread per
 * synth. A check fails when the pod or any container breaks it, so each container adds what it breaks.
 */

const appArmorOk = (p: any): boolean => !p || p.type === undefined || p.type === 'RuntimeDefault' || (p.type === 'Localhost' && !!p.localhostProfile);
const appArmorAnnotationOk = (v: string): boolean => v === '' || v === 'runtime/default' || v.startsWith('localhost/');
const legacySeccompOk = (v: string): boolean => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
const seLinuxOk = (o: any, minor: number): boolean => !o
  || ((o.type ?? '') === '' || o.type === 'container_t' || o.type === 'container_init_t' || o.type === 'container_kvm_t'
    || (minor >= 31 && o.type === 'container_engine_t')) && !o.user && !o.role;
const unconfined = (p: any): boolean => p?.type === 'Unconfined';
const seccompAllowed = (p: any): boolean => p?.type === 'RuntimeDefault' || p?.type === 'Localhost';
const seccompInvalid = (p: any): boolean => p !== undefined && p !== null && !seccompAllowed(p);
const hostProcess = (o: any): boolean => o?.windowsOptions?.hostProcess === true;
const hosted = (h: any): boolean => !!(h?.httpGet?.host || h?.tcpSocket?.host);

/** Whether any of `caps` is outside `allowed`. */
function anyCapabilityOutside(caps: unknown, allowed: readonly string[]): boolean {
  for (const cap of list(caps)) if (!allowed.includes(cap)) return true;
  return false;
}

/** The pod, as the checks below read it. */
interface Pod {
  readonly minor: number;
  readonly restricted: boolean;
  readonly psc: any;
  readonly windows: boolean;
  readonly userNamespaced: boolean;
}

/** Adds to `fails` the checks container `c` breaks (the restricted ones only at that level). */
function containerFails(pod: Pod, c: any, fails: Set<string>): void {
  const { minor, psc, windows, userNamespaced } = pod;
  const sc = c.securityContext;
  if (sc?.privileged === true) fails.add('privileged');
  if (anyCapabilityOutside(sc?.capabilities?.add, BASELINE_CAPABILITIES)) fails.add('capabilities_baseline');
  for (const p of list(c.ports)) if ((p?.hostPort ?? 0) !== 0) fails.add('hostPorts');
  if (!appArmorOk(sc?.appArmorProfile)) fails.add('appArmorProfile');
  if (!seLinuxOk(sc?.seLinuxOptions, minor)) fails.add('seLinuxOptions');
  const procMountDefault = (sc?.procMount ?? 'Default') === 'Default';
  if (!(minor >= 35 && userNamespaced) && !procMountDefault) fails.add('procMount');
  if (minor >= 19 && unconfined(sc?.seccompProfile)) fails.add('seccompProfile_baseline');
  if (hostProcess(sc)) fails.add('windowsHostProcess');
  if (minor >= 34 && (hosted(c.livenessProbe) || hosted(c.readinessProbe) || hosted(c.startupProbe)
    || hosted(c.lifecycle?.postStart) || hosted(c.lifecycle?.preStop))) fails.add('hostProbesAndHostLifecycle');
  if (!pod.restricted) return;
  if (minor >= 8 && !windows && sc?.allowPrivilegeEscalation !== false) fails.add('allowPrivilegeEscalation');
  if (!(minor >= 35 && userNamespaced)) {
    if (sc?.runAsNonRoot === false || (sc?.runAsNonRoot ?? psc.runAsNonRoot) !== true) fails.add('runAsNonRoot');
    if (minor >= 23 && sc?.runAsUser === 0) fails.add('runAsUser');
  }
  if (minor >= 19 && (seccompInvalid(sc?.seccompProfile) || (!windows && !seccompAllowed(sc?.seccompProfile ?? psc.seccompProfile)))) {
    fails.add('seccompProfile_restricted');
  }
  if (minor >= 22 && !windows && (!list(sc?.capabilities?.drop).includes('ALL') || anyCapabilityOutside(sc?.capabilities?.add, ['NET_BIND_SERVICE']))) {
    fails.add('capabilities_restricted');
  }
  if (minor >= 35 && userNamespaced && !procMountDefault) fails.add('procMount_restricted');
}

/** The failing check ids of a pod (metadata + spec) at `level` and `version`. */
export function evaluatePss(meta: any, spec: any, level: 'baseline' | 'restricted', version: PssVersion): string[] {
  const minor = version === 'latest' ? LATEST_MINOR : version.minor;
  const s = spec ?? {};
  const psc = s.securityContext ?? {};
  const annotations: Record<string, string> = meta?.annotations ?? {};
  const pod: Pod = { minor, restricted: level === 'restricted', psc, windows: minor >= 25 && s.os?.name === 'windows', userNamespaced: s.hostUsers === false };
  const fails = new Set<string>();

  // baseline
  if (s.hostNetwork === true || s.hostPID === true || s.hostIPC === true) fails.add('hostNamespaces');
  for (const v of list(s.volumes)) if (v?.hostPath) fails.add('hostPathVolumes');
  // Each annotation check stops at its first failure, as Array.some did (a later value is then never read).
  for (const [k, v] of Object.entries(annotations)) {
    if (!fails.has('appArmorProfile') && k.startsWith('container.apparmor.security.beta.kubernetes.io/') && !appArmorAnnotationOk(v)) {
      fails.add('appArmorProfile');
    }
    if (minor < 19 && !fails.has('seccompProfile_baseline')
      && (k === 'seccomp.security.alpha.kubernetes.io/pod' || k.startsWith('container.seccomp.security.alpha.kubernetes.io/')) && !legacySeccompOk(v)) {
      fails.add('seccompProfile_baseline');
    }
  }
  if (!appArmorOk(psc.appArmorProfile)) fails.add('appArmorProfile');
  if (!seLinuxOk(psc.seLinuxOptions, minor)) fails.add('seLinuxOptions');
  if (minor >= 19 && unconfined(psc.seccompProfile)) fails.add('seccompProfile_baseline');
  const safe = safeSysctls(minor);
  for (const x of list(psc.sysctls)) if (!safe.includes(x?.name)) fails.add('sysctls');
  if (hostProcess(psc)) fails.add('windowsHostProcess');
  for (const group of [s.containers, s.initContainers, s.ephemeralContainers]) for (const c of list(group)) containerFails(pod, c, fails);
  if (level === 'baseline') return [...fails].sort();

  // restricted
  for (const v of list(s.volumes)) {
    for (const k of Object.keys(v ?? {})) if (k !== 'name' && !RESTRICTED_VOLUMES.includes(k)) fails.add('restrictedVolumes');
  }
  if (!(minor >= 35 && pod.userNamespaced)) {
    if (psc.runAsNonRoot === false) fails.add('runAsNonRoot');
    if (minor >= 23 && psc.runAsUser === 0) fails.add('runAsUser');
  }
  if (minor >= 19 && seccompInvalid(psc.seccompProfile)) fails.add('seccompProfile_restricted');
  return [...fails].sort();
}
