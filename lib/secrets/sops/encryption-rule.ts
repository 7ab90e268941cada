import { SopsError } from './sops-error';

/** The metadata fields that choose which values sops encrypts; at most one may be present. */
export const RULE_FIELDS = ['unencrypted_suffix', 'encrypted_suffix', 'unencrypted_regex', 'encrypted_regex'] as const;

/** One of sops's value-selection rules. */
export interface EncryptionRule {
  /** The metadata field name. */
  readonly field: typeof RULE_FIELDS[number];
  /** The suffix or (RE2, unanchored) regex. */
  readonly value: string;
}

/** The rule for Kubernetes Secrets: only `data` and `stringData` are encrypted; the rest stays readable. */
export const KUBERNETES_RULE: EncryptionRule = { field: 'encrypted_regex', value: '^(data|stringData)$' };

/** sops's default when the metadata names no rule. */
export const DEFAULT_RULE: EncryptionRule = { field: 'unencrypted_suffix', value: '_unencrypted' };

/**
 * Whether sops encrypts the value at `path` (every mapping key from the document root): the rule is tested against
 * every component, not just the last one.
 */
export function isEncryptedPath(rule: EncryptionRule, path: readonly string[]): boolean {
  switch (rule.field) {
    case 'unencrypted_suffix': return !path.some((k) => k.endsWith(rule.value));
    case 'encrypted_suffix': return path.some((k) => k.endsWith(rule.value));
    case 'unencrypted_regex': {
      const re = compile(rule.value);
      return !path.some((k) => re.test(k));
    }
    case 'encrypted_regex': {
      const re = compile(rule.value);
      return path.some((k) => re.test(k));
    }
  }
}

function compile(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch {
    throw new SopsError(`the sops rule regex '${source}' does not compile`, 'use an RE2-compatible regular expression');
  }
}
