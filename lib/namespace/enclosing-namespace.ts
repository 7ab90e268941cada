import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LockedNamespace } from './locked-namespace';
import { isNamespaceScope, namespaceScopeOf } from './namespace-scope';

/**
 * The namespace a construct's objects land in when it names none: the nearest enclosing LockedNamespace (created
 * or adopted with `fromName`) or PrivilegedNamespace, else the nearest Chart with a namespace.
 */
export function enclosingNamespace(scope: IConstruct): string | undefined {
  for (const c of [...scope.node.scopes].reverse()) {
    const locked = LockedNamespace.of(c);
    if (locked === c) return locked.name;
    if (isNamespaceScope(c)) return c.name;
    if (Chart.isChart(c) && c.namespace) return c.namespace;
  }
  return undefined;
}

/**
 * The application an object under `scope` belongs to (`app.kubernetes.io/part-of`): its LockedNamespace's (or
 * PrivilegedNamespace's), else its chart's id.
 */
export function partOfFor(scope: IConstruct): string {
  return LockedNamespace.of(scope)?.partOf ?? namespaceScopeOf(scope)?.partOf ?? Chart.of(scope).node.id;
}
