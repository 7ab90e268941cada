import { cipherProblem, listFlag, staticPods, StaticPodComponent } from './util';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

function apiserverProblems(a: StaticPodComponent): string[] {
  const problems: string[] = [];
  if (a.flags.get('anonymous-auth') !== 'false') problems.push(`--anonymous-auth is ${a.flags.get('anonymous-auth') ?? 'unset (true)'}, not false`);
  const modes = listFlag(a.flags.get('authorization-mode'));
  if (!modes.includes('Node') || !modes.includes('RBAC')) problems.push(`--authorization-mode is ${modes.join(',') || 'unset'}; it must include Node and RBAC`);
  if (modes.includes('AlwaysAllow')) problems.push('--authorization-mode includes AlwaysAllow');
  const enabled = listFlag(a.flags.get('enable-admission-plugins'));
  const disabled = listFlag(a.flags.get('disable-admission-plugins'));
  for (const plugin of ['NodeRestriction', 'DenyServiceExternalIPs']) {
    if (!enabled.includes(plugin) || disabled.includes(plugin)) problems.push(`admission plugin ${plugin} is not enabled`);
  }
  if (a.flags.get('profiling') !== 'false') problems.push(`--profiling is ${a.flags.get('profiling') ?? 'unset (true)'}, not false`);
  const ciphers = cipherProblem(listFlag(a.flags.get('tls-cipher-suites')), '--tls-cipher-suites');
  if (ciphers) problems.push(ciphers);
  const insecure = a.flags.get('insecure-port');
  if (insecure !== undefined && insecure !== '0') problems.push(`--insecure-port=${insecure} serves the API without authentication (flag removed in 1.24)`);
  return problems;
}

/** HK-CLUSTER-003: judged on kube-apiserver static pods in the set; a set without one is not judged. */
export const apiserverHardening: Practice = {
  id: 'HK-CLUSTER-003',
  group: PracticeGroup.CLUSTER,
  title: 'API server authn/authz hardening',
  severity: Severity.CRITICAL,
  why: 'Anonymous access, AlwaysAllow or a missing NodeRestriction turns any network path into admin.',
  criterion: 'Every kube-apiserver static pod sets --anonymous-auth=false, an --authorization-mode including Node and RBAC and not '
    + 'AlwaysAllow, --enable-admission-plugins including NodeRestriction and DenyServiceExternalIPs (neither disabled), '
    + '--profiling=false, --tls-cipher-suites of ECDHE+AEAD or TLS 1.3 suites only, and no --insecure-port other than 0. '
    + 'AlwaysPullImages (multi-tenant clusters only) is not judged.',
  library: 'Audit only: reports on supplied control-plane manifests.',
  fix: 'Start kube-apiserver with --anonymous-auth=false --authorization-mode=Node,RBAC '
    + '--enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs --profiling=false and a strong --tls-cipher-suites list.',
  exception: ExceptionPolicy.NOT_APPLICABLE,
  exceptionNote: 'Control-plane files carry no exception annotations.',
  checkability: Checkability.CONTROL_PLANE,
  sources: {
    nsa: ['Authentication', 'Control plane hardening (ks C-0005; tv 5.0, 7.0, 7.1)'],
    cis: ['1.2.1–1.2.29 (esp. 1.2.1, 1.2.3, 1.2.6–1.2.8, 1.2.11, 1.2.14, 1.2.15, 1.2.29)'],
    checkov: ['CKV_K8S_68–CKV_K8S_105'],
    kubescape: ['C-0005', 'C-0088', 'C-0113–C-0152', 'C-0283'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const a of staticPods(ctx, 'kube-apiserver')) out.push(...apiserverProblems(a).map((message) => ({ object: a.pod, message })));
    return out;
  },
};
