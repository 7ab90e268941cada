import { k8s } from 'cdk8s-plus-28';
import { Building } from './building';
import { ResolvedResources } from './resources';
import { DeclaredPort } from '../units/declared-port';

/** Mode 0400 as the integer the API stores: owner read-only (HK-SECRETS-007). */
export const SECRET_FILE_MODE = 256;

/** Mode 0444 as the integer the API stores: configuration files, readable, never writable. */
export const CONFIG_FILE_MODE = 292;

/** Where a projected ServiceAccount token is mounted. */
export const TOKEN_MOUNT_PATH = '/var/run/secrets/tokens';

/** A seccomp profile the builder writes at pod and container level (HK-WORKLOAD-008). */
export interface SeccompSetting {
  /** `RuntimeDefault`, or `Localhost` with a recorded exception. */
  readonly type: 'RuntimeDefault' | 'Localhost';
  /** Path of the Localhost profile, relative to the kubelet's seccomp directory. */
  readonly localhostProfile?: string;
}

/** A writable directory backed by a size-limited emptyDir (HK-WORKLOAD-009). */
export interface WritableMount {
  /** Absolute path in the container. */
  readonly path: string;
  /** Quantity bounding the emptyDir, e.g. `64Mi`. */
  readonly sizeLimit: string;
}

/** A Secret mounted as read-only files (HK-SECRETS-005, HK-SECRETS-007). */
export interface SecretMount {
  /** Name of the Secret in the pod's namespace. */
  readonly secretName: string;
  /** Absolute directory the Secret's keys appear in as files. */
  readonly path: string;
}

/** A directory of the node mounted read-only (HK-WORKLOAD-011, only with a recorded exception naming it). */
export interface HostPathMount {
  /** Absolute directory on the node. */
  readonly hostPath: string;
  /** Absolute directory in the container. */
  readonly mountPath: string;
  /** Whether the directory may be missing on some nodes (no `type: Directory` check). @default false */
  readonly mayBeAbsent?: boolean;
}

/**
 * A pod volume besides scratch directories, Secrets, host paths and the token: a ConfigMap (read-only files), a
 * PersistentVolumeClaim, a claim template of a StatefulSet (declared by the controller, not here), or an emptyDir
 * shared between the containers of the pod.
 */
export interface PodVolume {
  /** Volume name (DNS label), unique in the pod. */
  readonly name: string;
  /** The ConfigMap whose keys appear as files (mode 0444). */
  readonly configMap?: string;
  /** The claim mounted. */
  readonly claimName?: string;
  /** Whether the claim is attached read-only. */
  readonly claimReadOnly?: boolean;
  /** A size-limited emptyDir shared by containers, e.g. `64Mi`. */
  readonly sharedSizeLimit?: string;
  /** A volumeClaimTemplate of the StatefulSet: the controller declares it, the pod only mounts it. */
  readonly claimTemplate?: boolean;
}

/** A mount of a `PodVolume` into one container. */
export interface VolumeMountSpec {
  /** The PodVolume's name. */
  readonly volume: string;
  /** Absolute directory in the container. */
  readonly path: string;
  /** Whether the container only reads it. */
  readonly readOnly: boolean;
}

/** An environment variable from a ConfigMap key. */
export interface ConfigMapEnvVar {
  /** Variable name. */
  readonly name: string;
  /** Name of the ConfigMap. */
  readonly configMapName: string;
  /** Key within it. */
  readonly key: string;
}

/** An environment variable from the downward API (a field of the pod). */
export interface FieldEnvVar {
  /** Variable name. */
  readonly name: string;
  /** The field path, e.g. `metadata.name`. */
  readonly fieldPath: string;
}

/** A Secret key exposed as an environment variable: only with a recorded HK-SECRETS-005 exception. */
export interface SecretEnvVar {
  /** Variable name. */
  readonly name: string;
  /** Name of the Secret. */
  readonly secretName: string;
  /** Key within the Secret. */
  readonly key: string;
}

/** One container, fully resolved and validated: the builder adds the hardening and writes every field. */
export interface HardenedContainerSpec {
  /** Container name (DNS label). */
  readonly name: string;
  /** Image reference, validated. */
  readonly image: string;
  /** `Always` unless HK-IMAGE-004 is excepted. */
  readonly imagePullPolicy: 'Always' | 'IfNotPresent';
  /** Entrypoint override. */
  readonly command?: readonly string[];
  /** Arguments. */
  readonly args?: readonly string[];
  /** Declared ports. */
  readonly ports: readonly DeclaredPort[];
  /** Literal environment variables, sorted by name when rendered. */
  readonly env: Readonly<Record<string, string>>;
  /** Secret-backed environment variables (excepted). */
  readonly secretEnv: readonly SecretEnvVar[];
  /** Requests and limits. */
  readonly resources: ResolvedResources;
  /** Probes, already rendered; init containers have none. */
  readonly probes: { readonly readiness?: k8s.Probe; readonly liveness?: k8s.Probe; readonly startup?: k8s.Probe };
  /** Numeric UID (> 10000 unless excepted). */
  readonly runAsUser: number;
  /** Numeric GID (> 10000 unless excepted). */
  readonly runAsGroup: number;
  /** Capabilities added back after dropping ALL (validated and excepted). */
  readonly addCapabilities: readonly string[];
  /** Seccomp profile. */
  readonly seccomp: SeccompSetting;
  /** True unless HK-WORKLOAD-009 is excepted. */
  readonly readOnlyRootFilesystem: boolean;
  /** Writable directories. */
  readonly writablePaths: readonly WritableMount[];
  /** Secrets mounted as files. */
  readonly secrets: readonly SecretMount[];
  /** Whether the pod's projected API token is mounted in this container. */
  readonly mountToken: boolean;
  /** Node directories mounted read-only (excepted). @default - none */
  readonly hostPaths?: readonly HostPathMount[];
  /** Mounts of the pod's other volumes. @default - none */
  readonly volumeMounts?: readonly VolumeMountSpec[];
  /** Environment variables from ConfigMap keys. @default - none */
  readonly configMapEnv?: readonly ConfigMapEnvVar[];
  /** Environment variables from the downward API. @default - none */
  readonly fieldEnv?: readonly FieldEnvVar[];
  /** A command run before the container is stopped (argv). @default - none */
  readonly preStop?: readonly string[];
  /**
   * `Always` on an init container makes it a restartable sidecar (Kubernetes 1.29+): it starts before the application
   * containers and keeps running beside them. @default - a plain init container, which runs to completion
   */
  readonly restartPolicy?: 'Always';
}

/** A projected, audience-bound, short-lived ServiceAccount token (HK-RBAC-002). */
export interface ProjectedToken {
  /** The audience the token is valid for. */
  readonly audience: string;
  /** Lifetime in seconds (600–3600). */
  readonly expirationSeconds: number;
  /**
   * Lay the token out as in-cluster clients (kubectl, client-go) expect: token, cluster CA and namespace under
   * `/var/run/secrets/kubernetes.io/serviceaccount`.
   * @default false
   */
  readonly inClusterConfig?: boolean;
}

/** Where in-cluster clients (kubectl, client-go) read the token, CA and namespace from. */
export const IN_CLUSTER_CONFIG_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The pod as a whole, fully resolved and validated. */
export interface HardenedPodOptions {
  /** The workload's dedicated ServiceAccount (HK-RBAC-001). */
  readonly serviceAccountName: string;
  /** Pod-template labels; the first key of `selector` must be among them. */
  readonly labels: Readonly<Record<string, string>>;
  /** Pod-template annotations (mesh settings); never exception annotations, which belong on the controller. */
  readonly annotations: Readonly<Record<string, string>>;
  /** The labels that select this workload's pods, for anti-affinity and spread. */
  readonly selector: Readonly<Record<string, string>>;
  /** Pod-level UID, GID and fsGroup. */
  readonly runAsUser: number;
  /** Pod-level primary group. */
  readonly runAsGroup: number;
  /** Group owning mounted volumes. */
  readonly fsGroup: number;
  /** Pod-level seccomp profile. */
  readonly seccomp: SeccompSetting;
  /** Writes `hostUsers: false` (HK-WORKLOAD-023) when true. */
  readonly userNamespaces: boolean;
  /** Long-running containers. */
  readonly containers: readonly HardenedContainerSpec[];
  /** Init containers, run to completion before the others. */
  readonly initContainers: readonly HardenedContainerSpec[];
  /** The projected API token, when the workload needs the API. */
  readonly token?: ProjectedToken;
  /** Spread across nodes (always) and zones (when true) (HK-WORKLOAD-021); false for run-to-completion pods. */
  readonly spread?: { readonly zones: boolean };
  /** `Always` for long-running workloads, `OnFailure` or `Never` for jobs. */
  readonly restartPolicy: 'Always' | 'OnFailure' | 'Never';
  /** Seconds a pod gets to stop. */
  readonly terminationGracePeriodSeconds: number;
  /** Share the node's network namespace (excepted HK-WORKLOAD-010). @default false */
  readonly hostNetwork?: boolean;
  /** Share the node's PID namespace (excepted HK-WORKLOAD-010). @default false */
  readonly hostPid?: boolean;
  /** Scheduling: priority class, node selection and tolerations. @default - none */
  readonly scheduling?: PodScheduling;
  /** ConfigMaps, claims and shared directories. @default - none */
  readonly volumes?: readonly PodVolume[];
  /** Secrets holding registry credentials, by name. @default - none */
  readonly imagePullSecrets?: readonly string[];
}

/** Where and how urgently the pod is scheduled; already validated. */
export interface PodScheduling {
  /** Name of an existing PriorityClass. */
  readonly priorityClassName?: string;
  /** Node labels the pod requires. */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints the pod tolerates. */
  readonly tolerations?: readonly k8s.Toleration[];
  /** Required node affinity terms (ORed). */
  readonly nodeAffinity?: readonly k8s.NodeSelectorTerm[];
}

/** What `hardenedPodSpec` returns: the pod spec and the pod-template metadata. */
export interface HardenedPod {
  /** The pod spec, every security-relevant field explicit. */
  readonly podSpec: k8s.PodSpec;
  /** Labels and annotations of the pod template. */
  readonly podMetadata: k8s.ObjectMeta;
}

const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const TOKEN_VOLUME = 'api-token';

/** A volume name for `path` in `container`: `<container>-<path as a label>`, at most 63 characters. */
export function writableVolumeName(container: string, path: string): string {
  const slug = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
  return `${container}-${slug}`.slice(0, 63).replace(/-+$/, '');
}

/** The volume name of a read-only node directory. */
export function hostPathVolumeName(hostPath: string): string {
  return writableVolumeName('host', hostPath);
}

/** The volume name of a mounted Secret. */
export function secretVolumeName(secretName: string): string {
  return `secret-${secretName}`.slice(0, 63).replace(/[-.]+$/, '');
}

function securityContext(c: HardenedContainerSpec): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: c.readOnlyRootFilesystem,
    // UID 0 is reachable only through a recorded HK-WORKLOAD-003 exception, resolved before the builder runs.
    runAsNonRoot: c.runAsUser !== 0,
    runAsUser: c.runAsUser,
    runAsGroup: c.runAsGroup,
    procMount: 'Default',
    capabilities: { drop: ['ALL'], ...(c.addCapabilities.length > 0 ? { add: [...c.addCapabilities] } : {}) },
    seccompProfile: seccompProfile(c.seccomp),
  };
}

function seccompProfile(s: SeccompSetting): k8s.SeccompProfile {
  return s.type === 'Localhost' ? { type: 'Localhost', localhostProfile: s.localhostProfile } : { type: 'RuntimeDefault' };
}

/**
 * One hardened container (pure): dropped capabilities, no escalation, non-root numeric identity, read-only root,
 * seccomp at container level too, explicit pull policy, resources, probes, and the mounts of its writable paths,
 * Secrets and API token. `volumeNames` maps each writable path to its volume (see `hardenedPodSpec`).
 */
export function hardenedContainer(
  c: HardenedContainerSpec, volumeNames: ReadonlyMap<string, string>, tokenPath: string = TOKEN_MOUNT_PATH,
): k8s.Container {
  const mounts = containerMounts(c, volumeNames, tokenPath);
  const env = containerEnv(c);
  // Field by field, in the order they are written: as one literal of ten conditional spreads, this was the function of
  // a synth that V8's optimizing compiler spent most on (0.1-0.3 s of a background thread per process).
  const container: Building<k8s.Container> = { name: c.name, image: c.image, imagePullPolicy: c.imagePullPolicy };
  if (c.restartPolicy) container.restartPolicy = c.restartPolicy;
  if (c.command) container.command = [...c.command];
  if (c.args) container.args = [...c.args];
  if (c.ports.length > 0) container.ports = c.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol }));
  if (env.length > 0) container.env = env;
  container.resources = { requests: quantities(c.resources.requests), limits: quantities(c.resources.limits) };
  if (c.probes.readiness) container.readinessProbe = c.probes.readiness;
  if (c.probes.liveness) container.livenessProbe = c.probes.liveness;
  if (c.probes.startup) container.startupProbe = c.probes.startup;
  container.securityContext = securityContext(c);
  if (c.preStop) container.lifecycle = { preStop: { exec: { command: [...c.preStop] } } };
  container.terminationMessagePolicy = 'FallbackToLogsOnError';
  if (mounts.length > 0) container.volumeMounts = mounts;
  return container;
}

/** The container's mounts, by mount path: writable paths, Secrets, the API token, node directories, declared volumes. */
function containerMounts(c: HardenedContainerSpec, volumeNames: ReadonlyMap<string, string>, tokenPath: string): k8s.VolumeMount[] {
  return [
    ...c.writablePaths.map((w) => ({ name: volumeNames.get(w.path)!, mountPath: w.path, readOnly: false })),
    ...c.secrets.map((s) => ({ name: secretVolumeName(s.secretName), mountPath: s.path, readOnly: true })),
    ...(c.mountToken ? [{ name: TOKEN_VOLUME, mountPath: tokenPath, readOnly: true }] : []),
    ...(c.hostPaths ?? []).map((h) => ({ name: hostPathVolumeName(h.hostPath), mountPath: h.mountPath, readOnly: true })),
    ...(c.volumeMounts ?? []).map((m) => ({ name: m.volume, mountPath: m.path, readOnly: m.readOnly })),
  ].sort((a, b) => a.mountPath.localeCompare(b.mountPath));
}

/** The container's environment: literal variables by name, then Secret keys, ConfigMap keys and pod fields, each by name. */
function containerEnv(c: HardenedContainerSpec): k8s.EnvVar[] {
  return [
    ...Object.keys(c.env).sort().map((name) => ({ name, value: c.env[name] })),
    ...[...c.secretEnv].sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => ({ name: e.name, valueFrom: { secretKeyRef: { name: e.secretName, key: e.key, optional: false } } })),
    ...[...c.configMapEnv ?? []].sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => ({ name: e.name, valueFrom: { configMapKeyRef: { name: e.configMapName, key: e.key, optional: false } } })),
    ...[...c.fieldEnv ?? []].sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => ({ name: e.name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: e.fieldPath } } })),
  ];
}

/** The given amounts as Quantities, unset ones left out. */
function quantities(r: Readonly<Record<string, string | undefined>>): Record<string, k8s.Quantity> {
  return Object.fromEntries(Object.entries(r)
    .filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => [k, k8s.Quantity.fromString(v)]));
}

/**
 * The pod spec every workload of the library uses (pure: same input, same output). Pod-level identity, seccomp and
 * fsGroup; no host namespaces, no service links, no automounted token; a dedicated ServiceAccount; size-limited
 * emptyDirs for writable paths, Secret volumes with mode 0400 mounted read-only, and a projected token when asked;
 * hostname anti-affinity and spread (zones on request) for replicated workloads.
 */
export function hardenedPodSpec(options: HardenedPodOptions): HardenedPod {
  const all = [...options.initContainers, ...options.containers];
  const volumes: k8s.Volume[] = [];
  const names = new Map<HardenedContainerSpec, Map<string, string>>();
  // Names of declared volumes (ConfigMaps, claims, claim templates) are taken first: scratch volumes go around them.
  const taken = new Set<string>((options.volumes ?? []).map((v) => v.name));
  for (const c of all) {
    const mine = new Map<string, string>();
    for (const w of c.writablePaths) {
      let name = writableVolumeName(c.name, w.path);
      for (let i = 2; taken.has(name); i++) name = `${writableVolumeName(c.name, w.path).slice(0, 60)}-${i}`;
      taken.add(name);
      mine.set(w.path, name);
      volumes.push({ name, emptyDir: { sizeLimit: k8s.Quantity.fromString(w.sizeLimit) } });
    }
    names.set(c, mine);
  }
  const secretNames = [...new Set(all.flatMap((c) => c.secrets.map((s) => s.secretName)))].sort();
  for (const secretName of secretNames) {
    volumes.push({ name: secretVolumeName(secretName), secret: { secretName, defaultMode: SECRET_FILE_MODE, optional: false } });
  }
  for (const v of options.volumes ?? []) {
    if (v.configMap !== undefined) volumes.push({ name: v.name, configMap: { name: v.configMap, defaultMode: CONFIG_FILE_MODE, optional: false } });
    if (v.claimName !== undefined) {
      volumes.push({ name: v.name, persistentVolumeClaim: { claimName: v.claimName, readOnly: v.claimReadOnly === true } });
    }
    if (v.sharedSizeLimit !== undefined) volumes.push({ name: v.name, emptyDir: { sizeLimit: k8s.Quantity.fromString(v.sharedSizeLimit) } });
  }
  const hostPaths = [...new Map(all.flatMap((c) => (c.hostPaths ?? []).map((h) => [h.hostPath, h] as const))).values()]
    .sort((a, b) => a.hostPath.localeCompare(b.hostPath));
  for (const h of hostPaths) {
    volumes.push({ name: hostPathVolumeName(h.hostPath), hostPath: { path: h.hostPath, ...(h.mayBeAbsent ? {} : { type: 'Directory' }) } });
  }
  if (options.token) {
    volumes.push({
      name: TOKEN_VOLUME,
      projected: {
        defaultMode: SECRET_FILE_MODE,
        sources: [
          { serviceAccountToken: { audience: options.token.audience, expirationSeconds: options.token.expirationSeconds, path: 'token' } },
          ...(options.token.inClusterConfig ? [
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ] : []),
        ],
      },
    });
  }
  const tokenPath = options.token?.inClusterConfig ? IN_CLUSTER_CONFIG_PATH : TOKEN_MOUNT_PATH;
  const spread = options.spread ? spreading(options.selector, options.spread.zones) : {};
  const podSpec: k8s.PodSpec = {
    serviceAccountName: options.serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    hostNetwork: options.hostNetwork === true,
    hostPid: options.hostPid === true,
    hostIpc: false,
    // A pod on the node's network still resolves cluster names.
    ...(options.hostNetwork === true ? { dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
    ...(options.userNamespaces ? { hostUsers: false } : {}),
    restartPolicy: options.restartPolicy,
    terminationGracePeriodSeconds: options.terminationGracePeriodSeconds,
    securityContext: {
      runAsNonRoot: options.runAsUser !== 0,
      runAsUser: options.runAsUser,
      runAsGroup: options.runAsGroup,
      fsGroup: options.fsGroup,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: seccompProfile(options.seccomp),
    },
    ...(options.initContainers.length > 0
      ? { initContainers: options.initContainers.map((c) => hardenedContainer(c, names.get(c)!, tokenPath)) } : {}),
    containers: options.containers.map((c) => hardenedContainer(c, names.get(c)!, tokenPath)),
    ...(volumes.length > 0 ? { volumes } : {}),
    ...(options.imagePullSecrets?.length ? { imagePullSecrets: options.imagePullSecrets.map((name) => ({ name })) } : {}),
    ...scheduling(options.scheduling, spread),
  };
  const podMetadata: k8s.ObjectMeta = {
    labels: { ...options.labels },
    ...(Object.keys(options.annotations).length > 0 ? { annotations: { ...options.annotations } } : {}),
  };
  return { podSpec, podMetadata };
}

function scheduling(s: PodScheduling | undefined, spread: Pick<k8s.PodSpec, 'affinity' | 'topologySpreadConstraints'>): Partial<k8s.PodSpec> {
  const nodeAffinity = s?.nodeAffinity && s.nodeAffinity.length > 0
    ? { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [...s.nodeAffinity] } } : undefined;
  const affinity = spread.affinity || nodeAffinity ? { ...(spread.affinity ?? {}), ...(nodeAffinity ? { nodeAffinity } : {}) } : undefined;
  return {
    ...(s?.priorityClassName ? { priorityClassName: s.priorityClassName } : {}),
    ...(s?.nodeSelector && Object.keys(s.nodeSelector).length > 0 ? { nodeSelector: { ...s.nodeSelector } } : {}),
    ...(s?.tolerations && s.tolerations.length > 0 ? { tolerations: [...s.tolerations] } : {}),
    ...(affinity ? { affinity } : {}),
    ...(spread.topologySpreadConstraints ? { topologySpreadConstraints: spread.topologySpreadConstraints } : {}),
  };
}

function spreading(selector: Readonly<Record<string, string>>, zones: boolean): Pick<k8s.PodSpec, 'affinity' | 'topologySpreadConstraints'> {
  const labelSelector = { matchLabels: { ...selector } };
  const constraint = (topologyKey: string): k8s.TopologySpreadConstraint => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector });
  return {
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: HOSTNAME, labelSelector } }],
      },
    },
    topologySpreadConstraints: [constraint(HOSTNAME), ...(zones ? [constraint(ZONE)] : [])],
  };
}
