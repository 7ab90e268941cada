import { DEFAULT_RULE, EncryptionRule, RULE_FIELDS } from './encryption-rule';
import { SopsError } from './sops-error';
import { getEntry, resolvePlainScalar, SopsNode, stringOf } from './yaml-tree';

/** The sops release whose file layout this library writes (metadata keys sorted, no empty lists). */
export const SOPS_VERSION = '3.13.2';

/** An AWS KMS master key entry (`sops.kms[]`). */
export interface KmsKeyEntry {
  /** Key ARN (or alias ARN in files written by others). */
  readonly arn: string;
  /** IAM role sops assumes before calling KMS. */
  readonly role?: string;
  /** KMS encryption context; in clear text, never secret. */
  readonly context?: Readonly<Record<string, string>>;
  /** When this entry was created (RFC 3339). */
  readonly createdAt: string;
  /** Standard base64 of the KMS CiphertextBlob that wraps the data key. */
  readonly enc: string;
  /** AWS profile name sops used; written as `""`. */
  readonly awsProfile: string;
}

/** An age master key entry (`sops.age[]`). */
export interface AgeKeyEntry {
  /** The `age1...` recipient. */
  readonly recipient: string;
  /** The armored age file holding the 32-byte data key. */
  readonly enc: string;
}

/** The `sops:` metadata block. */
export interface SopsMetadata {
  /** AWS KMS entries; any one of them (or of `age`) unwraps the data key. */
  readonly kms: readonly KmsKeyEntry[];
  /** age entries. */
  readonly age: readonly AgeKeyEntry[];
  /** Master key types present that this library cannot unwrap (`pgp`, `gcp_kms`, ...), for error messages. */
  readonly otherKeyTypes: readonly string[];
  /** RFC 3339, UTC, whole seconds: the MAC's AAD. */
  readonly lastModified: string;
  /** `ENC[...]` of the uppercase hex MAC; absent only in files sops would refuse. */
  readonly mac?: string;
  /** Which values are encrypted. */
  readonly rule: EncryptionRule;
  /** Whether the MAC covers only the encrypted values. */
  readonly macOnlyEncrypted: boolean;
  /** The sops version that wrote the file. */
  readonly version: string;
}

const OTHER_KEY_TYPES = ['pgp', 'gcp_kms', 'azure_kv', 'hc_vault', 'hckms'];

function listOf(node: SopsNode | undefined): SopsNode[] {
  return node?.kind === 'seq' ? node.items : [];
}

function requireString(node: SopsNode | undefined, field: string, where: string): string {
  const value = stringOf(node);
  if (value === undefined || value === '') {
    throw new SopsError(`${where}: sops metadata field '${field}' is missing or not a string`, 'restore the file from version control or re-encrypt it');
  }
  return value;
}

/** RFC 3339 with whole seconds and `Z` for UTC, as sops formats `lastmodified` for the MAC's AAD. */
export function normaliseTimestamp(node: SopsNode | undefined, where: string): string {
  const text = node?.kind === 'scalar' && (node.scalar.type === 'str' || node.scalar.type === 'time') ? node.scalar.value : undefined;
  const resolved = text === undefined ? undefined : resolvePlainScalar(text);
  if (resolved?.type !== 'time') {
    throw new SopsError(`${where}: sops metadata field 'lastmodified' is missing or not an RFC 3339 time`, 'restore the file from version control or re-encrypt it');
  }
  return resolved.value;
}

function contextOf(node: SopsNode | undefined, where: string): Record<string, string> | undefined {
  if (node === undefined || (node.kind === 'scalar' && node.scalar.type === 'null')) return undefined;
  if (node.kind !== 'map') throw new SopsError(`${where}: a kms context is not a mapping`, 'restore the file from version control');
  const context: Record<string, string> = {};
  for (const [k, v] of node.entries) {
    const value = v.kind === 'scalar' && v.scalar.type !== 'null' ? String(v.scalar.value) : undefined;
    if (value === undefined) throw new SopsError(`${where}: kms context '${k}' is not a scalar`, 'restore the file from version control');
    context[k] = value;
  }
  return Object.keys(context).length > 0 ? context : undefined;
}

/** Reads the `sops:` block of the first document; refuses files sops itself would refuse. */
export function parseMetadata(node: SopsNode | undefined, where: string): SopsMetadata {
  if (node?.kind !== 'map') {
    throw new SopsError(`${where} has no sops metadata (no top-level 'sops' mapping in the first document)`, 'decrypt only files written by sops or EncryptedSecret');
  }
  const groups = listOf(getEntry(node, 'key_groups'));
  if (groups.length > 1) {
    throw new SopsError(`${where} splits its data key across ${groups.length} key_groups (Shamir)`, 'decrypt it with the sops CLI');
  }
  const holders = groups.length === 1 ? [node, groups[0]] : [node];
  const kms: KmsKeyEntry[] = [];
  const age: AgeKeyEntry[] = [];
  const otherKeyTypes = new Set<string>();
  for (const holder of holders) {
    for (const entry of listOf(getEntry(holder, 'kms'))) {
      kms.push({
        arn: requireString(getEntry(entry, 'arn'), 'kms.arn', where),
        role: stringOf(getEntry(entry, 'role')) || undefined,
        context: contextOf(getEntry(entry, 'context'), where),
        createdAt: stringOf(getEntry(entry, 'created_at')) ?? '',
        enc: requireString(getEntry(entry, 'enc'), 'kms.enc', where),
        awsProfile: stringOf(getEntry(entry, 'aws_profile')) ?? '',
      });
    }
    for (const entry of listOf(getEntry(holder, 'age'))) {
      age.push({ recipient: requireString(getEntry(entry, 'recipient'), 'age.recipient', where), enc: requireString(getEntry(entry, 'enc'), 'age.enc', where) });
    }
    for (const type of OTHER_KEY_TYPES) if (listOf(getEntry(holder, type)).length > 0) otherKeyTypes.add(type);
  }
  const rules = RULE_FIELDS.filter((f) => getEntry(node, f) !== undefined && stringOf(getEntry(node, f)) !== '');
  if (rules.length > 1) {
    throw new SopsError(`${where} names ${rules.length} encryption rules (${rules.join(', ')}); sops allows one`, 'restore the file from version control');
  }
  const rule = rules.length === 1 ? { field: rules[0], value: requireString(getEntry(node, rules[0]), rules[0], where) } : DEFAULT_RULE;
  const macOnly = getEntry(node, 'mac_only_encrypted');
  return {
    kms,
    age,
    otherKeyTypes: [...otherKeyTypes],
    lastModified: normaliseTimestamp(getEntry(node, 'lastmodified'), where),
    mac: stringOf(getEntry(node, 'mac')) || undefined,
    rule,
    macOnlyEncrypted: macOnly?.kind === 'scalar' && macOnly.scalar.type === 'bool' && macOnly.scalar.value,
    version: stringOf(getEntry(node, 'version')) ?? '',
  };
}

/**
 * The `sops:` block as sops 3.13 writes it: keys sorted, empty lists left out, `aws_profile: ""` kept,
 * timestamps as strings (emitted quoted, or go-yaml would read a timestamp and sops would refuse the file).
 */
export function renderMetadata(meta: SopsMetadata & { readonly mac: string }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (meta.age.length > 0) out.age = meta.age.map((a) => ({ enc: a.enc, recipient: a.recipient }));
  out[meta.rule.field] = meta.rule.value;
  if (meta.kms.length > 0) {
    out.kms = meta.kms.map((k) => ({
      arn: k.arn,
      aws_profile: k.awsProfile,
      ...(k.context ? { context: sortedRecord(k.context) } : {}),
      created_at: k.createdAt,
      enc: k.enc,
      ...(k.role ? { role: k.role } : {}),
    }));
  }
  out.lastmodified = meta.lastModified;
  out.mac = meta.mac;
  if (meta.macOnlyEncrypted) out.mac_only_encrypted = true;
  out.version = meta.version;
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]]));
}
