import { Manifest } from '../../manifest';

/**
 * A SOPS-encrypted value: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` with standard base64, a 32-byte IV and a 16-byte tag,
 * as sops' aes/cipher.go writes it (sops reads it with a regex anchored at the start).
 */
export const SOPS_VALUE = /^ENC\[AES256_GCM,data:(?=[A-Za-z0-9+/])(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?,iv:[A-Za-z0-9+/]{43}=,tag:[A-Za-z0-9+/]{22}==,type:(?:str|int|float|bool|time|bytes)\]$/;

/** Whether a value has the SOPS envelope prefix (it may still be malformed; HK-SECRETS-002 judges the rest). */
export function looksSopsEncrypted(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('ENC[AES256_GCM,');
}

/** Whether a Secret carries a top-level `sops` metadata block, i.e. claims to be SOPS-encrypted. */
export function hasSopsBlock(secret: Manifest): boolean {
  return !!secret.sops && typeof secret.sops === 'object' && !Array.isArray(secret.sops);
}

/** The `data` and `stringData` entries of a Secret, as `[field, key, value]`. */
export function secretEntries(secret: Manifest): Array<[string, string, unknown]> {
  const out: Array<[string, string, unknown]> = [];
  for (const field of ['data', 'stringData']) {
    const map = secret[field];
    if (map && typeof map === 'object' && !Array.isArray(map)) {
      for (const [key, value] of Object.entries(map)) out.push([field, key, value]);
    }
  }
  return out;
}

/**
 * Names that announce a credential: Polaris sensitiveContainerEnvVar's list, plus `apikey` (with an optional `_`, `-` or `.`
 * between the words, the way such variables are usually spelled).
 */
const SENSITIVE_NAMES: readonly RegExp[] = [
  /password/i, /secret/i, /token/i, /bearer/i, /api[-_.]?key/i,
  /^AWS_SECRET_ACCESS_KEY$/i, /^GOOGLE_APPLICATION_CREDENTIALS$/i, /^AZURE_.+KEY$/i, /^OCI_CLI_KEY_CONTENT$/i,
];

/**
 * Whether any of `patterns` matches, as one alternation per set of flags (one or two regex runs instead of one per
 * pattern: every env literal and ConfigMap value of a set is asked). The patterns use no backreferences or named
 * groups, which an alternation would renumber or repeat.
 */
function anyOf(patterns: readonly RegExp[]): (text: string) => boolean {
  const byFlags = new Map<string, string[]>();
  for (const re of patterns) byFlags.set(re.flags, [...(byFlags.get(re.flags) ?? []), `(?:${re.source})`]);
  const alternations = [...byFlags].map(([flags, sources]) => new RegExp(sources.join('|'), flags));
  return (text) => alternations.some((re) => re.test(text));
}

const namedLikeCredential = anyOf(SENSITIVE_NAMES);

/** Whether an env var or ConfigMap key name announces a credential. */
export function isSensitiveName(name: string): boolean {
  return namedLikeCredential(name);
}

/** Env names that say the value is where a credential lives (a file), not the credential. */
const LOCATION_NAME = /(?:^|[-_.])(?:FILE|FILENAME|PATH|DIR|LOCATION)$|^GOOGLE_APPLICATION_CREDENTIALS$/i;
/** Env names that say the value names another object (`METALLB_ML_SECRET_NAME`, `secretRef`). */
const REFERENCE_NAME = /(?:[-_.]NAME|[a-z]Name|[-_.]REF|[a-z]Ref)$/;
/** A file path: absolute, home- or dot-relative, no whitespace. */
const PATH_VALUE = /^(?:\/|~\/|\.\.?\/)[^\s]*$/;
/** A Kubernetes object name (DNS-1123 subdomain). */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/**
 * Whether an env literal whose name sounds like a credential only points at one: a file path under a name such as
 * `*_FILE` or `GOOGLE_APPLICATION_CREDENTIALS` (the recommended way to hand over a credential), an absolute path of
 * two or more segments, or an object name under a name ending in `_NAME`/`Ref` (MetalLB's
 * `METALLB_ML_SECRET_NAME: memberlist`). The value rules (PEM keys, token formats) still apply to it.
 */
export function isCredentialReference(name: string, value: string): boolean {
  if (PATH_VALUE.test(value) && (LOCATION_NAME.test(name) || /^\/[^/\s]+\/[^\s]+$/.test(value))) return true;
  return REFERENCE_NAME.test(name) && OBJECT_NAME.test(value);
}

/** Credential shapes recognisable without context: PEM private keys (Polaris' pattern) and well-known token formats. */
const CREDENTIAL_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['a PEM private key', /-BEGIN\s+[A-Z0-9 ]*PRIVATE KEY-/i],
  ['an AWS access key id', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ['a Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['a Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['a JSON Web Token', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  // scheme://user:password@host; a Kubernetes `$(VAR)` (or shell `${VAR}`) reference in the password is not a credential.
  ['a URL with a password', /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/?#@]+:(?!\$\([A-Za-z_][A-Za-z0-9_.-]*\)@|\$\{[A-Za-z_][A-Za-z0-9_]*\}@)[^\s/?#@]+@/],
  ['an HTTP Bearer token', /\bBearer\s+(?!\$\()[A-Za-z0-9._~+/-]{16,}=*/],
  ['HTTP Basic credentials', /\bBasic\s+(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{8,}={0,2}(?![A-Za-z0-9+/=])/],
  ['an AWS secret access key', /\baws_secret_access_key\s*[=:]\s*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/i],
];

/** Whether any credential pattern matches: almost no value holds one, and then which one is not asked. */
const holdsCredential = anyOf(CREDENTIAL_PATTERNS.map(([, re]) => re));

/** What kind of credential a value contains, or undefined. Never returns the value itself. */
export function credentialKind(value: unknown): string | undefined {
  if (typeof value !== 'string' || !holdsCredential(value)) return undefined;
  return CREDENTIAL_PATTERNS.find(([, re]) => re.test(value))?.[0];
}
