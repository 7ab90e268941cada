/**
 * Plain-JSON views of Kubernetes objects, as `Testing.synth`, `Chart.toJson` or a YAML parser return them.
 * Checks read manifests through these helpers only, so "where is the pod spec of a CronJob" lives in one place.
 */
import { SharedView } from './shared-views';

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

/**
 * Label a LockedNamespace carries: the admission policies select the namespaces they guard by it, and the admission
 * simulation names the LockedNamespace's props in the way out it offers.
 */
export const LOCKED_LABEL = 'cdk8s-hardened.io/locked';

/** A DNS-1123 label: what namespace names and most object names must be. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1123 subdomain (dot-separated labels; the 253-character bound is the caller's): Secret and most object names. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A label value as the API server accepts it: empty, or at most 63 characters with alphanumeric ends. */
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** A label or annotation key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export const QUALIFIED_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

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

// Sets of the lists above: dozens of checks ask these questions of every object of a set.
const CLUSTER_SCOPED = new Set(CLUSTER_SCOPED_KINDS);
const CONTROL_PLANE_FILES = new Set(CONTROL_PLANE_FILE_KINDS);
const POD_KIND_SET = new Set(POD_KINDS);

/** Whether an object of this kind lives in a namespace. */
export function isNamespaced(obj: Manifest): boolean {
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  if (CLUSTER_SCOPED.has(kind)) return false;
  if (CONTROL_PLANE_FILES.has(kind) && isControlPlaneFile(obj)) return false;
  return true;
}

/** The API groups of control-plane configuration files. */
const CONTROL_PLANE_GROUPS: readonly string[] = ['apiserver.config.k8s.io', 'audit.k8s.io', 'kubelet.config.k8s.io'];

/** Whether the object is an API-server configuration file rather than an API object. */
export function isControlPlaneFile(obj: Manifest): boolean {
  const apiVersion = obj.apiVersion;
  if (typeof apiVersion !== 'string') return false;
  const slash = apiVersion.indexOf('/');
  // The group (before the first slash) is compared in place: this is asked of every object, and slicing it out
  // would make a new string to hash each time.
  for (let i = 0; i < CONTROL_PLANE_GROUPS.length; i++) {
    const group = CONTROL_PLANE_GROUPS[i];
    if (slash < 0 ? apiVersion === group : slash === group.length && apiVersion.startsWith(group)) return true;
  }
  return false;
}

/** The report's reference to an object. */
export function refOf(obj: Manifest): ObjectRef {
  const meta = metadataOf(obj);
  const apiVersion = textOf(obj.apiVersion);
  const kind = textOf(obj.kind);
  const namespace = textOf(meta.namespace);
  const name = textOf(meta.name);
  // Two literals rather than a spread (this is asked of every object with a finding): keys in the same order.
  return namespace ? { apiVersion, kind, namespace, name } : { apiVersion, kind, name };
}

/** The object's apiVersion when it is a string, else `''` (hostile input may hold anything there). */
export function apiVersionOf(obj: Manifest): string {
  return typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
}

/** Whether a value is a mapping (not null, not a list): the only shape whose fields checks may read. */
export function isRecord(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The object's metadata when it is a mapping, else an empty one: hostile input may hold anything there. */
export function metadataOf(obj: Manifest): ObjectMeta {
  return isRecord(obj.metadata) ? obj.metadata : {};
}

/** A field meant to be a string, for reports: strings as they are, other scalars printed, anything else empty. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** `Kind/namespace/name`, for messages. */
export function describe(obj: Manifest): string {
  const ref = refOf(obj);
  return `${ref.kind || '?'}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name || '?'}`;
}

/** The pod template's spec (`P` in practices.md), or undefined when the object has none. */
export function podSpecOf(obj: Manifest): any | undefined {
  const spec = podTemplatePart(obj, 'spec');
  return isRecord(spec) ? spec : undefined;
}

/** `spec` or `metadata` of the pod template (of the Pod itself for kind Pod), whatever shape it has. */
function podTemplatePart(obj: Manifest, part: 'spec' | 'metadata'): unknown {
  switch (obj.kind) {
    case 'Pod': return obj[part];
    case 'CronJob': return obj.spec?.jobTemplate?.spec?.template?.[part];
    default: return typeof obj.kind === 'string' && POD_KIND_SET.has(obj.kind) ? obj.spec?.template?.[part] : undefined;
  }
}

/** The pod template's metadata (`PM`), where PSA reads pod annotations. */
export function podMetaOf(obj: Manifest): any | undefined {
  const meta = podTemplatePart(obj, 'metadata');
  return isRecord(meta) ? meta : undefined;
}

/** The labels the pods of this workload carry. */
export function podLabelsOf(obj: Manifest): Record<string, string> {
  const labels = podMetaOf(obj)?.labels;
  return isRecord(labels) ? labels : {};
}

const ALL_CONTAINER_LISTS: ReadonlyArray<ContainerView['list']> = ['containers', 'initContainers', 'ephemeralContainers'];
const APP_CONTAINER_LISTS: ReadonlyArray<ContainerView['list']> = ['containers', 'initContainers'];

/**
 * Every container of the pod spec (`C`): containers, init containers and ephemeral containers. During an audit the
 * list is built once per object and shared by every practice (frozen, so no reader can change it for the others).
 */
export function containersOf(obj: Manifest, lists: ReadonlyArray<ContainerView['list']> = ALL_CONTAINER_LISTS): ContainerView[] {
  if (lists === ALL_CONTAINER_LISTS) return ALL_CONTAINERS.of(obj);
  if (lists === APP_CONTAINER_LISTS) return APP_CONTAINERS.of(obj);
  return listContainers(obj, lists);
}

const ALL_CONTAINERS = new SharedView<Manifest, ContainerView[]>((obj) => listContainers(obj, ALL_CONTAINER_LISTS));
const APP_CONTAINERS = new SharedView<Manifest, ContainerView[]>((obj) => listContainers(obj, APP_CONTAINER_LISTS));

function listContainers(obj: Manifest, lists: ReadonlyArray<ContainerView['list']>): ContainerView[] {
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
  return containersOf(obj, APP_CONTAINER_LISTS);
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
  if (!isRecord(selector)) return false;
  const own: Record<string, unknown> = isRecord(labels) ? labels : {};
  // An invalid matchLabels (a list, a string) selects nothing: the API server would refuse the object anyway.
  if (selector.matchLabels !== undefined && selector.matchLabels !== null && !isRecord(selector.matchLabels)) return false;
  // Every check of every NetworkPolicy against every workload passes here: no array built per call.
  const matchLabels: Record<string, unknown> = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  for (const k in matchLabels) {
    if (!Object.prototype.hasOwnProperty.call(matchLabels, k)) continue;
    if (!Object.prototype.hasOwnProperty.call(own, k) || own[k] !== matchLabels[k]) return false;
  }
  for (const expr of asArray(selector.matchExpressions)) {
    if (!isRecord(expr) || typeof expr.key !== 'string') return false;
    const has = Object.prototype.hasOwnProperty.call(own, expr.key);
    const values: string[] = asArray(expr.values);
    switch (expr.operator) {
      case 'In': if (!has || !values.includes(own[expr.key] as string)) return false; break;
      case 'NotIn': if (has && values.includes(own[expr.key] as string)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Whether a label selector is empty, i.e. selects everything. */
export function isEmptySelector(selector: any): boolean {
  return isRecord(selector)
    && (selector.matchLabels === undefined || selector.matchLabels === null
      || (isRecord(selector.matchLabels) && Object.keys(selector.matchLabels).length === 0))
    && (selector.matchExpressions === undefined || selector.matchExpressions === null
      || (Array.isArray(selector.matchExpressions) && selector.matchExpressions.length === 0));
}

/** The effective namespace of a namespaced object (`default` when unset, as the API server would). */
export function namespaceOf(obj: Manifest): string {
  const ns = metadataOf(obj).namespace;
  return typeof ns === 'string' && ns !== '' ? ns : 'default';
}
