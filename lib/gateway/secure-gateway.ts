import { Construct } from 'constructs';
import { DNS_LABEL_PATTERN, HOSTNAME, NAME, validHostname, WILDCARD_HOSTNAME } from './names';
import { ExceptionSet } from '../exceptions/exception-set';
import * as certmanager from '../imports/certmanager-certificate-cert-manager.io';
import * as gw from '../imports/gateway-gateway-gateway.networking.k8s.io';
import * as http from '../imports/gateway-httproute-gateway.networking.k8s.io';
import { IngressController } from '../ingress/ingress-controller';
import { certificateSpec, TlsSource, validateTlsSource } from '../ingress/tls';
import { enclosingNamespace, partOfFor } from '../namespace/enclosing-namespace';
import { requirePartOf } from '../namespace/namespace-guards';
import { PracticeException } from '../practices/exceptions';
import { stampProvenance } from '../provenance';
import { Refuse, refuser } from '../refusal';
import { SynthPass } from '../synth/synth-pass';

/** An HTTPS listener a route can attach to. */
export interface GatewayListenerRef {
  /** The listener's name (the route's `sectionName`). */
  readonly name: string;
  /** The host it answers for. */
  readonly hostname: string;
}

/**
 * A Gateway (`gateway.networking.k8s.io/v1`) routes attach to: a SecureGateway, or one the platform made elsewhere
 * described by the same attributes.
 */
export interface IGateway {
  /** The Gateway's name. */
  readonly name: string;
  /** The Gateway's namespace. */
  readonly namespace: string;
  /** The pods that proxy the Gateway's traffic: what a backend admits (network and mesh identity). */
  readonly proxy: IngressController;
  /** The HTTPS listeners routes attach to, by name and hostname. */
  readonly httpsListeners: GatewayListenerRef[];
  /** The namespaces whose routes the HTTPS listeners admit. */
  readonly allowedRouteNamespaces: string[];
}

/** One HTTPS listener of a SecureGateway. */
export interface SecureGatewayListener {
  /** The host it answers for (lower case); a wildcard `*.example.com` only with a recorded HK-NETWORK-007 exception. */
  readonly hostname: string;
  /**
   * The listener's name, which routes name in `sectionName`.
   * @default - 'https-<n>', n counting from 0 in the order given
   */
  readonly name?: string;
  /** @default 443 */
  readonly port?: number;
}

/** Props of SecureGateway. */
export interface SecureGatewayProps {
  /** The GatewayClass of the platform's Gateway API implementation (e.g. 'istio', 'eg', 'cilium'). */
  readonly gatewayClassName: string;
  /** The pods that proxy the Gateway's traffic (namespace, labels, ServiceAccount, mesh), named once. */
  readonly proxy: IngressController;
  /** Where the certificate for every listener hostname comes from (a cert-manager Certificate or an existing Secret). */
  readonly tls: TlsSource;
  /** The HTTPS listeners (at least one). */
  readonly listeners: SecureGatewayListener[];
  /** The namespaces whose routes may attach, each by name (never all namespaces: HK-NETWORK-012). */
  readonly allowedRouteNamespaces: string[];
  /**
   * Add a plain-HTTP listener on port 80 that only redirects to HTTPS (301), with its redirect HTTPRoute; no other
   * route can attach to it.
   * @default true
   */
  readonly httpRedirect?: boolean;
  /** @default - the construct id */
  readonly name?: string;
  /** @default - the enclosing LockedNamespace or Chart namespace (one is required) */
  readonly namespace?: string;
  /** `app.kubernetes.io/part-of`. @default - the enclosing LockedNamespace's part-of, else the Chart's id */
  readonly partOf?: string;
  /** Recorded exceptions (a wildcard hostname needs HK-NETWORK-007). @default - none */
  readonly exceptions?: PracticeException[];
}

/** Name of the redirect-only HTTP listener. */
export const HTTP_REDIRECT_LISTENER = 'http-redirect';

/**
 * A Gateway that serves HTTPS only: every listener terminates TLS with a certificate from cert-manager (or an existing
 * Secret), an HTTP listener exists only to redirect to HTTPS, and routes attach only from the namespaces named in
 * `allowedRouteNamespaces` (a selector on `kubernetes.io/metadata.name`, never `All`). Routes to the library's
 * workloads are SecureHttpRoute and SecureGrpcRoute.
 */
export class SecureGateway extends Construct implements IGateway {
  /** The Gateway (the construct's default child). */
  public readonly resource: gw.Gateway;
  /** The cert-manager Certificate, when cert-manager issues the listeners' certificate. */
  public readonly certificate?: certmanager.Certificate;
  /** The redirect-only HTTPRoute of the HTTP listener, when there is one. */
  public readonly redirectRoute?: http.HttpRoute;
  /** The Gateway's name. */
  public readonly name: string;
  /** The Gateway's namespace. */
  public readonly namespace: string;
  /** The proxy pods. */
  public readonly proxy: IngressController;
  /** The HTTPS listeners. */
  public readonly httpsListeners: GatewayListenerRef[];
  /** The namespaces whose routes may attach. */
  public readonly allowedRouteNamespaces: string[];

  constructor(scope: Construct, id: string, props: SecureGatewayProps) {
    super(scope, id);
    const refuse: Refuse = refuser(this, 'SecureGateway');
    if (props === null || typeof props !== 'object') refuse('props', `are ${String(props)}`, 'pass { gatewayClassName, proxy, tls, listeners, allowedRouteNamespaces }.');
    const exceptions = ExceptionSet.ofConstruct(this, 'SecureGateway', refuse, props.exceptions);
    if (typeof props.gatewayClassName !== 'string' || !NAME.test(props.gatewayClassName) || props.gatewayClassName.length > 253) {
      refuse('gatewayClassName', `is '${String(props.gatewayClassName)}', not a GatewayClass name`, 'name the platform\'s GatewayClass, e.g. \'istio\'.');
    }
    if (!IngressController.isIngressController(props.proxy)) {
      refuse('proxy', `is ${String(props.proxy)}, not an IngressController`, 'describe the Gateway\'s proxy pods once with new IngressController(…).', 'HK-NETWORK-005');
    }
    this.proxy = props.proxy;
    const tls = validateTlsSource(refuse, 'tls', props.tls);
    this.name = props.name ?? id;
    if (typeof this.name !== 'string' || !NAME.test(this.name) || this.name.length > 253) {
      refuse('name', `is '${String(this.name)}', not an object name`, 'use lower-case letters, digits, \'-\' and \'.\' (set name when the construct id does not qualify).');
    }
    const ns = props.namespace ?? enclosingNamespace(this);
    if (typeof ns !== 'string' || !new RegExp(`^${DNS_LABEL_PATTERN}$`).test(ns) || ns.length > 63 || ns === 'default') {
      refuse('namespace', `is ${ns === undefined ? 'missing' : `'${String(ns)}'`}`, 'give the Gateway the platform\'s own namespace (LockedNamespace or namespace).', 'HK-NAMESPACE-001');
    }
    this.namespace = ns;
    this.allowedRouteNamespaces = validateNamespaces(refuse, props.allowedRouteNamespaces);
    this.httpsListeners = validateListeners(refuse, exceptions, props.listeners);
    const ports = new Map<string, number>((props.listeners ?? []).map((l, i) => [this.httpsListeners[i].name, l.port ?? 443]));
    const redirect = props.httpRedirect ?? true;
    if (typeof redirect !== 'boolean') refuse('httpRedirect', `is ${String(redirect)}`, 'give true or false.', 'HK-NETWORK-011');

    const secretName = tls.secretName ?? `${this.name}-tls`;
    const hostnames = [...new Set(this.httpsListeners.map((l) => l.hostname))];
    if (tls.issuer) {
      this.certificate = new certmanager.Certificate(this, 'Certificate', {
        metadata: { name: this.name, namespace: this.namespace },
        spec: certificateSpec(tls, secretName, hostnames),
      });
    }
    const annotations = exceptions.annotations();
    this.resource = new gw.Gateway(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      spec: {
        gatewayClassName: props.gatewayClassName,
        listeners: [
          ...this.httpsListeners.map((l) => ({
            name: l.name,
            hostname: l.hostname,
            port: ports.get(l.name)!,
            protocol: 'HTTPS',
            tls: { mode: gw.GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ group: '', kind: 'Secret', name: secretName }] },
            allowedRoutes: {
              namespaces: {
                from: gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR,
                selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...this.allowedRouteNamespaces] }] },
              },
              kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }, { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' }],
            },
          })),
          ...(redirect ? [{
            name: HTTP_REDIRECT_LISTENER,
            port: 80,
            protocol: 'HTTP',
            // Only the Gateway's own redirect route attaches here.
            allowedRoutes: {
              namespaces: { from: gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME },
              kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }],
            },
          }] : []),
        ],
      },
    });
    this.node.defaultChild = this.resource;
    // The construct checks its own rendered objects against the per-object practices at synth (a raw patch included).
    SynthPass.of(this).checkRenderedObjects(this);
    if (redirect) {
      this.redirectRoute = new http.HttpRoute(this, 'HttpRedirect', {
        metadata: { name: `${this.name}-${HTTP_REDIRECT_LISTENER}`.slice(0, 253), namespace: this.namespace },
        spec: {
          parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: this.name, sectionName: HTTP_REDIRECT_LISTENER }],
          hostnames,
          rules: [{
            filters: [{
              type: http.HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
              requestRedirect: {
                scheme: http.HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS,
                statusCode: http.HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301,
              },
            }],
          }],
        },
      });
    }
    const partOf = props.partOf === undefined ? partOfFor(this) : requirePartOf(refuse, props.partOf);
    for (const o of [this.resource, this.certificate, this.redirectRoute]) if (o) stampProvenance(o, { name: this.name, partOf });
  }
}

function validateNamespaces(refuse: Refuse, namespaces: unknown): string[] {
  if (!Array.isArray(namespaces) || namespaces.length === 0) {
    refuse('allowedRouteNamespaces', `is ${JSON.stringify(namespaces) ?? 'undefined'}, which names no namespace`,
      'name each namespace whose routes may attach, e.g. [\'shop\'] (never all namespaces).', 'HK-NETWORK-012');
  }
  namespaces.forEach((n, i) => {
    if (typeof n !== 'string' || !new RegExp(`^${DNS_LABEL_PATTERN}$`).test(n) || n.length > 63) {
      refuse(`allowedRouteNamespaces[${i}]`, `is ${JSON.stringify(n) ?? 'undefined'}, not a namespace name`, 'give namespace names, e.g. \'shop\'.', 'HK-NETWORK-012');
    }
  });
  return [...new Set(namespaces as string[])].sort();
}

function validateListeners(refuse: Refuse, exceptions: ExceptionSet, listeners: unknown): GatewayListenerRef[] {
  if (!Array.isArray(listeners) || listeners.length === 0) {
    refuse('listeners', `is ${JSON.stringify(listeners) ?? 'undefined'}, which names no HTTPS listener`, 'give at least one listener: [{ hostname: \'shop.example.com\' }].', 'HK-NETWORK-011');
  }
  const names = new Set<string>();
  const hosts = new Set<string>();
  return listeners.map((l: SecureGatewayListener, i) => {
    const prop = `listeners[${i}]`;
    const hostname = l?.hostname;
    if (typeof hostname !== 'string' || !validHostname(hostname)) {
      refuse(`${prop}.hostname`, `is ${JSON.stringify(hostname) ?? 'undefined'}, not a lower-case DNS name`,
        'name the host, e.g. \'shop.example.com\' (a listener without hostname answers any host).', 'HK-NETWORK-007');
    }
    if (WILDCARD_HOSTNAME.test(hostname) && !exceptions.excuses('HK-NETWORK-007')) {
      refuse(`${prop}.hostname`, `is '${hostname}', a wildcard that answers for hosts nobody named`,
        'name each host, or add exceptions: [{ practice: \'HK-NETWORK-007\', reason: \'…\' }] (a wildcard certificate needs a DNS-01 issuer).', 'HK-NETWORK-007');
    }
    const port = l.port ?? 443;
    if (!Number.isInteger(port) || port < 1 || port > 65535) refuse(`${prop}.port`, `is ${JSON.stringify(port)}, not a port number`, 'give an integer from 1 to 65535 (443 by default).');
    if (port === 80) refuse(`${prop}.port`, 'is 80, the plain-HTTP port the redirect listener uses', 'serve HTTPS on 443.', 'HK-NETWORK-011');
    const name = l.name ?? `https-${i}`;
    if (typeof name !== 'string' || !HOSTNAME.test(name) || name.length > 253 || name === HTTP_REDIRECT_LISTENER) {
      refuse(`${prop}.name`, `is '${String(name)}', not a listener name`, `use lower-case letters, digits, '-' and '.' (not '${HTTP_REDIRECT_LISTENER}').`);
    }
    if (names.has(name)) refuse(`${prop}.name`, `is '${name}' again`, 'give every listener its own name.');
    if (hosts.has(`${hostname}:${port}`)) refuse(`${prop}.hostname`, `is '${hostname}' on port ${port} again`, 'give each hostname one listener per port.');
    names.add(name);
    hosts.add(`${hostname}:${port}`);
    return { name, hostname };
  });
}
