import { backendReferences, GATEWAY_GROUP, gatewayObjects, listenersOf, ROUTE_KINDS } from './gateway-util';
import { asArray, Manifest, namespaceOf } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

/** One reference that leaves its referrer's namespace. */
interface CrossReference {
  readonly field: string;
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

/** The cross-namespace references of a route (backendRefs) or Gateway (listener certificateRefs). */
function crossReferences(obj: Manifest): CrossReference[] {
  const ns = namespaceOf(obj);
  if (obj.kind === 'Gateway') {
    return listenersOf(obj).flatMap((l) => asArray(l.raw?.tls?.certificateRefs).map((c, j) => ({
      field: `listener ${l.name} tls.certificateRefs[${j}]`, group: c?.group ?? '', kind: c?.kind ?? 'Secret', name: String(c?.name ?? ''), namespace: c?.namespace ?? ns,
    }))).filter((r) => r.namespace !== ns);
  }
  return backendReferences(obj).filter((r) => r.namespace !== ns)
    .map((r) => ({ field: r.field, group: r.group, kind: r.kind, name: String(r.name ?? ''), namespace: r.namespace }));
}

/** Whether a ReferenceGrant lets `referrer` reach `ref`. */
function grants(grant: Manifest, referrer: Manifest, ref: CrossReference): boolean {
  const from = asArray(grant.spec?.from)
    .some((f) => f?.group === GATEWAY_GROUP && f?.kind === referrer.kind && f?.namespace === namespaceOf(referrer));
  const to = asArray(grant.spec?.to).some((t) => (t?.group ?? '') === ref.group && t?.kind === ref.kind && (t?.name === undefined || t.name === ref.name));
  return from && to;
}

/** HK-NETWORK-014: judged per route and Gateway, and per ReferenceGrant. */
export const referenceGrants: Practice = {
  id: 'HK-NETWORK-014',
  group: PracticeGroup.NETWORK,
  title: 'Cross-namespace references only through a narrow ReferenceGrant',
  severity: Severity.MEDIUM,
  why: 'A route or Gateway that reaches into another namespace must have that namespace\'s consent; a ReferenceGrant without a name '
    + 'consents for every Service (or Secret) there, present and future.',
  criterion: 'Every backendRef of a gateway.networking.k8s.io HTTPRoute, GRPCRoute, TLSRoute, TCPRoute or UDPRoute, and every '
    + 'tls.certificateRefs of a Gateway listener, whose namespace is not the referrer\'s is allowed by a ReferenceGrant of the audited '
    + 'set in the target namespace (from: the referrer\'s group, kind and namespace; to: the target\'s group and kind, and its name or none). '
    + 'Every ReferenceGrant names the target in each to entry (to[*].name).',
  library: 'SecureHttpRoute and SecureGrpcRoute emit, for a backend in another namespace, a ReferenceGrant beside the workload naming the '
    + 'one Service, from that route kind in the route\'s namespace.',
  fix: 'Add a ReferenceGrant in the target namespace: from [{ group: gateway.networking.k8s.io, kind: <route kind>, namespace: <route namespace> }], '
    + 'to [{ group: "", kind: Service, name: <service> }]; give every to entry a name.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'A ReferenceGrant managed by the target namespace\'s owners in another repository (record where).',
  checkability: Checkability.MANIFESTS,
  sources: {
    other: ['Gateway API ReferenceGrant (gateway-api.sigs.k8s.io/api-types/referencegrant): cross-namespace references need the target namespace\'s grant',
      'Gateway API security model: ReferenceGrant "to" entries without a name allow every object of the kind'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    const allGrants = gatewayObjects(ctx, 'ReferenceGrant');
    for (const obj of [...gatewayObjects(ctx, ...ROUTE_KINDS), ...gatewayObjects(ctx, 'Gateway')]) {
      for (const ref of crossReferences(obj)) {
        const granted = allGrants.some((g) => namespaceOf(g) === ref.namespace && grants(g, obj, ref));
        if (!granted) {
          out.push({ object: obj, message: `${ref.field} reaches ${ref.kind} ${ref.namespace}/${ref.name}, and no ReferenceGrant in "${ref.namespace}" allows it` });
        }
      }
    }
    for (const grant of allGrants) {
      asArray(grant.spec?.to).forEach((t, i) => {
        if (typeof t?.name !== 'string' || t.name === '') out.push({ object: grant, message: `spec.to[${i}] names no ${t?.kind ?? 'object'}, so it grants every one of the namespace` });
      });
    }
    return out;
  },
};
