import { ApiObject } from 'cdk8s';
import { meshProxies } from '../mesh/mesh-edge';
import { Refuse } from '../refusal';
import { DeclaredPort } from '../units/declared-port';
import { SecureWorkload } from '../workload/secure-workload';

/** A backend once judged: the workload, its Service's name and the routed port. */
export interface ResolvedBackend {
  /** The workload whose pods serve the route. */
  readonly workload: SecureWorkload;
  /** Its Service's name. */
  readonly serviceName: string;
  /** The routed port, one the workload declares. */
  readonly port: DeclaredPort;
}

/**
 * Judges a route's backend (Ingress, HTTPRoute, GRPCRoute): one of the library's workloads, of any kind, that exposes
 * a ClusterIP Service (HK-NETWORK-006), on one of its declared TCP ports.
 */
export function resolveBackend(refuse: Refuse, prop: string, backend: unknown, port: unknown): ResolvedBackend {
  if (!SecureWorkload.isSecureWorkload(backend)) {
    refuse(prop, `is ${describeValue(backend)}, not a workload of the library`,
      'route to a SecureDeployment (or another secure workload with a Service); a Service made elsewhere carries no NetworkPolicy to admit the route.', 'HK-NETWORK-005');
  }
  const service = backend.service;
  if (!service) {
    refuse(prop, `is workload '${backend.name}', which exposes no Service`, 'route to a workload that declares its port and runs replicated (it then gets a ClusterIP Service).', 'HK-NETWORK-005');
  }
  const type = ApiObject.of(service).toJson().spec?.type ?? 'ClusterIP';
  if (type !== 'ClusterIP') {
    refuse(prop, `is workload '${backend.name}', whose Service is ${type}`,
      'route to workloads whose Service is ClusterIP: the controller is the only way in, and a NodePort or LoadBalancer bypasses it.', 'HK-NETWORK-006');
  }
  const tcp = backend.declaredPorts.filter(meshProxies);
  if (port === undefined) {
    if (tcp.length !== 1) {
      refuse(`${prop.replace(/\.backend$/, '')}.port`, `is missing, and workload '${backend.name}' declares ${tcp.length === 0 ? 'no TCP port' : `several TCP ports (${tcp.map((p) => p.port).join(', ')})`}`,
        'name the routed port.', 'HK-NETWORK-004');
    }
    return { workload: backend, serviceName: service.name, port: tcp[0] };
  }
  const found = tcp.find((p) => p.port === port);
  if (!found) {
    refuse(`${prop.replace(/\.backend$/, '')}.port`, `is ${JSON.stringify(port) ?? 'undefined'}, not a TCP port workload '${backend.name}' declares (${tcp.map((p) => p.port).join(', ') || 'none'})`,
      'route to a declared port.', 'HK-NETWORK-004');
  }
  return { workload: backend, serviceName: service.name, port: found };
}

function describeValue(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') return `a ${(x as object).constructor?.name ?? 'object'}`;
  return JSON.stringify(x) ?? String(x);
}
