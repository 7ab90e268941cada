/** Environment variable names Polaris and the catalogue treat as credentials (HK-SECRETS-006). */
export const CREDENTIAL_NAME = /password|secret|token|bearer|apikey|api_key|^aws_secret_access_key$|^google_application_credentials$|^azure_.*key|^oci_cli_key_content$/i;
/** A PEM private key block, in any variable or ConfigMap value. */
export const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** Why a name/value pair looks like a credential written in clear (HK-SECRETS-006), or undefined. */
export function credentialProblem(name: string, value: string): string | undefined {
  if (CREDENTIAL_NAME.test(name)) return 'has a name that says it holds a credential';
  if (PRIVATE_KEY.test(value)) return 'holds a private key';
  return undefined;
}
