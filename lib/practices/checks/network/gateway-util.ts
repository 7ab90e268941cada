import { apiGroupOf } from './util';
import { asArray, Manifest, namespaceOf } from '../../manifest';
import { AuditContext } from '../../practice';

/** The Gateway API group. */
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** The route kinds of the standard channel that carry backendRefs to Services. */
export const ROUTE_KINDS: readonly string[] = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'];

/** Objects of `kinds` from the Gateway API group (any version). */
export function gatewayObjects(ctx: AuditContext, ...kinds: string[]): Manifest[] {
  return ctx.ofKind(...kinds).filter((o) => apiGroupOf(o) === GATEWAY_GROUP);
}

/** A listener of a Gateway. */
export interface Listener {
  readonly index: number;
  readonly name: string;
  readonly protocol: string;
  readonly port: unknown;
  readonly raw: any;
}

/** The listeners of a Gateway, in order. */
export function listenersOf(gateway: Manifest): Listener[] {
  return asArray(gateway.spec?.listeners).map((l, index) => ({
    index,
    name: typeof l?.name === 'string' ? l.name : `#${index}`,
    protocol: typeof l?.protocol === 'string' ? l.protocol : '?',
    port: l?.port,
    raw: l,
  }));
}

/** Whether a route's parentRef attaches it to `listener` of `gateway` (sectionName and port, when given, must match). */
export function attachesTo(route: Manifest, gateway: Manifest, listener: Listener): boolean {
  return asArray(route.spec?.parentRefs).some((p) => (p?.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && (p?.kind ?? 'Gateway') === 'Gateway'
    && p?.name === gateway.metadata?.name && (p?.namespace ?? namespaceOf(route)) === namespaceOf(gateway)
    && (p?.sectionName === undefined || p.sectionName === listener.name) && (p?.port === undefined || p.port === listener.port));
}

/** A reference from a route or an Ingress to a backend Service. */
export interface BackendReference {
  /** Where it is written, for messages (`spec.rules[0].backendRefs[1]`). */
  readonly field: string;
  /** `group`/`kind` of the target, `''`/`Service` for a Service. */
  readonly group: string;
  readonly kind: string;
  readonly name: unknown;
  /** The target's namespace (the referrer's when not given). */
  readonly namespace: string;
}

/** Every backend an Ingress, HTTPRoute, GRPCRoute, TLSRoute, TCPRoute or UDPRoute references. */
export function backendReferences(obj: Manifest): BackendReference[] {
  const ns = namespaceOf(obj);
  const out: BackendReference[] = [];
  if (obj.kind === 'Ingress') {
    const add = (field: string, b: any) => {
      if (b?.service) out.push({ field, group: '', kind: 'Service', name: b.service.name, namespace: ns });
      else if (b?.resource) out.push({ field, group: b.resource.apiGroup ?? '', kind: b.resource.kind ?? '?', name: b.resource.name, namespace: ns });
    };
    if (obj.spec?.defaultBackend) add('spec.defaultBackend', obj.spec.defaultBackend);
    asArray(obj.spec?.rules).forEach((r, i) => asArray(r?.http?.paths).forEach((p, j) => add(`spec.rules[${i}].http.paths[${j}].backend`, p?.backend)));
    return out;
  }
  asArray(obj.spec?.rules).forEach((r, i) => asArray(r?.backendRefs).forEach((b, j) => {
    out.push({ field: `spec.rules[${i}].backendRefs[${j}]`, group: b?.group ?? '', kind: b?.kind ?? 'Service', name: b?.name, namespace: b?.namespace ?? ns });
  }));
  return out;
}
