import { staticPods, StaticPodComponent } from './util';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

function requireSet(c: StaticPodComponent, flags: readonly string[]): string[] {
  return flags.filter((f) => !c.flags.get(f)).map((f) => `--${f} is not set`);
}

function etcdProblems(etcd: StaticPodComponent, apiserverCas: readonly string[]): string[] {
  const problems = requireSet(etcd, ['cert-file', 'key-file', 'trusted-ca-file', 'peer-cert-file', 'peer-key-file', 'peer-trusted-ca-file']);
  for (const f of ['client-cert-auth', 'peer-client-cert-auth']) {
    if (etcd.flags.get(f) !== 'true') problems.push(`--${f} is ${etcd.flags.get(f) ?? 'unset'}, not true`);
  }
  for (const f of ['auto-tls', 'peer-auto-tls']) {
    if (etcd.flags.get(f) === 'true') problems.push(`--${f}=true uses self-signed certificates that authenticate nobody`);
  }
  for (const f of ['listen-client-urls', 'advertise-client-urls', 'listen-peer-urls', 'initial-advertise-peer-urls']) {
    const plain = (etcd.flags.get(f) ?? '').split(',').filter((u) => u.trim().startsWith('http://'));
    if (plain.length > 0) problems.push(`--${f} has plain-HTTP URLs: ${plain.join(', ')}`);
  }
  const ca = etcd.flags.get('trusted-ca-file');
  if (ca && apiserverCas.includes(ca)) problems.push(`--trusted-ca-file ${ca} is the API server's client CA; etcd needs a dedicated CA`);
  return problems;
}

function apiserverProblems(apiserver: StaticPodComponent): string[] {
  const problems = requireSet(apiserver, ['etcd-certfile', 'etcd-keyfile', 'etcd-cafile']);
  const plain = (apiserver.flags.get('etcd-servers') ?? '').split(',').filter((u) => u.trim().startsWith('http://'));
  if (plain.length > 0) problems.push(`--etcd-servers has plain-HTTP URLs: ${plain.join(', ')}`);
  return problems;
}

/** HK-CLUSTER-002: judged on the etcd and kube-apiserver static pods in the set; a set without them is not judged. */
export const etcdMutualTls: Practice = {
  id: 'HK-CLUSTER-002',
  group: PracticeGroup.CLUSTER,
  title: 'etcd: mutual TLS everywhere, firewalled',
  severity: Severity.CRITICAL,
  why: 'etcd is the cluster; anyone who reaches it unauthenticated reads every Secret and can rewrite RBAC.',
  criterion: 'Every etcd static pod (kube-system Pod whose container command is etcd) sets --cert-file, --key-file, '
    + '--trusted-ca-file, --client-cert-auth=true, --peer-cert-file, --peer-key-file, --peer-trusted-ca-file, '
    + '--peer-client-cert-auth=true, no --auto-tls=true or --peer-auto-tls=true, no http:// client or peer URL, and a '
    + '--trusted-ca-file other than the API server\'s --client-ca-file; every kube-apiserver static pod sets --etcd-certfile, '
    + '--etcd-keyfile, --etcd-cafile and only https:// --etcd-servers. That ports 2379/2380 are firewalled is not in a manifest.',
  library: 'Audit only: reports on supplied control-plane manifests.',
  fix: 'Give etcd server, peer and client certificates from a dedicated CA with client-cert-auth on both ports, point the API '
    + 'server at it with --etcd-certfile/--etcd-keyfile/--etcd-cafile, and firewall 2379/2380 to control-plane nodes.',
  exception: ExceptionPolicy.NOT_APPLICABLE,
  exceptionNote: 'Control-plane files carry no exception annotations.',
  checkability: Checkability.CONTROL_PLANE,
  sources: {
    nsa: ['Control plane hardening → Etcd (tv 5.1)'],
    cis: ['2.1', '2.2', '2.3', '2.4', '2.5', '2.6', '2.7', '1.2.23', '1.2.26', '1.1.7', '1.1.8', '1.1.11', '1.1.12'],
    checkov: ['CKV_K8S_116', 'CKV_K8S_117', 'CKV_K8S_118', 'CKV_K8S_119', 'CKV_K8S_120', 'CKV_K8S_121', 'CKV_K8S_99', 'CKV_K8S_102'],
    kubescape: ['C-0153', 'C-0154', 'C-0155', 'C-0156', 'C-0157', 'C-0158', 'C-0159'],
  },
  evaluate: (ctx: AuditContext) => {
    const apiservers = staticPods(ctx, 'kube-apiserver');
    const cas = apiservers.map((a) => a.flags.get('client-ca-file')).filter((v): v is string => !!v);
    const out: Violation[] = [];
    for (const etcd of staticPods(ctx, 'etcd')) out.push(...etcdProblems(etcd, cas).map((message) => ({ object: etcd.pod, message })));
    for (const a of apiservers) out.push(...apiserverProblems(a).map((message) => ({ object: a.pod, message })));
    return out;
  },
};
