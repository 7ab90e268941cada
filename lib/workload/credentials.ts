import { credentialKind, isCredentialReference, isSensitiveName } from '../practices/checks/secrets/util';

/**
 * Why an env literal looks like a credential written in clear (HK-SECRETS-006), judged by the catalogue's own rules
 * (a name that announces a credential and is no reference to one, or a credential format in the value), or undefined.
 * Never contains the value.
 */
export function envCredentialProblem(name: string, value: string): string | undefined {
  const kind = credentialKind(value);
  if (kind) return `contains ${kind} written in clear`;
  if (isSensitiveName(name) && value !== '' && !isCredentialReference(name, value)) return 'looks like a credential written in clear';
  return undefined;
}

/** Why a ConfigMap entry looks like a credential (HK-SECRETS-006), by the catalogue's rules, or undefined. */
export function configMapCredentialProblem(key: string, value: string): string | undefined {
  if (isSensitiveName(key)) return 'has a name that says it holds a credential';
  const kind = credentialKind(value);
  return kind ? `contains ${kind}` : undefined;
}
