import { Yaml } from 'cdk8s';
import { KUBERNETES_RULE } from './encryption-rule';
import { decryptMac, encryptMac } from './mac';
import { AgeKeyEntry, KmsKeyEntry, renderMetadata, SOPS_VERSION } from './metadata';
import { SopsError } from './sops-error';
import { decryptTree, pathAad, StashedValue, stashKey } from './tree-cipher';
import { encryptValue, IV_BYTES } from './value-cipher';
import { parseSopsYaml } from './yaml-tree';

/** One Secret value to encrypt. */
export interface SecretEntry {
  /** `data` (the plaintext is the base64 text of the bytes) or `stringData` (UTF-8 text). */
  readonly section: 'data' | 'stringData';
  /** The key inside the section. */
  readonly key: string;
  /** The bytes to encrypt: for `data`, the base64 text. */
  readonly plaintext: Buffer;
}

/** What the previous file of the same Secret held, so unchanged values and MAC come out byte-identical. */
export interface PreviousEncryption {
  /** Plaintext and IV per value. */
  readonly stash: ReadonlyMap<string, StashedValue>;
  /** The previous MAC (hex) and the IV of its encryption. */
  readonly mac: { readonly hex: string; readonly iv: Buffer };
  /** The previous `lastmodified`. */
  readonly lastModified: string;
}

/** Everything needed to write one SOPS-encrypted Secret. */
export interface SecretEnvelopeInput {
  /** The clear-text part exactly as cdk8s renders it (`apiVersion`, `kind`, `metadata`, `type`, ...). */
  readonly skeleton: Readonly<Record<string, unknown>>;
  /** The values to encrypt. */
  readonly entries: readonly SecretEntry[];
  /** The 32-byte data key. */
  readonly dataKey: Buffer;
  /** The data key wrapped for each age recipient. */
  readonly age: readonly AgeKeyEntry[];
  /** The data key wrapped by each KMS key. */
  readonly kms: readonly KmsKeyEntry[];
  /** The previous encryption under the same data key, if any. */
  readonly previous?: PreviousEncryption;
  /** `lastmodified` to use when anything changed: RFC 3339, UTC, whole seconds. */
  readonly now: string;
  /** Source of IVs. */
  readonly randomBytes: (size: number) => Buffer;
}

/** The cdk8s order: `apiVersion`, `kind`, `metadata` first, then the other keys sorted, `sops` last as sops writes it. */
function orderDocument(doc: Record<string, unknown>): Record<string, unknown> {
  const head = ['apiVersion', 'kind', 'metadata'].filter((k) => k in doc);
  const rest = Object.keys(doc).filter((k) => !head.includes(k) && k !== 'sops').sort();
  return Object.fromEntries([...head, ...rest, 'sops'].filter((k) => k in doc).map((k) => [k, doc[k]]));
}

/**
 * Builds the SOPS document of a Kubernetes Secret: `encrypted_regex: ^(data|stringData)$`, AES-256-GCM per value with
 * its path as AAD, and the MAC computed over the YAML text cdk8s will write (re-read with go-yaml's typing, so a
 * clear-text value such as `0o17` is hashed as sops will read it). An unchanged value reuses its previous IV, and an
 * unchanged document its previous `lastmodified` and MAC IV, so re-synthesis is byte-identical.
 */
export function encryptSecretDocument(input: SecretEnvelopeInput): Record<string, unknown> {
  const { dataKey, previous } = input;
  const sections: Record<string, Record<string, string>> = {};
  for (const entry of [...input.entries].sort((a, b) => (a.section === b.section ? (a.key < b.key ? -1 : 1) : a.section < b.section ? -1 : 1))) {
    const aad = pathAad([entry.section, entry.key]);
    const stashed = previous?.stash.get(stashKey(aad, 0));
    const iv = stashed && stashed.plaintext.equals(entry.plaintext) ? stashed.iv : input.randomBytes(IV_BYTES);
    (sections[entry.section] ??= {})[entry.key] = entry.plaintext.length === 0 ? '' : encryptValue(entry.plaintext, dataKey, iv, aad, 'str');
  }
  const meta = { kms: input.kms, age: input.age, otherKeyTypes: [], rule: KUBERNETES_RULE, macOnlyEncrypted: false, version: SOPS_VERSION };
  const withMac = (lastModified: string, mac: string) =>
    orderDocument({ ...input.skeleton, ...sections, sops: renderMetadata({ ...meta, lastModified, mac }) });

  const draft = withMac(input.now, 'pending');
  const macHex = decryptTree(parseSopsYaml(Yaml.stringify(draft), 'draft'), KUBERNETES_RULE, false, dataKey, 'draft').macHex;
  const unchanged = previous !== undefined && previous.mac.hex === macHex;
  const lastModified = unchanged ? previous.lastModified : input.now;
  const macIv = unchanged ? previous.mac.iv : input.randomBytes(IV_BYTES);
  const encMac = encryptMac(macHex, dataKey, lastModified, macIv);
  const document = withMac(lastModified, encMac);

  // The written text must verify exactly as sops -d and KSOPS will verify it; anything else is a bug, never output.
  const written = parseSopsYaml(Yaml.stringify(document), 'output');
  const check = decryptTree(written, KUBERNETES_RULE, false, dataKey, 'output');
  if (decryptMac(encMac, dataKey, lastModified, 'output').macHex !== check.macHex) {
    throw new SopsError('the encrypted Secret does not verify after serialisation', 'report this as a bug in cdk8s-hardened');
  }
  return document;
}
