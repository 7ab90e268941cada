/**
 * Plain-JSON views of Kubernetes objects, as `Testing.synth`, `Chart.toJson` or a YAML parser return them.
 * Checks read manifests through these helpers only, so "where is the pod spec of a CronJob" lives in one place.
 */

/** A Kubernetes object as plain JSON. */
export interface Manifest {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
  readonly [key: string]: any;
}

/** The subset of `metadata` the audit reads. */
export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: { readonly [key: string]: string };
  readonly annotations?: { readonly [key: string]: string };
  readonly [key: string]: any;
}

/** Identifies an object in a report. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** One container of a pod spec, with the list it came from. */
export interface ContainerView {
  readonly container: any;
  readonly name: string;
  readonly list: 'containers' | 'initContainers' | 'ephemeralContainers';
}

/** A DNS-1123 label: what namespace names and most object names must be. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Kinds whose objects carry a pod template. */
export const POD_KINDS: readonly string[] = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'];

/** Cluster-scoped built-in kinds (everything else is treated as namespaced). */
export const CLUSTER_SCOPED_KINDS: readonly string[] = [
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'CustomResourceDefinition',
  'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'APIService', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'IngressClass',
  'RuntimeClass', 'CertificateSigningRequest', 'ClusterPolicy', 'ConstraintTemplate', 'ClusterSecretStore', 'ClusterIssuer',
  'FlowSchema', 'PriorityLevelConfiguration',
];

/** Control-plane configuration kinds: files for the API server, never applied as objects. */
export const CONTROL_PLANE_FILE_KINDS: readonly string[] = ['EncryptionConfiguration', 'Policy', 'KubeletConfiguration'];

/** Whether an object of this kind lives in a namespace. */
export function isNamespaced(obj: Manifest): boolean {
  const kind = obj.kind ?? '';
  if (CLUSTER_SCOPED_KINDS.includes(kind)) return false;
  if (CONTROL_PLANE_FILE_KINDS.includes(kind) && isControlPlaneFile(obj)) return false;
  return true;
}

/** Whether the object is an API-server configuration file rather than an API object. */
export function isControlPlaneFile(obj: Manifest): boolean {
  const group = (obj.apiVersion ?? '').split('/')[0];
  return ['apiserver.config.k8s.io', 'audit.k8s.io', 'kubelet.config.k8s.io'].includes(group);
}

/** The report's reference to an object. */
export function refOf(obj: Manifest): ObjectRef {
  return {
    apiVersion: obj.apiVersion ?? '',
    kind: obj.kind ?? '',
    ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
    name: obj.metadata?.name ?? '',
  };
}

/** `Kind/namespace/name`, for messages. */
export function describe(obj: Manifest): string {
  const ns = obj.metadata?.namespace ? `${obj.metadata.namespace}/` : '';
  return `${obj.kind ?? '?'}/${ns}${obj.metadata?.name ?? '?'}`;
}

/** The pod template's spec (`P` in practices.md), or undefined when the object has none. */
export function podSpecOf(obj: Manifest): any | undefined {
  switch (obj.kind) {
    case 'Pod': return obj.spec;
    case 'CronJob': return obj.spec?.jobTemplate?.spec?.template?.spec;
    default: return POD_KINDS.includes(obj.kind ?? '') ? obj.spec?.template?.spec : undefined;
  }
}

/** The pod template's metadata (`PM`), where PSA reads pod annotations. */
export function podMetaOf(obj: Manifest): any | undefined {
  switch (obj.kind) {
    case 'Pod': return obj.metadata;
    case 'CronJob': return obj.spec?.jobTemplate?.spec?.template?.metadata;
    default: return POD_KINDS.includes(obj.kind ?? '') ? obj.spec?.template?.metadata : undefined;
  }
}

/** The labels the pods of this workload carry. */
export function podLabelsOf(obj: Manifest): Record<string, string> {
  return podMetaOf(obj)?.labels ?? {};
}

/** Every container of the pod spec (`C`): containers, init containers and ephemeral containers. */
export function containersOf(obj: Manifest, lists: ReadonlyArray<ContainerView['list']> = ['containers', 'initContainers', 'ephemeralContainers']): ContainerView[] {
  const spec = podSpecOf(obj);
  if (!spec) return [];
  const out: ContainerView[] = [];
  for (const list of lists) {
    for (const container of asArray(spec[list])) {
      out.push({ container, name: String(container?.name ?? '?'), list });
    }
  }
  return out;
}

/** Containers that may declare ports, resources and probes (the API forbids them on ephemeral containers). */
export function appContainersOf(obj: Manifest): ContainerView[] {
  return containersOf(obj, ['containers', 'initContainers']);
}

/** `container "x"` or `init container "x"`, for messages. */
export function containerLabel(c: ContainerView): string {
  const prefix = c.list === 'containers' ? 'container' : c.list === 'initContainers' ? 'init container' : 'ephemeral container';
  return `${prefix} "${c.name}"`;
}

/** Treats absent and non-array values as empty lists. */
export function asArray<T = any>(value: unknown): T[] {
  return Array.isArray(value) ? value as T[] : [];
}

/** Whether every key/value of `selector.matchLabels` (and each matchExpressions term) holds for `labels`. */
export function selectorMatches(selector: any, labels: Record<string, string>): boolean {
  if (!selector || typeof selector !== 'object') return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const expr of asArray(selector.matchExpressions)) {
    const has = Object.prototype.hasOwnProperty.call(labels, expr.key);
    const values: string[] = asArray(expr.values);
    switch (expr.operator) {
      case 'In': if (!has || !values.includes(labels[expr.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[expr.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Whether a label selector is empty, i.e. selects everything. */
export function isEmptySelector(selector: any): boolean {
  return !!selector && typeof selector === 'object'
    && Object.keys(selector.matchLabels ?? {}).length === 0
    && asArray(selector.matchExpressions).length === 0;
}

/** The effective namespace of a namespaced object (`default` when unset, as the API server would). */
export function namespaceOf(obj: Manifest): string {
  return obj.metadata?.namespace || 'default';
}
