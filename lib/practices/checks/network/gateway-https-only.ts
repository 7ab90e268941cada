import { attachesTo, gatewayObjects, Listener, listenersOf } from './gateway-util';
import { asArray, Manifest } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

const ENCRYPTED = ['HTTPS', 'TLS'];

/** Why a route attached to a plain-HTTP listener serves content instead of redirecting, or undefined. */
function notRedirectOnly(route: Manifest): string | undefined {
  if (route.kind !== 'HTTPRoute') return `is a ${route.kind}, which serves its backends in plaintext`;
  const rules = asArray(route.spec?.rules);
  if (rules.length === 0) return 'has no rules';
  for (const [i, rule] of rules.entries()) {
    if (asArray(rule?.backendRefs).length > 0) return `rule ${i} forwards to backends`;
    const redirect = asArray(rule?.filters).find((f) => f?.type === 'RequestRedirect');
    if (redirect?.requestRedirect?.scheme !== 'https') return `rule ${i} does not redirect to scheme https`;
  }
  return undefined;
}

/** Why a plain-HTTP listener is not redirect-only, given the routes of the set, or undefined. */
function plainHttpProblem(ctx: AuditContext, gateway: Manifest, l: Listener): string | undefined {
  const from = l.raw?.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from !== 'Same') return `admits routes from ${from === 'All' ? 'all namespaces' : 'other namespaces'} (allowedRoutes.namespaces.from: ${from}), so any of them may serve plain HTTP`;
  const kinds = asArray(l.raw?.allowedRoutes?.kinds).map((k) => k?.kind);
  if (kinds.some((k) => k !== 'HTTPRoute')) return `admits route kinds other than HTTPRoute (${kinds.join(', ')})`;
  const attached = gatewayObjects(ctx, 'HTTPRoute', 'GRPCRoute').filter((r) => attachesTo(r, gateway, l));
  if (attached.length === 0) return 'has no redirect HTTPRoute attached in the audited set';
  for (const route of attached) {
    const why = notRedirectOnly(route);
    if (why) return `serves ${route.kind}/${route.metadata?.name ?? '?'}, which ${why}`;
  }
  return undefined;
}

/** HK-NETWORK-011: judged per Gateway, listener by listener, with the routes of the set that attach to it. */
export const gatewayHttpsOnly: Practice = {
  id: 'HK-NETWORK-011',
  group: PracticeGroup.NETWORK,
  title: 'Gateway listeners serve HTTPS only; plain HTTP only redirects',
  severity: Severity.HIGH,
  why: 'A Gateway listener that serves plain HTTP exposes credentials and session tokens at the edge, as an Ingress without TLS does.',
  criterion: 'Every listener of a gateway.networking.k8s.io Gateway has protocol HTTPS or TLS. A listener with protocol HTTP admits routes '
    + 'only from its own namespace (allowedRoutes.namespaces.from absent or Same) and of kind HTTPRoute only, has at least one '
    + 'HTTPRoute of the audited set attached (parentRef to the Gateway, sectionName and port absent or matching), and every attached '
    + 'route only redirects: each rule has a RequestRedirect filter with scheme https and no backendRefs. TCP and UDP listeners fail.',
  library: 'SecureGateway emits HTTPS listeners that terminate TLS with a cert-manager certificate, and one HTTP listener (port 80, '
    + 'routes from its own namespace only) whose only route redirects to HTTPS with a 301.',
  fix: 'Serve HTTPS (protocol HTTPS, tls.certificateRefs) on every listener; keep an HTTP listener only for a redirect HTTPRoute '
    + '(filters: [{ type: RequestRedirect, requestRedirect: { scheme: https, statusCode: 301 } }]) and set its allowedRoutes.namespaces.from to Same.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'An ACME HTTP-01 solver route on the HTTP listener, or TLS terminated by a load balancer in front of the Gateway.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Encryption'],
    kubescape: ['C-0263'],
    other: ['Gateway API HTTP redirects guide (gateway-api.sigs.k8s.io/guides/http-redirect-rewrite): the redirect-only HTTP listener',
      'Gateway API security model: listeners and allowedRoutes are the cluster operator\'s'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const gateway of gatewayObjects(ctx, 'Gateway')) {
      for (const l of listenersOf(gateway)) {
        if (ENCRYPTED.includes(l.protocol)) continue;
        if (l.protocol !== 'HTTP') {
          out.push({ object: gateway, message: `listener ${l.name} serves plain ${l.protocol}` });
          continue;
        }
        const why = plainHttpProblem(ctx, gateway, l);
        if (why) out.push({ object: gateway, message: `plain-HTTP listener ${l.name} ${why}` });
      }
    }
    return out;
  },
};
