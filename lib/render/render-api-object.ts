import { ApiObject, App, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';

/** The parts of a cdk8s ApiObject its own `toJson()` reads, private in its typings. */
interface ApiObjectInternals {
  readonly props: Record<string, unknown>;
  readonly patches: JsonPatch[];
  readonly metadata: {
    readonly _additionalAttributes: Record<string, unknown>;
    readonly name?: string;
    readonly namespace?: string;
    readonly annotations: Record<string, string>;
    readonly finalizers: string[];
    readonly ownerReferences: unknown[];
    readonly labels: Record<string, string>;
  };
}

/** Returned for a value cdk8s would render in a way this walk does not reproduce: cdk8s renders the object instead. */
const UNUSUAL: unique symbol = Symbol('unusual');

interface SanitizeOptions {
  readonly sortKeys: boolean;
  readonly filterEmpty: boolean;
}

/**
 * `value` as cdk8s's `sanitizeValue(resolve([], value, apiObject), options)` returns it when the app's resolvers are
 * cdk8s's own three (Lazy, implicit tokens, number-or-string unions), in one walk: cdk8s's resolve builds a key path
 * and a resolution context for every value, looks the app up from the object every time and copies the tree, which
 * sanitize then copies again. Children are resolved in insertion order, as cdk8s resolves them (a Lazy's producer
 * runs in the same order), and each object is then written with its keys sorted and null values dropped, as
 * sanitize writes it. UNUSUAL for anything cdk8s would refuse or treat another way (a class instance that is not a
 * token, an object without a prototype).
 */
function resolveAndSanitize(value: unknown, options: SanitizeOptions): unknown {
  let v = value;
  for (;;) {
    // no resolver replaces a string, a number or a boolean
    const type = typeof v;
    if (type === 'string' || type === 'number' || type === 'boolean') return v;
    if (v === null || v === undefined) return undefined;
    if (v instanceof Lazy) v = v.produce();
    else if (typeof (v as { resolve?: unknown }).resolve === 'function') v = (v as { resolve: () => unknown }).resolve();
    else if ((v as object).constructor !== Object && isUnionValue((v as { value?: unknown }).value)) v = { value: (v as { value: unknown }).value };
    else break;
  }
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    if (options.filterEmpty && v.length === 0) return undefined;
    const items = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      items[i] = resolveAndSanitize(v[i], options);
      if (items[i] === UNUSUAL) return UNUSUAL;
    }
    return items;
  }
  if (v.constructor !== Object) return UNUSUAL;
  const source = v as Record<string, unknown>;
  const keys = Object.keys(source);
  const values = new Array<unknown>(keys.length);
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    values[i] = resolveAndSanitize(source[keys[i]], options);
    if (values[i] === UNUSUAL) return UNUSUAL;
    if (i > 0 && keys[i - 1] > keys[i]) sorted = false;
  }
  if (!sorted && options.sortKeys) sortEntries(keys, values);
  const out: Record<string, unknown> = {};
  let any = false;
  for (let i = 0; i < keys.length; i++) {
    if (values[i] !== undefined) {
      out[keys[i]] = values[i];
      any = true;
    }
  }
  return options.filterEmpty && !any ? undefined : out;
}

/** Objects up to this many keys are sorted in place by insertion; longer ones (a ConfigMap's data) by Array.sort. */
const INSERTION_SORT_MAX = 16;

/**
 * Sorts `keys` (distinct, as an object's are) by UTF-16 code units, as `<` compares them, and `values` with them. Most
 * objects have a few keys: sorted in place, they cost no allocation, where an index array and Array.sort's work
 * array cost ~400 bytes an object.
 */
function sortEntries(keys: string[], values: unknown[]): void {
  if (keys.length > INSERTION_SORT_MAX) {
    const order = keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : 1));
    const k = order.map((i) => keys[i]);
    const v = order.map((i) => values[i]);
    for (let i = 0; i < k.length; i++) {
      keys[i] = k[i];
      values[i] = v[i];
    }
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    const value = values[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) {
      keys[j + 1] = keys[j];
      values[j + 1] = values[j];
    }
    keys[j + 1] = key;
    values[j + 1] = value;
  }
}

function isUnionValue(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'string';
}

/** Whether `app` resolves with cdk8s's three built-in resolvers only, in their order (no resolver of the user's). */
function hasBuiltInResolvers(app: App): boolean {
  const r = app.resolvers;
  return r.length === 3 && r[0].constructor === LazyResolver && r[1].constructor === ImplicitTokenResolver
    && r[2].constructor === NumberStringUnionResolver;
}

/*
 * cdk8s resolves `{ ...metadata._additionalAttributes, name, namespace, … }` and `{ ...props, metadata }`. The two
 * below build the same objects (same keys, order and values; getters read once) with Object.assign and assignments:
 * the sources have as many shapes as the constructs have metadata and props, and a spread of an object of an unseen
 * shape costs ~3 µs, Object.assign a tenth of that.
 */

/** The metadata cdk8s resolves: the attributes given at construction, overridden by the definition's fields. */
function metadataSource(m: ApiObjectInternals['metadata']): Record<string, unknown> {
  const source: Record<string, unknown> = Object.assign({}, m._additionalAttributes);
  source.name = m.name;
  source.namespace = m.namespace;
  source.annotations = m.annotations;
  source.finalizers = m.finalizers;
  source.ownerReferences = m.ownerReferences;
  source.labels = m.labels;
  return source;
}

/** The props without their metadata (left undefined, so dropped): the metadata is resolved on its own. */
function propsSource(props: Record<string, unknown>): Record<string, unknown> {
  const source: Record<string, unknown> = Object.assign({}, props);
  source.metadata = undefined;
  return source;
}

/** The resolved props with the sanitized `metadata` added (none when it was all empty). */
function withMetadata(props: unknown, metadata: unknown): unknown {
  if (props === UNUSUAL || metadata === undefined) return props;
  (props as Record<string, unknown>).metadata = metadata;
  return props;
}

/** Top-level keys every manifest starts with, in this order (cdk8s's ApiObject.toJson writes them first). */
const HEAD = ['apiVersion', 'kind', 'metadata'];

/**
 * What `ApiObject.prototype.toJson` returns for `apiObject`, byte for byte, at a fraction of its cost when the app
 * uses cdk8s's own resolvers only; otherwise (resolvers of the user's, a value cdk8s would refuse) it is cdk8s's
 * rendering itself. The steps are cdk8s's (2.68 to 2.70, the versions the library supports): the metadata resolved
 * and sanitized with empty lists and maps dropped, the props resolved and sanitized with keys sorted (unless
 * CDK8S_DISABLE_SORT), the JSON patches applied, then apiVersion, kind and metadata first. test/render checks it
 * against cdk8s's rendering on random objects with Lazy values, tokens, unions, nulls, patches and empty values.
 */
export function renderApiObject(apiObject: ApiObject): Record<string, unknown> {
  if (!hasBuiltInResolvers(App.of(apiObject))) return ApiObject.prototype.toJson.call(apiObject);
  const self = apiObject as unknown as ApiObjectInternals;
  const m = self.metadata;
  const sort = !process.env.CDK8S_DISABLE_SORT;
  let json: unknown = UNUSUAL;
  try {
    const metadata = resolveAndSanitize(metadataSource(m), { sortKeys: true, filterEmpty: true });
    // cdk8s resolves the sanitized metadata once more with the props: plain JSON, which that pass would only copy, so
    // it goes in as it is (its place among the props does not matter: the head below puts it first)
    if (metadata !== UNUSUAL) json = withMetadata(resolveAndSanitize(propsSource(self.props), { sortKeys: sort, filterEmpty: false }), metadata);
  } catch {
    // a producer threw: cdk8s renders the object below and words the error with the construct's path
  }
  // UNUSUAL (a value cdk8s refuses, or an object of another realm it copies as it is) or a producer that threw: cdk8s
  // renders the object itself (producers that ran before run a second time then)
  if (json === UNUSUAL) return ApiObject.prototype.toJson.call(apiObject);
  const rendered = json as Record<string, unknown>;
  const patched = self.patches.length === 0 ? rendered : JsonPatch.apply(rendered, ...self.patches) as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const k of [...HEAD, ...Object.keys(patched)]) {
    if (k in patched && !(k in result)) result[k] = patched[k];
  }
  return result;
}
