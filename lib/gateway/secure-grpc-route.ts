import { Construct } from 'constructs';
import { admitProxy, annotationsOf, backendRef, routeHead } from './route-attachment';
import { IGateway } from './secure-gateway';
import * as grpc from '../imports/gateway-grpcroute-gateway.networking.k8s.io';
import { resolveBackend } from '../ingress/backend';
import { PracticeException } from '../practices/exceptions';
import { stampProvenance } from '../provenance';
import { SynthPass } from '../synth/synth-pass';
import { SecureWorkload } from '../workload/secure-workload';

/** One rule of a SecureGrpcRoute: a gRPC service (and optionally one method) to a workload. */
export interface GrpcRouteRule {
  /** The fully qualified gRPC service, e.g. `shop.v1.Cart`. */
  readonly service: string;
  /** One method of the service. @default - every method of the service */
  readonly method?: string;
  /** The workload that serves it: one of the library's workloads with a ClusterIP Service. */
  readonly backend: SecureWorkload;
  /** The routed port, one the workload declares. @default - the workload's only declared TCP port */
  readonly port?: number;
}

/** Props of SecureGrpcRoute. */
export interface SecureGrpcRouteProps {
  /** The Gateway the route attaches to. */
  readonly gateway: IGateway;
  /** The hosts the route answers for, each served by an HTTPS listener of the Gateway. */
  readonly hostnames: string[];
  /** The services (at least one). */
  readonly rules: GrpcRouteRule[];
  /** @default - the construct id */
  readonly name?: string;
  /** @default - the enclosing LockedNamespace or Chart namespace */
  readonly namespace?: string;
  /** `app.kubernetes.io/part-of`. @default - the enclosing LockedNamespace's part-of, else the Chart's id */
  readonly partOf?: string;
  /** Recorded exceptions (a wildcard hostname needs HK-NETWORK-007). @default - none */
  readonly exceptions?: PracticeException[];
}

/** A gRPC service name: dot-separated identifiers (`package.Service`). */
const SERVICE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const METHOD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A GRPCRoute (`gateway.networking.k8s.io/v1`) from a Gateway's HTTPS listeners to the library's workloads, matched by
 * exact service (and method), with the same attachment, backend, ReferenceGrant and admission rules as SecureHttpRoute.
 */
export class SecureGrpcRoute extends Construct {
  /** The GRPCRoute (the construct's default child). */
  public readonly resource: grpc.GrpcRoute;
  /** The route's name. */
  public readonly name: string;
  /** The route's namespace. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: SecureGrpcRouteProps) {
    super(scope, id);
    const { refuse, exceptions, gateway, name, namespace, hostnames, parentRefs, partOf } = routeHead(this, 'SecureGrpcRoute', id, props);
    this.name = name;
    this.namespace = namespace;
    if (!Array.isArray(props.rules) || props.rules.length === 0) {
      refuse('rules', `is ${JSON.stringify(props.rules) ?? 'undefined'}, which routes nowhere`, 'give at least one rule: [{ service: \'shop.v1.Cart\', backend: cart }].');
    }
    const seen = new Set<string>();
    const rules = props.rules.map((r, i) => {
      if (typeof r?.service !== 'string' || !SERVICE.test(r.service) || r.service.length > 1024) {
        refuse(`rules[${i}].service`, `is ${JSON.stringify(r?.service) ?? 'undefined'}, not a gRPC service name`, 'give the fully qualified service, e.g. \'shop.v1.Cart\' (every rule names one, so no route matches everything).');
      }
      if (r.method !== undefined && (typeof r.method !== 'string' || !METHOD.test(r.method) || r.method.length > 1024)) {
        refuse(`rules[${i}].method`, `is ${JSON.stringify(r.method)}, not a gRPC method name`, 'give a method name, e.g. \'GetCart\', or leave it out for every method.');
      }
      const key = `${r.service}/${r.method ?? '*'}`;
      if (seen.has(key)) refuse(`rules[${i}]`, `routes '${key}' again`, 'route each service or method once.');
      seen.add(key);
      return { resolved: resolveBackend(refuse, `rules[${i}].backend`, r.backend, r.port), service: r.service, method: r.method };
    });
    this.resource = new grpc.GrpcRoute(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, ...annotationsOf(exceptions) },
      spec: {
        parentRefs,
        hostnames,
        rules: rules.map((r) => ({
          matches: [{
            method: { type: grpc.GrpcRouteSpecRulesMatchesMethodType.EXACT, service: r.service, ...(r.method ? { method: r.method } : {}) },
          }],
          backendRefs: [backendRef('GRPCRoute', this.name, this.namespace, r.resolved)],
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
