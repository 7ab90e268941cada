import type { Alias, Document, Node, Scalar } from 'yaml';
import { SopsError } from './sops-error';
import { checkYamlText } from '../../yaml/load-yaml';
import { YamlInputError } from '../../yaml/yaml-input-error';
import { yamlLibrary } from '../../yaml/yaml-library';

/**
 * A scalar typed the way go-yaml v3 (the parser of sops, Flux and KSOPS) types it. The MAC hashes these types'
 * canonical bytes, so a value must be typed by what go-yaml reads back, not by what JavaScript held.
 */
export type GoScalar =
  | { readonly type: 'str'; readonly value: string }
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'time'; readonly value: string }
  | { readonly type: 'null' };

/** One node of a SOPS tree: mappings keep their order (it is part of the MAC). */
export type SopsNode =
  | { readonly kind: 'map'; readonly entries: Array<[string, SopsNode]> }
  | { readonly kind: 'seq'; readonly items: SopsNode[] }
  | { readonly kind: 'scalar'; readonly scalar: GoScalar };

const NULLS = ['', '~', 'null', 'Null', 'NULL'];
const TRUES = ['true', 'True', 'TRUE'];
const FALSES = ['false', 'False', 'FALSE'];
const INFS: Record<string, number> = {
  '.inf': Infinity,
  '.Inf': Infinity,
  '.INF': Infinity,
  '+.inf': Infinity,
  '+.Inf': Infinity,
  '+.INF': Infinity,
  '-.inf': -Infinity,
  '-.Inf': -Infinity,
  '-.INF': -Infinity,
};
const NANS = ['.nan', '.NaN', '.NAN'];
/** `strconv.ParseInt(s, 0, 64)` after go-yaml removed underscores. */
const GO_INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** go-yaml's `yamlStyleFloat`. */
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** go-yaml v3 timestamp layouts: `2006-1-2T15:4:5.999999999Z07:00`, `2006-1-2 15:4:5.999999999`, `2006-1-2`. */
const GO_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d{1,9})?[ \t]*(Z|[-+]\d{1,2}(?::?\d{2})?)?)?$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function parseGoInt(text: string): bigint | undefined {
  const m = GO_INT.exec(text);
  if (!m) return undefined;
  const digits = m[2];
  let magnitude: bigint;
  if (/^0[oO]/.test(digits)) magnitude = BigInt(`0o${digits.slice(2)}`);
  else if (/^0[0-7]+$/.test(digits)) magnitude = BigInt(`0o${digits.slice(1)}`);
  else magnitude = BigInt(digits);
  const value = m[1] === '-' ? -magnitude : magnitude;
  return value >= INT64_MIN && value <= UINT64_MAX ? value : undefined;
}

function pad2(n: string): string {
  return n.padStart(2, '0');
}

function parseGoTime(text: string): string | undefined {
  const m = GO_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zone] = m;
  const date = `${y}-${pad2(mo)}-${pad2(d)}`;
  if (h === undefined) return `${date}T00:00:00Z`;
  let offset = 'Z';
  if (zone && zone !== 'Z') {
    const z = /^([-+])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
    const hours = pad2(z[2]);
    const minutes = z[3] ?? '00';
    offset = hours === '00' && minutes === '00' ? 'Z' : `${z[1]}${hours}:${minutes}`;
  }
  return `${date}T${pad2(h)}:${pad2(mi)}:${pad2(s)}${offset}`;
}

/** Types a plain (unquoted, non-block) scalar as go-yaml v3's resolver does. */
export function resolvePlainScalar(text: string): GoScalar {
  if (NULLS.includes(text)) return { type: 'null' };
  if (TRUES.includes(text)) return { type: 'bool', value: true };
  if (FALSES.includes(text)) return { type: 'bool', value: false };
  if (text in INFS) return { type: 'float', value: INFS[text] };
  if (NANS.includes(text)) return { type: 'float', value: NaN };
  if (/^[-+0-9.]/.test(text)) {
    const plain = text.replace(/_/g, '');
    const int = parseGoInt(plain);
    if (int !== undefined) return { type: 'int', value: int };
    if (GO_FLOAT.test(plain)) return { type: 'float', value: Number(plain) };
    const time = parseGoTime(text);
    if (time !== undefined) return { type: 'time', value: time };
  }
  return { type: 'str', value: text };
}

/** `strconv.FormatFloat(f, 'f', -1, 64)`: the shortest round-trip digits, never an exponent. */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  const text = String(value);
  const m = /^(-?)(\d)(?:\.(\d+))?e([-+]\d+)$/.exec(text);
  if (!m) return text;
  const digits = m[2] + (m[3] ?? '');
  const exponent = Number(m[4]);
  if (exponent >= 0) {
    const intDigits = 1 + exponent;
    return m[1] + (digits.length <= intDigits ? digits.padEnd(intDigits, '0') : `${digits.slice(0, intDigits)}.${digits.slice(intDigits)}`);
  }
  return `${m[1]}0.${'0'.repeat(-exponent - 1)}${digits}`;
}

/** The bytes sops feeds to the MAC (and encrypts) for a scalar; `undefined` for null, which sops skips. */
export function scalarBytes(scalar: GoScalar): Buffer | undefined {
  switch (scalar.type) {
    case 'null': return undefined;
    case 'str': return Buffer.from(scalar.value, 'utf8');
    case 'int': return Buffer.from(scalar.value.toString(), 'utf8');
    case 'float': return Buffer.from(formatGoFloat(scalar.value), 'utf8');
    case 'bool': return Buffer.from(scalar.value ? 'True' : 'False', 'utf8');
    case 'time': return Buffer.from(scalar.value, 'utf8');
  }
}

function typeScalar(node: Scalar): GoScalar {
  const text = String(node.value);
  if (node.tag === 'tag:yaml.org,2002:str') return { type: 'str', value: text };
  return node.type === 'PLAIN' || node.type === undefined ? resolvePlainScalar(text) : { type: 'str', value: text };
}

function toNode(node: unknown, doc: Document, where: string): SopsNode {
  const { isAlias, isMap, isScalar, isSeq } = yamlLibrary();
  if (isAlias(node)) return toNode((node as Alias).resolve(doc), doc, where);
  if (node === null || node === undefined) return { kind: 'scalar', scalar: { type: 'null' } };
  if (isScalar(node)) return { kind: 'scalar', scalar: typeScalar(node) };
  if (isSeq(node)) return { kind: 'seq', items: node.items.map((item) => toNode(item, doc, where)) };
  if (isMap(node)) {
    const entries: Array<[string, SopsNode]> = [];
    const seen = new Set<string>();
    for (const pair of node.items) {
      const keyNode = isAlias(pair.key) ? (pair.key as Alias).resolve(doc) : pair.key;
      const key = isScalar(keyNode) ? typeScalar(keyNode) : undefined;
      if (key === undefined || key.type !== 'str') {
        throw new SopsError(`${where}: a mapping key under '${where}' is not a string`, 'quote the key so that it reads as a string');
      }
      if (seen.has(key.value)) {
        throw new SopsError(`${where}: the key '${key.value}' appears twice in one mapping`, 'remove the duplicate key');
      }
      seen.add(key.value);
      entries.push([key.value, toNode(pair.value, doc, where)]);
    }
    return { kind: 'map', entries };
  }
  throw new SopsError(`${where}: unsupported YAML node`, 'use only mappings, sequences and scalars');
}

/**
 * Parses YAML text into SOPS trees, one per document, typing scalars as go-yaml v3 does. Refuses what the shared
 * YAML loader refuses (too deep, alias bombs and cycles) before building anything. A document whose root is
 * not a mapping is refused, as sops refuses it; an empty document is an empty mapping.
 */
export function parseSopsYaml(text: string, where: string): SopsNode[] {
  // The shared loader's limits first: the tree below expands aliases, so a bomb must never reach it.
  try {
    checkYamlText(text, where);
  } catch (e) {
    if (YamlInputError.isYamlInputError(e)) throw new SopsError(e.message, 'a file written by sops has no deep nesting, no alias bomb and valid syntax; restore it from version control');
    throw e;
  }
  const { isAlias, isMap, parseAllDocuments } = yamlLibrary();
  const docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, strict: true });
  if (!Array.isArray(docs)) return [];
  return docs.map((doc, index) => {
    if (doc.errors.length > 0) {
      throw new SopsError(`${where} is not valid YAML (document ${index + 1}, line ${doc.errors[0].linePos?.[0].line ?? '?'})`, 'fix the YAML syntax');
    }
    const root = doc.contents as Node | null;
    if (root === null) return { kind: 'map', entries: [] };
    if (!isMap(root) && !isAlias(root)) {
      throw new SopsError(`${where}: document ${index + 1} is not a mapping`, 'SOPS files hold one mapping per YAML document');
    }
    return toNode(root, doc, where);
  });
}

/** The value stored under `key` of a mapping node, if any. */
export function getEntry(node: SopsNode | undefined, key: string): SopsNode | undefined {
  return node?.kind === 'map' ? node.entries.find(([k]) => k === key)?.[1] : undefined;
}

/** The string value of a scalar node, if it is one. */
export function stringOf(node: SopsNode | undefined): string | undefined {
  return node?.kind === 'scalar' && node.scalar.type === 'str' ? node.scalar.value : undefined;
}

/** Converts a tree back to plain JavaScript for printing (ints beyond 2^53 stay exact as bigint). */
export function toPlain(node: SopsNode): unknown {
  if (node.kind === 'map') return Object.fromEntries(node.entries.map(([k, v]) => [k, toPlain(v)]));
  if (node.kind === 'seq') return node.items.map(toPlain);
  const s = node.scalar;
  switch (s.type) {
    case 'null': return null;
    case 'int': return s.value >= BigInt(Number.MIN_SAFE_INTEGER) && s.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s.value) : s.value;
    default: return s.value;
  }
}
