import { backendReferences, gatewayObjects, ROUTE_KINDS } from './gateway-util';
import { Manifest } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

/** Why one backend of a route or Ingress is not a ClusterIP Service of the set, or undefined. */
function backendProblem(ctx: AuditContext, ref: ReturnType<typeof backendReferences>[number]): string | undefined {
  if (ref.group !== '' || ref.kind !== 'Service') return `is a ${ref.group ? `${ref.group}/` : ''}${ref.kind}, not a Service`;
  if (typeof ref.name !== 'string' || ref.name === '') return 'names no Service';
  const service = ctx.inNamespace(ref.namespace, 'Service').find((s) => s.metadata?.name === ref.name);
  if (!service) return `names Service ${ref.namespace}/${ref.name}, which is not in the audited set, so its type cannot be judged`;
  const type = service.spec?.type ?? 'ClusterIP';
  if (type !== 'ClusterIP') return `names Service ${ref.namespace}/${ref.name}, whose type is ${type}`;
  return undefined;
}

/** HK-NETWORK-013: judged per Ingress and Gateway API route, backend by backend, against the Services of the set. */
export const routesToClusterIp: Practice = {
  id: 'HK-NETWORK-013',
  group: PracticeGroup.NETWORK,
  title: 'Ingresses and routes reach only ClusterIP Services',
  severity: Severity.HIGH,
  why: 'An ExternalName backend turns the edge proxy into a proxy to any host (internal APIs, the cloud metadata service); a NodePort or '
    + 'LoadBalancer backend is also reachable around the controller, so its TLS and policies can be skipped.',
  criterion: 'Every backend of an Ingress (spec.defaultBackend and spec.rules[*].http.paths[*].backend) and every backendRef of a '
    + 'gateway.networking.k8s.io HTTPRoute, GRPCRoute, TLSRoute, TCPRoute or UDPRoute is a core Service (not a resource backend or another '
    + 'kind), present in the audited set in its namespace (the referrer\'s unless the backendRef names one), whose spec.type is absent or ClusterIP.',
  library: 'SecureIngress, SecureHttpRoute and SecureGrpcRoute accept only the library\'s workloads as backends, and refuse one whose Service is not ClusterIP.',
  fix: 'Route to the ClusterIP Service of the workload (audit it together with the Ingress or route); replace ExternalName backends with a '
    + 'workload that calls the external host itself, under its own egress policy.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'A backend Service managed and audited elsewhere (record where), or an ExternalName kept during a migration.',
  checkability: Checkability.MANIFESTS,
  sources: {
    kubeScore: ['ingress-targets-service'],
    nsa: ['Network separation and hardening'],
    other: ['Gateway API security model: backendRefs cross trust boundaries', 'ingress-nginx ExternalName backends (proxying to arbitrary hosts)'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    const referrers: Manifest[] = [...ctx.ofKind('Ingress'), ...gatewayObjects(ctx, ...ROUTE_KINDS)];
    for (const obj of referrers) {
      for (const ref of backendReferences(obj)) {
        const why = backendProblem(ctx, ref);
        if (why) out.push({ object: obj, message: `${ref.field} ${why}` });
      }
    }
    return out;
  },
};

