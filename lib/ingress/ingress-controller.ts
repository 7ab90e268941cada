import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { meshFamily } from '../mesh/mesh-edge';
import { partOfFor } from '../namespace/enclosing-namespace';
import { NamespaceMesh } from '../namespace/locked-namespace';
import { DNS_SUBDOMAIN } from '../practices/manifest';
import { stampProvenance } from '../provenance';
import { refuser } from '../refusal';
import * as kube from '../render/kube';
import { SynthPass } from '../synth/synth-pass';
import { peerOf, RulePort } from '../workload/network';

/** Which controller implementation serves the routes: decides the annotations a SecureIngress writes. */
export enum IngressControllerKind {
  /** kubernetes/ingress-nginx: HTTPS redirect annotations (`nginx.ingress.kubernetes.io/*`). */
  INGRESS_NGINX = 'ingress-nginx',
  /** Any other controller or a Gateway API implementation's proxies: no controller-specific annotations. */
  OTHER = 'other',
}

/** Props of IngressController: the controller's pods, named once for every route that reaches the app. */
export interface IngressControllerProps {
  /** Namespace the controller's (or the Gateway's proxy) pods run in. */
  readonly namespace: string;
  /** Labels selecting exactly the controller's pods (never empty). */
  readonly podLabels: Record<string, string>;
  /** The pods' ServiceAccount: their mesh identity, when they are meshed. */
  readonly serviceAccount: string;
  /**
   * The IngressClass the controller serves; every SecureIngress through it names it in `spec.ingressClassName`.
   * @default - none: the controller serves Gateway API routes only, and a SecureIngress through it is refused
   */
  readonly ingressClassName?: string;
  /** @default IngressControllerKind.OTHER */
  readonly kind?: IngressControllerKind;
  /**
   * The controller pods' mesh. A meshed backend admits the controller's identity only when the controller is in the
   * same mesh (Istio sidecar or ambient on the controller, or Linkerd's `linkerd.io/inject: ingress` mode).
   * @default NamespaceMesh.NONE
   */
  readonly mesh?: NamespaceMesh;
  /**
   * Emit, in the controller's namespace, a NetworkPolicy that lets the controller's pods reach every routed backend
   * on exactly the routed port (the other end of each backend's ingress rule). It assumes the controller namespace is
   * default-deny and that the controller's other egress (the API server, DNS) is allowed by the platform's own
   * policies; where the controller's egress is not isolated, this policy is what isolates it — keep it off there.
   * @default true
   */
  readonly egressPolicy?: boolean;
  /**
   * Name of that NetworkPolicy (one per application routed through the controller).
   * @default - '<part-of>-routes', the part-of being the enclosing LockedNamespace's or Chart's
   */
  readonly egressPolicyName?: string;
}

/** Options of `IngressController.ingressNginx`; each overrides one ingress-nginx Helm chart default. */
export interface IngressNginxOptions {
  /** @default 'ingress-nginx' */
  readonly namespace?: string;
  /** @default { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } */
  readonly podLabels?: Record<string, string>;
  /** @default 'ingress-nginx' */
  readonly serviceAccount?: string;
  /** @default 'nginx' */
  readonly ingressClassName?: string;
  /** @default NamespaceMesh.NONE */
  readonly mesh?: NamespaceMesh;
  /** @default true */
  readonly egressPolicy?: boolean;
  /** @default - '<part-of>-routes' */
  readonly egressPolicyName?: string;
}

/** One routed backend, as the controller's egress policy sees it. */
export interface RoutedBackend {
  /** The backend pods' namespace. */
  readonly namespace: string;
  /** Labels selecting the backend pods. */
  readonly labels: Readonly<Record<string, string>>;
  /** The routed port (the pods' port, which the NetworkPolicy sees after the Service). */
  readonly port: RulePort;
  /** The backend's mesh, for the proxy ports on the wire. */
  readonly mesh: NamespaceMesh;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const INGRESS_CONTROLLER = Symbol.for('cdk8s-hardened.IngressController');

/**
 * The ingress controller (or a Gateway API implementation's proxy pods), described once: where its pods run, their
 * labels, ServiceAccount and mesh, and the IngressClass it serves. SecureIngress and the Gateway API routes read it to
 * admit exactly those pods on each backend's routed port, and the controller emits the mirrored egress policy in
 * its own namespace. The controller itself (its Deployment, Service, ConfigMap) is the platform's: for ingress-nginx,
 * keep HSTS on in its ConfigMap (`hsts: "true"`, `hsts-max-age: "31536000"`, `hsts-include-subdomains: "true"`, the
 * chart defaults), since ingress-nginx sets HSTS there and not per Ingress.
 */
export class IngressController extends Construct {
  /** Whether `x` is an IngressController of this library (any copy). */
  public static isIngressController(x: unknown): x is IngressController {
    return typeof x === 'object' && x !== null && INGRESS_CONTROLLER in x;
  }

  /** kubernetes/ingress-nginx with its Helm chart's defaults. */
  public static ingressNginx(scope: Construct, id: string, options: IngressNginxOptions = {}): IngressController {
    return new IngressController(scope, id, {
      namespace: options.namespace ?? 'ingress-nginx',
      podLabels: options.podLabels ?? { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
      serviceAccount: options.serviceAccount ?? 'ingress-nginx',
      ingressClassName: options.ingressClassName ?? 'nginx',
      kind: IngressControllerKind.INGRESS_NGINX,
      ...(options.mesh ? { mesh: options.mesh } : {}),
      ...(options.egressPolicy !== undefined ? { egressPolicy: options.egressPolicy } : {}),
      ...(options.egressPolicyName !== undefined ? { egressPolicyName: options.egressPolicyName } : {}),
    });
  }

  /** The controller pods' namespace. */
  public readonly namespace: string;
  /** Labels selecting the controller pods. */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** The controller pods' ServiceAccount. */
  public readonly serviceAccount: string;
  /** The IngressClass it serves, if any. */
  public readonly ingressClassName?: string;
  /** The implementation. */
  public readonly kind: IngressControllerKind;
  /** The controller pods' mesh. */
  public readonly mesh: NamespaceMesh;
  private readonly egressPolicy: boolean;
  private readonly egressPolicyName: string;
  private readonly routes: RoutedBackend[] = [];
  private policy?: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: IngressControllerProps) {
    super(scope, id);
    Object.defineProperty(this, INGRESS_CONTROLLER, { value: true });
    const refuse = refuser(this, 'IngressController');
    if (props === null || typeof props !== 'object') refuse('props', `are ${String(props)}`, 'pass { namespace, podLabels, serviceAccount, … }.', 'HK-NETWORK-005');
    if (typeof props.namespace !== 'string' || !DNS_LABEL.test(props.namespace) || props.namespace.length > 63) {
      refuse('namespace', `is '${String(props.namespace)}', not a namespace name`, 'give the namespace the controller runs in, e.g. \'ingress-nginx\'.', 'HK-NETWORK-005');
    }
    const labels = props.podLabels;
    if (!labels || typeof labels !== 'object' || Array.isArray(labels) || Object.keys(labels).length === 0
      || Object.values(labels).some((v) => typeof v !== 'string')) {
      refuse('podLabels', `is ${JSON.stringify(labels) ?? 'undefined'}, which does not name the controller's pods`,
        'give the labels of the controller pods, e.g. { \'app.kubernetes.io/name\': \'ingress-nginx\' }.', 'HK-NETWORK-005');
    }
    if (typeof props.serviceAccount !== 'string' || !DNS_SUBDOMAIN.test(props.serviceAccount) || props.serviceAccount.length > 253) {
      refuse('serviceAccount', `is '${String(props.serviceAccount)}', not a ServiceAccount name`, 'give the controller pods\' ServiceAccount.', 'HK-NETWORK-009');
    }
    if (props.ingressClassName !== undefined && (typeof props.ingressClassName !== 'string' || !DNS_SUBDOMAIN.test(props.ingressClassName))) {
      refuse('ingressClassName', `is '${String(props.ingressClassName)}', not an IngressClass name`, 'give the IngressClass the controller serves, e.g. \'nginx\'.', 'HK-NETWORK-007');
    }
    const kind = props.kind ?? IngressControllerKind.OTHER;
    if (!Object.values(IngressControllerKind).includes(kind)) refuse('kind', `is '${String(kind)}'`, 'use IngressControllerKind.INGRESS_NGINX or .OTHER.');
    const mesh = props.mesh ?? NamespaceMesh.NONE;
    if (!(mesh instanceof NamespaceMesh)) refuse('mesh', 'is not a NamespaceMesh', 'use NamespaceMesh.NONE, .ISTIO, .ISTIO_AMBIENT or .LINKERD.');
    const egressPolicy = props.egressPolicy ?? true;
    if (typeof egressPolicy !== 'boolean') refuse('egressPolicy', `is ${String(egressPolicy)}`, 'give true or false.');
    const policyName = props.egressPolicyName ?? `${partOfFor(this)}-routes`;
    if (typeof policyName !== 'string' || !DNS_SUBDOMAIN.test(policyName) || policyName.length > 253) {
      refuse('egressPolicyName', `is '${String(policyName)}', not an object name`, 'give a lower-case name, e.g. \'shop-routes\'.');
    }
    this.namespace = props.namespace;
    this.podLabels = { ...labels };
    this.serviceAccount = props.serviceAccount;
    this.ingressClassName = props.ingressClassName;
    this.kind = kind;
    this.mesh = mesh;
    this.egressPolicy = egressPolicy;
    this.egressPolicyName = policyName;
  }

  /**
   * Records a routed backend: its egress rule in the controller's policy (created with the first route, so a
   * controller with no route isolates nothing).
   * @internal
   */
  public _addRoute(route: RoutedBackend): void {
    this.routes.push(route);
    if (!this.egressPolicy || this.policy) return;
    this.policy = new kube.KubeNetworkPolicy(this, 'EgressToBackends', {
      metadata: { name: this.egressPolicyName, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this.renderPolicy() }) as unknown as k8s.NetworkPolicySpec,
    });
    stampProvenance(this.policy, { name: this.egressPolicyName, partOf: partOfFor(this) });
    SynthPass.of(this).checkRenderedObjects(this);
  }

  private renderPolicy(): k8s.NetworkPolicySpec {
    const rules = new Map<string, k8s.NetworkPolicyEgressRule>();
    for (const r of this.routes) {
      const ports: RulePort[] = [r.port, ...proxyPorts(this.mesh, r.mesh)];
      const rule = {
        to: [peerOf({ namespace: r.namespace, labels: r.labels }, this.namespace)],
        ports: ports.map((p) => ({ protocol: p.protocol, port: k8s.IntOrString.fromNumber(p.port) })),
      };
      const key = JSON.stringify(rule);
      if (!rules.has(key)) rules.set(key, rule);
    }
    return { podSelector: { matchLabels: { ...this.podLabels } }, policyTypes: ['Egress'], egress: [...rules.values()] };
  }
}

/** Ports the meshes put on the wire between the controller and a backend, besides the routed one. */
function proxyPorts(controller: NamespaceMesh, backend: NamespaceMesh): RulePort[] {
  const family = meshFamily(controller);
  if (family !== meshFamily(backend)) return [];
  if (family === 'linkerd') return [{ port: 4143, protocol: 'TCP' }];
  if (family === 'istio' && (controller === NamespaceMesh.ISTIO_AMBIENT || backend === NamespaceMesh.ISTIO_AMBIENT)) return [{ port: 15008, protocol: 'TCP' }];
  return [];
}
