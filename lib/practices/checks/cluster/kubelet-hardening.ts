import { cipherProblem } from './util';
import { asArray, Manifest } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

function kubeletProblems(cfg: Manifest): string[] {
  if (!(cfg.apiVersion ?? '').startsWith('kubelet.config.k8s.io/')) return [];
  const problems: string[] = [];
  const auth = cfg.authentication ?? {};
  if (auth.anonymous?.enabled !== false) problems.push('authentication.anonymous.enabled is not false');
  if (typeof auth.x509?.clientCAFile !== 'string' || auth.x509.clientCAFile === '') problems.push('authentication.x509.clientCAFile is not set');
  if (cfg.authorization?.mode !== 'Webhook') problems.push(`authorization.mode is ${cfg.authorization?.mode ?? 'unset'}, not Webhook`);
  if (cfg.readOnlyPort !== undefined && cfg.readOnlyPort !== 0) problems.push(`readOnlyPort is ${cfg.readOnlyPort}, not 0: an unauthenticated read API`);
  if (cfg.rotateCertificates === false) problems.push('rotateCertificates is false');
  if (cfg.featureGates?.RotateKubeletServerCertificate === false) problems.push('featureGates.RotateKubeletServerCertificate is false');
  const ciphers = cipherProblem(asArray(cfg.tlsCipherSuites).map(String), 'tlsCipherSuites');
  if (ciphers) problems.push(ciphers);
  if (!(typeof cfg.podPidsLimit === 'number' && cfg.podPidsLimit > 0)) problems.push(`podPidsLimit is ${cfg.podPidsLimit ?? 'unset'}, not a positive limit`);
  return problems;
}

/** HK-CLUSTER-004: judged on KubeletConfiguration files in the set; absent readOnlyPort is the config-file default 0. */
export const kubeletHardening: Practice = {
  id: 'HK-CLUSTER-004',
  group: PracticeGroup.CLUSTER,
  title: 'Kubelet hardening',
  severity: Severity.HIGH,
  why: 'The kubelet API executes commands in any pod on the node.',
  criterion: 'Every kubelet.config.k8s.io KubeletConfiguration sets authentication.anonymous.enabled: false, '
    + 'authentication.x509.clientCAFile, authorization.mode: Webhook, readOnlyPort 0 or unset, rotateCertificates and '
    + 'featureGates.RotateKubeletServerCertificate not false, tlsCipherSuites of ECDHE+AEAD or TLS 1.3 suites only, and a '
    + 'positive podPidsLimit. protectKernelDefaults is optional and not judged.',
  library: 'Audit only: reports on supplied KubeletConfiguration files.',
  fix: 'Set anonymous auth off, Webhook authorization with a client CA, readOnlyPort: 0, certificate rotation, a strong '
    + 'tlsCipherSuites list and podPidsLimit in the KubeletConfiguration.',
  exception: ExceptionPolicy.NOT_APPLICABLE,
  exceptionNote: 'Control-plane files carry no exception annotations.',
  checkability: Checkability.CONTROL_PLANE,
  sources: {
    nsa: ['Worker node segmentation (ks C-0069, C-0070)'],
    cis: ['4.1.x', '4.2.1–4.2.13'],
    checkov: ['CKV_K8S_138–CKV_K8S_151'],
    kubescape: ['C-0069', 'C-0070', 'C-0172–C-0184', 'C-0284'],
  },
  evaluate: perObject(['KubeletConfiguration'], kubeletProblems),
};
