import { isVelero } from './util';
import { Manifest } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** The `spec.config` key that turns on encryption with a customer-managed key, per object-store plugin. */
const KMS_KEYS: Record<string, string> = {
  'aws': 'kmsKeyId',
  'velero.io/aws': 'kmsKeyId',
  'gcp': 'kmsKeyName',
  'velero.io/gcp': 'kmsKeyName',
};

/** Azure encrypts every blob at rest; a customer-managed key is a storage-account setting the BSL cannot show. */
const ENCRYPTED_BY_PLATFORM = ['azure', 'velero.io/azure'];

/** `spec.config` keys that would hold a credential itself rather than point to one (compared case- and separator-blind). */
const INLINE_CREDENTIAL = /^(aws)?(secretaccesskey|secretkey|accesskey|accesskeyid|sessiontoken|token|password|passwd|clientsecret|storageaccountkey|accountkey)$/;

const URL_KEYS = ['s3Url', 'publicUrl'];

function storageProblems(bsl: Manifest): string[] {
  if (!isVelero(bsl, 'BackupStorageLocation')) return [];
  const spec = bsl.spec ?? {};
  const config: Record<string, unknown> = spec.config ?? {};
  const provider = String(spec.provider ?? '');
  const problems: string[] = [];
  const kmsKey = KMS_KEYS[provider];
  if (kmsKey) {
    if (typeof config[kmsKey] !== 'string' || config[kmsKey] === '') problems.push(`spec.config.${kmsKey} is not set, so backups are not encrypted with a KMS key`);
  } else if (!ENCRYPTED_BY_PLATFORM.includes(provider)) {
    problems.push(`provider ${JSON.stringify(provider)} has no known encryption setting; use a provider whose BSL names a KMS key (aws kmsKeyId, gcp kmsKeyName)`);
  }
  const skip = config.insecureSkipTLSVerify;
  if (skip !== undefined && String(skip).toLowerCase() !== 'false') problems.push(`spec.config.insecureSkipTLSVerify is ${JSON.stringify(skip)}`);
  for (const key of URL_KEYS) {
    const url = config[key];
    if (typeof url !== 'string') continue;
    if (!url.startsWith('https://')) problems.push(`spec.config.${key} is not an https:// URL`);
    if (/^[a-z]+:\/\/[^/]*@/i.test(url)) problems.push(`spec.config.${key} carries credentials in the URL`);
  }
  for (const key of Object.keys(config)) {
    if (INLINE_CREDENTIAL.test(key.toLowerCase().replace(/[-_]/g, ''))) problems.push(`spec.config.${key} holds a credential inline; use spec.credential or workload identity`);
  }
  return problems;
}

/** HK-BACKUP-003: judged on every velero.io BackupStorageLocation; values are never echoed. */
export const encryptedStorage: Practice = {
  id: 'HK-BACKUP-003',
  group: PracticeGroup.BACKUP,
  title: 'Backup storage encrypted and TLS-verified',
  severity: Severity.HIGH,
  why: 'Backups contain every Secret in clear JSON; the bucket is a second etcd.',
  criterion: 'Every BackupStorageLocation names a KMS key in spec.config (kmsKeyId for provider aws / velero.io/aws, kmsKeyName for '
    + 'gcp / velero.io/gcp; azure encrypts at rest by platform; other providers fail); spec.config.insecureSkipTLSVerify is absent '
    + 'or "false"; s3Url/publicUrl, when set, are https:// without user info; no spec.config key holds a credential inline '
    + '(access/secret keys, tokens, passwords) — credentials come from spec.credential or workload identity.',
  library: 'Refuses a BackupStorageLocation without KMS.',
  fix: 'Set spec.config.kmsKeyId (AWS) or kmsKeyName (GCP), drop insecureSkipTLSVerify, use https endpoints, and reference '
    + 'credentials through spec.credential (a Secret from EncryptedSecret) or IRSA / workload identity.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'An unencrypted or unverified backup store leaks every Secret.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Encryption'],
    other: ['velero-plugin-for-aws backupstoragelocation.md'],
  },
  evaluate: perObject(['BackupStorageLocation'], storageProblems),
};
