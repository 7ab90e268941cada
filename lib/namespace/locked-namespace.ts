import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { adoptNamespacedChildren } from './adoption';
import { namespaceGuardSpecs, requireOwner, requirePartOf, resolveDnsLocation } from './namespace-guards';
import { ExceptionSet } from '../exceptions/exception-set';
import * as istioAuthz from '../imports/istio-authorizationpolicy-security.istio.io';
import * as istioPeer from '../imports/istio-peerauthentication-security.istio.io';
import { LOCKED_LABEL } from '../policy/policy-options';
import { validateAllowedRegistries } from '../policy/registries';
import { ALLOWED_REGISTRIES_ANNOTATION } from '../practices/checks/image/util';
import { isReservedNamespace } from '../practices/checks/namespace/dedicated-namespace';
import { PracticeException } from '../practices/exceptions';
import { DNS_LABEL } from '../practices/manifest';
import { provenanceAnnotations, provenanceLabels } from '../provenance';
import { isText, quoted, refuser, shown } from '../refusal';
import * as kube from '../render/kube';
import { IStorageClass, resolveStorageClass } from '../storage/storage-class';
import { enableAppChecks } from '../synth/app-checks';
import { SynthPass } from '../synth/synth-pass';
import { KubernetesTarget } from '../target/kubernetes-target';
import { parseQuantity } from '../units/quantity';

const LOCKED_NAMESPACE = Symbol.for('cdk8s-hardened.LockedNamespace');

/** PSA version grammar (`kubernetes/pod-security-admission:api/helpers.go`); `latest` is refused separately. */
const PSA_VERSION = /^v1\.(0|[1-9][0-9]*)$/;

/** A DNS-1123 label: what a namespace name must be. */


/** The mesh a LockedNamespace enrols its workloads in. */
export class NamespaceMesh {
  /** No mesh: NetworkPolicies alone separate workloads. */
  public static readonly NONE = new NamespaceMesh('none');
  /** Istio sidecars (`istio-injection: enabled`); under PSA restricted this needs the Istio CNI plugin. */
  public static readonly ISTIO = new NamespaceMesh('istio');
  /** Istio ambient mode (`istio.io/dataplane-mode: ambient`): ztunnel, no init container. */
  public static readonly ISTIO_AMBIENT = new NamespaceMesh('istio-ambient');
  /** Linkerd (`linkerd.io/inject: enabled`); under PSA restricted this needs the linkerd-cni plugin. */
  public static readonly LINKERD = new NamespaceMesh('linkerd');

  private constructor(
    /** `none`, `istio`, `istio-ambient` or `linkerd`. */
    public readonly kind: 'none' | 'istio' | 'istio-ambient' | 'linkerd',
  ) {}
}

/** A namespace locked down by this library, here or elsewhere. */
export interface ILockedNamespace extends IConstruct {
  /** The namespace name. */
  readonly name: string;
  /** Normalised registry allow-list of the namespace (HK-IMAGE-003); empty means none of its own. */
  readonly allowedRegistries: string[];
  /** The mesh the namespace enrols workloads in. */
  readonly mesh: NamespaceMesh;
  /** The application the namespace belongs to (`app.kubernetes.io/part-of`), which objects inside it repeat. */
  readonly partOf: string;
  /** The StorageClass claims of the namespace use when they name none (validated). @default - none: claims must name one */
  readonly storageClass?: IStorageClass;
  /** Largest claim the namespace's LimitRange admits (a quantity). @default - unknown (adopted namespaces) */
  readonly maxClaimStorage?: string;
  /** Pods the namespace's ResourceQuota admits. @default - unknown (adopted namespaces) */
  readonly podQuota?: number;
  /** The level Pod Security Admission enforces in the namespace. @default PodSecurityLevel.RESTRICTED */
  readonly podSecurityLevel?: PodSecurityLevel;
}

/** The Pod Security level a LockedNamespace enforces (`pod-security.kubernetes.io/enforce`). */
export enum PodSecurityLevel {
  /** The hardened level (HK-NAMESPACE-002). */
  RESTRICTED = 'restricted',
  /**
   * Known privilege escalations still refused (host namespaces, hostPath, privileged containers, capabilities beyond
   * the default set), but root, privilege escalation and an unset seccomp profile admitted; needs a recorded
   * HK-NAMESPACE-002 exception. Audit and warn stay `restricted`.
   */
  BASELINE = 'baseline',
}

/** CPU, memory and ephemeral storage amounts (Kubernetes quantities). */
export interface ResourceAmounts {
  /** CPU, e.g. `500m`. */
  readonly cpu?: string;
  /** Memory, e.g. `256Mi`. */
  readonly memory?: string;
  /** Ephemeral storage, e.g. `1Gi`. */
  readonly ephemeralStorage?: string;
}

/** Per-container defaults and maxima (HK-NAMESPACE-004); each field overrides one default. */
export interface ContainerLimits {
  /**
   * Requests given to containers that declare none.
   * @default { cpu: '100m', memory: '128Mi', ephemeralStorage: '64Mi' }
   */
  readonly defaultRequest?: ResourceAmounts;
  /**
   * Limits given to containers that declare none.
   * @default { cpu: '500m', memory: '256Mi', ephemeralStorage: '256Mi' }
   */
  readonly default?: ResourceAmounts;
  /**
   * The most one container may have.
   * @default { cpu: '2', memory: '4Gi', ephemeralStorage: '2Gi' }
   */
  readonly max?: ResourceAmounts;
  /**
   * The largest PersistentVolumeClaim.
   * @default '50Gi'
   */
  readonly maxClaimStorage?: string;
}

/**
 * Namespace-wide totals (HK-NAMESPACE-003). NodePorts and LoadBalancers are zero unless the LockedNamespace records an
 * HK-NAMESPACE-003 exception.
 */
export interface NamespaceQuota {
  /** Sum of cpu requests. @default '4' */
  readonly requestsCpu?: string;
  /** Sum of memory requests. @default '8Gi' */
  readonly requestsMemory?: string;
  /** Sum of cpu limits. @default '8' */
  readonly limitsCpu?: string;
  /** Sum of memory limits. @default '16Gi' */
  readonly limitsMemory?: string;
  /** Sum of ephemeral-storage requests. @default '10Gi' */
  readonly requestsEphemeralStorage?: string;
  /** Sum of ephemeral-storage limits. @default '20Gi' */
  readonly limitsEphemeralStorage?: string;
  /** Sum of PersistentVolumeClaim storage requests. @default '200Gi' */
  readonly requestsStorage?: string;
  /** Pods. @default 40 */
  readonly pods?: number;
  /** Services. @default 20 */
  readonly services?: number;
  /** PersistentVolumeClaims. @default 10 */
  readonly persistentVolumeClaims?: number;
  /** Secrets. @default 100 */
  readonly secrets?: number;
  /** ConfigMaps. @default 100 */
  readonly configMaps?: number;
  /** Jobs. @default 50 */
  readonly jobs?: number;
  /**
   * Node ports (`services.nodeports`: each port of a NodePort Service, and of a LoadBalancer Service that allocates
   * node ports, takes one). Above 0 needs a recorded HK-NAMESPACE-003 exception in the LockedNamespace's
   * `exceptions`; each such Service still records its own HK-NETWORK-006 exception.
   * @default 0
   */
  readonly nodePorts?: number;
  /**
   * LoadBalancer Services (`services.loadbalancers`). Above 0 needs a recorded HK-NAMESPACE-003 exception in the
   * LockedNamespace's `exceptions`; each such Service still records its own HK-NETWORK-006 exception.
   * @default 0
   */
  readonly loadBalancers?: number;
}

/** Where cluster DNS runs (HK-NETWORK-002). */
export interface DnsEgress {
  /** Namespace of the DNS pods. @default 'kube-system' */
  readonly namespace?: string;
  /** Labels of the DNS pods. @default { 'k8s-app': 'kube-dns' } */
  readonly podLabels?: Record<string, string>;
}

/** Props of LockedNamespace. */
export interface LockedNamespaceProps {
  /**
   * The namespace name (a DNS label; never `default` or `kube-*`).
   * @default - the construct id
   */
  readonly name?: string;
  /** The owning team, written as the `owner` label (HK-NAMESPACE-005). */
  readonly owner: string;
  /**
   * The application the namespace belongs to (`app.kubernetes.io/part-of`).
   * @default - the namespace name
   */
  readonly partOf?: string;
  /**
   * Pod Security Admission version the enforce, audit and warn labels are pinned to (`v1.<minor>`; `latest` is refused).
   * It may only restate the app's target: set the version once with `KubernetesTarget.set(app, '1.30')`.
   * @default - the app's KubernetesTarget (1.28 unless set), e.g. 'v1.28'
   */
  readonly podSecurityVersion?: string;
  /** Namespace quota; every field has a default. @default - the NamespaceQuota defaults */
  readonly quota?: NamespaceQuota;
  /** Container defaults and maxima; every field has a default. @default - the ContainerLimits defaults */
  readonly limits?: ContainerLimits;
  /** Cluster DNS location. @default - kube-dns pods in kube-system */
  readonly dns?: DnsEgress;
  /**
   * Mesh enrolment with STRICT mTLS and a deny-all authorization (HK-NETWORK-008).
   * @default NamespaceMesh.NONE
   */
  readonly mesh?: NamespaceMesh;
  /**
   * Registries (hosts or `host/path` prefixes) the namespace's images may come from (HK-IMAGE-003). Written as
   * the `cdk8s-hardened.io/allowed-registries` annotation, which the audit and the VAP/Kyverno policies read.
   * @default - none of its own; the App's allow-list applies
   */
  readonly allowedRegistries?: string[];
  /**
   * StorageClass of the PersistentVolumeClaims of workloads inside that name none (SecureStatefulSet): one the app
   * defines, `StorageClass.fromName(name, reason)` for one created elsewhere (the workloads record the reason), or
   * `StorageClass.clusterDefault(reason)`. A named class is written as the `cdk8s-hardened.io/storage-class`
   * annotation. Claims never fall back to the cluster's default class silently.
   * @default - none: each claim names its StorageClass
   */
  readonly storageClass?: IStorageClass;
  /**
   * The level Pod Security Admission enforces. `PodSecurityLevel.BASELINE` relaxes the namespace and needs a recorded
   * HK-NAMESPACE-002 exception in `exceptions`; audit and warn stay `restricted`, so every admitted pod still shows
   * what it breaks. `privileged` is never a LockedNamespace: host-access jobs get a PrivilegedNamespace.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurityLevel?: PodSecurityLevel;
  /**
   * The namespace's own recorded relaxations, each with its reason (HK-AUDIT-003): HK-NAMESPACE-002 with
   * `podSecurityLevel: PodSecurityLevel.BASELINE`, HK-NAMESPACE-003 with `quota.nodePorts` or `quota.loadBalancers`
   * above 0. Written as `exceptions.cdk8s-hardened.io/<ID>` annotations on the object each relaxes (the Namespace, the
   * ResourceQuota), which the audit and the admission simulation read; an exception that relaxes nothing is refused.
   * @default - none: restricted, no node ports, no load balancers
   */
  readonly exceptions?: PracticeException[];
}

/** Options of `LockedNamespace.fromName`. */
export interface LockedNamespaceImportOptions {
  /** The namespace's registry allow-list, as it was locked elsewhere. @default - none */
  readonly allowedRegistries?: string[];
  /** The namespace's mesh. @default NamespaceMesh.NONE */
  readonly mesh?: NamespaceMesh;
  /** The namespace's `app.kubernetes.io/part-of` label. @default - the namespace name */
  readonly partOf?: string;
}

const DEFAULT_LIMITS = {
  defaultRequest: { cpu: '100m', memory: '128Mi', ephemeralStorage: '64Mi' },
  default: { cpu: '500m', memory: '256Mi', ephemeralStorage: '256Mi' },
  max: { cpu: '2', memory: '4Gi', ephemeralStorage: '2Gi' },
};

const DEFAULT_QUOTA: Required<NamespaceQuota> = {
  requestsCpu: '4',
  requestsMemory: '8Gi',
  limitsCpu: '8',
  limitsMemory: '16Gi',
  requestsEphemeralStorage: '10Gi',
  limitsEphemeralStorage: '20Gi',
  requestsStorage: '200Gi',
  pods: 40,
  services: 20,
  persistentVolumeClaims: 10,
  secrets: 100,
  configMaps: 100,
  jobs: 50,
  nodePorts: 0,
  loadBalancers: 0,
};

/** The practices a LockedNamespace relaxes with its own recorded exception. */
const NAMESPACE_EXCEPTIONS: readonly string[] = ['HK-NAMESPACE-002', 'HK-NAMESPACE-003'];

const RESOURCE_KEYS: ReadonlyArray<[keyof ResourceAmounts, string]> = [['cpu', 'cpu'], ['memory', 'memory'], ['ephemeralStorage', 'ephemeral-storage']];

/**
 * A namespace that is safe before anything is deployed into it: PSA `restricted` pinned to a version, default-deny
 * NetworkPolicy with DNS egress to kube-dns only, ResourceQuota (zero NodePorts and LoadBalancers) and LimitRange,
 * optional mesh enrolment with STRICT mTLS and deny-all authorization, and a registry allow-list. Namespaced
 * objects created inside it that name no namespace land in it. It relaxes itself only with its own recorded
 * exceptions (`exceptions`): PSA `baseline` (HK-NAMESPACE-002), node ports or LoadBalancers (HK-NAMESPACE-003).
 */
export class LockedNamespace extends Construct implements ILockedNamespace {
  /** The nearest LockedNamespace (created or imported) among the scopes of `construct`, itself included. */
  public static of(construct: IConstruct): ILockedNamespace | undefined {
    for (const scope of [...construct.node.scopes].reverse()) {
      if (LOCKED_NAMESPACE in scope) return scope as unknown as ILockedNamespace;
    }
    return undefined;
  }

  /** Adopts a namespace locked elsewhere; constructs created under the returned scope find it with `of()`. */
  public static fromName(scope: Construct, id: string, name: string, options: LockedNamespaceImportOptions = {}): ILockedNamespace {
    return new ImportedLockedNamespace(scope, id, name, options);
  }

  /** The namespace name. */
  public readonly name: string;
  /** The application the namespace belongs to (`app.kubernetes.io/part-of`). */
  public readonly partOf: string;
  /** Normalised registry allow-list, also written as the namespace's allowed-registries annotation. */
  public readonly allowedRegistries: string[];
  /** The mesh the namespace enrols workloads in. */
  public readonly mesh: NamespaceMesh;
  /** The Namespace object. */
  public readonly namespace: k8s.KubeNamespace;
  /** StorageClass of claims that name none. */
  public readonly storageClass?: IStorageClass;
  /** Largest claim the LimitRange admits. */
  public readonly maxClaimStorage: string;
  /** Pods the ResourceQuota admits. */
  public readonly podQuota: number;
  /** The level Pod Security Admission enforces. */
  public readonly podSecurityLevel: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: LockedNamespaceProps) {
    super(scope, id);
    enableAppChecks(this);
    Object.defineProperty(this, LOCKED_NAMESPACE, { value: true });
    this.name = props.name ?? id;
    this.mesh = props.mesh ?? NamespaceMesh.NONE;
    this.validateName();
    const owner = requireOwner(refuser(this, 'LockedNamespace'), props.owner);
    const partOf = this.partOf = props.partOf === undefined ? this.name : requirePartOf(refuser(this, 'LockedNamespace'), props.partOf);
    const version = props.podSecurityVersion === undefined
      ? KubernetesTarget.podSecurityVersion(this)
      : `v${KubernetesTarget.agree(this, 'LockedNamespace', 'podSecurityVersion', this.podSecurityVersion(props.podSecurityVersion))}`;
    this.allowedRegistries = validateAllowedRegistries(this, 'LockedNamespace', 'allowedRegistries', props.allowedRegistries ?? []);
    const limits = this.containerLimits(props.limits ?? {});
    const refuse = refuser(this, 'LockedNamespace');
    const exceptions = ExceptionSet.ofConstruct(this, 'LockedNamespace', refuse, props.exceptions);
    exceptions.ids.forEach((practiceId, i) => {
      if (!NAMESPACE_EXCEPTIONS.includes(practiceId)) {
        refuse(`exceptions[${i}].practice`, `is '${practiceId}', which a LockedNamespace does not relax`,
          'record HK-NAMESPACE-002 (with podSecurityLevel) or HK-NAMESPACE-003 (with quota.nodePorts or quota.loadBalancers) here; '
          + 'record other exceptions on the construct whose object breaks the practice.', 'HK-AUDIT-003');
      }
    });
    this.podSecurityLevel = this.resolvePodSecurityLevel(props.podSecurityLevel, exceptions);
    const quota = this.quota(props.quota ?? {});
    const services = this.serviceQuota(props.quota ?? {}, exceptions);
    this.maxClaimStorage = limits.maxClaimStorage;
    this.podQuota = Number(quota.pods);
    if ((props as { storageClassName?: unknown }).storageClassName !== undefined) {
      refuse('storageClassName', 'is given, but a LockedNamespace takes a storageClass',
        'write storageClass: StorageClass.fromName(\'<name>\', \'<who creates it>\') or a StorageClass of the app.');
    }
    if (props.storageClass !== undefined) this.storageClass = resolveStorageClass(refuse, 'storageClass', props.storageClass);

    const common = provenanceLabels({ name: this.name, partOf });
    const provenance = (childId: string) => provenanceAnnotations(`${this.node.path}/${childId}`);
    const meta = (name: string, childId: string) => ({ name, namespace: this.name, labels: { ...common }, annotations: provenance(childId) });

    const psa: Record<string, string> = {};
    for (const mode of ['enforce', 'audit', 'warn']) {
      // Only enforce is relaxed: audit and warn keep reporting what the pods break at restricted.
      psa[`pod-security.kubernetes.io/${mode}`] = mode === 'enforce' ? this.podSecurityLevel : PodSecurityLevel.RESTRICTED;
      psa[`pod-security.kubernetes.io/${mode}-version`] = version;
    }
    this.namespace = new kube.KubeNamespace(this, 'Resource', {
      metadata: {
        name: this.name,
        labels: { ...psa, ...common, owner, [LOCKED_LABEL]: 'true', ...this.meshLabels() },
        annotations: {
          ...provenance('Resource'),
          ...(this.allowedRegistries.length > 0 ? { [ALLOWED_REGISTRIES_ANNOTATION]: this.allowedRegistries.join(',') } : {}),
          ...(this.storageClass?.storageClassName ? { 'cdk8s-hardened.io/storage-class': this.storageClass.storageClassName } : {}),
          ...this.meshAnnotations(),
          ...exceptions.annotations(['HK-NAMESPACE-002']),
        },
      },
    });

    const guards = namespaceGuardSpecs(
      resolveDnsLocation((prop, problem, fix, practiceId) => this.refuse(prop, problem, fix, practiceId ?? 'HK-NETWORK-002'), 'dns', props.dns),
      quota,
      {
        defaultRequest: amounts(limits.defaultRequest),
        default: amounts(limits.default),
        max: amounts(limits.max),
        maxClaimStorage: limits.maxClaimStorage,
      },
      services,
    );
    new kube.KubeNetworkPolicy(this, 'DefaultDeny', { metadata: meta('default-deny', 'DefaultDeny'), spec: guards.defaultDeny });
    new kube.KubeNetworkPolicy(this, 'AllowDns', { metadata: meta('allow-dns', 'AllowDns'), spec: guards.allowDns });
    const quotaMeta = meta('quota', 'Quota');
    new kube.KubeResourceQuota(this, 'Quota', {
      metadata: { ...quotaMeta, annotations: { ...quotaMeta.annotations, ...exceptions.annotations(['HK-NAMESPACE-003']) } },
      spec: guards.quota,
    });
    new kube.KubeLimitRange(this, 'Limits', { metadata: meta('limits', 'Limits'), spec: guards.limitRange });

    if (this.mesh === NamespaceMesh.ISTIO || this.mesh === NamespaceMesh.ISTIO_AMBIENT) {
      new istioPeer.PeerAuthentication(this, 'PeerAuthentication', {
        metadata: meta('default', 'PeerAuthentication'),
        spec: { mtls: { mode: istioPeer.PeerAuthenticationSpecMtlsMode.STRICT } },
      });
      // An ALLOW policy with no rules allows nothing: workloads open themselves with their own policies (HK-NETWORK-009).
      new istioAuthz.AuthorizationPolicy(this, 'AllowNothing', { metadata: meta('allow-nothing', 'AllowNothing'), spec: {} });
    }

    // Adoption runs before anything is rendered or judged, so no child is ever judged outside this namespace.
    const pass = SynthPass.of(this);
    // A chosen Pod Security version says which Kubernetes the namespace runs on: its objects are judged for it.
    pass.checkRenderedObjects(this, { targetVersion: props.podSecurityVersion === undefined ? undefined : version });
    adoptNamespacedChildren(this, 'LockedNamespace', this.name, this.namespace as ApiObject);
  }

  private meshLabels(): Record<string, string> {
    switch (this.mesh.kind) {
      case 'istio': return { 'istio-injection': 'enabled' };
      case 'istio-ambient': return { 'istio.io/dataplane-mode': 'ambient' };
      default: return {};
    }
  }

  private meshAnnotations(): Record<string, string> {
    switch (this.mesh.kind) {
      case 'istio': return { 'cdk8s-hardened.io/mesh-prerequisite': 'Istio CNI plugin: istio-init needs NET_ADMIN, which PSA restricted refuses' };
      case 'linkerd': return {
        'linkerd.io/inject': 'enabled',
        'config.linkerd.io/default-inbound-policy': 'all-authenticated',
        'cdk8s-hardened.io/mesh-prerequisite': 'linkerd-cni plugin: linkerd-init needs NET_ADMIN, which PSA restricted refuses',
      };
      default: return {};
    }
  }

  private validateName(): void {
    if (!isText(this.name, DNS_LABEL) || this.name.length > 63) {
      this.refuse('name', `is ${quoted(this.name)}, not a DNS label`, 'use lower-case letters, digits and \'-\', at most 63 characters.', 'HK-NAMESPACE-001');
    }
    if (isReservedNamespace(this.name)) {
      this.refuse('name', `is '${this.name}', a reserved namespace`, 'give the application its own namespace, e.g. \'payments\'.', 'HK-NAMESPACE-001');
    }
  }

  private podSecurityVersion(version: string): string {
    if (version === 'latest') {
      this.refuse('podSecurityVersion', 'is \'latest\', which lets a cluster upgrade change the rules silently',
        'pin the target minor, e.g. \'v1.28\'.', 'HK-NAMESPACE-002');
    }
    if (!isText(version, PSA_VERSION)) {
      this.refuse('podSecurityVersion', `is ${quoted(version)}, not a Pod Security version (v1.<minor>)`, 'write it as \'v1.28\' (no patch level, no leading zero).', 'HK-NAMESPACE-002');
    }
    return version;
  }

  private containerLimits(props: ContainerLimits) {
    const merged = {
      defaultRequest: { ...DEFAULT_LIMITS.defaultRequest, ...props.defaultRequest },
      default: { ...DEFAULT_LIMITS.default, ...props.default },
      max: { ...DEFAULT_LIMITS.max, ...props.max },
      maxClaimStorage: props.maxClaimStorage ?? '50Gi',
    };
    const value = (prop: string, text: string): number => {
      const v = parseQuantity(text);
      if (v === undefined) this.refuse(prop, `is '${text}', not a Kubernetes quantity`, 'write e.g. \'500m\', \'2\', \'256Mi\' or \'1Gi\'.', 'HK-NAMESPACE-004');
      return v;
    };
    value('limits.maxClaimStorage', merged.maxClaimStorage);
    for (const [key] of RESOURCE_KEYS) {
      const request = value(`limits.defaultRequest.${key}`, merged.defaultRequest[key]);
      const limit = value(`limits.default.${key}`, merged.default[key]);
      const max = value(`limits.max.${key}`, merged.max[key]);
      if (limit > max) {
        this.refuse(`limits.default.${key}`, `is '${merged.default[key]}', above its maximum limits.max.${key} '${merged.max[key]}'`,
          `lower limits.default.${key} or raise limits.max.${key}; the API server would reject every container that takes the default.`, 'HK-NAMESPACE-004');
      }
      if (request > limit) {
        this.refuse(`limits.defaultRequest.${key}`, `is '${merged.defaultRequest[key]}', above the default limit limits.default.${key} '${merged.default[key]}'`,
          `lower limits.defaultRequest.${key} or raise limits.default.${key}.`, 'HK-NAMESPACE-004');
      }
    }
    return merged;
  }

  private quota(props: NamespaceQuota): Record<string, string> {
    const q = { ...DEFAULT_QUOTA, ...props };
    const quantities: Array<[string, keyof NamespaceQuota]> = [
      ['requests.cpu', 'requestsCpu'], ['requests.memory', 'requestsMemory'], ['limits.cpu', 'limitsCpu'], ['limits.memory', 'limitsMemory'],
      ['requests.ephemeral-storage', 'requestsEphemeralStorage'], ['limits.ephemeral-storage', 'limitsEphemeralStorage'],
      ['requests.storage', 'requestsStorage'],
    ];
    const counts: Array<[string, keyof NamespaceQuota]> = [
      ['pods', 'pods'], ['services', 'services'], ['persistentvolumeclaims', 'persistentVolumeClaims'], ['count/secrets', 'secrets'],
      ['count/configmaps', 'configMaps'], ['count/jobs.batch', 'jobs'],
    ];
    const hard: Record<string, string> = {};
    for (const [key, prop] of quantities) {
      const text = String(q[prop]);
      if (parseQuantity(text) === undefined) {
        this.refuse(`quota.${prop}`, `is '${text}', not a Kubernetes quantity`, 'write e.g. \'4\', \'500m\' or \'8Gi\'.', 'HK-NAMESPACE-003');
      }
      hard[key] = text;
    }
    for (const [key, prop] of counts) {
      const n = q[prop] as number;
      if (!Number.isInteger(n) || n < 0) {
        this.refuse(`quota.${prop}`, `is ${n}, not a whole number of objects`, 'give a count of 0 or more.', 'HK-NAMESPACE-003');
      }
      hard[key] = String(n);
    }
    return hard;
  }

  /** The enforced Pod Security level: restricted, or baseline with its recorded HK-NAMESPACE-002 exception. */
  private resolvePodSecurityLevel(given: unknown, exceptions: ExceptionSet): PodSecurityLevel {
    const level = given ?? PodSecurityLevel.RESTRICTED;
    if (level === 'privileged') {
      this.refuse('podSecurityLevel', 'is \'privileged\', which admits host access and privileged containers; a LockedNamespace never enforces it',
        'run the pods that need it in a PrivilegedNamespace, which records why.', 'HK-NAMESPACE-002');
    }
    if (level !== PodSecurityLevel.RESTRICTED && level !== PodSecurityLevel.BASELINE) {
      this.refuse('podSecurityLevel', `is ${shown(level)}, not a Pod Security level`, 'use PodSecurityLevel.RESTRICTED or PodSecurityLevel.BASELINE.', 'HK-NAMESPACE-002');
    }
    if (level === PodSecurityLevel.BASELINE && !exceptions.excuses('HK-NAMESPACE-002')) {
      refuser(this, 'LockedNamespace')('podSecurityLevel', 'is \'baseline\', which relaxes the namespace\'s Pod Security below restricted without a recorded reason',
        'keep PodSecurityLevel.RESTRICTED and change the workloads that need more', 'HK-NAMESPACE-002', true);
    }
    return level;
  }

  /** Node ports and LoadBalancers the quota admits: zero, or what a recorded HK-NAMESPACE-003 exception allows. */
  private serviceQuota(props: NamespaceQuota, exceptions: ExceptionSet): { nodePorts: number; loadBalancers: number } {
    const count = (prop: 'nodePorts' | 'loadBalancers'): number => {
      const n: unknown = props[prop] ?? 0;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) {
        this.refuse(`quota.${prop}`, `is ${typeof n === 'number' ? String(n) : shown(n)}, not a whole number from 0 to 65535`, 'give the number the namespace needs, e.g. 1.', 'HK-NAMESPACE-003');
      }
      return n;
    };
    const nodePorts = count('nodePorts');
    const loadBalancers = count('loadBalancers');
    for (const [prop, n, what] of [['nodePorts', nodePorts, 'node ports'], ['loadBalancers', loadBalancers, 'LoadBalancer Services']] as const) {
      if (n > 0 && !exceptions.excuses('HK-NAMESPACE-003')) {
        refuser(this, 'LockedNamespace')(`quota.${prop}`, `is ${n}, which lets Services of the namespace open ${what} without a recorded reason`,
          'keep 0 and expose the workloads through an Ingress or a Gateway', 'HK-NAMESPACE-003', true);
      }
    }
    return { nodePorts, loadBalancers };
  }

  private refuse(prop: string, problem: string, fix: string, practiceId: string): never {
    return refuser(this, 'LockedNamespace')(prop, problem, fix, practiceId);
  }
}

function amounts(a: Required<ResourceAmounts>): Record<string, string> {
  return Object.fromEntries(RESOURCE_KEYS.map(([key, resource]) => [resource, a[key]]));
}

class ImportedLockedNamespace extends Construct implements ILockedNamespace {
  /** Registry allow-list the namespace was locked with elsewhere. */
  public readonly allowedRegistries: string[];
  /** The mesh the namespace was locked with elsewhere. */
  public readonly mesh: NamespaceMesh;
  /** The application the namespace was labelled with elsewhere. */
  public readonly partOf: string;

  constructor(scope: Construct, id: string, public readonly name: string, options: LockedNamespaceImportOptions) {
    super(scope, id);
    enableAppChecks(this);
    Object.defineProperty(this, LOCKED_NAMESPACE, { value: true });
    if (!isText(name, DNS_LABEL) || isReservedNamespace(name)) {
      refuser(this, 'LockedNamespace.fromName')('name', `is ${quoted(name)}, not a lockable namespace name`,
        'name the application namespace that was locked elsewhere, e.g. \'payments\'.', 'HK-NAMESPACE-001');
    }
    this.allowedRegistries = validateAllowedRegistries(this, 'LockedNamespace.fromName', 'allowedRegistries', options.allowedRegistries ?? []);
    this.mesh = options.mesh ?? NamespaceMesh.NONE;
    this.partOf = options.partOf ?? name;
  }
}
