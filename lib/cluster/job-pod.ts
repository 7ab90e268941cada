import { k8s } from 'cdk8s-plus-28';

/**
 * The pod spec of the backup and cluster jobs: restricted by default (non-root 65532, no privilege escalation, every
 * capability dropped, RuntimeDefault seccomp, read-only root filesystem, sized scratch volumes, explicit resources,
 * no automatic API token). The only relaxations are the named host-access switches below; the constructs that set
 * them record one exception per relaxed practice on the object.
 */

/** Default non-root UID and GID (distroless `nonroot`). */
export const NONROOT_ID = 65532;

/** The path kubectl's in-cluster configuration reads the API token, CA and namespace from. */
export const SERVICE_ACCOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Requests and limits of one job container (Kubernetes quantities). */
export interface JobResources {
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
export const SMALL_JOB: JobResources = { cpuRequest: '50m', cpuLimit: '500m', memory: '128Mi', ephemeralStorage: '64Mi' };

/** One container of a job pod. */
export interface JobContainer {
  /** Container name. */
  readonly name: string;
  /** Image, pinned by digest. */
  readonly image: string;
  /** Entry point (argv, never a shell unless the first element is one). */
  readonly command: string[];
  /** Arguments. */
  readonly args?: string[];
  /** Mounts. */
  readonly volumeMounts?: k8s.VolumeMount[];
  /** Requests and limits. */
  readonly resources?: JobResources;
}

/** What a job pod needs. */
export interface JobPodOptions {
  /** Main containers. */
  readonly containers: JobContainer[];
  /** Init containers, run in order before the main ones. */
  readonly initContainers?: JobContainer[];
  /** Volumes besides the `/tmp` scratch volume every container gets. */
  readonly volumes?: k8s.Volume[];
  /** The pod's own ServiceAccount (HK-RBAC-001). */
  readonly serviceAccountName: string;
  /** Mount a short-lived, projected API token for this audience (for kubectl) instead of none. */
  readonly apiTokenAudience?: string;
  /** Run as UID 0 (files readable only by root on the host); capabilities stay dropped. */
  readonly runAsRoot?: boolean;
  /** Share the node's network namespace. */
  readonly hostNetwork?: boolean;
  /** Share the node's PID namespace. */
  readonly hostPid?: boolean;
  /** Node selector. */
  readonly nodeSelector?: Record<string, string>;
  /** Tolerations. */
  readonly tolerations?: k8s.Toleration[];
}

/** Builds the restricted job pod spec; `restartPolicy: Never`, so a failed run is a failed Job an alert sees. */
export function jobPodSpec(o: JobPodOptions): k8s.PodSpec {
  const uid = o.runAsRoot ? 0 : NONROOT_ID;
  const tokenMount: k8s.VolumeMount[] = o.apiTokenAudience ? [{ name: 'kube-api-access', mountPath: SERVICE_ACCOUNT_PATH, readOnly: true }] : [];
  const container = (c: JobContainer): k8s.Container => {
    const r = c.resources ?? SMALL_JOB;
    return {
      name: c.name,
      image: c.image,
      imagePullPolicy: 'Always',
      command: c.command,
      ...(c.args ? { args: c.args } : {}),
      securityContext: {
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: !o.runAsRoot,
        runAsUser: uid,
        runAsGroup: NONROOT_ID,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
      resources: {
        requests: {
          'cpu': k8s.Quantity.fromString(r.cpuRequest),
          'memory': k8s.Quantity.fromString(r.memory),
          'ephemeral-storage': k8s.Quantity.fromString(r.ephemeralStorage),
        },
        limits: {
          'cpu': k8s.Quantity.fromString(r.cpuLimit),
          'memory': k8s.Quantity.fromString(r.memory),
          'ephemeral-storage': k8s.Quantity.fromString(r.ephemeralStorage),
        },
      },
      volumeMounts: [...(c.volumeMounts ?? []), { name: 'tmp', mountPath: '/tmp' }, ...tokenMount],
    };
  };
  const volumes: k8s.Volume[] = [...(o.volumes ?? []), { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }];
  if (o.apiTokenAudience) {
    volumes.push({
      name: 'kube-api-access',
      projected: {
        defaultMode: 0o440,
        sources: [
          { serviceAccountToken: { path: 'token', audience: o.apiTokenAudience, expirationSeconds: 3600 } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    });
  }
  return {
    restartPolicy: 'Never',
    serviceAccountName: o.serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    ...(o.hostNetwork ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
    ...(o.hostPid ? { hostPid: true } : {}),
    securityContext: {
      runAsNonRoot: !o.runAsRoot,
      runAsUser: uid,
      runAsGroup: NONROOT_ID,
      fsGroup: NONROOT_ID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
    ...(o.tolerations ? { tolerations: o.tolerations } : {}),
    ...(o.initContainers ? { initContainers: o.initContainers.map(container) } : {}),
    containers: o.containers.map(container),
    volumes,
  };
}
