import { apiVersionOf } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** Annotations that widen a SealedSecret's scope beyond its own name and namespace. */
export const SEALED_SCOPE_ANNOTATIONS: readonly string[] = ['sealedsecrets.bitnami.com/cluster-wide', 'sealedsecrets.bitnami.com/namespace-wide'];

/** HK-SECRETS-003: judged on every bitnami.com SealedSecret. */
export const sealedSecretScope: Practice = {
  id: 'HK-SECRETS-003',
  group: PracticeGroup.SECRETS,
  title: 'Sealed Secrets with strict scope',
  severity: Severity.MEDIUM,
  why: 'A namespace-wide or cluster-wide sealed secret can be renamed/moved and decrypted somewhere it was never meant to exist.',
  criterion: 'Every SealedSecret (bitnami.com) has a non-empty spec.encryptedData of strings and no legacy spec.data; neither '
    + 'metadata.annotations nor spec.template.metadata.annotations sets sealedsecrets.bitnami.com/cluster-wide or '
    + 'sealedsecrets.bitnami.com/namespace-wide to "true" (strict scope binds name and namespace).',
  library: 'EncryptedSecret seals with strict scope by default.',
  fix: 'Re-seal with `kubeseal --scope strict` for the exact name and namespace and drop the scope annotations; or record why the secret must move.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'A secret deliberately shared across names or namespaces (e.g. a registry pull secret copied by a controller).',
  checkability: Checkability.MANIFESTS,
  sources: {
    cis: ['5.4.2'],
    other: ['bitnami-labs/sealed-secrets scope model (strict, namespace-wide, cluster-wide)'],
  },
  evaluate: perObject(['SealedSecret'], (ss) => {
    if (!apiVersionOf(ss).startsWith('bitnami.com/')) return [];
    const problems: string[] = [];
    const encrypted = ss.spec?.encryptedData;
    const entries = encrypted && typeof encrypted === 'object' ? Object.entries(encrypted) : [];
    if (entries.length === 0) problems.push('spec.encryptedData is missing or empty');
    for (const [key, value] of entries) {
      if (typeof value !== 'string' || value === '') problems.push(`spec.encryptedData key "${key}" is not a sealed string`);
    }
    if (ss.spec?.data !== undefined) problems.push('spec.data (the legacy single-blob format) is set');
    for (const [where, annotations] of [['metadata', ss.metadata?.annotations], ['spec.template.metadata', ss.spec?.template?.metadata?.annotations]] as const) {
      for (const a of SEALED_SCOPE_ANNOTATIONS) {
        if (String(annotations?.[a]) === 'true') problems.push(`${where} annotation ${a} is "true"`);
      }
    }
    return problems;
  }),
};
