import { EncryptionRule, isEncryptedPath } from './encryption-rule';
import { MacHasher } from './mac';
import { SopsError } from './sops-error';
import { decryptValue, SopsValueType } from './value-cipher';
import { GoScalar, resolvePlainScalar, scalarBytes, SopsNode } from './yaml-tree';

/** The plaintext and IV of one previously encrypted value, so an unchanged value can be re-encrypted identically. */
export interface StashedValue {
  /** The plaintext bytes. */
  readonly plaintext: Buffer;
  /** The IV it was encrypted with. */
  readonly iv: Buffer;
}

/** The outcome of decrypting every document of a SOPS file. */
export interface DecryptedTree {
  /** The documents with every value in clear text and without the `sops` key. */
  readonly documents: SopsNode[];
  /** The MAC recomputed over the decrypted values (uppercase hex). */
  readonly macHex: string;
  /** Plaintext and IV per value, keyed by `stashKey(aad, occurrence)`. */
  readonly stash: ReadonlyMap<string, StashedValue>;
}

/** Key of a value in the stash: its AAD plus its occurrence (list elements share their parent's AAD). */
export function stashKey(aad: string, occurrence: number): string {
  return `${aad}#${occurrence}`;
}

/** The AAD sops uses for the value at `path`: the keys joined with `:` plus a trailing `:`. */
export function pathAad(path: readonly string[]): string {
  return path.map((k) => `${k}:`).join('');
}

function restoreType(plaintext: Buffer, type: SopsValueType, where: string): GoScalar {
  const text = plaintext.toString('utf8');
  switch (type) {
    case 'str':
    case 'bytes':
      return { type: 'str', value: text };
    case 'bool':
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return { type: 'bool', value: true };
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return { type: 'bool', value: false };
      break;
    case 'int': {
      const r = resolvePlainScalar(text);
      if (r.type === 'int') return r;
      break;
    }
    case 'float': {
      const n = Number(text);
      if (text !== '' && !Number.isNaN(n)) return { type: 'float', value: n };
      break;
    }
    case 'time': {
      const r = resolvePlainScalar(text);
      if (r.type === 'time') return r;
      break;
    }
    case 'comment':
      break;
  }
  throw new SopsError(`${where} decrypts to a value that is not a valid ${type}`, 'restore the file from version control');
}

/**
 * Decrypts every value the rule selects, in document order over all documents, and recomputes the MAC over the
 * plaintext of every non-null leaf (only the encrypted ones in `mac_only_encrypted` mode). The `sops` key of each
 * document's root is left out, as sops does.
 */
export function decryptTree(
  documents: readonly SopsNode[],
  rule: EncryptionRule,
  macOnlyEncrypted: boolean,
  dataKey: Buffer,
  where: string,
): DecryptedTree {
  const hasher = new MacHasher(macOnlyEncrypted);
  const stash = new Map<string, StashedValue>();
  const occurrences = new Map<string, number>();

  const walk = (node: SopsNode, path: string[]): SopsNode => {
    if (node.kind === 'map') return { kind: 'map', entries: node.entries.map(([k, v]) => [k, walk(v, [...path, k])]) };
    if (node.kind === 'seq') return { kind: 'seq', items: node.items.map((item) => walk(item, path)) };
    const scalar = node.scalar;
    if (scalar.type === 'null') return node;
    const encrypted = isEncryptedPath(rule, path);
    if (!encrypted || (scalar.type === 'str' && scalar.value === '')) {
      hasher.add(scalarBytes(scalar)!, encrypted);
      return node;
    }
    const aad = pathAad(path);
    const at = `${where} value at '${path.join('.')}'`;
    if (scalar.type !== 'str') {
      throw new SopsError(`${at} should be encrypted but is a clear-text ${scalar.type}`, 'restore the file from version control or re-encrypt it');
    }
    const { plaintext, type, iv } = decryptValue(scalar.value, dataKey, aad, at);
    const n = occurrences.get(aad) ?? 0;
    occurrences.set(aad, n + 1);
    stash.set(stashKey(aad, n), { plaintext, iv });
    const restored = restoreType(plaintext, type, at);
    hasher.add(restored.type === 'str' ? plaintext : scalarBytes(restored)!, true);
    return { kind: 'scalar', scalar: restored };
  };

  const out = documents.map((doc) => {
    if (doc.kind !== 'map') return walk(doc, []);
    return { kind: 'map' as const, entries: doc.entries.filter(([k]) => k !== 'sops').map(([k, v]): [string, SopsNode] => [k, walk(v, [k])]) };
  });
  return { documents: out, macHex: hasher.digest(), stash };
}
