import { ApiObject, Duration, Lazy, Size } from 'cdk8s';
import { IConfigMap, k8s, ServiceType } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { ContainerContext, isAbsoluteDirectory, resolveContainer, SecretEnvSource, SecureContainerOptions } from './container';
import { HostAccessProps, needsPrivilegedNamespace, resolveHostAccess, ResolvedHostAccess } from './host-access';
import { Connection, CidrConnection, metadataInside, METADATA_CIDRS, networkPolicyRules, RulePort, strictlyInside } from './network';
import { PodExtras, resolvePodExtras } from './pod-extras';
import { hardenedPodSpec, HardenedContainerSpec, HardenedPod, PodScheduling, PodVolume, ProjectedToken, SecretMount, SeccompSetting, VolumeMountSpec } from './pod-spec';
import { IPriorityClass } from './priority-class';
import { sizeQuantity } from './resources';
import { resolveScheduling, SchedulingProps } from './scheduling';
import { ExternalReference, externalReferencesAnnotation } from '../coherence/coherence';
import { ExceptionSet, IdleException } from '../exceptions/exception-set';
import * as istioAuthz from '../imports/istio-authorizationpolicy-security.istio.io';
import * as istioPeer from '../imports/istio-peerauthentication-security.istio.io';
import * as linkerdAuthz from '../imports/linkerd-authorizationpolicy-policy.linkerd.io';
import * as linkerdMtls from '../imports/linkerd-meshtlsauthentication-policy.linkerd.io';
import * as linkerdServer from '../imports/linkerd-server-policy.linkerd.io';
import { decideMeshEdge, isMeshEdgeRefusal, meshProxies } from '../mesh/mesh-edge';
import { enclosingNamespace, partOfFor } from '../namespace/enclosing-namespace';
import { ILockedNamespace, LockedNamespace, NamespaceMesh } from '../namespace/locked-namespace';
import { resolveDnsLocation } from '../namespace/namespace-guards';
import { isNamespaceScope } from '../namespace/namespace-scope';
import { validateAllowedRegistries } from '../policy/registries';
import { PUBLIC_LABEL } from '../practices/checks/network/ingress-via-controller';
import { reachesPublicSpace } from '../practices/checks/network/util';
import { isAcceptableReason, MIN_REASON_LENGTH, PracticeException } from '../practices/exceptions';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../practices/manifest';
import { stampProvenance } from '../provenance';
import { Refuse, refuser, shown } from '../refusal';
import * as kube from '../render/kube';
import { IMountableSecret } from '../secrets/mountable-secret';
import { addSynthWarning } from '../synth/app-audit';
import { enableAppChecks } from '../synth/app-checks';
import { SynthPass } from '../synth/synth-pass';
import { KubernetesTarget } from '../target/kubernetes-target';
import { DeclaredPort } from '../units/declared-port';

const SECURE_WORKLOAD = Symbol.for('cdk8s-hardened.SecureWorkload');

/** The label that selects a workload's pods. */
export const SELECTOR_LABEL = 'app.kubernetes.io/name';

/** The label naming the instance: equal to the controller's `metadata.name`. */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** A seccomp profile for the pod and its containers (HK-WORKLOAD-008). */
export class SeccompProfile {
  /** The container runtime's default profile. */
  public static runtimeDefault(): SeccompProfile {
    return new SeccompProfile({ type: 'RuntimeDefault' });
  }

  /** A profile file on the node, relative to the kubelet's seccomp directory; needs a recorded HK-WORKLOAD-008 exception (Checkov accepts only RuntimeDefault). */
  public static localhost(profile: string): SeccompProfile {
    return new SeccompProfile({ type: 'Localhost', localhostProfile: profile });
  }

  private constructor(
    /** @internal */
    public readonly _setting: SeccompSetting,
  ) {}
}

/** A projected, audience-bound, short-lived API token for a workload that must call the Kubernetes API (HK-RBAC-002). */
export interface ServiceAccountTokenOptions {
  /** The audience the token is for (the API server's, or your service's). */
  readonly audience: string;
  /** Why the workload needs the API, at least 10 characters; written as an annotation on the workload. */
  readonly reason: string;
  /**
   * Lifetime; the kubelet rotates the token before it expires.
   * @default Duration.hours(1)
   */
  readonly expiration?: Duration;
}

/** Where cluster DNS runs (HK-NETWORK-002). */
export interface DnsOptions {
  /** @default 'kube-system' */
  readonly namespace?: string;
  /** @default { 'k8s-app': 'kube-dns' } */
  readonly podLabels?: Record<string, string>;
}

/** Props shared by every secure workload. */
export interface SecureWorkloadProps extends SecureContainerOptions, SchedulingProps {
  /**
   * Name of the workload and of its ServiceAccount, Service and policies (DNS-1035 label).
   * @default - the construct id
   */
  readonly workloadName?: string;
  /**
   * Namespace (HK-NAMESPACE-001; never `default`, `kube-*` only with a recorded exception).
   * @default - the enclosing LockedNamespace, else the Chart's namespace; one of them is required
   */
  readonly namespace?: string;
  /**
   * `app.kubernetes.io/part-of` of every object (HK-AUDIT-004).
   * @default - the enclosing LockedNamespace's part-of, else the Chart's id
   */
  readonly partOf?: string;
  /**
   * Registries (hosts or host/path prefixes) the images may come from (HK-IMAGE-003); the enclosing LockedNamespace's
   * list applies as well.
   * @default - only the enclosing LockedNamespace's list, if any
   */
  readonly allowedRegistries?: string[];
  /** Numeric UID of every container, above 10000 (HK-WORKLOAD-004). @default 65532 */
  readonly runAsUser?: number;
  /** Numeric primary GID, above 10000 (HK-WORKLOAD-005). @default 65532 */
  readonly runAsGroup?: number;
  /** GID owning mounted volumes, above 10000 (HK-WORKLOAD-005). @default 65532 */
  readonly fsGroup?: number;
  /** @default SeccompProfile.runtimeDefault() */
  readonly seccompProfile?: SeccompProfile;
  /**
   * Run the pods in a user namespace (`hostUsers: false`, HK-WORKLOAD-023); alpha on 1.28, so opt-in.
   * @default false
   */
  readonly userNamespaces?: boolean;
  /** Projected API token, for workloads that call the API. @default - no token at all */
  readonly serviceAccountToken?: ServiceAccountTokenOptions;
  /**
   * Service type; anything but ClusterIP needs a recorded HK-NETWORK-006 exception.
   * @default ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
  /** External IPs of the Service; need a recorded HK-NETWORK-006 exception. @default - none */
  readonly externalIPs?: string[];
  /** Mesh enrolment (HK-NETWORK-008/009). @default - the enclosing LockedNamespace's mesh, else NamespaceMesh.NONE */
  readonly mesh?: NamespaceMesh;
  /** Mesh trust domain used in principals. @default 'cluster.local' */
  readonly trustDomain?: string;
  /** Cluster DNS. @default - kube-dns pods in kube-system */
  readonly dns?: DnsOptions;
  /** Seconds a pod gets to shut down before it is killed. @default Duration.seconds(30) */
  readonly terminationGracePeriod?: Duration;
  /** Spread the pods across zones as well as nodes (HK-WORKLOAD-021). @default false */
  readonly spreadAcrossZones?: boolean;
  /** Recorded exceptions, each relaxing one practice with a reason (HK-AUDIT-003). @default - none */
  readonly exceptions?: PracticeException[];
  /**
   * Extra labels of the pod template; the library's own (selector, part-of, managed-by, mesh) cannot be overridden.
   * @default - none
   */
  readonly podLabels?: Record<string, string>;
  /**
   * Annotations of the pod template, e.g. `prometheus.io/scrape`; never the library's, the mesh's or the security
   * annotations (seccomp, AppArmor), which props set.
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;
  /** Secrets with registry credentials (`kubernetes.io/dockerconfigjson`), by name. @default - none */
  readonly imagePullSecrets?: string[];
}

/** Options of `allowFrom`. */
export interface AllowFromOptions {
  /** The one declared port to open. @default - every declared port of the target */
  readonly port?: number;
}

/** Options of `allowFromNamespace`. */
export interface AllowFromNamespaceOptions extends AllowFromOptions {
  /** Labels of the calling pods (required: a whole namespace is never admitted, HK-NETWORK-003). */
  readonly podLabels: Record<string, string>;
  /** The callers' ServiceAccount, for mesh authorization. @default - required when the callers are in a mesh */
  readonly serviceAccount?: string;
  /**
   * The callers' mesh, judged against this workload's (see `decideMeshEdge`): a caller outside an Istio STRICT or
   * Linkerd workload's mesh is refused unless the workload records an HK-NETWORK-008 exception.
   * @default - the workload's own mesh: the callers are meshed like it
   */
  readonly mesh?: NamespaceMesh;
}

/** Options of `allowFromIngressController`. */
export interface IngressControllerOptions extends AllowFromOptions {
  /** @default 'ingress-nginx' */
  readonly namespace?: string;
  /** @default { 'app.kubernetes.io/name': 'ingress-nginx' } */
  readonly podLabels?: Record<string, string>;
  /** The controller's ServiceAccount, for mesh authorization. @default 'ingress-nginx' */
  readonly serviceAccount?: string;
  /**
   * The controller's mesh: a meshed workload admits the controller's identity only when the controller is in the same
   * mesh (e.g. ingress-nginx with an Istio sidecar, or Linkerd's `linkerd.io/inject: ingress` mode).
   * @default NamespaceMesh.NONE
   */
  readonly mesh?: NamespaceMesh;
}

/** A port egress is opened on. */
export interface EgressPort {
  /** Port number. */
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** Options of `mountSecret`. */
export interface MountSecretOptions {
  /**
   * The container (by name) the files appear in.
   * @default - the main container
   */
  readonly container?: string;
}

interface Caller {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly serviceAccount?: string;
  readonly ports: readonly DeclaredPort[];
  /** The caller's mesh and how messages name it (mesh edges, lib/mesh/mesh-edge.ts). */
  readonly mesh: NamespaceMesh;
  readonly description: string;
}

/** A caller once its mesh edge is decided. */
interface AdmittedCaller extends Caller {
  /** Ports whose mesh rule names the caller's identity. */
  readonly identityPorts: readonly DeclaredPort[];
  /** Ports that accept the caller's plaintext (recorded HK-NETWORK-008 exception). */
  readonly plaintextPorts: readonly DeclaredPort[];
  /** Extra NetworkPolicy ports for this caller (HBONE). */
  readonly extraIngressPorts: readonly RulePort[];
}

/**
 * How a workload kind's pods live: `replicated` (Deployment, StatefulSet: Service, PDB, spread, probes), `daemon`
 * (DaemonSet: one pod per node, Service and probes, no PDB or spread) or `batch` (Job, CronJob: run to completion, no
 * Service, PDB, spread or required probes).
 */
export type WorkloadLifecycle = 'replicated' | 'daemon' | 'batch';

/** What distinguishes the workload kinds built on SecureWorkload. */
export interface WorkloadShape {
  /** The class name, for messages. */
  readonly construct: string;
  /** How the pods live. */
  readonly lifecycle: WorkloadLifecycle;
  /** Whether the ClusterIP Service is created when ports are declared. @default - true, except for batch workloads */
  readonly clusterIpService?: boolean;
}

/** Pod settings a workload kind adds to the common ones when it renders its template. */
export interface PodOverrides {
  /** @default 'Always' */
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  /** Validated host access (SecureDaemonSet and the cluster jobs). @default - none */
  readonly hostAccess?: ResolvedHostAccess;
  /** Volumes only this kind declares (a StatefulSet's claim templates). @default - none */
  readonly volumes?: readonly PodVolume[];
}

/** Options of `mountConfigMap`. */
export interface MountOptions {
  /** The container (by name) the files appear in. @default - the main container */
  readonly container?: string;
}

/** Options of `mountVolumeClaim` and `mountSharedVolume`. */
export interface MountClaimOptions extends MountOptions {
  /** Mount read-only. @default false */
  readonly readOnly?: boolean;
}

/** Options of `mountConfigMap`: where, and who creates a ConfigMap the app does not define. */
export interface MountConfigMapOptions extends MountOptions {
  /**
   * Who creates the ConfigMap when the app does not (at least 10 characters), e.g. 'published by the platform's
   * trust bundle (PLAT-12)'; recorded on the workload as its external-references annotation.
   * @default - the app defines the ConfigMap (synth refuses a reference to one it does not define)
   */
  readonly createdElsewhere?: string;
}

/** Options of `mountVolumeClaim`: how, and who creates the claim. */
export interface MountVolumeClaimOptions extends MountClaimOptions {
  /**
   * Who creates the PersistentVolumeClaim when the app does not (at least 10 characters), e.g. 'provisioned by the
   * storage team (STOR-4)'; recorded on the workload as its external-references annotation.
   * @default - the app defines the claim (synth refuses a reference to one it does not define)
   */
  readonly createdElsewhere?: string;
}

/** Options of `addSharedVolume`. */
export interface SharedVolumeOptions {
  /** Most the directory may hold; counts against the ephemeral-storage limit of the pod. @default Size.mebibytes(64) */
  readonly sizeLimit?: Size;
}

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const MAX_ID = 2147483647;

/** The first Kubernetes minor where restartable sidecar init containers are on by default (SidecarContainers, beta). */
const SIDECAR_CONTAINERS_SINCE_MINOR = 29;

/**
 * Everything a secure workload emits besides its controller: the dedicated ServiceAccount, the ClusterIP Service, its
 * own NetworkPolicy built from the declared graph, the PodDisruptionBudget, and mesh objects. The controller (the
 * `Resource` child) renders its pod template through `hardenedPodSpec`, lazily, so later calls reach the YAML.
 */
export abstract class SecureWorkload extends Construct {
  /** Whether `x` is a secure workload of this library (any copy). */
  public static isSecureWorkload(x: unknown): x is SecureWorkload {
    return typeof x === 'object' && x !== null && SECURE_WORKLOAD in x;
  }

  /** The workload's name (also its ServiceAccount's, Service's and policies'). */
  public readonly name: string;
  /** The namespace every object lands in. */
  public readonly namespace: string;
  /** Labels that select exactly this workload's pods. */
  public readonly selector: Readonly<Record<string, string>>;
  /** The dedicated ServiceAccount. */
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** The Service, when ports are declared. */
  public readonly service?: k8s.KubeService;
  /** The workload's own NetworkPolicy. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** The mesh the workload is enrolled in. */
  public readonly mesh: NamespaceMesh;

  /** @internal */
  protected readonly _refuse: Refuse;
  /** @internal */
  protected readonly _exceptions: ExceptionSet;
  /** @internal */
  protected readonly _partOf: string;
  private readonly shape: WorkloadShape;
  /** @internal */
  protected readonly ports: DeclaredPort[];
  private readonly containerContext: Omit<ContainerContext, 'init' | 'secrets' | 'mountToken'>;
  /** @internal */
  protected readonly main: HardenedContainerSpec;
  private readonly sidecars: HardenedContainerSpec[] = [];
  private readonly inits: HardenedContainerSpec[] = [];
  private readonly secretMounts = new Map<string, SecretMount[]>();
  private readonly externalRefs: ExternalReference[] = [];
  private readonly volumeMounts = new Map<string, VolumeMountSpec[]>();
  private readonly podVolumes: PodVolume[] = [];
  private readonly podExtras: PodExtras;
  private readonly callers: AdmittedCaller[] = [];
  private readonly callees: Connection[] = [];
  private readonly cidrs: CidrConnection[] = [];
  private readonly token?: ProjectedToken;
  private readonly trustDomain: string;
  private readonly dns: { namespace: string; labels: Record<string, string> };
  private readonly userNamespaces: boolean;
  private readonly fsGroup: number;
  private readonly gracePeriod: number;
  private readonly spreadZones: boolean;
  private readonly scheduling: PodScheduling;
  private readonly priorityClass?: IPriorityClass;
  private istioAuthorization?: istioAuthz.AuthorizationPolicy;
  private readonly linkerdCallers = new Map<string, Caller[]>();
  private readonly plaintextPorts = new Set<string>();
  private isPublic = false;
  private tokenReason?: string;

  protected constructor(scope: Construct, id: string, props: SecureWorkloadProps, shape: WorkloadShape) {
    super(scope, id);
    SynthPass.of(this).checkRenderedObjects(this);
    enableAppChecks(this);
    Object.defineProperty(this, SECURE_WORKLOAD, { value: true });
    this.shape = shape;
    const refuse = this._refuse = refuser(this, shape.construct);
    if (props === null || typeof props !== 'object') refuse('props', `are ${String(props)}`, 'pass { image, port, … }.');
    this._exceptions = ExceptionSet.ofConstruct(this, shape.construct, refuse, props.exceptions);

    this.name = props.workloadName ?? id;
    if (typeof this.name !== 'string' || this.name.length > 63 || !DNS_1035.test(this.name)) {
      refuse('workloadName', `is '${String(this.name)}', not a DNS-1035 label`,
        'use at most 63 lower-case letters, digits and \'-\', starting with a letter (set workloadName when the construct id does not qualify).');
    }
    this.namespace = this.resolveNamespace(props.namespace);
    const locked = LockedNamespace.of(this);
    if (!locked) addSynthWarning(this, () => unlockedNamespaceWarning(this, this.namespace));
    this.mesh = props.mesh ?? locked?.mesh ?? NamespaceMesh.NONE;
    if (!(this.mesh instanceof NamespaceMesh)) refuse('mesh', 'is not a NamespaceMesh', 'use NamespaceMesh.NONE, .ISTIO, .ISTIO_AMBIENT or .LINKERD.');
    this._partOf = props.partOf ?? partOfFor(this);
    if (typeof this._partOf !== 'string' || this._partOf.length === 0 || this._partOf.length > 63 || !LABEL_VALUE.test(this._partOf)) {
      refuse('partOf', `is '${String(this._partOf)}', not a label value`, 'give at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending alphanumeric.', 'HK-AUDIT-004');
    }
    this.selector = { [SELECTOR_LABEL]: this.name };
    this.trustDomain = props.trustDomain ?? 'cluster.local';
    if (typeof this.trustDomain !== 'string' || !DNS_SUBDOMAIN.test(this.trustDomain)) {
      refuse('trustDomain', `is '${String(this.trustDomain)}', not a trust domain`, 'give the mesh trust domain, e.g. \'cluster.local\'.', 'HK-NETWORK-009');
    }
    const dns = resolveDnsLocation(refuse, 'dns', props.dns);
    this.dns = { namespace: dns.namespace, labels: dns.podLabels };

    const runAsUser = this.identity('runAsUser', props.runAsUser, 'HK-WORKLOAD-004');
    const runAsGroup = this.identity('runAsGroup', props.runAsGroup, 'HK-WORKLOAD-005');
    this.fsGroup = this.identity('fsGroup', props.fsGroup, 'HK-WORKLOAD-005');
    const seccomp = (props.seccompProfile ?? SeccompProfile.runtimeDefault());
    if (!(seccomp instanceof SeccompProfile)) refuse('seccompProfile', 'is not a SeccompProfile', 'use SeccompProfile.runtimeDefault().', 'HK-WORKLOAD-008');
    if (seccomp._setting.type === 'Localhost') {
      if (!this._exceptions.excuses('HK-WORKLOAD-008')) {
        refuse('seccompProfile', `is Localhost '${seccomp._setting.localhostProfile}'`, 'use SeccompProfile.runtimeDefault().', 'HK-WORKLOAD-008', true);
      }
      if (typeof seccomp._setting.localhostProfile !== 'string' || !/^[^/\0][^\0]*$/.test(seccomp._setting.localhostProfile)) {
        refuse('seccompProfile', 'names no relative Localhost profile path', 'give a path relative to the kubelet seccomp directory, e.g. \'profiles/app.json\'.', 'HK-WORKLOAD-008');
      }
    }
    this.userNamespaces = props.userNamespaces ?? false;
    if (typeof this.userNamespaces !== 'boolean') refuse('userNamespaces', `is ${String(this.userNamespaces)}`, 'give true or false.', 'HK-WORKLOAD-023');
    this.spreadZones = props.spreadAcrossZones ?? false;
    if (typeof this.spreadZones !== 'boolean') refuse('spreadAcrossZones', `is ${String(this.spreadZones)}`, 'give true or false.', 'HK-WORKLOAD-021');
    this.gracePeriod = this.seconds('terminationGracePeriod', props.terminationGracePeriod, 30, 0, 3600);

    const registries = props.allowedRegistries === undefined ? []
      : Array.isArray(props.allowedRegistries) ? validateAllowedRegistries(this, shape.construct, 'allowedRegistries', props.allowedRegistries)
        : refuse('allowedRegistries', 'is not a list', 'give registry hosts, e.g. [\'registry.example.com\'].', 'HK-IMAGE-003');
    this.containerContext = {
      refuse,
      exceptions: this._exceptions,
      image: {
        exceptions: this._exceptions,
        allowLists: [
          { source: 'allowedRegistries', entries: registries },
          { source: `LockedNamespace '${locked?.name}'`, entries: locked?.allowedRegistries ?? [] },
        ],
      },
      runAsUser,
      runAsGroup,
      seccomp: seccomp._setting,
      runsToCompletion: shape.lifecycle === 'batch',
    };
    this.priorityClass = props.priorityClass;
    this.scheduling = resolveScheduling({ refuse, namespace: this.namespace, everyNode: shape.lifecycle === 'daemon' }, props);
    this.podExtras = resolvePodExtras(refuse, props);
    this.token = this.resolveToken(props.serviceAccountToken);
    this.main = resolveContainer({ ...this.containerContext, init: false, secrets: [], mountToken: this.token !== undefined }, '', props, 'app');
    this.recordSecretEnv('secretEnv', props.secretEnv);
    this.ports = this.main.ports.map((p) => ({ ...p }));

    this.serviceAccount = new kube.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: this.meta(['HK-RBAC-002', 'HK-NAMESPACE-001']),
      automountServiceAccountToken: false,
    });
    if (this.ports.length > 0 && (shape.clusterIpService ?? shape.lifecycle !== 'batch')) this.service = this.createService(props);
    this.networkPolicy = new kube.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: this.meta(['HK-NETWORK-004', 'HK-NETWORK-010', 'HK-NAMESPACE-001']),
      spec: Lazy.any({ produce: () => this.renderNetworkPolicy() }) as unknown as k8s.NetworkPolicySpec,
    });
    if (shape.lifecycle === 'replicated') {
      new kube.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: this.meta(['HK-NAMESPACE-001']),
        spec: { selector: { matchLabels: { ...this.selector } }, maxUnavailable: k8s.IntOrString.fromNumber(1), unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      });
    }
    this.createMeshObjects();
  }

  /** The ports the main container declares (copies), which routes and callers may open. */
  public get declaredPorts(): DeclaredPort[] {
    return this.ports.map((p) => ({ ...p }));
  }

  /**
   * Lets `peer`'s pods connect to this workload on its declared ports (or one of them): an ingress rule here, the
   * mirrored egress rule on the peer, and, in a mesh, an authorization by the peer's ServiceAccount.
   *
   * @example
   * api.allowFrom(web);            // web → api on every port api declares
   * db.allowFrom(api, { port: 5432 });
   */
  public allowFrom(peer: SecureWorkload, options: AllowFromOptions = {}): void {
    const prop = 'allowFrom(peer)';
    if (!SecureWorkload.isSecureWorkload(peer)) {
      this._refuse(prop, `is ${String(peer)}, not a secure workload`, 'pass a secure workload (SecureDeployment, SecureStatefulSet, SecureDaemonSet, SecureJob, SecureCronJob), or use allowFromNamespace for workloads managed elsewhere.', 'HK-NETWORK-003');
    }
    if (peer === this) {
      this._refuse(prop, 'is the workload itself', 'declare only connections between different workloads; pods of one workload need no rule to be replicas.', 'HK-NETWORK-003');
    }
    const ports = this.portsFor(prop, options);
    const description = `workload '${peer.name}' in namespace '${peer.namespace}'`;
    const caller: Caller = {
      namespace: peer.namespace, labels: { ...peer.selector }, serviceAccount: peer.name, ports, mesh: peer.mesh, description,
    };
    this.addCaller(prop, caller);
    const rulePorts = ports.map((p) => ({ port: p.port, protocol: p.protocol }));
    peer.callees.push({ peer: { namespace: this.namespace, labels: { ...this.selector } }, ports: rulePorts });
  }

  /** Lets pods labelled `podLabels` in `namespace` connect (ingress only: their egress is theirs to declare). */
  public allowFromNamespace(namespace: string, options: AllowFromNamespaceOptions): void {
    const prop = 'allowFromNamespace(namespace)';
    if (typeof namespace !== 'string' || !DNS_LABEL.test(namespace) || namespace.length > 63) {
      this._refuse(prop, `is '${String(namespace)}', not a namespace name`, 'give the namespace name.', 'HK-NETWORK-003');
    }
    const labels = options?.podLabels;
    if (!labels || typeof labels !== 'object' || Object.keys(labels).length === 0) {
      this._refuse('allowFromNamespace(options.podLabels)', 'is empty, which would admit every pod of the namespace',
        'name the calling pods by their labels, e.g. { \'app.kubernetes.io/name\': \'frontend\' }.', 'HK-NETWORK-003');
    }
    const mesh = options.mesh ?? this.mesh;
    if (!(mesh instanceof NamespaceMesh)) this._refuse('allowFromNamespace(options.mesh)', 'is not a NamespaceMesh', 'use NamespaceMesh.NONE, .ISTIO, .ISTIO_AMBIENT or .LINKERD.');
    if (this.mesh !== NamespaceMesh.NONE && mesh !== NamespaceMesh.NONE && !options.serviceAccount) {
      this._refuse('allowFromNamespace(options.serviceAccount)', 'is missing, but the workload is in a mesh that authorizes callers by identity',
        'name the callers\' ServiceAccount.', 'HK-NETWORK-009');
    }
    const ports = this.portsFor(prop, options);
    const description = `pods ${JSON.stringify(labels)} in namespace '${namespace}'`;
    this.addCaller(prop, { namespace, labels: { ...labels }, serviceAccount: options.serviceAccount, ports, mesh, description });
  }

  /**
   * Declares the workload public: the ingress controller's (or a Gateway's) pods may connect on the routed port, beside
   * the workload's declared internal callers; its pods are labelled `cdk8s-hardened.io/public: "true"` so the audit can
   * hold every peer admitting it to named pods (HK-NETWORK-005). SecureIngress and the Gateway API routes call this.
   */
  public allowFromIngressController(options: IngressControllerOptions = {}): void {
    const prop = 'allowFromIngressController()';
    const namespace = options.namespace ?? 'ingress-nginx';
    const labels = options.podLabels ?? { 'app.kubernetes.io/name': 'ingress-nginx' };
    if (typeof namespace !== 'string' || !DNS_LABEL.test(namespace)) {
      this._refuse('allowFromIngressController(options.namespace)', `is '${String(namespace)}', not a namespace name`, 'give the controller\'s namespace.', 'HK-NETWORK-005');
    }
    if (!labels || typeof labels !== 'object' || Object.keys(labels).length === 0) {
      this._refuse('allowFromIngressController(options.podLabels)', 'is empty', 'name the controller pods by their labels.', 'HK-NETWORK-005');
    }
    const mesh = options.mesh ?? NamespaceMesh.NONE;
    if (!(mesh instanceof NamespaceMesh)) this._refuse('allowFromIngressController(options.mesh)', 'is not a NamespaceMesh', 'use NamespaceMesh.NONE, .ISTIO, .ISTIO_AMBIENT or .LINKERD.');
    const ports = this.portsFor(prop, options);
    const description = `the ingress controller's pods ${JSON.stringify(labels)} in namespace '${namespace}'`;
    this.addCaller(prop, { namespace, labels: { ...labels }, serviceAccount: options.serviceAccount ?? 'ingress-nginx', ports, mesh, description });
    this.isPublic = true;
  }

  /**
   * Opens egress to addresses outside the cluster on the given ports. The cloud metadata address is always excepted
   * (HK-NETWORK-010); a CIDR that reaches public address space (`0.0.0.0/0`, two `/1` halves, a provider's range)
   * needs a recorded HK-NETWORK-004 exception: only private and reserved ranges are opened without one.
   */
  public allowEgressTo(cidr: string, ports: EgressPort[], except: string[] = []): void {
    const prop = 'allowEgressTo(cidr)';
    const inside = typeof cidr === 'string' ? metadataInside(cidr) : undefined;
    if (inside === undefined) this._refuse(prop, `is '${String(cidr)}', not a CIDR`, 'write it as \'203.0.113.0/24\' or \'2001:db8::/32\'.', 'HK-NETWORK-004');
    if (/\/0$/.test(cidr) && !this._exceptions.excuses('HK-NETWORK-004')) {
      this._refuse(prop, `is '${cidr}', every address`, 'name the networks the workload talks to.', 'HK-NETWORK-004', true);
    }
    if (reachesPublicSpace(cidr) && !this._exceptions.excuses('HK-NETWORK-004')) {
      this._refuse(prop, `is '${cidr}', which reaches public address space (it lies inside no private or reserved range such as 10.0.0.0/8)`,
        'name the private networks the workload talks to; internet egress is a recorded decision', 'HK-NETWORK-004', true);
    }
    if (METADATA_CIDRS.some((m) => !strictlyInside(cidr, m) && inside.includes(m)) && !this._exceptions.excuses('HK-NETWORK-010')) {
      this._refuse(prop, `is '${cidr}', the cloud metadata endpoint`, 'give the workload cloud credentials through workload identity instead.', 'HK-NETWORK-010', true);
    }
    if (!Array.isArray(ports) || ports.length === 0) {
      this._refuse('allowEgressTo(ports)', 'is empty, which would open every port', 'list the destination ports, e.g. [{ port: 443 }].', 'HK-NETWORK-004');
    }
    const rulePorts: RulePort[] = ports.map((p, i) => {
      if (!Number.isInteger(p?.port) || p.port < 1 || p.port > 65535) {
        this._refuse(`allowEgressTo(ports[${i}])`, `is ${JSON.stringify(p?.port) ?? 'undefined'}, not a port number`, 'give an integer from 1 to 65535.', 'HK-NETWORK-004');
      }
      const protocol = p.protocol ?? 'TCP';
      if (!['TCP', 'UDP', 'SCTP'].includes(protocol)) this._refuse(`allowEgressTo(ports[${i}].protocol)`, `is '${String(protocol)}'`, 'use TCP, UDP or SCTP.');
      return { port: p.port, protocol };
    });
    for (const e of except) {
      if (!strictlyInside(cidr, e)) this._refuse('allowEgressTo(except)', `holds '${e}', not a CIDR inside '${cidr}'`, 'list sub-ranges of the CIDR.', 'HK-NETWORK-010');
    }
    const metadata = inside.filter((m) => strictlyInside(cidr, m) && !except.includes(m));
    this.cidrs.push({ cidr, except: [...except, ...metadata], ports: rulePorts });
  }

  /**
   * Mounts `secret` as read-only files (mode 0400) under `path`, one file per key (HK-SECRETS-005, HK-SECRETS-007).
   */
  public mountSecret(secret: IMountableSecret, path: string, options: MountSecretOptions = {}): void {
    if (!secret || typeof secret.secretName !== 'string' || !DNS_SUBDOMAIN.test(secret.secretName)) {
      this._refuse('mountSecret(secret)', `is ${String(secret)}, not a Secret of the library`, 'pass an EncryptedSecret, SealedSecret or ExternalSecret.', 'HK-SECRETS-005');
    }
    if (secret.secretNamespace !== undefined && secret.secretNamespace !== this.namespace) {
      this._refuse('mountSecret(secret)', `is '${secret.secretName}' in namespace '${secret.secretNamespace}', not '${this.namespace}'`,
        'create the Secret in the workload\'s namespace; pods mount only Secrets of their own namespace.', 'HK-SECRETS-005');
    }
    if (!isAbsoluteDirectory(path)) {
      this._refuse('mountSecret(path)', `is ${JSON.stringify(path) ?? 'undefined'}, not an absolute directory`, 'give a directory such as \'/etc/secrets/db\'.', 'HK-SECRETS-007');
    }
    const container = this.containerFor('mountSecret', options.container);
    this.claimPath(container, path, 'mountSecret(path)', 'mount each Secret in its own directory.', 'HK-SECRETS-007');
    if (secret.createdElsewhere !== undefined) this._recordExternal('mountSecret(secret).createdElsewhere', `Secret/${secret.secretName}`, secret.createdElsewhere);
    const mounts = this.secretMounts.get(container.name) ?? [];
    mounts.push({ secretName: secret.secretName, path });
    this.secretMounts.set(container.name, mounts);
  }

  /**
   * Mounts a ConfigMap as read-only files (mode 0444) under `path`, one file per key: an ImmutableConfigMap (whose
   * hashed name rolls the pods when the content changes), a cdk8s-plus ConfigMap, or `ConfigMap.fromConfigMapName`.
   */
  public mountConfigMap(configMap: IConfigMap, path: string, options: MountConfigMapOptions = {}): void {
    const name = configMap?.name;
    if (typeof name !== 'string' || !DNS_SUBDOMAIN.test(name)) {
      this._refuse('mountConfigMap(configMap)', `is ${String(configMap)}, not a ConfigMap`, 'pass an ImmutableConfigMap, a cdk8s-plus ConfigMap or ConfigMap.fromConfigMapName(…).');
    }
    const container = this.containerFor('mountConfigMap', options.container);
    this.claimPath(container, path, 'mountConfigMap(path)', 'mount each ConfigMap in its own directory.');
    if (options.createdElsewhere !== undefined) this._recordExternal('mountConfigMap(options.createdElsewhere)', `ConfigMap/${name}`, options.createdElsewhere);
    const volume = this.addPodVolume(`config-${name}`, { configMap: name });
    this.addMount(container.name, { volume, path, readOnly: true });
  }

  /**
   * Mounts an existing PersistentVolumeClaim of the namespace under `path` (read-only when `readOnly`; a claim mounted
   * read-only is also attached read-only).
   */
  public mountVolumeClaim(claimName: string, path: string, options: MountVolumeClaimOptions = {}): void {
    if (typeof claimName !== 'string' || !DNS_SUBDOMAIN.test(claimName) || claimName.length > 253) {
      this._refuse('mountVolumeClaim(claimName)', `is ${JSON.stringify(claimName) ?? 'undefined'}, not a claim name`, 'give the PersistentVolumeClaim\'s name.');
    }
    const readOnly = options.readOnly ?? false;
    if (typeof readOnly !== 'boolean') this._refuse('mountVolumeClaim(options.readOnly)', `is ${JSON.stringify(readOnly)}`, 'give true or false.');
    const container = this.containerFor('mountVolumeClaim', options.container);
    this.claimPath(container, path, 'mountVolumeClaim(path)', 'mount each claim in its own directory.');
    if (options.createdElsewhere !== undefined) this._recordExternal('mountVolumeClaim(options.createdElsewhere)', `PersistentVolumeClaim/${claimName}`, options.createdElsewhere);
    const volume = this.addPodVolume(`claim-${claimName}`, { claimName, claimReadOnly: readOnly });
    this.addMount(container.name, { volume, path, readOnly });
  }

  /**
   * Adds a size-limited emptyDir that several containers of the pod mount with `mountSharedVolume`: e.g. an init
   * container renders configuration the main container reads.
   */
  public addSharedVolume(name: string, options: SharedVolumeOptions = {}): void {
    if (typeof name !== 'string' || name.length > 56 || !DNS_LABEL.test(name)) {
      this._refuse('addSharedVolume(name)', `is ${JSON.stringify(name) ?? 'undefined'}, not a DNS label of at most 56 characters`, 'name it like \'rendered-config\'.');
    }
    const size = options.sizeLimit === undefined ? '64Mi' : options.sizeLimit instanceof Size ? sizeQuantity(options.sizeLimit) : undefined;
    if (size === undefined) this._refuse('addSharedVolume(options.sizeLimit)', 'is not a positive whole number of KiB', 'bound it, e.g. Size.mebibytes(64).', 'HK-WORKLOAD-009');
    if (this.podVolumes.some((v) => v.name === `shared-${name}`)) this._refuse('addSharedVolume(name)', `is '${name}' again`, 'add each shared volume once.');
    this.addPodVolume(`shared-${name}`, { sharedSizeLimit: size });
  }

  /** Mounts a volume added with `addSharedVolume` into one container (read-write unless `readOnly`). */
  public mountSharedVolume(name: string, path: string, options: MountClaimOptions = {}): void {
    if (!this.podVolumes.some((v) => v.name === `shared-${name}`)) {
      this._refuse('mountSharedVolume(name)', `is ${JSON.stringify(name) ?? 'undefined'}, no shared volume of the workload`, 'add it first with addSharedVolume(name).');
    }
    const readOnly = options.readOnly ?? false;
    if (typeof readOnly !== 'boolean') this._refuse('mountSharedVolume(options.readOnly)', `is ${JSON.stringify(readOnly)}`, 'give true or false.');
    const container = this.containerFor('mountSharedVolume', options.container);
    this.claimPath(container, path, 'mountSharedVolume(path)', 'mount it in its own directory.');
    this.addMount(container.name, { volume: `shared-${name}`, path, readOnly });
  }

  /**
   * Reports the workload's exceptions that excuse nothing under the construct that built it and handed it its
   * exceptions (FluentBitAgent), so the refusal names the prop the user wrote.
   * @internal
   */
  public _reportIdleExceptionsAs(scope: IConstruct, construct: string, describe: (id: string, index: number) => IdleException): void {
    this._exceptions.reportIdleAs(scope, construct, describe);
  }

  /**
   * Adds a volume the pod declares (idempotent for the same source); returns its name.
   * @internal
   */
  protected addPodVolume(name: string, source: Omit<PodVolume, 'name'>): string {
    const volume = name.slice(0, 63).replace(/[-.]+$/, '');
    const existing = this.podVolumes.find((v) => v.name === volume);
    if (existing && JSON.stringify({ ...existing, name: undefined }) !== JSON.stringify({ ...source, name: undefined })) {
      this._refuse('volumes', `name '${volume}' twice for different sources`, 'give the sources distinct names.');
    }
    if (!existing) this.podVolumes.push({ name: volume, ...source });
    return volume;
  }

  /**
   * Mounts a pod volume into a container by name.
   * @internal
   */
  protected addMount(container: string, mount: VolumeMountSpec): void {
    this.volumeMounts.set(container, [...this.volumeMounts.get(container) ?? [], mount]);
  }

  /**
   * The container named `name` (the main one when undefined), or a refusal naming the method.
   * @internal
   */
  protected containerFor(method: string, name: string | undefined): HardenedContainerSpec {
    const container = [this.main, ...this.sidecars, ...this.inits].find((c) => c.name === (name ?? this.main.name));
    if (!container) this._refuse(`${method}(options.container)`, `is ${JSON.stringify(name)}, no container of the workload`, 'name one of its containers.');
    return container;
  }

  /**
   * Refuses a mount path that is not an absolute directory or overlaps another mount of the container.
   * @internal
   */
  protected claimPath(container: HardenedContainerSpec, path: string, prop: string, fix: string, practiceId?: string): void {
    if (!isAbsoluteDirectory(path)) {
      this._refuse(prop, `is ${JSON.stringify(path) ?? 'undefined'}, not an absolute directory`, 'give a directory such as \'/etc/app\'.', practiceId);
    }
    const taken = [
      ...container.writablePaths.map((w) => w.path),
      ...(this.secretMounts.get(container.name) ?? []).map((m) => m.path),
      ...(this.volumeMounts.get(container.name) ?? []).map((m) => m.path),
    ];
    if (taken.some((t) => t === path || t.startsWith(`${path}/`) || path.startsWith(`${t}/`))) {
      this._refuse(prop, `is '${path}', which overlaps another mount of container '${container.name}' (${taken.join(', ')})`, fix, practiceId);
    }
  }

  /** Adds a sidecar container with the same hardening as the main one. */
  public addContainer(options: SecureContainerOptions): void {
    const c = resolveContainer({ ...this.containerContext, init: false, secrets: [], mountToken: false }, `addContainer(${options?.name ?? '?'})`, options);
    this.refuseDuplicateName(c.name, 'addContainer(name)');
    this.refuseSharedPorts(c, `addContainer(${c.name}).ports`);
    this.recordSecretEnv(`addContainer(${c.name}).secretEnv`, options.secretEnv);
    this.sidecars.push(c);
  }

  /**
   * The containers of a pod share one network namespace: a sidecar that declares a port another container declares
   * cannot bind it (the second process fails with "address in use" and restarts forever), and a port name declared
   * twice leaves Services and probes that name it pointing at either. The API server only warns about either.
   */
  private refuseSharedPorts(c: HardenedContainerSpec, prop: string): void {
    for (const other of [this.main, ...this.sidecars, ...this.inits.filter((i) => i.restartPolicy === 'Always')]) {
      for (const port of c.ports) {
        const clash = other.ports.find((o) => o.port === port.port && o.protocol === port.protocol);
        if (clash) {
          this._refuse(prop, `declares ${port.protocol} ${port.port}, which container '${other.name}' declares too; containers of one pod share one network namespace, so only one of them can listen on it`,
            'give the sidecar a port of its own (and reach the other container on localhost at its port).');
        }
        if (other.ports.some((o) => o.name === port.name)) {
          this._refuse(prop, `names a port '${port.name}', which container '${other.name}' names too, so a Service or probe that names it is ambiguous`,
            'give the sidecar\'s port a name of its own, e.g. \'metrics\'.');
        }
      }
    }
  }

  /**
   * Adds a sidecar that starts before the application containers and keeps running beside them for the pod's life: a
   * restartable init container (`restartPolicy: Always`), e.g. a proxy or log shipper the application needs from its
   * first request, which does not keep a Job's pod from completing. Hardened like every container; probes are allowed,
   * and a readiness and a liveness check are required as for `addContainer` (none for a Job's pod). Needs Kubernetes
   * 1.29 or later, where the SidecarContainers feature is on by default: set the app's `KubernetesTarget`.
   */
  public addSidecarInitContainer(options: SecureContainerOptions): void {
    const prop = `addSidecarInitContainer(${options?.name ?? '?'})`;
    const minor = Number(KubernetesTarget.of(this).split('.')[1]);
    if (minor < SIDECAR_CONTAINERS_SINCE_MINOR) {
      this._refuse(prop, `needs Kubernetes 1.${SIDECAR_CONTAINERS_SINCE_MINOR}, but the app targets 1.${minor}, where the SidecarContainers feature gate is off `
        + 'by default: the API server drops restartPolicy and the sidecar blocks the pod as an init container that never completes',
      `target 1.${SIDECAR_CONTAINERS_SINCE_MINOR} or later (KubernetesTarget.set(app, '1.${SIDECAR_CONTAINERS_SINCE_MINOR}')), or add it as a regular sidecar with addContainer().`);
    }
    const c = resolveContainer({ ...this.containerContext, init: false, secrets: [], mountToken: false }, prop, options);
    this.refuseDuplicateName(c.name, 'addSidecarInitContainer(name)');
    this.refuseSharedPorts(c, `${prop}.ports`);
    this.inits.push({ ...c, restartPolicy: 'Always' });
  }

  /** Adds an init container with the same hardening; it runs to completion before the others start. */
  public addInitContainer(options: SecureContainerOptions): void {
    const c = resolveContainer({ ...this.containerContext, init: true, secrets: [], mountToken: false }, `addInitContainer(${options?.name ?? '?'})`, options);
    this.refuseDuplicateName(c.name, 'addInitContainer(name)');
    this.recordSecretEnv(`addInitContainer(${c.name}).secretEnv`, options.secretEnv);
    this.inits.push(c);
  }

  /**
   * The pod template, rendered through the one hardened builder.
   * @internal
   */
  protected _pod(overrides: PodOverrides = {}): HardenedPod {
    const host = overrides.hostAccess;
    const withSecrets = (c: HardenedContainerSpec) => ({
      ...c,
      secrets: this.secretMounts.get(c.name) ?? [],
      volumeMounts: this.volumeMounts.get(c.name) ?? [],
      ...(host && c === this.main ? { hostPaths: host.hostPaths } : {}),
    });
    return hardenedPodSpec({
      serviceAccountName: this.name,
      labels: { ...this.podExtras.labels, ...this.podLabels(), ...(this.isPublic ? { [PUBLIC_LABEL]: 'true' } : {}) },
      annotations: { ...this.podExtras.annotations, ...this.meshPodAnnotations() },
      selector: this.selector,
      runAsUser: this.containerContext.runAsUser,
      runAsGroup: this.containerContext.runAsGroup,
      fsGroup: this.fsGroup,
      seccomp: this.containerContext.seccomp,
      userNamespaces: this.userNamespaces,
      containers: [this.main, ...this.sidecars].map(withSecrets),
      initContainers: this.inits.map(withSecrets),
      ...(this.token ? { token: this.token } : {}),
      ...(this.shape.lifecycle === 'replicated' ? { spread: { zones: this.spreadZones } } : {}),
      restartPolicy: overrides.restartPolicy ?? 'Always',
      terminationGracePeriodSeconds: this.gracePeriod,
      ...(host ? { hostNetwork: host.hostNetwork, hostPid: host.hostPid } : {}),
      scheduling: this.scheduling,
      volumes: [...this.podVolumes, ...overrides.volumes ?? []],
      imagePullSecrets: this.podExtras.imagePullSecrets,
    });
  }

  /**
   * Validates host access (SecureDaemonSet and jobs): each kind needs its recorded exception, and a namespace whose
   * Pod Security level admits it — the API server would otherwise refuse every pod.
   * @internal
   */
  protected _resolveHostAccess(props: HostAccessProps): ResolvedHostAccess {
    const access = resolveHostAccess(this._refuse, this._exceptions, props);
    if (access.hostNetwork && this.ports.length > 0 && !this._exceptions.excuses('HK-WORKLOAD-012')) {
      this._refuse('hostNetwork', `is true while the container declares ports (${this.ports.map((p) => p.port).join(', ')}), so each opens on the node's own address`,
        'drop hostNetwork, or declare no port', 'HK-WORKLOAD-012', true);
    }
    const clash = access.hostPaths.find((h) => this.main.writablePaths.some((w) => w.path === h.mountPath));
    if (clash) this._refuse('hostPaths', `mounts '${clash.mountPath}', a writable path of the container too`, 'give the host path its own mountPath.', 'HK-WORKLOAD-011');
    const locked = LockedNamespace.of(this);
    if (needsPrivilegedNamespace(access) && locked !== undefined && locked.name === this.namespace) {
      const what = [access.hostNetwork ? 'hostNetwork' : '', access.hostPid ? 'hostPid' : '', access.hostPaths.length > 0 ? 'hostPaths' : ''].filter((x) => x).join(', ');
      this._refuse(access.hostPaths.length > 0 ? 'hostPaths' : access.hostNetwork ? 'hostNetwork' : 'hostPid',
        `asks for host access (${what}) in LockedNamespace '${locked.name}', whose Pod Security level ${locked.podSecurityLevel ?? 'restricted'} makes the API server refuse the pods`,
        'run the agent in a namespace of its own: create it under a PrivilegedNamespace, which records why its pods need host access.', 'HK-NAMESPACE-002');
    }
    return access;
  }

  /**
   * Metadata of one emitted object: name, namespace, and the exceptions that concern it. Provenance is stamped after.
   * @internal
   */
  protected meta(practices?: readonly string[]): k8s.ObjectMeta {
    const annotations = this._exceptions.annotations(practices);
    return { name: this.name, namespace: this.namespace, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) };
  }

  /**
   * The controller's metadata: every exception except those that only concern the Service, policy or account.
   * @internal
   */
  protected _controllerMeta(extra: Record<string, string> = {}): k8s.ObjectMeta {
    const own = this._exceptions.ids.filter((id) => !['HK-NETWORK-004', 'HK-NETWORK-006', 'HK-NETWORK-010'].includes(id));
    const annotations = {
      ...this._exceptions.annotations(own),
      ...externalReferencesAnnotation(this.externalReferences()),
      ...(this.token ? { 'cdk8s-hardened.io/api-access-reason': this.tokenReason! } : {}),
      ...extra,
    };
    const withAnnotations = Object.keys(annotations).length > 0 ? { annotations } : {};
    // app.kubernetes.io/instance equals metadata.name on every controller (Polaris metadataAndInstanceMismatched).
    return { name: this.name, namespace: this.namespace, labels: { ...this.selector, [INSTANCE_LABEL]: this.name }, ...withAnnotations };
  }

  /** What the pods reference that the app does not define: the PriorityClass, mounted Secrets, ConfigMaps and claims. */
  private externalReferences(): ExternalReference[] {
    const priority = this.priorityClass;
    return [
      ...(priority?.createdElsewhere !== undefined ? [{ ref: `PriorityClass/${priority.priorityClassName}`, reason: priority.createdElsewhere }] : []),
      ...this.externalRefs,
    ];
  }

  /**
   * Records that the pods reference `ref`, which `reason` says who creates; the controller's external-references
   * annotation is rewritten when the controller already exists (mounts come after the constructor).
   * @internal
   */
  protected _recordExternal(prop: string, ref: string, reason: unknown): void {
    if (!isAcceptableReason(reason as string)) {
      this._refuse(prop, `is ${shown(reason)}, not a reason of at least ${MIN_REASON_LENGTH} characters`,
        `say who creates ${ref}, e.g. 'issued by cert-manager (Certificate api-tls)'.`, 'HK-AUDIT-003');
    }
    const known = this.externalRefs.find((r) => r.ref === ref);
    if (known && known.reason.trim() !== (reason as string).trim()) {
      this._refuse(prop, `gives ${ref} a second reason (${shown(reason)}; first: ${shown(known.reason)})`, 'give one reason for one object.', 'HK-AUDIT-003');
    }
    if (known) return;
    this.externalRefs.push({ ref, reason: reason as string });
    const controller = this.node.defaultChild;
    if (controller instanceof ApiObject) {
      const [[key, value]] = Object.entries(externalReferencesAnnotation(this.externalReferences()));
      controller.metadata.addAnnotation(key, value);
    }
  }

  /** Records the Secrets created elsewhere that a container reads as environment variables (an excepted HK-SECRETS-005). */
  private recordSecretEnv(prop: string, env: Record<string, SecretEnvSource> | undefined): void {
    for (const [name, src] of Object.entries(env ?? {})) {
      if (src.secret.createdElsewhere !== undefined) this._recordExternal(`${prop}.${name}`, `Secret/${src.secret.secretName}`, src.secret.createdElsewhere);
    }
  }

  /** Stamps provenance on every object of the workload; called by the subclass once its controller exists. @internal */
  protected _stamp(): void {
    for (const o of this.node.findAll().filter(ApiObject.isApiObject)) stampProvenance(o, { name: this.name, partOf: this._partOf });
  }

  private podLabels(): Record<string, string> {
    const labels: Record<string, string> = { ...this.selector, 'app.kubernetes.io/part-of': this._partOf, 'app.kubernetes.io/managed-by': 'cdk8s-hardened' };
    if (this.mesh === NamespaceMesh.ISTIO) labels['sidecar.istio.io/inject'] = 'true';
    if (this.mesh === NamespaceMesh.ISTIO_AMBIENT) labels['istio.io/dataplane-mode'] = 'ambient';
    return labels;
  }

  private meshPodAnnotations(): Record<string, string> {
    return this.mesh === NamespaceMesh.LINKERD
      ? { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/default-inbound-policy': 'all-authenticated' }
      : {};
  }

  private resolveNamespace(given: string | undefined): string {
    const ns = given ?? enclosingNamespace(this);
    if (ns === undefined) {
      this._refuse('namespace', 'is missing, so the objects would land in \'default\'',
        'create the workload inside a LockedNamespace, give the Chart a namespace, or set namespace.', 'HK-NAMESPACE-001');
    }
    if (typeof ns !== 'string' || ns.length > 63 || !DNS_LABEL.test(ns)) {
      this._refuse('namespace', `is '${String(ns)}', not a namespace name`, 'give a DNS label such as \'payments\'.', 'HK-NAMESPACE-001');
    }
    if (ns === 'default') {
      this._refuse('namespace', 'is \'default\', which has no policies, quotas or RBAC boundaries', 'give the application its own namespace (LockedNamespace).', 'HK-NAMESPACE-001');
    }
    if (['kube-system', 'kube-public', 'kube-node-lease'].includes(ns) && !(ns === 'kube-system' && this._exceptions.excuses('HK-NAMESPACE-001'))) {
      this._refuse('namespace', `is '${ns}', a control-plane namespace`, 'give the application its own namespace (LockedNamespace).', 'HK-NAMESPACE-001');
    }
    return ns;
  }

  private identity(prop: string, value: number | undefined, practiceId: string): number {
    const v = value ?? 65532;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_ID) {
      this._refuse(prop, `is ${JSON.stringify(v) ?? 'undefined'}, not a numeric id`, 'give an integer above 10000, e.g. 65532.', practiceId);
    }
    if (v === 0) {
      this._refuse(prop, 'is 0, root', 'rebuild the image to run as a numeric non-root user (e.g. USER 65532) and keep the default.', practiceId === 'HK-WORKLOAD-004' ? 'HK-WORKLOAD-003' : practiceId);
    }
    if (v === 1337 && (this.mesh === NamespaceMesh.ISTIO || this.mesh === NamespaceMesh.ISTIO_AMBIENT)) {
      this._refuse(prop, 'is 1337, the Istio proxy\'s id, whose traffic bypasses the mesh', 'keep the default 65532.', practiceId);
    }
    if (v === 2102 && this.mesh === NamespaceMesh.LINKERD) {
      this._refuse(prop, 'is 2102, the Linkerd proxy\'s id, whose traffic bypasses the mesh', 'keep the default 65532.', practiceId);
    }
    if (v <= 10000 && !this._exceptions.excuses(practiceId)) {
      this._refuse(prop, `is ${v}, inside the range host accounts use`, 'use an id above 10000 (the default is 65532).', practiceId, true);
    }
    return v;
  }

  private seconds(prop: string, d: Duration | undefined, fallback: number, min: number, max: number): number {
    if (d === undefined) return fallback;
    let s: number | undefined;
    try {
      s = d.toSeconds();
    } catch {
      s = undefined;
    }
    if (s === undefined || s < min || s > max) {
      this._refuse(prop, `is ${s === undefined ? 'not a whole number of seconds' : `${s} seconds`}`, `give a whole number of seconds from ${min} to ${max}.`);
    }
    return s;
  }

  private resolveToken(options: ServiceAccountTokenOptions | undefined): ProjectedToken | undefined {
    if (options === undefined) return undefined;
    if (typeof options.audience !== 'string' || options.audience.trim().length === 0) {
      this._refuse('serviceAccountToken.audience', 'is empty, so the token would be valid for any audience', 'name the audience, e.g. \'https://kubernetes.default.svc\'.', 'HK-RBAC-002');
    }
    if (typeof options.reason !== 'string' || options.reason.trim().length < 10) {
      this._refuse('serviceAccountToken.reason', 'is shorter than 10 characters', 'say why the workload calls the API.', 'HK-RBAC-002');
    }
    this.tokenReason = options.reason.trim();
    const expirationSeconds = this.seconds('serviceAccountToken.expiration', options.expiration, 3600, 600, 3600);
    return { audience: options.audience, expirationSeconds };
  }

  private createService(props: SecureWorkloadProps): k8s.KubeService {
    const type = props.serviceType ?? ServiceType.CLUSTER_IP;
    if (type !== ServiceType.CLUSTER_IP && !((type === ServiceType.NODE_PORT || type === ServiceType.LOAD_BALANCER) && this._exceptions.excuses('HK-NETWORK-006'))) {
      this._refuse('serviceType', `is '${String(type)}'`, 'keep ClusterIP and expose the workload through the ingress controller (allowFromIngressController).', 'HK-NETWORK-006', true);
    }
    const externalIPs = props.externalIPs ?? [];
    if (!Array.isArray(externalIPs) || (externalIPs.length > 0 && !this._exceptions.excuses('HK-NETWORK-006'))) {
      this._refuse('externalIPs', `is ${JSON.stringify(externalIPs)}`, 'remove externalIPs (CVE-2020-8554); expose the workload through the ingress controller.', 'HK-NETWORK-006', true);
    }
    return new kube.KubeService(this, 'Service', {
      metadata: this.meta(['HK-NETWORK-006', 'HK-IMAGE-006', 'HK-NAMESPACE-001']),
      spec: {
        type,
        selector: { ...this.selector },
        ...(externalIPs.length > 0 ? { externalIPs: [...externalIPs] } : {}),
        ports: this.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol })),
      },
    });
  }

  private createMeshObjects(): void {
    if (this.mesh === NamespaceMesh.ISTIO || this.mesh === NamespaceMesh.ISTIO_AMBIENT) {
      new istioPeer.PeerAuthentication(this, 'PeerAuthentication', {
        metadata: this.meta(['HK-NAMESPACE-001', 'HK-NETWORK-008']),
        spec: Lazy.any({ produce: () => this.renderPeerAuthentication() }) as unknown as istioPeer.PeerAuthenticationSpec,
      });
    }
    if (this.mesh === NamespaceMesh.LINKERD) {
      for (const p of this.ports.filter((x) => x.protocol === 'TCP')) {
        new linkerdServer.ServerV1Beta3(this, `Server-${p.name}`, {
          metadata: { ...this.meta(['HK-NAMESPACE-001', 'HK-NETWORK-008']), name: `${this.name}-${p.name}`.slice(0, 63) },
          // A port accepting plaintext callers (recorded HK-NETWORK-008 exception) admits them unauthenticated.
          spec: Lazy.any({
            produce: () => ({ podSelector: { matchLabels: { ...this.selector } }, port: p.name, accessPolicy: this.plaintextPorts.has(p.name) ? 'all-unauthenticated' : 'deny' }),
          }) as unknown as linkerdServer.ServerV1Beta3Spec,
        });
      }
    }
  }

  private principal(c: Caller): string {
    return `${this.trustDomain}/ns/${c.namespace}/sa/${c.serviceAccount}`;
  }

  /** Istio: STRICT, with the ports that accept plaintext callers (recorded HK-NETWORK-008 exception) PERMISSIVE. */
  private renderPeerAuthentication(): istioPeer.PeerAuthenticationSpec {
    const PERMISSIVE = istioPeer.PeerAuthenticationSpecPortLevelMtlsMode.PERMISSIVE;
    const permissive = this.ports.filter((p) => this.plaintextPorts.has(p.name));
    return {
      selector: { matchLabels: { ...this.selector } },
      mtls: { mode: istioPeer.PeerAuthenticationSpecMtlsMode.STRICT },
      ...(permissive.length > 0
        ? { portLevelMtls: Object.fromEntries(permissive.map((p) => [String(p.port), { mode: PERMISSIVE }])) }
        : {}),
    };
  }

  /**
   * Records a caller once its mesh edge is decided (lib/mesh/mesh-edge.ts): refused when the mesh would drop its
   * connections, else admitted by identity, by plaintext on an excepted port, or (UDP) by the NetworkPolicy alone.
   */
  private addCaller(prop: string, candidate: Caller): void {
    const edge = decideMeshEdge({ mesh: this.mesh, description: this.name }, { mesh: candidate.mesh, description: candidate.description },
      candidate.ports, this._exceptions.has('HK-NETWORK-008'));
    if (isMeshEdgeRefusal(edge)) this._refuse(prop, edge.problem, edge.fix, edge.practiceId);
    if (edge.plaintextPorts.length > 0) this._exceptions.markUsed('HK-NETWORK-008');
    for (const p of edge.plaintextPorts) this.plaintextPorts.add(p.name);
    const caller: AdmittedCaller = {
      ...candidate, identityPorts: edge.identityPorts, plaintextPorts: edge.plaintextPorts, extraIngressPorts: edge.extraIngressPorts,
    };
    this.callers.push(caller);
    if ((this.mesh === NamespaceMesh.ISTIO || this.mesh === NamespaceMesh.ISTIO_AMBIENT) && !this.istioAuthorization) {
      this.istioAuthorization = new istioAuthz.AuthorizationPolicy(this, 'AuthorizationPolicy', {
        metadata: this.meta(['HK-NAMESPACE-001', 'HK-NETWORK-008']),
        spec: Lazy.any({
          produce: () => ({
            selector: { matchLabels: { ...this.selector } },
            action: istioAuthz.AuthorizationPolicySpecAction.ALLOW,
            // UDP ports get no rule (Istio does not proxy UDP); plaintext callers on a PERMISSIVE port carry no
            // principal, so their rule admits only unauthenticated requests on that port and the NetworkPolicy says who.
            rules: this.callers.flatMap((c) => [
              ...(c.identityPorts.length > 0 ? [{
                from: [{ source: { principals: [this.principal(c)] } }],
                to: [{ operation: { ports: c.identityPorts.map((p) => String(p.port)) } }],
              }] : []),
              ...(c.plaintextPorts.length > 0 ? [{
                from: [{ source: { notPrincipals: ['*'] } }],
                to: [{ operation: { ports: c.plaintextPorts.map((p) => String(p.port)) } }],
              }] : []),
            ]),
          }),
        }) as unknown as istioAuthz.AuthorizationPolicySpec,
      });
      stampProvenance(this.istioAuthorization, { name: this.name, partOf: this._partOf });
    }
    if (this.mesh === NamespaceMesh.LINKERD) {
      for (const p of caller.identityPorts.filter(meshProxies)) {
        const list = this.linkerdCallers.get(p.name);
        if (list) {
          list.push(caller);
          continue;
        }
        const callers = [caller];
        this.linkerdCallers.set(p.name, callers);
        const name = `${this.name}-${p.name}`.slice(0, 63);
        const mtls = new linkerdMtls.MeshTlsAuthentication(this, `Callers-${p.name}`, {
          metadata: { ...this.meta(['HK-NAMESPACE-001']), name },
          spec: Lazy.any({
            produce: () => ({ identityRefs: callers.map((c) => ({ kind: 'ServiceAccount', name: c.serviceAccount, namespace: c.namespace })) }),
          }) as unknown as linkerdMtls.MeshTlsAuthenticationSpec,
        });
        const authz = new linkerdAuthz.AuthorizationPolicy(this, `Authorization-${p.name}`, {
          metadata: { ...this.meta(['HK-NAMESPACE-001']), name },
          spec: {
            targetRef: { group: 'policy.linkerd.io', kind: 'Server', name },
            requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name }],
          },
        });
        stampProvenance(mtls, { name: this.name, partOf: this._partOf });
        stampProvenance(authz, { name: this.name, partOf: this._partOf });
      }
    }
  }

  private refuseDuplicateName(name: string, prop: string): void {
    if ([this.main, ...this.sidecars, ...this.inits].filter((c) => c.name === name).length > 0) {
      this._refuse(prop, `is '${name}', the name of another container`, 'give every container its own name.');
    }
  }

  private portsFor(prop: string, options: AllowFromOptions): DeclaredPort[] {
    if (this.ports.length === 0) {
      this._refuse(prop, 'opens a workload that declares no port', 'declare the port the workload serves (port or ports).', 'HK-NETWORK-004');
    }
    if (options?.port === undefined) return this.ports;
    const found = this.ports.filter((p) => p.port === options.port);
    if (found.length === 0) {
      this._refuse(`${prop.replace(/\(.*\)$/, '')}(options.port)`, `is ${JSON.stringify(options.port)}, not a declared port (${this.ports.map((p) => p.port).join(', ')})`,
        'open one of the declared ports, or declare the port.', 'HK-NETWORK-004');
    }
    return found;
  }

  private renderNetworkPolicy(): k8s.NetworkPolicySpec {
    const mesh = this.mesh;
    const hbone = [{ port: 15008, protocol: 'TCP' }];
    const linkerd = [{ port: 4143, protocol: 'TCP' }];
    const rules = networkPolicyRules({
      namespace: this.namespace,
      ingress: this.callers.map((c) => ({ peer: { namespace: c.namespace, labels: c.labels }, ports: [...c.ports, ...c.extraIngressPorts] })),
      egress: this.callees,
      cidrs: this.cidrs,
      dns: this.dns,
      meshIngressPorts: mesh === NamespaceMesh.ISTIO_AMBIENT ? hbone : mesh === NamespaceMesh.LINKERD ? linkerd : [],
      meshEgressPorts: mesh === NamespaceMesh.ISTIO_AMBIENT ? hbone : mesh === NamespaceMesh.LINKERD ? linkerd : [],
      ...(mesh === NamespaceMesh.ISTIO ? { meshControlPlane: { peer: { namespace: 'istio-system', labels: { app: 'istiod' } }, ports: [{ port: 15012, protocol: 'TCP' }] } } : {}),
      ...(mesh === NamespaceMesh.LINKERD ? {
        meshControlPlane: {
          peer: { namespace: 'linkerd', labels: { 'linkerd.io/control-plane-ns': 'linkerd' } },
          ports: [8080, 8086, 8090].map((port) => ({ port, protocol: 'TCP' })),
        },
      } : {}),
    });
    return {
      podSelector: { matchLabels: { ...this.selector } },
      policyTypes: ['Ingress', 'Egress'],
      ...(rules.ingress.length > 0 ? { ingress: rules.ingress } : {}),
      egress: rules.egress,
    };
  }
}

/**
 * The warning for a workload whose namespace no LockedNamespace of the app locks: the namespace-level practices are
 * then nobody's job here, so the reader learns which ones and the way out.
 */
function unlockedNamespaceWarning(workload: IConstruct, namespace: string): string | undefined {
  if (lockedNamespaces(workload).has(namespace)) return undefined;
  return `namespace '${namespace}' is not locked by any LockedNamespace of this app, so nothing here guarantees HK-NETWORK-001 `
    + '(default-deny), HK-NAMESPACE-002 (PSA restricted), HK-NAMESPACE-003 (ResourceQuota) or HK-NAMESPACE-004 (LimitRange). '
    + 'Create the workload inside a LockedNamespace, or adopt one locked elsewhere with LockedNamespace.fromName().';
}

const LOCKED_NAMESPACES = Symbol('lockedNamespaces');

/** Names of the namespaces a LockedNamespace (or a privileged job namespace) of the app locks; one tree walk per synth. */
function lockedNamespaces(scope: IConstruct): Set<string> {
  return SynthPass.of(scope).perSynth(LOCKED_NAMESPACES, () => new Set(scope.node.root.node.findAll().flatMap((c) => {
    if (LockedNamespace.of(c) === c) return [(c as unknown as ILockedNamespace).name];
    return isNamespaceScope(c) ? [c.name] : [];
  })));
}
