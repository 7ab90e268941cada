import { asArray } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** Annotations with which cert-manager issues the certificate into the named TLS secret. */
const CERT_MANAGER_ANNOTATIONS = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'];

/** HK-NETWORK-007: judged per Ingress, host by host. */
export const ingressTls: Practice = {
  id: 'HK-NETWORK-007',
  group: PracticeGroup.NETWORK,
  title: 'TLS on every Ingress host',
  severity: Severity.HIGH,
  why: 'Plaintext HTTP at the edge exposes credentials and session tokens.',
  criterion: 'Every Ingress has at least one rule and no spec.defaultBackend (which answers any host); every spec.rules[*].host is set, '
    + 'is not a wildcard (*.…), and appears literally in some spec.tls[*].hosts whose entry has a secretName or whose Ingress '
    + 'carries a cert-manager.io/cluster-issuer or cert-manager.io/issuer annotation.',
  library: 'Refuses an Ingress host without TLS, a wildcard host and an empty host.',
  fix: 'List every host under spec.tls[].hosts with a secretName (or let cert-manager issue it via its issuer annotation); '
    + 'replace wildcard and empty hosts and any defaultBackend with explicit hosts.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'An ACME HTTP-01 solver Ingress that must answer in plaintext.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Encryption'],
    kubeScore: ['ingress-targets-service'],
    polaris: ['tlsSettingsMissing'],
    kyverno: ['other/require-ingress-https', 'best-practices/disallow-empty-ingress-host', 'other/restrict-ingress-wildcard'],
    gatekeeper: ['K8sHttpsOnly', 'K8sBlockWildcardIngress', 'K8sUniqueIngressHost'],
    checkov: ['CKV_K8S_152', 'CKV_K8S_153', 'CKV_K8S_154'],
    kubescape: ['C-0263'],
  },
  evaluate: perObject(['Ingress'], (ing) => {
    const problems: string[] = [];
    const rules = asArray(ing.spec?.rules);
    const tls = asArray(ing.spec?.tls);
    const certManager = CERT_MANAGER_ANNOTATIONS.some((a) => !!ing.metadata?.annotations?.[a]);
    if (ing.spec?.defaultBackend || ing.spec?.backend) problems.push('spec.defaultBackend answers requests for any host');
    if (rules.length === 0) problems.push('spec.rules is empty: no host is named');
    rules.forEach((rule, i) => {
      const host = rule?.host;
      if (typeof host !== 'string' || host === '') {
        problems.push(`spec.rules[${i}] has no host`);
        return;
      }
      if (host.startsWith('*')) problems.push(`spec.rules[${i}] host "${host}" is a wildcard`);
      const entries = tls.filter((t) => asArray<string>(t?.hosts).includes(host));
      if (entries.length === 0) {problems.push(`host "${host}" is not listed in any spec.tls[].hosts`);} else if (!certManager && !entries.some((t) => typeof t?.secretName === 'string' && t.secretName !== '')) {
        problems.push(`host "${host}" has a spec.tls entry without secretName and no cert-manager issuer annotation`);
      }
    });
    return problems;
  }),
};
