import { Manifest, namespaceOf, POD_KINDS } from '../../manifest';
import { AuditContext, Violation } from '../../practice';

/** Namespaces that hold pod-bearing objects, each with those objects, in input order. */
export function workloadsByNamespace(ctx: AuditContext): Map<string, Manifest[]> {
  const out = new Map<string, Manifest[]>();
  for (const w of ctx.ofKind(...POD_KINDS)) {
    const ns = namespaceOf(w);
    const list = out.get(ns) ?? [];
    list.push(w);
    out.set(ns, list);
  }
  return out;
}

/** The Namespace object called `name`, when the audited set contains it. */
export function namespaceObject(ctx: AuditContext, name: string): Manifest | undefined {
  return ctx.ofKind('Namespace').find((n) => n.metadata?.name === name);
}

/** Objects of the given kinds whose effective namespace is `ns`. */
export function inNamespace(ctx: AuditContext, ns: string, ...kinds: string[]): Manifest[] {
  return ctx.ofKind(...kinds).filter((o) => namespaceOf(o) === ns);
}

/**
 * A namespace-level finding: reported on the Namespace object when the set contains it (so one exception there
 * covers the namespace), otherwise on every workload of the namespace, which is what the finding is about.
 */
export function namespaceFinding(ctx: AuditContext, ns: string, workloads: readonly Manifest[], message: string): Violation[] {
  const nsObject = namespaceObject(ctx, ns);
  if (nsObject) return [{ object: nsObject, message }];
  return workloads.map((object) => ({ object, message }));
}

/** The value of a label or annotation as a string, or undefined when absent. */
export function metaValue(obj: Manifest | undefined, field: 'labels' | 'annotations', key: string): string | undefined {
  const value = obj?.metadata?.[field]?.[key];
  return value === undefined || value === null ? undefined : String(value);
}
