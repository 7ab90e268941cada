import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { resolveBackend, ResolvedBackend } from './backend';
import { IngressController, IngressControllerKind } from './ingress-controller';
import { certificateSpec, TlsSource, validateTlsSource } from './tls';
import { ExceptionSet } from '../exceptions/exception-set';
import * as certmanager from '../imports/certmanager-certificate-cert-manager.io';
import { enclosingNamespace, partOfFor } from '../namespace/enclosing-namespace';
import { requirePartOf } from '../namespace/namespace-guards';
import { PracticeException } from '../practices/exceptions';
import { stampProvenance } from '../provenance';
import { Refuse, refuser } from '../refusal';
import * as kube from '../render/kube';
import { SynthPass } from '../synth/synth-pass';
import { SecureWorkload } from '../workload/secure-workload';

/** How an Ingress path matches (always explicit: `ImplementationSpecific` differs between controllers). */
export enum IngressPathType {
  /** The path and everything under it, element by element (`/shop` matches `/shop/cart`, not `/shopping`). */
  PREFIX = 'Prefix',
  /** Exactly the path. */
  EXACT = 'Exact',
}

/** One path of a host, routed to a workload's Service. */
export interface IngressPath {
  /** The URL path, starting with `/`, of letters, digits and `/ - . _ ~` only (ingress-nginx's strict path validation). */
  readonly path: string;
  /** How the path matches; never left to the controller. */
  readonly pathType: IngressPathType;
  /** The workload that serves it: one of the library's workloads with a ClusterIP Service. */
  readonly backend: SecureWorkload;
  /**
   * The routed port, one the workload declares; it alone is opened to the controller.
   * @default - the workload's only declared TCP port (refused when it declares several)
   */
  readonly port?: number;
}

/** One host of a SecureIngress and its paths. */
export interface IngressHostRule {
  /** The host name (lower case); a wildcard `*.example.com` only with a recorded HK-NETWORK-007 exception. */
  readonly host: string;
  /** Its paths (at least one). */
  readonly paths: IngressPath[];
}

/** Props of SecureIngress. */
export interface SecureIngressProps {
  /** The ingress controller serving the Ingress (its IngressClass, pods, ServiceAccount and mesh). */
  readonly controller: IngressController;
  /** Where the certificate for every host comes from (HK-NETWORK-007). */
  readonly tls: TlsSource;
  /** The hosts and their paths (at least one host; every host explicit). */
  readonly rules: IngressHostRule[];
  /**
   * Name of the Ingress (and of its Certificate; the TLS Secret is `<name>-tls`).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the Ingress: the backends' (an Ingress routes only to Services of its own namespace).
   * @default - the enclosing LockedNamespace or Chart namespace, else the backends'
   */
  readonly namespace?: string;
  /** `app.kubernetes.io/part-of`. @default - the enclosing LockedNamespace's part-of, else the Chart's id */
  readonly partOf?: string;
  /** Recorded exceptions (a wildcard host needs HK-NETWORK-007). @default - none */
  readonly exceptions?: PracticeException[];
}

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const HOST = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);
const WILDCARD_HOST = new RegExp(`^\\*(\\.${DNS_LABEL})+$`);
const IPV4 = /^\d+(\.\d+){3}$/;
const PATH = /^\/[A-Za-z0-9/._~-]*$/;
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** ingress-nginx: redirect plain HTTP to HTTPS, also behind a TLS-terminating load balancer. */
export const INGRESS_NGINX_ANNOTATIONS: Readonly<Record<string, string>> = {
  'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
  'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
};

/**
 * An Ingress (`networking.k8s.io/v1`) that is safe to expose: `ingressClassName` from the controller, TLS on every
 * host (a cert-manager Certificate with its issuer named, or an existing TLS Secret), explicit hosts, explicit path
 * types, backends only the library's workloads' ClusterIP Services on declared ports, and the HTTPS redirect
 * annotations for ingress-nginx. Each backend admits the controller's pods on exactly the routed port (and keeps its
 * internal callers); the controller's egress policy gets the mirrored rule.
 *
 * @example
 * const nginx = IngressController.ingressNginx(platform, 'nginx');
 * new SecureIngress(shop, 'web', {
 *   controller: nginx,
 *   tls: TlsSource.certManager(CertIssuer.clusterIssuer('letsencrypt')),
 *   rules: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: web }] }],
 * });
 */
export class SecureIngress extends Construct {
  /** The Ingress (the construct's default child). */
  public readonly resource: k8s.KubeIngress;
  /** The cert-manager Certificate, when cert-manager issues the TLS certificate. */
  public readonly certificate?: certmanager.Certificate;
  /** The Ingress name. */
  public readonly name: string;
  /** The Ingress namespace. */
  public readonly namespace: string;
  /** Every host, in the order given. */
  public readonly hosts: string[];

  constructor(scope: Construct, id: string, props: SecureIngressProps) {
    super(scope, id);
    const refuse: Refuse = refuser(this, 'SecureIngress');
    if (props === null || typeof props !== 'object') refuse('props', `are ${String(props)}`, 'pass { controller, tls, rules }.');
    const exceptions = ExceptionSet.ofConstruct(this, 'SecureIngress', refuse, props.exceptions);
    const controller = props.controller;
    if (!IngressController.isIngressController(controller)) {
      refuse('controller', `is ${String(controller)}, not an IngressController`, 'name the controller once, e.g. IngressController.ingressNginx(platform, \'nginx\').', 'HK-NETWORK-005');
    }
    if (controller.ingressClassName === undefined) {
      refuse('controller', `is IngressController '${controller.node.path}', which serves no IngressClass`,
        'give the controller its ingressClassName (ingress-nginx: \'nginx\').', 'HK-NETWORK-007');
    }
    const tls = validateTlsSource(refuse, 'tls', props.tls);
    this.name = props.name ?? id;
    if (typeof this.name !== 'string' || !NAME.test(this.name) || this.name.length > 249) {
      refuse('name', `is '${String(this.name)}', not an object name`, 'use lower-case letters, digits, \'-\' and \'.\' (set name when the construct id does not qualify).');
    }

    const rules = validateRules(refuse, exceptions, props.rules);
    this.hosts = rules.map((r) => r.host);
    const routes = rules.map((r) => ({ host: r.host, paths: r.paths.map((p, j) => ({ ...p, resolved: resolveBackend(refuse, `rules[${r.index}].paths[${j}].backend`, p.backend, p.port) })) }));
    const backends = routes.flatMap((r) => r.paths.map((p) => p.resolved));
    this.namespace = resolveNamespace(refuse, this, props.namespace, backends);

    const secretName = tls.secretName ?? `${this.name}-tls`;
    if (tls.issuer) {
      this.certificate = new certmanager.Certificate(this, 'Certificate', {
        metadata: { name: this.name, namespace: this.namespace },
        spec: certificateSpec(tls, secretName, this.hosts),
      });
    }
    const annotations = {
      ...(controller.kind === IngressControllerKind.INGRESS_NGINX ? INGRESS_NGINX_ANNOTATIONS : {}),
      ...exceptions.annotations(),
    };
    this.resource = new kube.KubeIngress(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      spec: {
        ingressClassName: controller.ingressClassName,
        tls: [{ hosts: [...this.hosts], secretName }],
        rules: routes.map((r) => ({
          host: r.host,
          http: {
            paths: r.paths.map((p) => ({
              path: p.path,
              pathType: p.pathType,
              backend: { service: { name: p.resolved.serviceName, port: { number: p.resolved.port.port } } },
            })),
          },
        })),
      },
    });
    this.node.defaultChild = this.resource;
    // The construct checks its own rendered objects against the per-object practices at synth (a raw patch included).
    SynthPass.of(this).checkRenderedObjects(this);

    admitController(controller, backends);
    const partOf = props.partOf === undefined ? partOfFor(this) : requirePartOf(refuse, props.partOf);
    for (const o of [this.resource, ...(this.certificate ? [this.certificate] : [])]) stampProvenance(o, { name: this.name, partOf });
  }
}

interface ValidRule {
  readonly index: number;
  readonly host: string;
  readonly paths: IngressPath[];
}

function validateRules(refuse: Refuse, exceptions: ExceptionSet, rules: unknown): ValidRule[] {
  if (!Array.isArray(rules) || rules.length === 0) {
    refuse('rules', `is ${JSON.stringify(rules) ?? 'undefined'}, which names no host`,
      'list each host with its paths: [{ host: \'shop.example.com\', paths: [{ path: \'/\', pathType: IngressPathType.PREFIX, backend: web }] }].', 'HK-NETWORK-007');
  }
  const seen = new Set<string>();
  return rules.map((rule: IngressHostRule, i) => {
    const host = rule?.host;
    if (typeof host !== 'string' || host === '') {
      refuse(`rules[${i}].host`, `is ${JSON.stringify(host) ?? 'undefined'}, so the rule would answer any host`, 'name the host, e.g. \'shop.example.com\'.', 'HK-NETWORK-007');
    }
    if (WILDCARD_HOST.test(host) && host.length <= 253) {
      if (!exceptions.excuses('HK-NETWORK-007')) {
        refuse(`rules[${i}].host`, `is '${host}', a wildcard that answers for hosts nobody named`,
          'name each host, or add exceptions: [{ practice: \'HK-NETWORK-007\', reason: \'…\' }] (a wildcard certificate needs a DNS-01 issuer).', 'HK-NETWORK-007');
      }
    } else if (!HOST.test(host) || host.length > 253 || IPV4.test(host)) {
      refuse(`rules[${i}].host`, `is '${host}', not a lower-case DNS name`, 'give a host name such as \'shop.example.com\' (no IP address, port or upper case).', 'HK-NETWORK-007');
    }
    if (seen.has(host)) refuse(`rules[${i}].host`, `is '${host}' again`, 'list each host once, with all its paths.', 'HK-NETWORK-007');
    seen.add(host);
    if (!Array.isArray(rule.paths) || rule.paths.length === 0) {
      refuse(`rules[${i}].paths`, `is ${JSON.stringify(rule.paths) ?? 'undefined'}, so host '${host}' routes nowhere`, 'give at least one path.');
    }
    const paths = new Set<string>();
    rule.paths.forEach((p, j) => {
      const prop = `rules[${i}].paths[${j}]`;
      if (typeof p?.path !== 'string' || !PATH.test(p.path)) {
        refuse(`${prop}.path`, `is ${JSON.stringify(p?.path) ?? 'undefined'}, not an absolute path of letters, digits and / - . _ ~`,
          'give a path such as \'/\' or \'/api\' (no regular expressions: ingress-nginx validates paths strictly).');
      }
      if (!Object.values(IngressPathType).includes(p.pathType)) {
        refuse(`${prop}.pathType`, `is ${JSON.stringify(p.pathType) ?? 'undefined'}`, 'use IngressPathType.PREFIX or IngressPathType.EXACT (ImplementationSpecific differs between controllers).');
      }
      const key = `${p.pathType} ${p.path}`;
      if (paths.has(key)) refuse(`${prop}.path`, `is '${p.path}' (${p.pathType}) again for host '${host}'`, 'route each path of a host once.');
      paths.add(key);
    });
    return { index: i, host, paths: rule.paths };
  });
}

function resolveNamespace(refuse: Refuse, scope: Construct, given: string | undefined, backends: readonly ResolvedBackend[]): string {
  const namespaces = [...new Set(backends.map((b) => b.workload.namespace))];
  if (namespaces.length > 1) {
    refuse('rules', `route to workloads of several namespaces (${namespaces.join(', ')})`,
      'an Ingress reaches only Services of its own namespace: give each namespace its own SecureIngress.', 'HK-NETWORK-005');
  }
  const ns = given ?? enclosingNamespace(scope) ?? namespaces[0];
  if (ns !== namespaces[0]) {
    refuse('namespace', `is '${String(ns)}', but the backends run in '${namespaces[0]}'`,
      'create the SecureIngress in the backends\' namespace (an Ingress reaches only Services of its own namespace).', 'HK-NETWORK-005');
  }
  return ns;
}

/** Each backend admits the controller on exactly its routed port; the controller's egress policy mirrors it. */
export function admitController(controller: IngressController, backends: readonly ResolvedBackend[]): void {
  const done = new Set<string>();
  for (const b of backends) {
    const key = `${b.workload.node.path} ${b.port.port}`;
    if (done.has(key)) continue;
    done.add(key);
    b.workload.allowFromIngressController({
      namespace: controller.namespace,
      podLabels: { ...controller.podLabels },
      serviceAccount: controller.serviceAccount,
      mesh: controller.mesh,
      port: b.port.port,
    });
    const port = { port: b.port.port, protocol: b.port.protocol };
    controller._addRoute({ namespace: b.workload.namespace, labels: b.workload.selector, port, mesh: b.workload.mesh });
  }
}
