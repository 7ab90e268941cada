import { ApiObject, GroupVersionKind } from 'cdk8s';
import { FieldOp } from './field-table';
import { K8S_FIELDS } from './k8s-fields';
import { renderApiObject } from './render-api-object';

/** One field of a converted type, found by its TypeScript name. */
interface Field {
  /** Its position in the converter's output: keys must come in increasing order for the fast path to apply. */
  readonly index: number;
  readonly json: string;
  readonly op: FieldOp;
  readonly type: string;
}

/** Returned when a value holds something the fast path does not reproduce exactly: the generated converter runs. */
const UNHANDLED: unique symbol = Symbol('unhandled');
type Converted = unknown | typeof UNHANDLED;

const INDEX = new Map<string, ReadonlyMap<string, Field>>();

/** The fields of `type`; undefined for a type the table lacks (test/render checks none does), left to its converter. */
function fieldsOf(type: string): ReadonlyMap<string, Field> | undefined {
  let fields = INDEX.get(type);
  if (fields === undefined) {
    const rows = K8S_FIELDS[type];
    if (rows === undefined) return undefined;
    fields = new Map(rows.map(([ts, op, fieldType, json], index) => [ts, { index, json: json ?? ts, op, type: fieldType }]));
    INDEX.set(type, fields);
  }
  return fields;
}

function isDictionary(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What the generated `toJson_<type>(value)` returns, for a value cdk8s has already resolved and sanitized, or
 * UNHANDLED. The converters rebuild every object; on resolved JSON all they change is a JSON name that differs from
 * the TypeScript one, an IntOrString or Quantity (`{ value }` after cdk8s's NumberStringUnionResolver) unwrapped,
 * and keys they do not know dropped, in the converter's key order. cdk8s sorts keys by their TypeScript names, which
 * is that order but where a rename reorders (`clusterIp`, `clusterIPs`) or keys come unsorted (a JSON patch,
 * CDK8S_DISABLE_SORT). So this returns `value` itself where nothing changes below it, copies only the objects on the
 * way to a change, and rebuilds in order the objects out of order. A key the type does not know or a value of another
 * shape than the field's is UNHANDLED, never guessed.
 */
function convertObject(type: string, value: unknown, skip?: ReadonlySet<string>): Converted {
  const fields = fieldsOf(type);
  if (fields === undefined || !isDictionary(value)) return UNHANDLED;
  const keys = Object.keys(value);
  let out: Record<string, unknown> | undefined;
  let last = -1;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (skip?.has(key)) {
      out ??= copyHead(value, keys, k, skip);
      continue;
    }
    const field = fields.get(key);
    if (field === undefined) return UNHANDLED;
    if (field.index <= last) return convertUnordered(fields, value, keys, skip);
    last = field.index;
    const item = value[key];
    if (item === undefined) return UNHANDLED;
    const converted = convertField(field, item);
    if (converted === UNHANDLED) return UNHANDLED;
    if (out === undefined && (converted !== item || field.json !== key)) out = copyHead(value, keys, k, skip);
    if (out !== undefined && converted !== undefined) out[field.json] = converted;
  }
  return out ?? value;
}

/** `value` rebuilt with its keys in the converter's order, or UNHANDLED. */
function convertUnordered(
  fields: ReadonlyMap<string, Field>,
  value: Record<string, unknown>,
  keys: readonly string[],
  skip?: ReadonlySet<string>,
): Converted {
  const entries: Array<[Field, unknown]> = [];
  for (const key of keys) {
    if (skip?.has(key)) continue;
    const field = fields.get(key);
    if (field === undefined || value[key] === undefined) return UNHANDLED;
    const converted = convertField(field, value[key]);
    if (converted === UNHANDLED) return UNHANDLED;
    entries.push([field, converted]);
  }
  const out: Record<string, unknown> = {};
  for (const [field, converted] of entries.sort(([a], [b]) => a.index - b.index)) {
    if (converted !== undefined) out[field.json] = converted;
  }
  return out;
}

/** The keys before `k`, copied (none of them changed, none renamed). */
function copyHead(value: Record<string, unknown>, keys: readonly string[], k: number, skip?: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < k; i++) if (!skip?.has(keys[i])) out[keys[i]] = value[keys[i]];
  return out;
}

/** The field's value as the converter writes it (undefined: the key is dropped), or UNHANDLED. */
function convertField(field: Field, item: unknown): Converted {
  switch (field.op) {
    case 'value':
      return item;
    case 'unwrap':
      // the converter's `obj.x?.value`, exactly: a bare number or string has no `.value`, so it is dropped
      return (item as { value?: unknown } | null | undefined)?.value;
    case 'object':
      return convertObject(field.type, item);
    case 'objects':
      return Array.isArray(item) ? convertArray(field.type, item) : UNHANDLED;
    case 'list':
      return Array.isArray(item) ? item : UNHANDLED;
    case 'map':
      return isDictionary(item) && Object.values(item).every((v) => v !== undefined) ? item : UNHANDLED;
    case 'mapUnwrap':
      return isDictionary(item) ? unwrapEntries(item) : UNHANDLED;
    case 'mapList':
      return isDictionary(item) && Object.values(item).every(Array.isArray) ? item : UNHANDLED;
    case 'mapObjects':
      return isDictionary(item) ? convertEntries(field.type, item) : UNHANDLED;
    default:
      // dates cannot come out of cdk8s's sanitizer, so only a JSON patch puts one there: let the converter judge it
      return UNHANDLED;
  }
}

function convertArray(type: string, items: readonly unknown[]): Converted {
  let out: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const converted = convertObject(type, items[i]);
    if (converted === UNHANDLED) return UNHANDLED;
    if (out === undefined && converted !== items[i]) out = items.slice(0, i);
    out?.push(converted);
  }
  return out ?? items;
}

function unwrapEntries(item: Record<string, unknown>): Converted {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(item)) {
    if (v !== undefined) out[key] = (v as { value?: unknown } | null)?.value;
  }
  return out;
}

function convertEntries(type: string, item: Record<string, unknown>): Converted {
  const out: Record<string, unknown> = {};
  let changed = false;
  for (const [key, v] of Object.entries(item)) {
    if (v === undefined) return UNHANDLED;
    const converted = convertObject(type, v);
    if (converted === UNHANDLED) return UNHANDLED;
    changed ||= converted !== v;
    out[key] = converted;
  }
  return changed ? out : item;
}

/** The keys every ApiObject rendering starts with, which the props converters leave to the class's GVK. */
const GVK_KEYS: ReadonlySet<string> = new Set(['apiVersion', 'kind']);

/**
 * Renders a cdk8s-plus-28 `Kube*` object exactly as its own `toJson()` does — cdk8s's ApiObject rendering (resolve
 * with the app's resolvers, sanitize, JSON patches; renderApiObject, in one walk), then the generated `toJson_<Kind>Props` converter — without
 * paying the converter, which rebuilds every object of the manifest with quadratic spreads, where nothing needs it.
 * Anything the fast path does not reproduce exactly falls back to `converter`, so the output is always the
 * converter's (test/render/render-kube.test.ts compares both on every kind and on random objects).
 */
export function renderKube(
  apiObject: ApiObject,
  gvk: GroupVersionKind,
  propsType: string,
  converter: (obj: any) => Record<string, any> | undefined,
): any {
  const resolved = renderApiObject(apiObject);
  const converted = convertObject(propsType, resolved, GVK_KEYS);
  // `{ ...gvk, ...converted }`, but a spread of an object of an unseen shape (one per kind and set of keys) costs ~3 µs
  return Object.assign({}, gvk, converted === UNHANDLED ? converter(resolved) : converted);
}
