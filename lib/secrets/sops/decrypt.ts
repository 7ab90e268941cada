import { unwrapWithAge } from './age-keys';
import { decryptDataKey, KmsClientProvider } from './kms-keys';
import { decryptMac } from './mac';
import { parseMetadata, SopsMetadata } from './metadata';
import { SopsError } from './sops-error';
import { decryptTree, StashedValue } from './tree-cipher';
import { getEntry, parseSopsYaml, SopsNode, toPlain } from './yaml-tree';
import { yamlLibrary } from '../../yaml/yaml-library';

/** How to unwrap a file's data key. */
export interface SopsKeyOptions {
  /** age identities (`AGE-SECRET-KEY-1...`), tried before KMS because they need no network. */
  readonly ageIdentities?: readonly string[];
  /** KMS clients; without them KMS entries are not tried. */
  readonly kmsClients?: KmsClientProvider;
}

/** A decrypted, MAC-verified SOPS file. Holds plaintext: never log or serialise it. */
export interface DecryptedSopsFile {
  /** The documents in clear text, without `sops` keys. */
  readonly documents: SopsNode[];
  /** The metadata of the first document. */
  readonly metadata: SopsMetadata;
  /** The 32-byte data key. */
  readonly dataKey: Buffer;
  /** The verified MAC (uppercase hex) and the IV its encryption used. */
  readonly mac: { readonly hex: string; readonly iv: Buffer };
  /** Plaintext and IV of every encrypted value (see `stashKey`). */
  readonly stash: ReadonlyMap<string, StashedValue>;
}

/** Parses a SOPS YAML text into its documents and the metadata of the first one. */
export function readSopsYaml(text: string, where: string): { documents: SopsNode[]; metadata: SopsMetadata } {
  const documents = parseSopsYaml(text, where);
  return { documents, metadata: parseMetadata(getEntry(documents[0], 'sops'), where) };
}

/**
 * Unwraps the data key with the first master key that works: age identities locally, then each KMS entry in order
 * (one `kms:Decrypt` per entry tried). When none works, the error lists what was tried and the last KMS failure.
 */
export async function unwrapDataKey(metadata: SopsMetadata, keys: SopsKeyOptions, where: string): Promise<Buffer> {
  const fromAge = await unwrapWithAge(metadata.age, keys.ageIdentities ?? [], where);
  if (fromAge) return fromAge;
  let lastKmsError: SopsError | undefined;
  if (keys.kmsClients) {
    for (const entry of metadata.kms) {
      try {
        return await decryptDataKey(keys.kmsClients, entry);
      } catch (e) {
        if (!SopsError.isSopsError(e)) throw e;
        lastKmsError = e;
      }
    }
  }
  if (lastKmsError) throw lastKmsError;
  const offered = [
    ...metadata.age.map((a) => `age ${a.recipient}`),
    ...metadata.kms.map((k) => `KMS ${k.arn}`),
    ...metadata.otherKeyTypes.map((t) => `${t} (not supported here)`),
  ];
  throw new SopsError(
    `${where}: no available key unwraps the data key (the file is encrypted for: ${offered.join(', ') || 'nothing'})`,
    'set SOPS_AGE_KEY_FILE (or SOPS_AGE_KEY) to an identity of one of the age recipients, or provide AWS credentials allowed kms:Decrypt on one of the KMS keys',
  );
}

/**
 * Decrypts a SOPS YAML file as `sops -d` does and verifies its MAC; refuses a file without a MAC or with a MAC that
 * does not match (any value, clear or encrypted, edited, reordered, added or removed).
 */
export async function decryptSopsYaml(text: string, keys: SopsKeyOptions, where: string): Promise<DecryptedSopsFile> {
  const { documents, metadata } = readSopsYaml(text, where);
  if (!metadata.mac) {
    throw new SopsError(`${where} has no sops.mac, so its integrity cannot be checked`, 'restore the file from version control or re-encrypt it');
  }
  const dataKey = await unwrapDataKey(metadata, keys, where);
  const tree = decryptTree(documents, metadata.rule, metadata.macOnlyEncrypted, dataKey, where);
  const stored = decryptMac(metadata.mac, dataKey, metadata.lastModified, where);
  if (stored.macHex !== tree.macHex) {
    throw new SopsError(
      `${where}: MAC mismatch: the file was changed after it was encrypted (a value, its order, or a clear-text field such as metadata.name)`,
      'restore the file from version control, or re-encrypt it from the plaintext source; never edit a SOPS file by hand',
    );
  }
  return { documents: tree.documents, metadata, dataKey, mac: { hex: stored.macHex, iv: stored.iv }, stash: tree.stash };
}

/** Prints decrypted documents as YAML (`---` between documents), as `sops -d` prints them. */
export function renderDecrypted(documents: readonly SopsNode[]): string {
  return documents.map((doc) => yamlLibrary().stringify(toPlain(doc), { lineWidth: 0 })).join('---\n');
}
