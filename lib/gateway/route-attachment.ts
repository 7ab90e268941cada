import { Construct } from 'constructs';
import { HOSTNAME, hostnameCovered, NAME, validHostname, WILDCARD_HOSTNAME } from './names';
import { GatewayListenerRef, IGateway } from './secure-gateway';
import { ExceptionSet } from '../exceptions/exception-set';
import * as grant from '../imports/gateway-referencegrant-gateway.networking.k8s.io';
import { ResolvedBackend } from '../ingress/backend';
import { IngressController } from '../ingress/ingress-controller';
import { admitController } from '../ingress/secure-ingress';
import { enclosingNamespace, partOfFor } from '../namespace/enclosing-namespace';
import { requirePartOf } from '../namespace/namespace-guards';
import { PracticeException } from '../practices/exceptions';
import { stampProvenance } from '../provenance';
import { Refuse, refuser } from '../refusal';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** A parentRef of a route (HTTPRoute and GRPCRoute share the shape). */
export interface RouteParentRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly sectionName: string;
}

/** A backendRef of a route to a Service. */
export interface RouteBackendRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly port: number;
}

/** The props HTTPRoutes and GRPCRoutes share. */
export interface RouteHeadProps {
  readonly gateway: IGateway;
  readonly hostnames: string[];
  readonly name?: string;
  readonly namespace?: string;
  readonly partOf?: string;
  readonly exceptions?: PracticeException[];
}

/** What both route kinds settle before their rules: the refusal, exceptions, Gateway, name, namespace and listeners. */
export interface RouteHead {
  readonly refuse: Refuse;
  readonly exceptions: ExceptionSet;
  readonly gateway: IGateway;
  readonly name: string;
  readonly namespace: string;
  readonly hostnames: string[];
  readonly parentRefs: RouteParentRef[];
  readonly partOf: string;
}

/** Validates the props every route shares, in the order a user reads them. */
export function routeHead(scope: Construct, construct: string, id: string, props: RouteHeadProps): RouteHead {
  const refuse = refuser(scope, construct);
  if (props === null || typeof props !== 'object') refuse('props', `are ${String(props)}`, 'pass { gateway, hostnames, rules }.');
  const exceptions = ExceptionSet.ofConstruct(scope, construct, refuse, props.exceptions);
  const gateway = validateGateway(refuse, props.gateway);
  const name = props.name ?? id;
  if (typeof name !== 'string' || !NAME.test(name) || name.length > 253) {
    refuse('name', `is '${String(name)}', not an object name`, 'use lower-case letters, digits, \'-\' and \'.\' (set name when the construct id does not qualify).');
  }
  const namespace = routeNamespace(refuse, scope, props.namespace, gateway);
  const { hostnames, parentRefs } = attachToListeners(refuse, exceptions, gateway, namespace, props.hostnames);
  const partOf = props.partOf === undefined ? partOfFor(scope) : requirePartOf(refuse, props.partOf);
  return { refuse, exceptions, gateway, name, namespace, hostnames, parentRefs, partOf };
}

/** The `metadata.annotations` recording the route's exceptions, if any. */
export function annotationsOf(exceptions: ExceptionSet): { annotations?: Record<string, string> } {
  const annotations = exceptions.annotations();
  return Object.keys(annotations).length > 0 ? { annotations } : {};
}

/** Validates the Gateway a route attaches to (a SecureGateway, or the same attributes of a Gateway made elsewhere). */
export function validateGateway(refuse: Refuse, gateway: unknown): IGateway {
  const g = gateway as IGateway;
  if (!g || typeof g !== 'object' || typeof g.name !== 'string' || typeof g.namespace !== 'string' || !Array.isArray(g.httpsListeners)
    || !Array.isArray(g.allowedRouteNamespaces) || !IngressController.isIngressController(g.proxy)) {
    refuse('gateway', `is ${String(gateway)}, not a Gateway`, 'pass the SecureGateway (or an IGateway naming the platform\'s Gateway, its proxy, HTTPS listeners and allowed namespaces).');
  }
  return g;
}

/** The route's namespace: given, else enclosing; it must be one the Gateway admits routes from (else the route never attaches). */
export function routeNamespace(refuse: Refuse, scope: Construct, given: string | undefined, gateway: IGateway): string {
  const ns = given ?? enclosingNamespace(scope);
  if (typeof ns !== 'string' || ns === 'default' || !HOSTNAME.test(ns) || ns.length > 63 || ns.includes('.')) {
    refuse('namespace', `is ${ns === undefined ? 'missing' : `'${String(ns)}'`}`, 'create the route in its application\'s namespace (LockedNamespace or namespace).', 'HK-NAMESPACE-001');
  }
  if (!gateway.allowedRouteNamespaces.includes(ns)) {
    refuse('gateway', `is Gateway '${gateway.namespace}/${gateway.name}', which admits routes only from ${gateway.allowedRouteNamespaces.map((n) => `'${n}'`).join(', ')}, not from '${ns}'`,
      `add '${ns}' to the Gateway's allowedRouteNamespaces; the Gateway would never attach this route.`, 'HK-NETWORK-012');
  }
  return ns;
}

/** Validates the route's hostnames and picks the HTTPS listeners that serve them (one parentRef each, by sectionName). */
export function attachToListeners(
  refuse: Refuse, exceptions: ExceptionSet, gateway: IGateway, routeNs: string, hostnames: unknown,
): { hostnames: string[]; parentRefs: RouteParentRef[] } {
  if (!Array.isArray(hostnames) || hostnames.length === 0) {
    refuse('hostnames', `is ${JSON.stringify(hostnames) ?? 'undefined'}, so the route would answer every host of the Gateway`, 'name the hosts, e.g. [\'shop.example.com\'].', 'HK-NETWORK-007');
  }
  const listeners = new Map<string, GatewayListenerRef>();
  hostnames.forEach((h, i) => {
    if (typeof h !== 'string' || !validHostname(h)) {
      refuse(`hostnames[${i}]`, `is ${JSON.stringify(h) ?? 'undefined'}, not a lower-case DNS name`, 'give a host name such as \'shop.example.com\'.', 'HK-NETWORK-007');
    }
    if (WILDCARD_HOSTNAME.test(h) && !exceptions.excuses('HK-NETWORK-007')) {
      refuse(`hostnames[${i}]`, `is '${h}', a wildcard that answers for hosts nobody named`, 'name each host, or add exceptions: [{ practice: \'HK-NETWORK-007\', reason: \'…\' }].', 'HK-NETWORK-007');
    }
    const serving = gateway.httpsListeners.filter((l) => hostnameCovered(l.hostname, h));
    if (serving.length === 0) {
      refuse(`hostnames[${i}]`, `is '${h}', which no HTTPS listener of Gateway '${gateway.namespace}/${gateway.name}' serves (${gateway.httpsListeners.map((l) => l.hostname).join(', ')})`,
        'add a listener for the host to the Gateway, or route a host it serves.', 'HK-NETWORK-011');
    }
    for (const l of serving) listeners.set(l.name, l);
  });
  const parentRefs = [...listeners.values()].map((l) => ({
    group: GATEWAY_GROUP,
    kind: 'Gateway',
    name: gateway.name,
    ...(gateway.namespace !== routeNs ? { namespace: gateway.namespace } : {}),
    sectionName: l.name,
  }));
  return { hostnames: [...new Set(hostnames as string[])], parentRefs };
}

/**
 * The backendRef for a resolved backend, with the ReferenceGrant a backend in another namespace needs (emitted in
 * the backend's namespace, beside the workload), and the backend admitting the Gateway's proxy on the routed port.
 */
export function backendRef(routeKind: 'HTTPRoute' | 'GRPCRoute', routeName: string, routeNs: string, b: ResolvedBackend): RouteBackendRef {
  const ns = b.workload.namespace;
  if (ns !== routeNs) {
    const id = `ReferenceGrant-${routeKind}-${routeNs}-${routeName}-${b.serviceName}`;
    const scope = b.workload.node.scope!;
    if (!scope.node.tryFindChild(id)) {
      const obj = new grant.ReferenceGrant(scope, id, {
        metadata: { name: `${routeNs}-${routeName}-${b.serviceName}`.slice(0, 253).replace(/[-.]+$/, ''), namespace: ns },
        spec: {
          from: [{ group: GATEWAY_GROUP, kind: routeKind, namespace: routeNs }],
          to: [{ group: '', kind: 'Service', name: b.serviceName }],
        },
      });
      // The grant belongs to the backend's namespace and application, like the workload beside it.
      stampProvenance(obj, { name: b.workload.name, partOf: partOfFor(b.workload) });
    }
  }
  return { group: '', kind: 'Service', name: b.serviceName, ...(ns !== routeNs ? { namespace: ns } : {}), port: b.port.port };
}

/** Every backend admits the Gateway's proxy pods on its routed port; the proxy's egress policy mirrors it. */
export function admitProxy(gateway: IGateway, backends: readonly ResolvedBackend[]): void {
  admitController(gateway.proxy, backends);
}
