import { GATEWAY_GROUP, listenersOf, ROUTE_KINDS } from './gateway-util';
import { apiGroupOf } from './util';
import { INGRESS_RESOURCES } from '../../admission/resources';
import { asArray, Manifest } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** Annotations with which cert-manager issues the certificate into the named TLS secret. */
const CERT_MANAGER_ANNOTATIONS = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'];

/** The problems of one Ingress, host by host. */
function ingressProblems(ing: Manifest): string[] {
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
    if (entries.length === 0) {
      problems.push(`host "${host}" is not listed in any spec.tls[].hosts`);
    } else if (!certManager && !entries.some((t) => typeof t?.secretName === 'string' && t.secretName !== '')) {
      problems.push(`host "${host}" has a spec.tls entry without secretName and no cert-manager issuer annotation`);
    }
  });
  return problems;
}

/** The problems of a Gateway's encrypted listeners and of a route's hostnames: explicit hosts, no wildcard. */
function gatewayHostProblems(obj: Manifest): string[] {
  if (obj.kind === 'Gateway') {
    return listenersOf(obj).filter((l) => l.protocol === 'HTTPS' || l.protocol === 'TLS').flatMap((l) => {
      const host = l.raw?.hostname;
      if (typeof host !== 'string' || host === '') return [`listener ${l.name} has no hostname, so it answers any host`];
      return host.startsWith('*') ? [`listener ${l.name} hostname "${host}" is a wildcard`] : [];
    });
  }
  return asArray<string>(obj.spec?.hostnames).filter((h) => typeof h === 'string' && h.startsWith('*')).map((h) => `hostname "${h}" is a wildcard`);
}

/** HK-NETWORK-007: judged per Ingress, host by host, and per Gateway listener and route hostname. */
export const ingressTls: Practice = {
  id: 'HK-NETWORK-007',
  group: PracticeGroup.NETWORK,
  title: 'TLS on every Ingress host',
  severity: Severity.HIGH,
  why: 'Plaintext HTTP at the edge exposes credentials and session tokens.',
  criterion: 'Every Ingress has at least one rule and no spec.defaultBackend (which answers any host); every spec.rules[*].host is set, '
    + 'is not a wildcard (*.…), and appears literally in some spec.tls[*].hosts whose entry has a secretName or whose Ingress '
    + 'carries a cert-manager.io/cluster-issuer or cert-manager.io/issuer annotation. Every HTTPS or TLS listener of a '
    + 'gateway.networking.k8s.io Gateway names a hostname that is not a wildcard, and no route\'s spec.hostnames holds a wildcard.',
  library: 'SecureIngress and SecureGateway put every host under TLS (a cert-manager Certificate with its issuer named, or an existing '
    + 'TLS Secret) and refuse empty hosts; a wildcard host needs a recorded exception.',
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
  admission: {
    match: INGRESS_RESOURCES,
    validations: [
      { expression: '!has(object.spec.defaultBackend)', message: 'spec.defaultBackend must not be set: it answers requests for any host' },
      {
        expression: 'has(object.spec.rules) && size(object.spec.rules) > 0 && object.spec.rules.all(r, has(r.host) && r.host != \'\' && !r.host.startsWith(\'*\'))',
        message: 'every rule names an explicit host (no wildcard, no empty host)',
      },
      {
        expression: '!has(object.spec.rules) || object.spec.rules.all(r, !has(r.host) || r.host == \'\' || (has(object.spec.tls) && object.spec.tls.exists(t, '
          + 'has(t.hosts) && r.host in t.hosts && ((has(t.secretName) && t.secretName != \'\') || (has(object.metadata.annotations) && ('
          + CERT_MANAGER_ANNOTATIONS.map((a) => `(\'${a}\' in object.metadata.annotations && object.metadata.annotations[\'${a}\'] != \'\')`).join(' || ')
          + '))))))',
        message: 'every host is listed in spec.tls with a secretName (or a cert-manager issuer annotation)',
      },
    ],
    rego: `problem["spec.defaultBackend answers requests for any host"] {
    obj.spec.defaultBackend
  }

  problem["spec.rules is empty: no host is named"] {
    count(object.get(obj.spec, "rules", [])) == 0
  }

  problem[msg] {
    r := object.get(obj.spec, "rules", [])[i]
    not explicit_host(r)
    msg := sprintf("spec.rules[%v] has no explicit host", [i])
  }

  problem[msg] {
    r := object.get(obj.spec, "rules", [])[_]
    explicit_host(r)
    not tls_covers(r.host)
    msg := sprintf("host %v has no TLS certificate", [r.host])
  }

  explicit_host(r) {
    is_string(r.host)
    r.host != ""
    not startswith(r.host, "*")
  }

  tls_covers(host) {
    t := object.get(obj.spec, "tls", [])[_]
    object.get(t, "hosts", [])[_] == host
    object.get(t, "secretName", "") != ""
  }

  tls_covers(host) {
    t := object.get(obj.spec, "tls", [])[_]
    object.get(t, "hosts", [])[_] == host
    issuer := ["${CERT_MANAGER_ANNOTATIONS.join('", "')}"][_]
    object.get(object.get(obj.metadata, "annotations", {}), issuer, "") != ""
  }`,
  },
  evaluate: perObject(['Ingress', 'Gateway', ...ROUTE_KINDS], (obj) => {
    if (obj.kind === 'Ingress') return ingressProblems(obj);
    return apiGroupOf(obj) === GATEWAY_GROUP ? gatewayHostProblems(obj) : [];
  }),
};
