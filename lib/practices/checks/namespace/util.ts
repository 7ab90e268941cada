import { describe, isRecord, Manifest, namespaceOf, POD_KINDS } from '../../manifest';
import { AuditContext, memoized, Violation } from '../../practice';

/** Namespaces that hold pod-bearing objects, each with those objects, in input order. */
export function workloadsByNamespace(ctx: AuditContext): Map<string, Manifest[]> {
  return memoized(ctx, 'workloads-by-namespace', () => {
    const out = new Map<string, Manifest[]>();
    for (const w of ctx.ofKind(...POD_KINDS)) {
      const ns = namespaceOf(w);
      const list = out.get(ns);
      if (list) list.push(w);
      else out.set(ns, [w]);
    }
    return out;
  });
}

/** The Namespace object called `name`, when the audited set contains it. */
export function namespaceObject(ctx: AuditContext, name: string): Manifest | undefined {
  return namespacesByName(ctx).get(name)?.[0];
}

/** Namespace objects of the set by name, in input order (a name may appear twice in a broken set). */
export function namespacesByName(ctx: AuditContext): Map<string, Manifest[]> {
  return memoized(ctx, 'namespaces-by-name', () => {
    const out = new Map<string, Manifest[]>();
    for (const n of ctx.ofKind('Namespace')) {
      const name = isRecord(n.metadata) && typeof n.metadata.name === 'string' ? n.metadata.name : undefined;
      if (name === undefined) continue;
      const list = out.get(name);
      if (list) list.push(n);
      else out.set(name, [n]);
    }
    return out;
  });
}

/** Objects of the given kinds whose effective namespace is `ns`. */
export function inNamespace(ctx: AuditContext, ns: string, ...kinds: string[]): Manifest[] {
  return [...ctx.inNamespace(ns, ...kinds)];
}

/**
 * A namespace-level finding: reported on the Namespace object when the set contains it (so one exception there
 * covers the namespace), otherwise once, on the namespace's first workload, naming the others; it is then excepted
 * only if every workload of the namespace records the exception. One fact, one finding.
 */
export function namespaceFinding(ctx: AuditContext, ns: string, workloads: readonly Manifest[], message: string): Violation[] {
  const nsObject = namespaceObject(ctx, ns);
  if (nsObject) return [{ object: nsObject, message }];
  if (workloads.length === 0) return [];
  const [first, ...others] = workloads;
  if (others.length === 0) return [{ object: first, message }];
  const named = others.slice(0, 3).map(describe).join(', ');
  const more = others.length > 3 ? ` and ${others.length - 3} more` : '';
  return [{ object: first, message: `${message} (also concerns ${named}${more})`, alsoOn: others }];
}

/** The value of a label or annotation as a string, or undefined when absent. */
export function metaValue(obj: Manifest | undefined, field: 'labels' | 'annotations', key: string): string | undefined {
  const map = isRecord(obj?.metadata) ? obj.metadata[field] : undefined;
  const value = isRecord(map) ? map[key] : undefined;
  return value === undefined || value === null || typeof value === 'object' ? undefined : String(value);
}
