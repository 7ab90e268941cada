import { asArray, Manifest } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

const API_VERSION = 'apiserver.config.k8s.io/v1';
const LOCAL_PROVIDERS = ['aescbc', 'aesgcm', 'secretbox'];

/** Whether a `resources[].resources` name covers core `secrets` (wildcards `*.` and `*.*` exist from 1.27). */
function coversSecrets(name: unknown): boolean {
  return name === 'secrets' || name === '*.' || name === '*.*';
}

/** The provider type of one `providers[]` item (one type per item). */
function providerType(provider: any): string {
  return Object.keys(provider ?? {})[0] ?? '?';
}

function firstProviderProblems(provider: any): string[] {
  const type = providerType(provider);
  const cfg = provider?.[type] ?? {};
  if (type === 'kms') {
    const problems: string[] = [];
    if (cfg.apiVersion !== 'v2') problems.push('the first provider is KMS v1 (deprecated in 1.28, disabled by default from 1.29); set apiVersion: v2');
    if (typeof cfg.name !== 'string' || cfg.name === '') problems.push('the kms provider has no name');
    if (typeof cfg.endpoint !== 'string' || !cfg.endpoint.startsWith('unix:///')) problems.push('the kms provider endpoint is not a unix:/// socket');
    if (cfg.timeout === undefined) problems.push('the kms provider sets no timeout');
    return problems;
  }
  if (LOCAL_PROVIDERS.includes(type)) {
    const keys = asArray(cfg.keys);
    if (keys.length === 0) return [`the first provider ${type} has no keys`];
    return keys.flatMap((k, i) => {
      const bytes = typeof k?.secret === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(k.secret) ? Buffer.from(k.secret, 'base64').length : 0;
      return bytes === 32 ? [] : [`${type} key ${JSON.stringify(k?.name ?? i)} is not the base64 of 32 bytes`];
    });
  }
  return [`the first provider is ${type}, which does not encrypt new writes; put kms (v2), aescbc, aesgcm or secretbox first`];
}

function configProblems(cfg: Manifest): string[] {
  if (cfg.apiVersion !== API_VERSION) return [`apiVersion is ${cfg.apiVersion ?? 'unset'}, not ${API_VERSION}`];
  // The API server uses the first resources entry that names a resource, so a later entry for secrets is dead configuration.
  const entry = asArray(cfg.resources).find((r) => asArray(r?.resources).some(coversSecrets));
  if (!entry) return ['no resources[] entry covers secrets'];
  const providers = asArray(entry.providers);
  if (providers.length === 0) return ['the resources[] entry for secrets lists no providers'];
  const problems = firstProviderProblems(providers[0]);
  providers.forEach((p, i) => {
    if (i > 0 && i < providers.length - 1 && providerType(p) === 'identity') problems.push(`identity is provider ${i} of ${providers.length}; it may appear only last`);
  });
  return problems;
}

/** HK-SECRETS-008: judged on EncryptionConfiguration files in the set; a set without one has nothing to judge. */
export const etcdEncryption: Practice = {
  id: 'HK-SECRETS-008',
  group: PracticeGroup.SECRETS,
  title: 'etcd encryption at rest via EncryptionConfiguration',
  severity: Severity.CRITICAL,
  why: 'Without it every Secret sits in etcd (and in etcd snapshots/backups) as plain base64.',
  criterion: 'Judged on every EncryptionConfiguration in the set (none: nothing to judge): apiVersion apiserver.config.k8s.io/v1; the '
    + 'first resources[] entry covering secrets (secrets, *. or *.*) has as first provider kms with apiVersion v2, a name, a '
    + 'unix:/// endpoint and a timeout, or aescbc/aesgcm/secretbox whose keys are each the base64 of 32 bytes; identity appears '
    + 'only as the last provider. That kube-apiserver runs with --encryption-provider-config is not visible in the file.',
  library: 'Generates the file (keys never in snapshots) and documents the --encryption-provider-config flag.',
  fix: 'Put a kms provider (apiVersion: v2, name, endpoint: unix:///…, timeout) first for secrets, keep identity last only while '
    + 'migrating, start kube-apiserver with --encryption-provider-config, then rewrite every Secret once.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'Unencrypted Secrets in etcd and its snapshots are never acceptable.',
  checkability: Checkability.CONTROL_PLANE,
  sources: {
    nsa: ['Control plane hardening → Etcd', 'Encryption (ks C-0066; tv 6.1, 6.2)', 'KMS/encryption example appendices'],
    cis: ['1.2.27', '1.2.28'],
    checkov: ['CKV_K8S_104'],
    kubescape: ['C-0066', 'C-0141', 'C-0142', 'C-0244'],
  },
  evaluate: perObject(['EncryptionConfiguration'], configProblems),
};
