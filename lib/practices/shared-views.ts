/**
 * Views of objects derived once per audit and shared by every practice that asks (the container lists of a workload,
 * which dozens of practices read). Internal: the audit engine opens the scope, `manifest.ts` reads it.
 */

/** Set while `withSharedViews` runs: what has been derived so far, by object and view. */
let shared: WeakMap<object, Map<string, unknown>> | undefined;

/**
 * Runs `judge` with views shared between its calls of `sharedView`. Only for code that does not change the objects
 * while it runs, as an audit does not; nested scopes share the outer one.
 */
export function withSharedViews<T>(judge: () => T): T {
  if (shared) return judge();
  shared = new WeakMap();
  try {
    return judge();
  } finally {
    shared = undefined;
  }
}

/**
 * The view `name` of `object`: built by `build` once per scope (and frozen, since every reader gets the same one), or
 * built afresh on each call outside a scope.
 */
export function sharedView<T>(object: object, name: string, build: () => T): T {
  if (!shared) return build();
  let views = shared.get(object);
  if (!views) {
    views = new Map();
    shared.set(object, views);
  }
  if (views.has(name)) return views.get(name) as T;
  const view = Object.freeze(build()) as T;
  views.set(name, view);
  return view;
}
