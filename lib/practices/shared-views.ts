/**
 * Views of objects derived once per audit and shared by every practice that asks (the container lists of a workload,
 * the rules of a NetworkPolicy, which dozens of practices read). Internal: the audit engine opens the scope, the
 * helpers that derive the views read it.
 */

/** Number of the audit scope open now; 0 when none is. */
let openScope = 0;
let scopes = 0;

/**
 * Runs `judge` with every `SharedView` keeping what it derives until `judge` returns. Only for code that does not
 * change the objects while it runs, as an audit does not; nested scopes share the outer one.
 */
export function withSharedViews<T>(judge: () => T): T {
  if (openScope !== 0) return judge();
  openScope = ++scopes;
  try {
    return judge();
  } finally {
    openScope = 0;
  }
}

/**
 * One kind of derived view, e.g. "the containers of a workload": inside a `withSharedViews` scope it is built once per
 * object and the same (frozen) value is handed to every reader; outside one it is built afresh on each call.
 */
export class SharedView<K extends object, V> {
  private values = new WeakMap<K, V>();
  /** The scope `values` belongs to: a new scope starts from nothing, so nothing derived before is reused. */
  private valuesScope = 0;

  constructor(private readonly build: (key: K) => V) {}

  public of(key: K): V {
    if (openScope === 0) return this.build(key);
    if (this.valuesScope !== openScope) {
      this.values = new WeakMap();
      this.valuesScope = openScope;
    }
    let value = this.values.get(key);
    if (value === undefined) {
      value = Object.freeze(this.build(key)) as V;
      this.values.set(key, value);
    }
    return value;
  }
}
