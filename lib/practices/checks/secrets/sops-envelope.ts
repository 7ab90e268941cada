import { hasSopsBlock, secretEntries, SOPS_VALUE } from './util';
import { asArray, Manifest } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** The encryption rule that keeps a Kubernetes object's metadata readable. */
export const SOPS_ENCRYPTED_REGEX = '^(data|stringData)$';

const OTHER_RULES = ['unencrypted_suffix', 'encrypted_suffix', 'unencrypted_regex', 'unencrypted_comment_regex', 'encrypted_comment_regex'];
const KMS_ARN = /^arn:aws[\w-]*:kms:(.+):[0-9]+:(key|alias)\/.+$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function nonEmpty(x: unknown): boolean {
  return typeof x === 'string' && x.trim() !== '';
}

/** Master keys that can unwrap the data key: AWS KMS (valid ARN), age, or Vault transit. */
function masterKeyProblems(sops: any): string[] {
  const kms = asArray(sops.kms);
  const age = asArray(sops.age);
  const vault = asArray(sops.hc_vault);
  const problems: string[] = [];
  kms.forEach((k, i) => {
    if (!KMS_ARN.test(String(k?.arn ?? ''))) problems.push(`sops.kms[${i}].arn is not a KMS key or alias ARN`);
    if (!nonEmpty(k?.enc)) problems.push(`sops.kms[${i}].enc is empty`);
  });
  age.forEach((a, i) => {
    if (!/^age1[0-9a-z]+$/.test(String(a?.recipient ?? ''))) problems.push(`sops.age[${i}].recipient is not an age recipient`);
    if (!nonEmpty(a?.enc)) problems.push(`sops.age[${i}].enc is empty`);
  });
  vault.forEach((v, i) => {
    if (!nonEmpty(v?.enc)) problems.push(`sops.hc_vault[${i}].enc is empty`);
  });
  if (kms.length + age.length + vault.length === 0) problems.push('sops block has no kms, age or hc_vault entry');
  return problems;
}

function envelopeProblems(secret: Manifest): string[] {
  const sops = secret.sops;
  const problems: string[] = [];
  for (const [field, key, value] of secretEntries(secret)) {
    if (value === '' || value === null || value === undefined) continue;
    if (typeof value !== 'string' || !SOPS_VALUE.test(value)) problems.push(`${field} key "${key}" is not a well-formed ENC[AES256_GCM,data,iv,tag,type] value`);
  }
  if (typeof sops.mac !== 'string' || !SOPS_VALUE.test(sops.mac)) problems.push('sops.mac is missing or not an ENC[AES256_GCM,…] value');
  if (typeof sops.lastmodified !== 'string' || !RFC3339.test(sops.lastmodified)) problems.push('sops.lastmodified is missing or not a quoted RFC 3339 timestamp');
  if (typeof sops.version !== 'string' || !SEMVER.test(sops.version)) problems.push('sops.version is missing or not a semantic version');
  if (sops.encrypted_regex !== SOPS_ENCRYPTED_REGEX) problems.push(`sops.encrypted_regex is not ${SOPS_ENCRYPTED_REGEX}`);
  for (const rule of OTHER_RULES.filter((r) => sops[r] !== undefined)) problems.push(`sops.${rule} is set beside encrypted_regex (sops allows one rule)`);
  problems.push(...masterKeyProblems(sops));
  return problems;
}

/** HK-SECRETS-002: judged on Secrets that carry a `sops` block; plaintext Secrets are HK-SECRETS-001's. */
export const sopsEnvelope: Practice = {
  id: 'HK-SECRETS-002',
  group: PracticeGroup.SECRETS,
  title: 'SOPS envelope encryption with KMS',
  severity: Severity.HIGH,
  why: 'Encrypt before commit with a data key wrapped by a KMS key, so Git holds ciphertext and decryption needs cloud IAM (Flux decrypts natively; Argo CD via plugin).',
  criterion: 'For every Secret with a top-level sops block: each non-empty data/stringData value matches '
    + 'ENC[AES256_GCM,data:<base64>,iv:<base64 of 32 bytes>,tag:<base64 of 16 bytes>,type:<str|int|float|bool|time|bytes>]; '
    + 'sops.mac has the same form; sops.lastmodified is an RFC 3339 string; sops.version is a semantic version; '
    + `sops.encrypted_regex is ${SOPS_ENCRYPTED_REGEX} and no other encryption rule is set; and there is at least one kms (with a KMS key `
    + 'or alias ARN), age (age1… recipient) or hc_vault entry, each with a non-empty enc.',
  library: 'EncryptedSecret generates the envelope via @aws-sdk/client-kms (GenerateDataKey/Encrypt).',
  fix: 'Re-encrypt with EncryptedSecret or `sops --encrypt --encrypted-regex \'^(data|stringData)$\' --kms <arn>`; never edit the sops block by hand.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'A malformed envelope cannot be decrypted by Flux, sops or KSOPS; there is nothing to except.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Secrets (KMS envelope)'],
    cis: ['5.4.2'],
    other: ['no peer validates SOPS output (gap)', 'getsops/sops stores/stores.go metadata'],
  },
  evaluate: perObject(['Secret'], (secret) => (hasSopsBlock(secret) ? envelopeProblems(secret) : [])),
};
