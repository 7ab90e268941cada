import { apiVersionOf, Manifest } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

const ONE_HOUR_SECONDS = 3600;

/** Seconds of a Go duration (`1h`, `30m`, `1h0m0s`, `90s`, `500ms`), or undefined when it is not one. */
export function goDurationSeconds(text: unknown): number | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  if (text === '0') return 0;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001, µs: 0.000001, ns: 0.000000001 };
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/y;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]];
    pos = re.lastIndex;
  }
  return total;
}

/** Keys inside a store's provider config that hold static credentials (access keys, tokens, client secrets in a Secret). */
function staticCredentialPaths(value: unknown, path: string): string[] {
  if (!value || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const here = `${path}.${key}`;
    if (key === 'secretRef' || key.endsWith('SecretRef')) out.push(here);
    else out.push(...staticCredentialPaths(child, here));
  }
  return out;
}

function isEso(obj: Manifest): boolean {
  return apiVersionOf(obj).startsWith('external-secrets.io/');
}

/** HK-SECRETS-004: ExternalSecrets judged on their reference, ownership and refresh; stores on how they authenticate. */
export const externalSecretScope: Practice = {
  id: 'HK-SECRETS-004',
  group: PracticeGroup.SECRETS,
  title: 'External Secrets: scoped store, owned target, bounded refresh',
  severity: Severity.MEDIUM,
  why: 'The operator holds keys to the vault; a ClusterSecretStore lets any namespace read any secret path.',
  criterion: 'Every external-secrets.io ExternalSecret references a SecretStore (spec.secretStoreRef.kind absent or SecretStore, '
    + 'not ClusterSecretStore); has spec.target.creationPolicy Owner (absent counts as Owner, the operator default); and sets '
    + 'spec.refreshInterval to a Go duration above 0 and at most 1h. Every SecretStore and ClusterSecretStore authenticates '
    + 'without static credentials: no secretRef or *SecretRef (access keys, tokens, client secrets kept in a Secret) under spec.provider; '
    + 'workload identity (a ServiceAccount reference) or ambient node identity passes.',
  library: 'Generates a namespaced SecretStore with ServiceAccount-based auth and ExternalSecrets with creationPolicy Owner and a 1h refresh.',
  fix: 'Use a namespaced SecretStore authenticated through workload identity (e.g. spec.provider.aws.auth.jwt.serviceAccountRef), '
    + 'set spec.target.creationPolicy: Owner and spec.refreshInterval: 1h (or shorter).',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'A ClusterSecretStore shared by platform namespaces, or a provider without workload identity, with the reason recorded.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Secrets (external KMS/vault)'],
    cis: ['5.4.2'],
    kyverno: ['external-secret-operator/add-external-secret-prefix'],
    kubescape: ['C-0208'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const es of ctx.ofKind('ExternalSecret').filter(isEso)) {
      const kind = es.spec?.secretStoreRef?.kind ?? 'SecretStore';
      if (kind !== 'SecretStore') out.push({ object: es, message: `spec.secretStoreRef.kind is ${kind}, not a namespaced SecretStore` });
      const policy = es.spec?.target?.creationPolicy ?? 'Owner';
      if (policy !== 'Owner') out.push({ object: es, message: `spec.target.creationPolicy is ${policy}, not Owner` });
      const refresh = es.spec?.refreshInterval;
      const seconds = goDurationSeconds(refresh);
      if (refresh === undefined) out.push({ object: es, message: 'spec.refreshInterval is not set' });
      else if (seconds === undefined) out.push({ object: es, message: `spec.refreshInterval ${JSON.stringify(refresh)} is not a duration` });
      else if (seconds === 0) out.push({ object: es, message: 'spec.refreshInterval is 0, which never refreshes' });
      else if (seconds > ONE_HOUR_SECONDS) out.push({ object: es, message: `spec.refreshInterval ${refresh} exceeds 1h` });
    }
    for (const store of ctx.ofKind('SecretStore', 'ClusterSecretStore').filter(isEso)) {
      for (const path of staticCredentialPaths(store.spec?.provider, 'spec.provider')) {
        out.push({ object: store, message: `${path} authenticates with static credentials kept in a Secret` });
      }
    }
    return out;
  },
};
