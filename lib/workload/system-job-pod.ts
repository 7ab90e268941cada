import { k8s } from 'cdk8s-plus-28';
import { hardenedPodSpec, HardenedContainerSpec, HostPathMount, PodVolume, VolumeMountSpec } from './pod-spec';
import { PracticeException } from '../practices/exceptions';
import { Refuse } from '../refusal';

/**
 * The pods of the library's own cluster jobs (backup, restore drill, etcd snapshot, CIS benchmark), built by the one
 * pod builder. Each relaxation a job asks for is honoured only when the job records the exception of its practice —
 * the same list that becomes its `exceptions.cdk8s-hardened.io/*` annotations — so nothing bypasses the mechanism.
 */

/** Default non-root UID and GID (distroless `nonroot`). */
export const NONROOT_ID = 65532;

/** Requests and limits of one job container (Kubernetes quantities). */
export interface SystemJobResources {
  /** CPU request. */
  readonly cpuRequest: string;
  /** CPU limit. */
  readonly cpuLimit: string;
  /** Memory request and limit (equal, so the pod is never OOM-killed for exceeding a request). */
  readonly memory: string;
  /** Ephemeral storage request and limit. */
  readonly ephemeralStorage: string;
}

/** Resources of a small job container. */
export const SMALL_JOB: SystemJobResources = { cpuRequest: '50m', cpuLimit: '500m', memory: '128Mi', ephemeralStorage: '64Mi' };

/** One container of a cluster job. */
export interface SystemJobContainer {
  /** Container name. */
  readonly name: string;
  /** Image, pinned by digest (checked by the construct). */
  readonly image: string;
  /** Entry point. */
  readonly command: string[];
  /** Arguments. @default - none */
  readonly args?: string[];
  /** Mounts of the pod's `volumes`, by name. @default - only /tmp */
  readonly volumeMounts?: k8s.VolumeMount[];
  /** @default SMALL_JOB */
  readonly resources?: SystemJobResources;
}

/** A cluster job's pod. */
export interface SystemJobPodOptions {
  /** Main containers. */
  readonly containers: SystemJobContainer[];
  /** Init containers, run in order before the main ones. @default - none */
  readonly initContainers?: SystemJobContainer[];
  /** Volumes: hostPath (read-only), emptyDir (shared, sized), persistentVolumeClaim or configMap. @default - none */
  readonly volumes?: k8s.Volume[];
  /** The pod's own ServiceAccount (HK-RBAC-001). */
  readonly serviceAccountName: string;
  /** A short-lived token for this audience, laid out for kubectl. @default - no token */
  readonly apiTokenAudience?: string;
  /** Run as UID 0; needs recorded HK-WORKLOAD-003 and HK-WORKLOAD-004 exceptions. @default false */
  readonly runAsRoot?: boolean;
  /** Needs a recorded HK-WORKLOAD-010 exception. @default false */
  readonly hostNetwork?: boolean;
  /** Needs a recorded HK-WORKLOAD-010 exception. @default false */
  readonly hostPid?: boolean;
  /** @default - any node */
  readonly nodeSelector?: Record<string, string>;
  /** @default - none */
  readonly tolerations?: k8s.Toleration[];
}

/**
 * Builds a cluster job's pod spec through `hardenedPodSpec`: restricted (non-root 65532, no escalation, every
 * capability dropped, RuntimeDefault seccomp, read-only root with a sized /tmp, explicit resources, no automatic
 * token, `restartPolicy: Never`), except for the relaxations `exceptions` records; anything else is refused.
 */
export function systemJobPodSpec(refuse: Refuse, o: SystemJobPodOptions, exceptions: readonly PracticeException[]): k8s.PodSpec {
  const recorded = new Set(exceptions.map((e) => e.practice));
  const need = (asked: boolean | undefined, prop: string, ...practices: string[]) => {
    const missing = practices.filter((p) => !recorded.has(p));
    if (asked && missing.length > 0) {
      refuse(prop, `is requested without the recorded ${missing.join(' and ')} exception`, 'record the exception with its reason on the job.', missing[0]);
    }
  };
  need(o.runAsRoot, 'runAsRoot', 'HK-WORKLOAD-003', 'HK-WORKLOAD-004');
  need(o.hostNetwork, 'hostNetwork', 'HK-WORKLOAD-010');
  need(o.hostPid, 'hostPid', 'HK-WORKLOAD-010');
  const byName = new Map((o.volumes ?? []).map((v) => [v.name, v]));
  need((o.volumes ?? []).some((v) => v.hostPath !== undefined), 'volumes', 'HK-WORKLOAD-011');
  const podVolumes: PodVolume[] = (o.volumes ?? []).filter((v) => v.hostPath === undefined).map((v) => {
    if (v.emptyDir) return { name: v.name, sharedSizeLimit: String(v.emptyDir.sizeLimit?.value ?? '64Mi') };
    if (v.persistentVolumeClaim) {
      return { name: v.name, claimName: v.persistentVolumeClaim.claimName, claimReadOnly: v.persistentVolumeClaim.readOnly === true };
    }
    if (v.configMap?.name) return { name: v.name, configMap: v.configMap.name };
    return refuse('volumes', `holds '${v.name}', a volume type the cluster jobs do not use`, 'use an emptyDir, a claim, a ConfigMap or a read-only hostPath.', 'HK-WORKLOAD-011');
  });
  const uid = o.runAsRoot ? 0 : NONROOT_ID;
  const container = (c: SystemJobContainer): HardenedContainerSpec => {
    const r = c.resources ?? SMALL_JOB;
    const hostPaths: HostPathMount[] = [];
    const volumeMounts: VolumeMountSpec[] = [];
    for (const m of c.volumeMounts ?? []) {
      const v = byName.get(m.name);
      if (!v) refuse('volumeMounts', `of container '${c.name}' names '${m.name}', no volume of the pod`, 'declare the volume.');
      if (v.hostPath) hostPaths.push({ hostPath: v.hostPath.path, mountPath: m.mountPath, mayBeAbsent: v.hostPath.type === undefined });
      else volumeMounts.push({ volume: m.name, path: m.mountPath, readOnly: m.readOnly === true });
    }
    return {
      name: c.name,
      image: c.image,
      imagePullPolicy: 'Always',
      command: c.command,
      ...(c.args ? { args: c.args } : {}),
      ports: [],
      env: {},
      secretEnv: [],
      resources: {
        requests: { 'cpu': r.cpuRequest, 'memory': r.memory, 'ephemeral-storage': r.ephemeralStorage },
        limits: { 'cpu': r.cpuLimit, 'memory': r.memory, 'ephemeral-storage': r.ephemeralStorage },
      },
      probes: {},
      runAsUser: uid,
      runAsGroup: NONROOT_ID,
      addCapabilities: [],
      seccomp: { type: 'RuntimeDefault' },
      readOnlyRootFilesystem: true,
      writablePaths: [{ path: '/tmp', sizeLimit: '64Mi' }],
      secrets: [],
      mountToken: o.apiTokenAudience !== undefined,
      hostPaths,
      volumeMounts,
    };
  };
  // The constructs write the pod template's labels themselves; the builder's pod metadata is not used.
  return hardenedPodSpec({
    serviceAccountName: o.serviceAccountName,
    labels: {},
    annotations: {},
    selector: {},
    runAsUser: uid,
    runAsGroup: NONROOT_ID,
    fsGroup: NONROOT_ID,
    seccomp: { type: 'RuntimeDefault' },
    userNamespaces: false,
    containers: o.containers.map(container),
    initContainers: (o.initContainers ?? []).map(container),
    ...(o.apiTokenAudience ? { token: { audience: o.apiTokenAudience, expirationSeconds: 3600, inClusterConfig: true } } : {}),
    // A failed run stays a failed Job an alert sees.
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: 30,
    hostNetwork: o.hostNetwork === true,
    hostPid: o.hostPid === true,
    scheduling: { ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}), ...(o.tolerations ? { tolerations: o.tolerations } : {}) },
    volumes: podVolumes,
  }).podSpec;
}
