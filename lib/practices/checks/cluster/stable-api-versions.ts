import { apiVersionOf, isControlPlaneFile, Manifest } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, KubernetesVersion, memoized, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** When one apiVersion of a kind was served (Kubernetes 1.x minors). */
interface Served {
  /** First minor that serves it. */
  readonly from?: number;
  /** Minor from which it is deprecated. */
  readonly deprecated?: number;
  /** First minor that no longer serves it. */
  readonly removed?: number;
}

type KindVersions = Record<string, Served>;

const WORKLOAD_BETAS: KindVersions = { 'extensions/v1beta1': { removed: 16 }, 'apps/v1beta1': { removed: 16 }, 'apps/v1beta2': { removed: 16 }, 'apps/v1': { from: 9 } };
const RBAC: KindVersions = { 'rbac.authorization.k8s.io/v1alpha1': { removed: 22 }, 'rbac.authorization.k8s.io/v1beta1': { removed: 22 }, 'rbac.authorization.k8s.io/v1': { from: 8 } };
const WEBHOOKS: KindVersions = { 'admissionregistration.k8s.io/v1beta1': { removed: 22 }, 'admissionregistration.k8s.io/v1': { from: 16 } };
const VAP: KindVersions = {
  'admissionregistration.k8s.io/v1alpha1': { from: 26, deprecated: 28, removed: 32 },
  'admissionregistration.k8s.io/v1beta1': { from: 28, deprecated: 30 },
  'admissionregistration.k8s.io/v1': { from: 30 },
};
const FLOW_CONTROL: KindVersions = {
  'flowcontrol.apiserver.k8s.io/v1alpha1': { removed: 21 },
  'flowcontrol.apiserver.k8s.io/v1beta1': { from: 20, deprecated: 23, removed: 26 },
  'flowcontrol.apiserver.k8s.io/v1beta2': { from: 23, deprecated: 26, removed: 29 },
  'flowcontrol.apiserver.k8s.io/v1beta3': { from: 26, deprecated: 29, removed: 32 },
  'flowcontrol.apiserver.k8s.io/v1': { from: 29 },
};
const STORAGE: KindVersions = { 'storage.k8s.io/v1beta1': { removed: 22 }, 'storage.k8s.io/v1': { from: 6 } };

/**
 * Served versions of the built-in kinds whose API versions changed (Kubernetes deprecation guide). Kinds not listed
 * have only GA versions in use; their pre-GA versions fail generically.
 */
const KINDS: Record<string, KindVersions> = {
  Deployment: WORKLOAD_BETAS,
  DaemonSet: WORKLOAD_BETAS,
  ReplicaSet: WORKLOAD_BETAS,
  StatefulSet: { 'apps/v1beta1': { removed: 16 }, 'apps/v1beta2': { removed: 16 }, 'apps/v1': { from: 9 } },
  NetworkPolicy: { 'extensions/v1beta1': { removed: 16 }, 'networking.k8s.io/v1': { from: 7 } },
  PodSecurityPolicy: { 'extensions/v1beta1': { removed: 16 }, 'policy/v1beta1': { deprecated: 21, removed: 25 } },
  Ingress: { 'extensions/v1beta1': { deprecated: 14, removed: 22 }, 'networking.k8s.io/v1beta1': { deprecated: 19, removed: 22 }, 'networking.k8s.io/v1': { from: 19 } },
  IngressClass: { 'networking.k8s.io/v1beta1': { deprecated: 19, removed: 22 }, 'networking.k8s.io/v1': { from: 19 } },
  PodDisruptionBudget: { 'policy/v1beta1': { deprecated: 21, removed: 25 }, 'policy/v1': { from: 21 } },
  CronJob: { 'batch/v2alpha1': { removed: 21 }, 'batch/v1beta1': { deprecated: 21, removed: 25 }, 'batch/v1': { from: 21 } },
  HorizontalPodAutoscaler: {
    'autoscaling/v1': { from: 2 },
    'autoscaling/v2beta1': { deprecated: 22, removed: 25 },
    'autoscaling/v2beta2': { deprecated: 23, removed: 26 },
    'autoscaling/v2': { from: 23 },
  },
  Role: RBAC,
  ClusterRole: RBAC,
  RoleBinding: RBAC,
  ClusterRoleBinding: RBAC,
  ValidatingWebhookConfiguration: WEBHOOKS,
  MutatingWebhookConfiguration: WEBHOOKS,
  ValidatingAdmissionPolicy: VAP,
  ValidatingAdmissionPolicyBinding: VAP,
  CustomResourceDefinition: { 'apiextensions.k8s.io/v1beta1': { removed: 22 }, 'apiextensions.k8s.io/v1': { from: 16 } },
  APIService: { 'apiregistration.k8s.io/v1beta1': { removed: 22 }, 'apiregistration.k8s.io/v1': { from: 10 } },
  CertificateSigningRequest: { 'certificates.k8s.io/v1beta1': { removed: 22 }, 'certificates.k8s.io/v1': { from: 19 } },
  Lease: { 'coordination.k8s.io/v1beta1': { removed: 22 }, 'coordination.k8s.io/v1': { from: 14 } },
  EndpointSlice: { 'discovery.k8s.io/v1beta1': { deprecated: 21, removed: 25 }, 'discovery.k8s.io/v1': { from: 21 } },
  FlowSchema: FLOW_CONTROL,
  PriorityLevelConfiguration: FLOW_CONTROL,
  RuntimeClass: { 'node.k8s.io/v1beta1': { deprecated: 20, removed: 25 }, 'node.k8s.io/v1': { from: 20 } },
  PriorityClass: { 'scheduling.k8s.io/v1alpha1': { removed: 22 }, 'scheduling.k8s.io/v1beta1': { removed: 22 }, 'scheduling.k8s.io/v1': { from: 14 } },
  StorageClass: STORAGE,
  VolumeAttachment: STORAGE,
  CSIDriver: STORAGE,
  CSINode: STORAGE,
  CSIStorageCapacity: { 'storage.k8s.io/v1beta1': { deprecated: 24, removed: 27 }, 'storage.k8s.io/v1': { from: 24 } },
};

/** The API groups Kubernetes itself serves; everything else is a custom resource and judged by its operator. */
const BUILT_IN_GROUPS = new Set([
  '', 'apps', 'batch', 'autoscaling', 'policy', 'extensions', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io',
  'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'certificates.k8s.io', 'coordination.k8s.io',
  'discovery.k8s.io', 'events.k8s.io', 'flowcontrol.apiserver.k8s.io', 'node.k8s.io', 'scheduling.k8s.io', 'resource.k8s.io',
  'authentication.k8s.io', 'authorization.k8s.io', 'internal.apiserver.k8s.io', 'storagemigration.k8s.io',
]);

const PSA_VERSION_LABELS = ['enforce-version', 'audit-version', 'warn-version'].map((m) => `pod-security.kubernetes.io/${m}`);

function isGa(apiVersion: string): boolean {
  return /^v\d+$/.test(apiVersion.split('/').pop() ?? '');
}

function servedOn(s: Served, minor: number): boolean {
  return (s.from === undefined || s.from <= minor) && (s.removed === undefined || minor < s.removed);
}

function apiVersionProblem(obj: Manifest, target: KubernetesVersion): string | undefined {
  const apiVersion = apiVersionOf(obj);
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (!BUILT_IN_GROUPS.has(group) || target.major !== 1) return undefined;
  const t = `1.${target.minor}`;
  const versions = KINDS[obj.kind ?? ''];
  const served = versions?.[apiVersion];
  if (!versions || !served) {
    return isGa(apiVersion) ? undefined : `${obj.kind} ${apiVersion} is a pre-GA API version`;
  }
  const ga = Object.entries(versions).find(([v, s]) => isGa(v) && servedOn(s, target.minor))?.[0];
  const use = ga ? `; use ${ga}` : '';
  if (served.removed !== undefined && target.minor >= served.removed) return `${obj.kind} ${apiVersion} was removed in 1.${served.removed} (target ${t})${use}`;
  if (served.from !== undefined && target.minor < served.from) return `${obj.kind} ${apiVersion} is not served before 1.${served.from} (target ${t})${use}`;
  if (isGa(apiVersion)) return undefined;
  if (ga) return `${obj.kind} ${apiVersion} is pre-GA while ${ga} is served on ${t}${use}`;
  if (served.deprecated !== undefined && target.minor >= served.deprecated) return `${obj.kind} ${apiVersion} is deprecated since 1.${served.deprecated} (target ${t})`;
  return undefined;
}

/**
 * `apiVersionProblem` of an object with a string kind, worked out once per kind and apiVersion of the set: the answer
 * depends on nothing else, and a large set repeats a few dozen pairs.
 */
function knownApiVersionProblem(ctx: AuditContext, obj: Manifest): string | undefined {
  // By kind, then apiVersion: two look-ups of strings the object holds, no key built per object.
  const known = memoized(ctx, 'api-version-problems', () => new Map<string, Map<string, string | undefined>>());
  const kind = String(obj.kind);
  const apiVersion = apiVersionOf(obj);
  let byVersion = known.get(kind);
  if (!byVersion) {
    byVersion = new Map();
    known.set(kind, byVersion);
  }
  if (byVersion.has(apiVersion)) return byVersion.get(apiVersion);
  const problem = apiVersionProblem(obj, ctx.settings.targetVersion);
  byVersion.set(apiVersion, problem);
  return problem;
}

function psaVersionProblems(ns: Manifest, target: KubernetesVersion): string[] {
  const want = `v${target.major}.${target.minor}`;
  const labels = ns.metadata?.labels ?? {};
  return PSA_VERSION_LABELS.filter((l) => labels[l] !== undefined && labels[l] !== want).map((l) => `label ${l} is ${labels[l]}, not the target ${want}`);
}

/**
 * HK-CLUSTER-006: custom resources (SealedSecret bitnami.com/v1alpha1, Linkerd policy.linkerd.io v1alpha1/v1beta3) use
 * the version their pinned operator stores and are not judged; control-plane files are not API objects.
 */
export const stableApiVersions: Practice = {
  id: 'HK-CLUSTER-006',
  group: PracticeGroup.CLUSTER,
  title: 'Supported Kubernetes version, stable API versions',
  severity: Severity.MEDIUM,
  why: 'Unsupported releases stop receiving CVE fixes; deprecated APIs vanish at upgrade and break restores.',
  criterion: 'Every object of a built-in API group uses an apiVersion the target minor serves, and a GA one whenever the target serves '
    + 'a GA version of its kind; where the target has no GA version yet, a served pre-GA version passes until it is deprecated. '
    + 'Custom resources (bitnami.com, policy.linkerd.io, velero.io, …) are not judged. Every Namespace pod-security.kubernetes.io/'
    + '*-version label equals the target (v<major>.<minor>). The report states the target version.',
  library: 'Sets: constructs emit GA built-in APIs and the stored CRD versions.',
  fix: 'Move the object to the GA apiVersion of its kind (apps/v1, batch/v1, policy/v1, networking.k8s.io/v1, autoscaling/v2, '
    + 'rbac.authorization.k8s.io/v1, …) and pin PSA version labels to the target minor.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'A removed API version is rejected by the API server; nothing to except.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Upgrading and application security practices'],
    kubeScore: ['stable-version'],
    kubeLinter: ['no-extensions-v1beta'],
    kyverno: ['best-practices/check-deprecated-apis'],
    gatekeeper: ['VerifyDeprecatedAPI'],
    kubescape: ['C-0273'],
  },
  evaluate: perObject('all', (obj, ctx) => {
    if (isControlPlaneFile(obj)) return [];
    const problems: string[] = [];
    const api = typeof obj.kind === 'string' ? knownApiVersionProblem(ctx, obj) : apiVersionProblem(obj, ctx.settings.targetVersion);
    if (api) problems.push(api);
    if (obj.kind === 'Namespace') problems.push(...psaVersionProblems(obj, ctx.settings.targetVersion));
    return problems;
  }),
};
