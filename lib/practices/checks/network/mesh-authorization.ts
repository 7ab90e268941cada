import { istioNamespaceWide, meshEnrolment, meshObjects } from './util';
import { isAcceptableReason, recordedExceptions } from '../../exceptions';
import { asArray, describe, Manifest, namespaceOf, selectorMatches, podLabelsOf } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';
import { namespaceFinding } from '../namespace/util';

/**
 * Whether the object records an HK-NETWORK-008 exception: its workload accepts plaintext on some port (a caller outside
 * the mesh), so a rule admitting unauthenticated callers there is the declared edge, not a widening.
 */
function acceptsPlaintext(obj: Manifest): boolean {
  return isAcceptableReason(recordedExceptions(obj).get('HK-NETWORK-008'));
}

/** A source that matches plaintext requests only (`notPrincipals: ["*"]`, no principals). */
function plaintextOnly(source: any): boolean {
  const not = asArray<string>(source?.notPrincipals);
  return asArray(source?.principals).length === 0 && not.length === 1 && not[0] === '*';
}

/** Istio evaluates an AuthorizationPolicy without `action` as ALLOW. */
function isAllow(policy: Manifest): boolean {
  return (policy.spec?.action ?? 'ALLOW') === 'ALLOW';
}

/** What makes an Istio ALLOW rule wider than "these callers' identities on these ports". */
function istioRuleProblems(rule: any, plaintextAccepted: boolean): string[] {
  const problems: string[] = [];
  const sources = asArray(rule?.from).map((f) => f?.source ?? {});
  if (sources.length === 0) problems.push('has no from, so it admits every caller');
  sources.forEach((s, i) => {
    if (plaintextAccepted && plaintextOnly(s)) return;
    const principals = asArray<string>(s.principals);
    if (principals.length === 0) problems.push(`from[${i}] names no source.principals`);
    if (principals.some((p) => typeof p !== 'string' || p.includes('*'))) problems.push(`from[${i}] uses a wildcard principal`);
  });
  const operations = asArray(rule?.to).map((t) => t?.operation ?? {});
  if (operations.length === 0 || operations.some((o) => asArray(o.ports).length === 0)) problems.push('names no to.operation.ports');
  return problems;
}

/**
 * HK-NETWORK-009: judged for workloads the set enrols in a mesh (as HK-NETWORK-008 decides); Istio by AuthorizationPolicy,
 * Linkerd by Server plus policy.linkerd.io AuthorizationPolicy with mTLS identities.
 */
export const meshAuthorization: Practice = {
  id: 'HK-NETWORK-009',
  group: PracticeGroup.NETWORK,
  title: 'Mesh authorization mirrors the dependency graph',
  severity: Severity.MEDIUM,
  why: 'With STRICT mTLS every meshed workload can still call every other; L7 authorization closes that.',
  criterion: 'Judged only for workloads the set enrols in a mesh (as in HK-NETWORK-008); sets without mesh enrolment pass. A workload '
    + 'nothing may call is authorized by denial alone: no ALLOW policy or authorization is required for it. Istio: the namespace '
    + 'of every enrolled workload has an allow-nothing AuthorizationPolicy (no selector or targetRefs, action ALLOW, no rules), '
    + 'reported on the Namespace object when present, else on each enrolled workload; every rule of every ALLOW (or action-less) '
    + 'policy that admits callers (a rule, selecting workloads or namespace-wide) has from[].source.principals (no wildcard) and '
    + 'to[].operation.ports, except that a policy recording an HK-NETWORK-008 exception (a port that accepts plaintext callers '
    + 'from outside the mesh) may admit them with a source of notPrincipals ["*"] alone. Linkerd: each enrolled workload\'s pods '
    + '(Jobs and CronJobs aside) are selected by a policy.linkerd.io Server whose accessPolicy is absent or deny, and every '
    + 'policy.linkerd.io AuthorizationPolicy targeting such a Server requires a MeshTLSAuthentication (requiredAuthenticationRefs); '
    + 'a Server recording an HK-NETWORK-008 exception may instead have accessPolicy all-unauthenticated.',
  library: 'Generates, from the same dependency graph as HK-NETWORK-003, one ALLOW policy per workload (callers\' ServiceAccount principals, declared ports) '
    + 'and the namespace allow-nothing policy (Linkerd: Server, MeshTLSAuthentication, AuthorizationPolicy).',
  fix: 'Add an allow-nothing AuthorizationPolicy (spec: {}) to the namespace and per workload an ALLOW policy with '
    + 'from.source.principals = the callers\' ServiceAccounts and to.operation.ports = the declared ports; emit security.istio.io/v1.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'An unlisted caller is a missing dependency declaration, not an exception.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Service meshes'],
    kyverno: ['istio/require-authorizationpolicy', 'istio/create-authorizationpolicy', 'linkerd/require-linkerd-server', 'linkerd/check-linkerd-authorizationpolicy'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    const { istio, linkerd } = meshEnrolment(ctx);
    // Run-to-completion pods accept no connections; deny-all (Istio allow-nothing, Linkerd default) is their policy.
    const servesTraffic = (w: Manifest) => w.kind !== 'Job' && w.kind !== 'CronJob';
    const authz = meshObjects(ctx, 'AuthorizationPolicy', 'istio.io');
    const istioNamespaces = new Map<string, Manifest[]>();
    // With the namespace's allow-nothing policy, a workload no ALLOW rule selects accepts no caller: the graph has no edge to it.
    for (const w of istio) istioNamespaces.set(namespaceOf(w), [...istioNamespaces.get(namespaceOf(w)) ?? [], w]);
    // A namespace-wide ALLOW policy with rules admits its callers to every workload of the namespace: judged like the others.
    for (const p of authz.filter(isAllow)) {
      asArray(p.spec?.rules).forEach((rule, i) => {
        for (const problem of istioRuleProblems(rule, acceptsPlaintext(p))) out.push({ object: p, message: `rules[${i}] ${problem}` });
      });
    }
    for (const [ns, workloads] of istioNamespaces) {
      const allowNothing = authz.some((p) => namespaceOf(p) === ns && istioNamespaceWide(p) && isAllow(p) && asArray(p.spec?.rules).length === 0);
      if (!allowNothing) out.push(...namespaceFinding(ctx, ns, workloads, `namespace "${ns}" has no allow-nothing Istio AuthorizationPolicy (spec: {})`));
    }
    const servers = meshObjects(ctx, 'Server', 'linkerd.io');
    const linkerdAuthz = meshObjects(ctx, 'AuthorizationPolicy', 'linkerd.io');
    const reported = new Set<Manifest>();
    for (const w of linkerd.filter(servesTraffic)) {
      const mine = servers.filter((s) => namespaceOf(s) === namespaceOf(w) && selectorMatches(s.spec?.podSelector ?? {}, podLabelsOf(w)));
      if (mine.length === 0) out.push({ object: w, message: 'no Linkerd Server selects its pods' });
      for (const s of mine) {
        if (s.spec?.accessPolicy === 'all-unauthenticated' && acceptsPlaintext(s)) continue;
        if ((s.spec?.accessPolicy ?? 'deny') !== 'deny') out.push({ object: w, message: `${describe(s)} has accessPolicy ${s.spec.accessPolicy}, not deny` });
        // A deny Server no policy targets accepts no caller; every policy that does target it must ask for mesh identities.
        const targeting = linkerdAuthz.filter((a) => namespaceOf(a) === namespaceOf(s) && a.spec?.targetRef?.kind === 'Server' && a.spec?.targetRef?.name === s.metadata?.name);
        for (const a of targeting.filter((x) => !asArray(x.spec?.requiredAuthenticationRefs).some((r) => r?.kind === 'MeshTLSAuthentication'))) {
          if (reported.has(a)) continue;
          reported.add(a);
          out.push({ object: a, message: `targets ${describe(s)} without requiring a MeshTLSAuthentication, so callers need no mesh identity` });
        }
      }
    }
    return out;
  },
};
