import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { admitProxy, annotationsOf, backendRef, routeHead } from './route-attachment';
import { IGateway } from './secure-gateway';
import * as http from '../imports/gateway-httproute-gateway.networking.k8s.io';
import { resolveBackend } from '../ingress/backend';
import { PracticeException } from '../practices/exceptions';
import { stampProvenance } from '../provenance';
import { Refuse } from '../refusal';
import { SynthPass } from '../synth/synth-pass';
import { SecureWorkload } from '../workload/secure-workload';

/** How an HTTPRoute path matches (always explicit). */
export enum RoutePathType {
  /** The path and everything under it, element by element. */
  PATH_PREFIX = 'PathPrefix',
  /** Exactly the path. */
  EXACT = 'Exact',
}

/** One rule of a SecureHttpRoute: a path to a workload. */
export interface HttpRouteRule {
  /** The URL path, starting with `/`, of letters, digits and `/ - . _ ~`. */
  readonly path: string;
  /** How the path matches. */
  readonly pathType: RoutePathType;
  /** The workload that serves it: one of the library's workloads with a ClusterIP Service. */
  readonly backend: SecureWorkload;
  /** The routed port, one the workload declares. @default - the workload's only declared TCP port */
  readonly port?: number;
}

/** Props of SecureHttpRoute. */
export interface SecureHttpRouteProps {
  /** The Gateway the route attaches to (the platform's, usually in another namespace). */
  readonly gateway: IGateway;
  /** The hosts the route answers for, each served by an HTTPS listener of the Gateway. */
  readonly hostnames: string[];
  /** The paths (at least one). */
  readonly rules: HttpRouteRule[];
  /**
   * `Strict-Transport-Security` max-age set on every response (a ResponseHeaderModifier filter, Gateway API
   * "Extended" support); `includeSubDomains` is always set.
   * @default Duration.days(365)
   */
  readonly hstsMaxAge?: Duration;
  /** @default - the construct id */
  readonly name?: string;
  /** @default - the enclosing LockedNamespace or Chart namespace */
  readonly namespace?: string;
  /** `app.kubernetes.io/part-of`. @default - the enclosing LockedNamespace's part-of, else the Chart's id */
  readonly partOf?: string;
  /** Recorded exceptions (a wildcard hostname needs HK-NETWORK-007). @default - none */
  readonly exceptions?: PracticeException[];
}

const PATH = /^\/[A-Za-z0-9/._~-]*$/;

/**
 * An HTTPRoute (`gateway.networking.k8s.io/v1`) from a Gateway's HTTPS listeners to the library's workloads: explicit
 * hostnames each served by a listener (one parentRef per listener, by sectionName, across namespaces), explicit path
 * types, backends only the workloads' ClusterIP Services on declared ports, a ReferenceGrant in the backend's namespace
 * when it is not the route's, HSTS on every response, and each backend admitting the Gateway's proxy pods on exactly
 * the routed port.
 */
export class SecureHttpRoute extends Construct {
  /** The HTTPRoute (the construct's default child). */
  public readonly resource: http.HttpRoute;
  /** The route's name. */
  public readonly name: string;
  /** The route's namespace. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: SecureHttpRouteProps) {
    super(scope, id);
    const { refuse, exceptions, gateway, name, namespace, hostnames, parentRefs, partOf } = routeHead(this, 'SecureHttpRoute', id, props);
    this.name = name;
    this.namespace = namespace;
    const maxAge = hstsSeconds(refuse, props.hstsMaxAge);
    if (!Array.isArray(props.rules) || props.rules.length === 0) {
      refuse('rules', `is ${JSON.stringify(props.rules) ?? 'undefined'}, which routes nowhere`, 'give at least one rule: [{ path: \'/\', pathType: RoutePathType.PATH_PREFIX, backend: web }].');
    }
    const seen = new Set<string>();
    const rules = props.rules.map((r, i) => {
      if (typeof r?.path !== 'string' || !PATH.test(r.path) || r.path.length > 1024) {
        refuse(`rules[${i}].path`, `is ${JSON.stringify(r?.path) ?? 'undefined'}, not an absolute path of letters, digits and / - . _ ~`, 'give a path such as \'/\' or \'/api\'.');
      }
      if (!Object.values(RoutePathType).includes(r.pathType)) {
        refuse(`rules[${i}].pathType`, `is ${JSON.stringify(r.pathType) ?? 'undefined'}`, 'use RoutePathType.PATH_PREFIX or RoutePathType.EXACT (regular expressions differ between implementations).');
      }
      if (seen.has(`${r.pathType} ${r.path}`)) refuse(`rules[${i}].path`, `is '${r.path}' (${r.pathType}) again`, 'route each path once.');
      seen.add(`${r.pathType} ${r.path}`);
      const resolved = resolveBackend(refuse, `rules[${i}].backend`, r.backend, r.port);
      return { resolved, path: r.path, pathType: r.pathType };
    });
    this.resource = new http.HttpRoute(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, ...annotationsOf(exceptions) },
      spec: {
        parentRefs,
        hostnames,
        rules: rules.map((r) => ({
          matches: [{ path: { type: r.pathType as unknown as http.HttpRouteSpecRulesMatchesPathType, value: r.path } }],
          filters: [{
            type: http.HttpRouteSpecRulesFiltersType.RESPONSE_HEADER_MODIFIER,
            responseHeaderModifier: { set: [{ name: 'Strict-Transport-Security', value: `max-age=${maxAge}; includeSubDomains` }] },
          }],
          backendRefs: [backendRef('HTTPRoute', this.name, this.namespace, r.resolved)],
        })),
      },
    });
    this.node.defaultChild = this.resource;
    // The construct checks its own rendered objects against the per-object practices at synth (a raw patch included).
    SynthPass.of(this).checkRenderedObjects(this);
    admitProxy(gateway, rules.map((r) => r.resolved));
    stampProvenance(this.resource, { name: this.name, partOf });
  }
}

function hstsSeconds(refuse: Refuse, d: Duration | undefined): number {
  if (d === undefined) return 31536000;
  let s: number | undefined;
  try {
    s = d instanceof Duration ? d.toSeconds() : undefined;
  } catch {
    s = undefined;
  }
  if (s === undefined || !Number.isInteger(s) || s < 86400) {
    refuse('hstsMaxAge', `is ${s === undefined ? 'not a whole number of seconds' : `${s} seconds`}`, 'give at least a day, e.g. Duration.days(365).', 'HK-NETWORK-011');
  }
  return s;
}
