import { Manifest } from '../../../lib/practices/manifest';
import { clone, compliantSet, containerOf, IMAGE, NS, plus, podOf, provenance, secureContainer, secureDeployment, withDeployment, withObject } from '../fixtures';
import { PracticeCases } from './types';

/** The compliant Deployment's pod template with `mutate` applied, for the batch and bare-Pod builders. */
function securePodTemplate(mutate: (spec: any) => void = () => undefined): any {
  const template = clone(secureDeployment('batch').spec.template);
  delete template.spec.affinity;
  delete template.spec.topologySpreadConstraints;
  for (const c of template.spec.containers) {
    delete c.readinessProbe;
    delete c.livenessProbe;
    delete c.ports;
  }
  template.spec.restartPolicy = 'Never';
  mutate(template.spec);
  return template;
}

/** A bounded standalone Job; `mutate` edits its spec. */
function job(mutate: (spec: any) => void = () => undefined, meta: Record<string, unknown> = {}): Manifest {
  const spec: any = { backoffLimit: 2, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 3600, template: securePodTemplate() };
  mutate(spec);
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: NS, ...provenance('migrate', 'test/migrate'), ...meta }, spec };
}

/** A bounded CronJob; `mutate` edits its spec. */
function cronJob(mutate: (spec: any) => void = () => undefined): Manifest {
  const spec: any = {
    schedule: '0 3 * * *',
    concurrencyPolicy: 'Forbid',
    startingDeadlineSeconds: 300,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 3,
    jobTemplate: { spec: { backoffLimit: 1, activeDeadlineSeconds: 900, template: securePodTemplate() } },
  };
  mutate(spec);
  return { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: NS, ...provenance('report', 'test/report') }, spec };
}

/** A bare Pod running the compliant container. */
function pod(mutate: (spec: any) => void = () => undefined, meta: Record<string, unknown> = {}): Manifest {
  const template = securePodTemplate(mutate);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'one-off', namespace: NS, ...provenance('one-off', 'test/one-off'), ...template.metadata, ...meta },
    spec: template.spec,
  };
}

/** The compliant set with the Deployment turned into a StatefulSet (PDB and spread unchanged). */
function asStatefulSet(mutate: (s: any) => void = () => undefined): Manifest[] {
  return withDeployment((d) => {
    d.kind = 'StatefulSet';
    d.spec.serviceName = 'api';
    delete d.spec.strategy;
    mutate(d);
  });
}

/** An autoscaling/v2 HPA for the compliant Deployment. */
function hpa(minReplicas?: number): Manifest {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'api', namespace: NS, ...provenance('api', 'test/api/hpa') },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      ...(minReplicas !== undefined ? { minReplicas } : {}),
      maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  };
}

/** The compliant set with the Deployment's container security context field set (undefined deletes it). */
function withContainerSc(field: string, value: unknown): Manifest[] {
  return withDeployment((d) => {
    if (value === undefined) delete containerOf(d).securityContext[field];
    else containerOf(d).securityContext[field] = value;
  });
}

/** The compliant set with the pod security context field set (undefined deletes it). */
function withPodSc(field: string, value: unknown): Manifest[] {
  return withDeployment((d) => {
    if (value === undefined) delete podOf(d).securityContext[field];
    else podOf(d).securityContext[field] = value;
  });
}

/** The compliant set with an extra init container shaped by `mutate`. */
function withInit(mutate: (c: any) => void): Manifest[] {
  return withDeployment((d) => {
    const c = secureContainer('init');
    delete c.readinessProbe;
    delete c.livenessProbe;
    delete c.ports;
    mutate(c);
    podOf(d).initContainers = [c];
  });
}

/** The compliant set with an ephemeral container (no ports, resources or probes, as the API demands) shaped by `mutate`. */
function withEphemeral(mutate: (c: any) => void): Manifest[] {
  return withDeployment((d) => {
    const c = secureContainer('debug');
    for (const field of ['ports', 'resources', 'readinessProbe', 'livenessProbe']) delete c[field];
    mutate(c);
    podOf(d).ephemeralContainers = [c];
  });
}

/** The compliant set with pod sysctls. */
function withSysctls(...names: string[]): Manifest[] {
  return withPodSc('sysctls', names.map((name) => ({ name, value: '1' })));
}

/** The compliant set with a pod-template annotation. */
function withPodAnnotation(key: string, value: string): Manifest[] {
  return withDeployment((d) => { d.spec.template.metadata.annotations = { [key]: value }; });
}

/** The compliant set with the Deployment's preferred hostname anti-affinity term changed by `mutate`. */
function withAntiAffinityTerm(mutate: (term: any) => void): Manifest[] {
  return withDeployment((d) => { mutate(podOf(d).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm); });
}

/** The compliant set with the Deployment's replicas left to an HPA with `minReplicas`. */
function withHpa(minReplicas?: number): Manifest[] {
  return [...withDeployment((d) => { delete d.spec.replicas; }), hpa(minReplicas)];
}

/** The compliant set with the PDB's spec changed by `mutate`. */
function withPdb(mutate: (spec: any, pdb: any) => void): Manifest[] {
  return withObject('PodDisruptionBudget', (p) => mutate(p.spec, p));
}

export const WORKLOAD_CASES: PracticeCases = {
  'HK-WORKLOAD-001': {
    pass: [
      { name: 'privileged: false', objects: compliantSet() },
      { name: 'privileged absent', objects: withContainerSc('privileged', undefined) },
    ],
    fail: [
      { name: 'container privileged', objects: withContainerSc('privileged', true) },
      { name: 'init container privileged', objects: withInit((c) => { c.securityContext.privileged = true; }) },
      { name: 'ephemeral container privileged', objects: withEphemeral((c) => { c.securityContext.privileged = true; }) },
    ],
  },
  'HK-WORKLOAD-002': {
    pass: [
      { name: 'explicit false', objects: compliantSet() },
      {
        name: 'Windows pod exempt from policy 1.25',
        objects: withDeployment((d) => { podOf(d).os = { name: 'windows' }; delete containerOf(d).securityContext.allowPrivilegeEscalation; }),
      },
    ],
    fail: [
      { name: 'unset', objects: withContainerSc('allowPrivilegeEscalation', undefined) },
      { name: 'true', objects: withContainerSc('allowPrivilegeEscalation', true) },
      { name: 'init container unset', objects: withInit((c) => { delete c.securityContext.allowPrivilegeEscalation; }) },
      { name: 'ephemeral container unset', objects: withEphemeral((c) => { delete c.securityContext.allowPrivilegeEscalation; }) },
      {
        name: 'Windows pod below policy 1.25 is not exempt',
        objects: withDeployment((d) => { podOf(d).os = { name: 'windows' }; delete containerOf(d).securityContext.allowPrivilegeEscalation; }),
        targetVersion: '1.24',
      },
    ],
  },
  'HK-WORKLOAD-003': {
    pass: [
      { name: 'pod and container set runAsNonRoot: true', objects: compliantSet() },
      {
        name: 'pod-level value alone resolves every container',
        objects: withDeployment((d) => { delete containerOf(d).securityContext.runAsNonRoot; }),
      },
      {
        name: 'container-level value alone',
        objects: withPodSc('runAsNonRoot', undefined),
      },
    ],
    fail: [
      { name: 'container sets runAsNonRoot: false', objects: withDeployment((d) => { containerOf(d).securityContext.runAsNonRoot = false; }) },
      {
        name: 'neither level sets it',
        objects: withDeployment((d) => { delete containerOf(d).securityContext.runAsNonRoot; delete podOf(d).securityContext.runAsNonRoot; }),
      },
      { name: 'pod sets false', objects: withDeployment((d) => { podOf(d).securityContext.runAsNonRoot = false; }) },
      { name: 'init container sets false', objects: withInit((c) => { c.securityContext.runAsNonRoot = false; }) },
    ],
  },
  'HK-WORKLOAD-004': {
    pass: [
      { name: '65532 at both levels', objects: compliantSet() },
      { name: 'pod value alone', objects: withContainerSc('runAsUser', undefined) },
      { name: 'container value alone', objects: withPodSc('runAsUser', undefined) },
      { name: 'container overrides a low pod value', objects: withPodSc('runAsUser', 1000) },
      { name: 'just above the threshold', objects: withContainerSc('runAsUser', 10001) },
    ],
    fail: [
      { name: 'exactly 10000', objects: withContainerSc('runAsUser', 10000) },
      { name: 'container UID 1000', objects: withContainerSc('runAsUser', 1000) },
      { name: 'low pod value inherited', objects: withDeployment((d) => { delete containerOf(d).securityContext.runAsUser; podOf(d).securityContext.runAsUser = 1000; }) },
      { name: 'neither level sets it', objects: withDeployment((d) => { delete containerOf(d).securityContext.runAsUser; delete podOf(d).securityContext.runAsUser; }) },
      { name: 'pod runAsUser 0 even when overridden', objects: withPodSc('runAsUser', 0) },
      { name: 'string UID', objects: withContainerSc('runAsUser', '65532') },
      { name: 'ephemeral container UID 0', objects: withEphemeral((c) => { c.securityContext.runAsUser = 0; }) },
    ],
  },
  'HK-WORKLOAD-005': {
    pass: [
      { name: 'runAsGroup and fsGroup 65532', objects: compliantSet() },
      { name: 'pod runAsGroup alone', objects: withContainerSc('runAsGroup', undefined) },
      { name: 'supplementalGroups without 0', objects: withPodSc('supplementalGroups', [65533]) },
      { name: 'fsGroup below 10000 but not 0', objects: withPodSc('fsGroup', 2000) },
    ],
    fail: [
      { name: 'runAsGroup 0', objects: withContainerSc('runAsGroup', 0) },
      { name: 'runAsGroup 10000', objects: withContainerSc('runAsGroup', 10000) },
      { name: 'runAsGroup unset at both levels', objects: withDeployment((d) => { delete containerOf(d).securityContext.runAsGroup; delete podOf(d).securityContext.runAsGroup; }) },
      { name: 'fsGroup unset', objects: withPodSc('fsGroup', undefined) },
      { name: 'fsGroup 0', objects: withPodSc('fsGroup', 0) },
      { name: 'supplementalGroups contains 0', objects: withPodSc('supplementalGroups', [65533, 0]) },
      { name: 'init container runAsGroup 0', objects: withInit((c) => { c.securityContext.runAsGroup = 0; }) },
    ],
  },
  'HK-WORKLOAD-006': {
    pass: [
      { name: 'drop ALL', objects: compliantSet() },
      { name: 'drop ALL among others', objects: withContainerSc('capabilities', { drop: ['NET_RAW', 'ALL'] }) },
      { name: 'Windows pod exempt', objects: withDeployment((d) => { podOf(d).os = { name: 'windows' }; delete containerOf(d).securityContext.capabilities; }) },
    ],
    fail: [
      { name: 'lower-case all', objects: withContainerSc('capabilities', { drop: ['all'] }) },
      { name: 'no drop list', objects: withContainerSc('capabilities', undefined) },
      { name: 'drops only NET_RAW', objects: withContainerSc('capabilities', { drop: ['NET_RAW'] }) },
      { name: 'init container keeps capabilities', objects: withInit((c) => { delete c.securityContext.capabilities; }) },
      { name: 'ephemeral container keeps capabilities', objects: withEphemeral((c) => { delete c.securityContext.capabilities; }) },
    ],
  },
  'HK-WORKLOAD-007': {
    pass: [
      { name: 'adds nothing', objects: compliantSet() },
      { name: 'adds NET_BIND_SERVICE', objects: withContainerSc('capabilities', { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }) },
    ],
    fail: [
      { name: 'adds SYS_ADMIN', objects: withContainerSc('capabilities', { drop: ['ALL'], add: ['SYS_ADMIN'] }) },
      { name: 'adds CAP_NET_BIND_SERVICE (prefixed spelling)', objects: withContainerSc('capabilities', { drop: ['ALL'], add: ['CAP_NET_BIND_SERVICE'] }) },
      { name: 'init container adds NET_ADMIN and NET_RAW', objects: withInit((c) => { c.securityContext.capabilities.add = ['NET_ADMIN', 'NET_RAW']; }) },
    ],
  },
  'HK-WORKLOAD-008': {
    pass: [
      { name: 'RuntimeDefault at both levels', objects: compliantSet() },
      { name: 'pod level alone', objects: withContainerSc('seccompProfile', undefined) },
      { name: 'container level alone', objects: withPodSc('seccompProfile', undefined) },
      { name: 'Localhost with a profile', objects: withContainerSc('seccompProfile', { type: 'Localhost', localhostProfile: 'profiles/app.json' }) },
      {
        name: 'Windows pod need not resolve a type',
        objects: withDeployment((d) => { podOf(d).os = { name: 'windows' }; delete podOf(d).securityContext.seccompProfile; delete containerOf(d).securityContext.seccompProfile; }),
      },
    ],
    fail: [
      { name: 'container Unconfined', objects: withContainerSc('seccompProfile', { type: 'Unconfined' }) },
      { name: 'pod Unconfined though containers override it', objects: withPodSc('seccompProfile', { type: 'Unconfined' }) },
      { name: 'neither level sets it', objects: withDeployment((d) => { delete podOf(d).securityContext.seccompProfile; delete containerOf(d).securityContext.seccompProfile; }) },
      { name: 'Localhost without localhostProfile', objects: withContainerSc('seccompProfile', { type: 'Localhost' }) },
      { name: 'legacy pod annotation is dead configuration', objects: withPodAnnotation('seccomp.security.alpha.kubernetes.io/pod', 'runtime/default') },
      { name: 'legacy container annotation is dead configuration', objects: withPodAnnotation('container.seccomp.security.alpha.kubernetes.io/app', 'runtime/default') },
      {
        name: 'ephemeral container without a type when the pod sets none',
        objects: withDeployment((d) => {
          delete podOf(d).securityContext.seccompProfile;
          podOf(d).ephemeralContainers = [{ name: 'debug', image: IMAGE, securityContext: { allowPrivilegeEscalation: false } }];
        }),
      },
      {
        name: 'Windows pod still may not set Unconfined',
        objects: withDeployment((d) => { podOf(d).os = { name: 'windows' }; containerOf(d).securityContext.seccompProfile = { type: 'Unconfined' }; }),
      },
    ],
  },
  'HK-WORKLOAD-009': {
    pass: [
      { name: 'read-only root and sized emptyDir', objects: compliantSet() },
      { name: 'PVC for writable data', objects: withDeployment((d) => { podOf(d).volumes.push({ name: 'data', persistentVolumeClaim: { claimName: 'data' } }); }) },
    ],
    fail: [
      { name: 'readOnlyRootFilesystem unset', objects: withContainerSc('readOnlyRootFilesystem', undefined) },
      { name: 'readOnlyRootFilesystem false', objects: withContainerSc('readOnlyRootFilesystem', false) },
      { name: 'emptyDir without sizeLimit', objects: withDeployment((d) => { podOf(d).volumes[0].emptyDir = {}; }) },
      { name: 'memory emptyDir without sizeLimit', objects: withDeployment((d) => { podOf(d).volumes[0].emptyDir = { medium: 'Memory' }; }) },
      { name: 'volume with no source is an unbounded emptyDir', objects: withDeployment((d) => { podOf(d).volumes.push({ name: 'scratch' }); }) },
      { name: 'init container writable root', objects: withInit((c) => { c.securityContext.readOnlyRootFilesystem = false; }) },
    ],
  },
  'HK-WORKLOAD-010': {
    pass: [
      { name: 'all three false', objects: compliantSet() },
      { name: 'all three absent', objects: withDeployment((d) => { delete podOf(d).hostNetwork; delete podOf(d).hostPID; delete podOf(d).hostIPC; }) },
    ],
    fail: [
      { name: 'hostNetwork', objects: withDeployment((d) => { podOf(d).hostNetwork = true; }) },
      { name: 'hostPID', objects: withDeployment((d) => { podOf(d).hostPID = true; }) },
      { name: 'hostIPC', objects: withDeployment((d) => { podOf(d).hostIPC = true; }) },
      { name: 'CronJob with hostPID', objects: plus(cronJob((s) => { s.jobTemplate.spec.template.spec.hostPID = true; })) },
    ],
  },
  'HK-WORKLOAD-011': {
    pass: [
      { name: 'emptyDir only', objects: compliantSet() },
      {
        name: 'every restricted type',
        objects: withDeployment((d) => {
          podOf(d).volumes.push(
            { name: 'cm', configMap: { name: 'cfg' } },
            { name: 'sec', secret: { secretName: 's' } },
            { name: 'pvc', persistentVolumeClaim: { claimName: 'data' } },
            { name: 'proj', projected: { sources: [] } },
            { name: 'dapi', downwardAPI: { items: [] } },
            { name: 'csi', csi: { driver: 'secrets-store.csi.k8s.io' } },
            { name: 'eph', ephemeral: { volumeClaimTemplate: { spec: {} } } },
          );
        }),
      },
      { name: 'image volume on target 1.31', objects: withDeployment((d) => { podOf(d).volumes.push({ name: 'model', image: { reference: IMAGE } }); }), targetVersion: '1.31' },
    ],
    fail: [
      { name: 'hostPath', objects: withDeployment((d) => { podOf(d).volumes.push({ name: 'sock', hostPath: { path: '/var/run/containerd/containerd.sock' } }); }) },
      { name: 'nfs', objects: withDeployment((d) => { podOf(d).volumes.push({ name: 'share', nfs: { server: 'nfs.example.com', path: '/' } }); }) },
      { name: 'gitRepo', objects: withDeployment((d) => { podOf(d).volumes.push({ name: 'src', gitRepo: { repository: 'https://example.com/r.git' } }); }) },
      { name: 'image volume on target 1.28', objects: withDeployment((d) => { podOf(d).volumes.push({ name: 'model', image: { reference: IMAGE } }); }) },
      { name: 'CronJob hostPath', objects: plus(cronJob((s) => { s.jobTemplate.spec.template.spec.volumes.push({ name: 'etc', hostPath: { path: '/etc/kubernetes' } }); })) },
    ],
  },
  'HK-WORKLOAD-012': {
    pass: [
      { name: 'no hostPort', objects: compliantSet() },
      { name: 'hostPort 0', objects: withDeployment((d) => { containerOf(d).ports[0].hostPort = 0; }) },
    ],
    fail: [
      { name: 'hostPort set', objects: withDeployment((d) => { containerOf(d).ports[0].hostPort = 8080; }) },
      { name: 'host-network pod ports are host ports', objects: withDeployment((d) => { podOf(d).hostNetwork = true; }) },
      { name: 'init container hostPort', objects: withInit((c) => { c.ports = [{ containerPort: 9000, hostPort: 9000 }]; }) },
    ],
  },
  'HK-WORKLOAD-013': {
    pass: [
      { name: 'no windowsOptions', objects: compliantSet() },
      { name: 'hostProcess false', objects: withPodSc('windowsOptions', { hostProcess: false }) },
    ],
    fail: [
      { name: 'pod hostProcess', objects: withPodSc('windowsOptions', { hostProcess: true }) },
      { name: 'container hostProcess', objects: withContainerSc('windowsOptions', { hostProcess: true }) },
      { name: 'ephemeral container hostProcess', objects: withEphemeral((c) => { c.securityContext.windowsOptions = { hostProcess: true }; }) },
    ],
  },
  'HK-WORKLOAD-014': {
    pass: [
      { name: 'unset', objects: compliantSet() },
      { name: 'runtime/default annotation', objects: withPodAnnotation('container.apparmor.security.beta.kubernetes.io/app', 'runtime/default') },
      { name: 'localhost annotation', objects: withPodAnnotation('container.apparmor.security.beta.kubernetes.io/app', 'localhost/k8s-app') },
      { name: 'RuntimeDefault field', objects: withContainerSc('appArmorProfile', { type: 'RuntimeDefault' }) },
      { name: 'Localhost field with a profile', objects: withPodSc('appArmorProfile', { type: 'Localhost', localhostProfile: 'k8s-app' }) },
    ],
    fail: [
      { name: 'unconfined annotation', objects: withPodAnnotation('container.apparmor.security.beta.kubernetes.io/app', 'unconfined') },
      { name: 'localhost annotation without a profile', objects: withPodAnnotation('container.apparmor.security.beta.kubernetes.io/app', 'localhost/') },
      { name: 'Unconfined container field', objects: withContainerSc('appArmorProfile', { type: 'Unconfined' }) },
      { name: 'Unconfined pod field', objects: withPodSc('appArmorProfile', { type: 'Unconfined' }) },
      { name: 'Localhost field without a profile', objects: withContainerSc('appArmorProfile', { type: 'Localhost' }) },
    ],
  },
  'HK-WORKLOAD-015': {
    pass: [
      { name: 'unset', objects: compliantSet() },
      { name: 'container_t with a level', objects: withContainerSc('seLinuxOptions', { type: 'container_t', level: 's0:c123,c456' }) },
      { name: 'container_engine_t on target 1.31', objects: withPodSc('seLinuxOptions', { type: 'container_engine_t' }), targetVersion: '1.31' },
    ],
    fail: [
      { name: 'spc_t', objects: withContainerSc('seLinuxOptions', { type: 'spc_t' }) },
      { name: 'container_engine_t on target 1.28', objects: withPodSc('seLinuxOptions', { type: 'container_engine_t' }) },
      { name: 'custom user', objects: withPodSc('seLinuxOptions', { user: 'system_u' }) },
      { name: 'custom role', objects: withContainerSc('seLinuxOptions', { role: 'system_r' }) },
      { name: 'init container spc_t', objects: withInit((c) => { c.securityContext.seLinuxOptions = { type: 'spc_t' }; }) },
    ],
  },
  'HK-WORKLOAD-016': {
    pass: [
      { name: 'unset', objects: compliantSet() },
      { name: 'Default', objects: withContainerSc('procMount', 'Default') },
    ],
    fail: [
      { name: 'Unmasked', objects: withContainerSc('procMount', 'Unmasked') },
      { name: 'ephemeral container Unmasked', objects: withEphemeral((c) => { c.securityContext.procMount = 'Unmasked'; }) },
    ],
  },
  'HK-WORKLOAD-017': {
    pass: [
      { name: 'no sysctls', objects: compliantSet() },
      { name: 'v1.0 safe sysctl', objects: withSysctls('net.ipv4.ip_local_port_range') },
      { name: 'ip_local_reserved_ports on 1.28', objects: withSysctls('net.ipv4.ip_local_reserved_ports') },
      { name: 'tcp_keepalive_time on 1.29', objects: withSysctls('net.ipv4.tcp_keepalive_time'), targetVersion: '1.29' },
      { name: 'tcp_rmem on 1.32', objects: withSysctls('net.ipv4.tcp_rmem'), targetVersion: '1.32' },
      { name: 'tcp_notsent_lowat on 1.37', objects: withSysctls('net.ipv4.tcp_notsent_lowat'), targetVersion: '1.37' },
    ],
    fail: [
      { name: 'net.core.somaxconn', objects: withSysctls('net.core.somaxconn') },
      { name: 'tcp_keepalive_time on 1.28', objects: withSysctls('net.ipv4.tcp_keepalive_time') },
      { name: 'tcp_rmem on 1.31', objects: withSysctls('net.ipv4.tcp_rmem'), targetVersion: '1.31' },
      { name: 'tcp_slow_start_after_idle on 1.36', objects: withSysctls('net.ipv4.tcp_slow_start_after_idle'), targetVersion: '1.36' },
      { name: 'ip_local_reserved_ports on 1.26', objects: withSysctls('net.ipv4.ip_local_reserved_ports'), targetVersion: '1.26' },
      { name: 'slash-separated spelling', objects: withSysctls('net/ipv4/ip_local_port_range') },
    ],
  },
  'HK-WORKLOAD-018': {
    pass: [
      { name: 'probes without host', objects: compliantSet() },
      { name: 'empty host', objects: withDeployment((d) => { containerOf(d).readinessProbe.httpGet.host = ''; }) },
    ],
    fail: [
      { name: 'httpGet host', objects: withDeployment((d) => { containerOf(d).livenessProbe.httpGet.host = '169.254.169.254'; }) },
      { name: 'tcpSocket startup probe host', objects: withDeployment((d) => { containerOf(d).startupProbe = { tcpSocket: { port: 8080, host: '10.0.0.1' } }; }) },
      { name: 'preStop hook host', objects: withDeployment((d) => { containerOf(d).lifecycle = { preStop: { httpGet: { path: '/drain', port: 80, host: 'example.com' } } }; }) },
      { name: 'sidecar init container probe host', objects: withInit((c) => { c.restartPolicy = 'Always'; c.readinessProbe = { tcpSocket: { port: 9000, host: 'db' } }; }) },
    ],
  },
  'HK-WORKLOAD-019': {
    pass: [
      { name: 'all requests and limits', objects: compliantSet() },
      { name: 'numeric cpu quantities', objects: withDeployment((d) => { containerOf(d).resources.requests.cpu = 1; containerOf(d).resources.limits.cpu = 2; }) },
    ],
    fail: [
      { name: 'no resources', objects: withDeployment((d) => { delete containerOf(d).resources; }) },
      { name: 'no ephemeral-storage request', objects: withDeployment((d) => { delete containerOf(d).resources.requests['ephemeral-storage']; }) },
      { name: 'no memory limit', objects: withDeployment((d) => { delete containerOf(d).resources.limits.memory; }) },
      { name: 'no cpu limit', objects: withDeployment((d) => { delete containerOf(d).resources.limits.cpu; }) },
      { name: 'init container without resources', objects: withInit((c) => { delete c.resources; }) },
    ],
  },
  'HK-WORKLOAD-020': {
    pass: [
      { name: 'distinct probes on a declared port', objects: compliantSet() },
      { name: 'named probe port', objects: withDeployment((d) => { containerOf(d).readinessProbe.httpGet.port = 'http'; }) },
      {
        name: 'different handlers on one port: httpGet readiness, tcpSocket liveness',
        objects: withDeployment((d) => {
          containerOf(d).livenessProbe = { tcpSocket: { port: containerOf(d).readinessProbe.httpGet.port }, periodSeconds: 10 };
        }),
      },
      {
        name: 'gRPC probes of two services',
        objects: withDeployment((d) => {
          const port = containerOf(d).ports[0].containerPort;
          containerOf(d).readinessProbe = { grpc: { port, service: 'ready' } };
          containerOf(d).livenessProbe = { grpc: { port } };
        }),
      },
      { name: 'Job containers need no probes', objects: plus(job()) },
      { name: 'CronJob containers need no probes', objects: plus(cronJob()) },
      { name: 'run-to-completion Pod needs no probes', objects: plus(pod()) },
    ],
    fail: [
      { name: 'no readinessProbe', objects: withDeployment((d) => { delete containerOf(d).readinessProbe; }) },
      { name: 'no livenessProbe', objects: withDeployment((d) => { delete containerOf(d).livenessProbe; }) },
      { name: 'identical probes', objects: withDeployment((d) => { containerOf(d).livenessProbe = clone(containerOf(d).readinessProbe); }) },
      { name: 'same httpGet path, different thresholds (kube-score compares handlers)', objects: withDeployment((d) => { containerOf(d).livenessProbe.httpGet.path = '/ready'; }) },
      {
        name: 'tcpSocket twice on one port, once by name and once by number',
        objects: withDeployment((d) => {
          const port = containerOf(d).ports[0];
          containerOf(d).ports[0] = { ...port, name: 'http' };
          containerOf(d).readinessProbe = { tcpSocket: { port: 'http' }, periodSeconds: 5 };
          containerOf(d).livenessProbe = { tcpSocket: { port: port.containerPort }, periodSeconds: 20, failureThreshold: 6 };
        }),
      },
      {
        name: 'the same exec command, other timings',
        objects: withDeployment((d) => {
          containerOf(d).readinessProbe = { exec: { command: ['/bin/check'] } };
          containerOf(d).livenessProbe = { exec: { command: ['/bin/check'] }, periodSeconds: 30 };
        }),
      },
      { name: 'probe on an undeclared port', objects: withDeployment((d) => { containerOf(d).livenessProbe.httpGet.port = 9090; }) },
      { name: 'probe on an undeclared port name', objects: withDeployment((d) => { containerOf(d).readinessProbe.httpGet.port = 'metrics'; }) },
      { name: 'startup probe on an undeclared port', objects: withDeployment((d) => { containerOf(d).startupProbe = { tcpSocket: { port: 9999 } }; }) },
      { name: 'long-running bare Pod without probes', objects: plus(pod((s) => { s.restartPolicy = 'Always'; })) },
    ],
  },
  'HK-WORKLOAD-021': {
    pass: [
      { name: 'two replicas, PDB, anti-affinity and spread', objects: compliantSet() },
      { name: 'HPA minReplicas 2 with replicas unset', objects: withHpa(2) },
      { name: 'StatefulSet with the same guarantees', objects: asStatefulSet() },
      { name: 'minAvailable below replicas', objects: withPdb((s) => { delete s.maxUnavailable; s.minAvailable = 1; }) },
      { name: 'maxUnavailable as a percentage', objects: withPdb((s) => { s.maxUnavailable = '50%'; }) },
      {
        name: 'required anti-affinity term',
        objects: withDeployment((d) => {
          const term = podOf(d).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
          podOf(d).affinity.podAntiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [term] };
        }),
      },
      { name: 'IfHealthyBudget set explicitly', objects: withPdb((s) => { s.unhealthyPodEvictionPolicy = 'IfHealthyBudget'; }) },
    ],
    fail: [
      { name: 'one replica', objects: withDeployment((d) => { d.spec.replicas = 1; }) },
      { name: 'replicas unset without HPA', objects: withDeployment((d) => { delete d.spec.replicas; }) },
      { name: 'HPA minReplicas unset (1)', objects: withHpa() },
      { name: 'no PDB', objects: compliantSet().filter((o) => o.kind !== 'PodDisruptionBudget') },
      { name: 'PDB selects other pods', objects: withPdb((s) => { s.selector.matchLabels = { 'app.kubernetes.io/name': 'web' }; }) },
      { name: 'PDB in another namespace', objects: withPdb((_s, p) => { p.metadata.namespace = 'other'; }) },
      { name: 'policy/v1beta1 PDB', objects: withPdb((_s, p) => { p.apiVersion = 'policy/v1beta1'; }) },
      { name: 'maxUnavailable 0', objects: withPdb((s) => { s.maxUnavailable = 0; }) },
      { name: 'minAvailable equals replicas', objects: withPdb((s) => { delete s.maxUnavailable; s.minAvailable = 2; }) },
      { name: 'minAvailable 100%', objects: withPdb((s) => { delete s.maxUnavailable; s.minAvailable = '100%'; }) },
      { name: 'unhealthyPodEvictionPolicy unset', objects: withPdb((s) => { delete s.unhealthyPodEvictionPolicy; }) },
      { name: 'no anti-affinity', objects: withDeployment((d) => { delete podOf(d).affinity; }) },
      { name: 'anti-affinity on zone only', objects: withAntiAffinityTerm((t) => { t.topologyKey = 'topology.kubernetes.io/zone'; }) },
      { name: 'anti-affinity selecting other pods', objects: withAntiAffinityTerm((t) => { t.labelSelector = { matchLabels: { app: 'other' } }; }) },
      { name: 'no topology spread', objects: withDeployment((d) => { delete podOf(d).topologySpreadConstraints; }) },
      { name: 'spread without labelSelector', objects: withDeployment((d) => { delete podOf(d).topologySpreadConstraints[0].labelSelector; }) },
      { name: 'StatefulSet with one replica', objects: asStatefulSet((s) => { s.spec.replicas = 1; }) },
    ],
  },
  'HK-WORKLOAD-022': {
    pass: [
      { name: 'Deployment only', objects: compliantSet() },
      { name: 'bounded standalone Job', objects: plus(job()) },
      { name: 'bounded CronJob without TTL in its jobTemplate', objects: plus(cronJob()) },
      {
        name: 'Job made by a CronJob needs no TTL',
        objects: plus(job((s) => { delete s.ttlSecondsAfterFinished; }, { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', uid: 'u', controller: true }] })),
      },
      {
        name: 'Pod owned by a controller',
        objects: plus(pod(() => undefined, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-abc', uid: 'u', controller: true }] })),
      },
    ],
    fail: [
      { name: 'bare Pod', objects: plus(pod()) },
      { name: 'Job without backoffLimit', objects: plus(job((s) => { delete s.backoffLimit; })) },
      { name: 'Job without activeDeadlineSeconds', objects: plus(job((s) => { delete s.activeDeadlineSeconds; })) },
      { name: 'standalone Job without TTL', objects: plus(job((s) => { delete s.ttlSecondsAfterFinished; })) },
      { name: 'Job with restartPolicy Always', objects: plus(job((s) => { s.template.spec.restartPolicy = 'Always'; })) },
      { name: 'CronJob Allow concurrency', objects: plus(cronJob((s) => { s.concurrencyPolicy = 'Allow'; })) },
      { name: 'CronJob without concurrencyPolicy', objects: plus(cronJob((s) => { delete s.concurrencyPolicy; })) },
      { name: 'CronJob without startingDeadlineSeconds', objects: plus(cronJob((s) => { delete s.startingDeadlineSeconds; })) },
      { name: 'CronJob without history limits', objects: plus(cronJob((s) => { delete s.successfulJobsHistoryLimit; delete s.failedJobsHistoryLimit; })) },
      { name: 'CronJob jobTemplate without backoffLimit', objects: plus(cronJob((s) => { delete s.jobTemplate.spec.backoffLimit; })) },
      { name: 'CronJob jobTemplate with TTL', objects: plus(cronJob((s) => { s.jobTemplate.spec.ttlSecondsAfterFinished = 600; })) },
      { name: 'CronJob pod restartPolicy unset', objects: plus(cronJob((s) => { delete s.jobTemplate.spec.template.spec.restartPolicy; })) },
    ],
  },
};
