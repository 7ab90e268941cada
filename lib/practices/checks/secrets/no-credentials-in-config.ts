import { credentialKind, isCredentialReference, isSensitiveName } from './util';
import { asArray, containerLabel, containersOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

function decodeBase64(value: unknown): string | undefined {
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('latin1') : undefined;
}

/** HK-SECRETS-006: env literals of every container and every ConfigMap; messages name the key and the kind of credential, never the value. */
export const noCredentialsInConfig: Practice = {
  id: 'HK-SECRETS-006',
  group: PracticeGroup.SECRETS,
  title: 'No credentials in env literals or ConfigMaps',
  severity: Severity.CRITICAL,
  why: 'A literal password in `env[].value` or a private key in a ConfigMap is a plaintext secret under another name.',
  criterion: 'No container env entry with a non-empty literal value has a name matching (case-insensitive) password, secret, token, '
    + 'bearer or apikey (api_key, api-key), or equal to AWS_SECRET_ACCESS_KEY, GOOGLE_APPLICATION_CREDENTIALS, AZURE_…KEY or '
    + 'OCI_CLI_KEY_CONTENT (Polaris\' list plus apikey), unless the value only points at a credential (a file path under a name '
    + 'ending in FILE, PATH or DIR or GOOGLE_APPLICATION_CREDENTIALS, an absolute path, or an object name under a name ending in '
    + '_NAME or Ref); no literal env value and no ConfigMap data or binaryData value (decoded) '
    + 'contains a PEM private key (-BEGIN … PRIVATE KEY-) or a well-known credential format (AWS access key id, GitHub, Slack or '
    + 'Google API token, JSON Web Token, a URL with a password in its user part unless the password is a $(VAR) reference, '
    + 'an HTTP Bearer token or Basic credentials, an aws_secret_access_key assignment); no ConfigMap data or binaryData key has such a name.',
  library: 'Refuses sensitive env literals and ConfigMap entries; messages name the key, never the value.',
  fix: 'Move the value into an EncryptedSecret mounted as a file (HK-SECRETS-005); rename non-secret keys that only look sensitive; rotate anything already committed.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'A credential in plain configuration is never acceptable; a harmless key that trips the name rule is renamed.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Secrets (ks C-0012)'],
    polaris: ['sensitiveContainerEnvVar', 'sensitiveConfigmapContent'],
    kubeLinter: ['env-var-secret'],
    kubescape: ['C-0012'],
  },
  evaluate: perObject([...POD_KINDS, 'ConfigMap'], (obj) => {
    const problems: string[] = [];
    if (obj.kind === 'ConfigMap') {
      for (const [field, decode] of [['data', (v: unknown) => v], ['binaryData', decodeBase64]] as const) {
        for (const [key, value] of Object.entries<unknown>(obj[field] ?? {})) {
          if (isSensitiveName(key)) problems.push(`${field} key "${key}" is named like a credential`);
          const kind = credentialKind(decode(value));
          if (kind) problems.push(`${field} key "${key}" contains ${kind}`);
        }
      }
      return problems;
    }
    for (const c of containersOf(obj)) {
      for (const env of asArray(c.container?.env)) {
        if (typeof env?.value !== 'string' || env.value === '') continue;
        const name = String(env.name ?? '');
        if (isSensitiveName(name) && !isCredentialReference(name, env.value)) problems.push(`${containerLabel(c)} env "${name}" is named like a credential and sets a literal value`);
        const kind = credentialKind(env.value);
        if (kind) problems.push(`${containerLabel(c)} env "${name}" literal value contains ${kind}`);
      }
    }
    return problems;
  }),
};
