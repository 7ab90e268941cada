import { IConstruct } from 'constructs';

const NAMESPACE_SCOPE = Symbol.for('cdk8s-hardened.NamespaceScope');

/**
 * A construct that creates a namespace of the library (a LockedNamespace, or the PrivilegedNamespace of node agents
 * and cluster jobs): constructs created under it land in that namespace and repeat its part-of label.
 */
export interface INamespaceScope extends IConstruct {
  /** The namespace name. */
  readonly name: string;
  /** The application the namespace belongs to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;
}

/** Marks `scope` as a namespace scope, found by `namespaceScopeOf` from any copy of the library. */
export function markNamespaceScope(scope: INamespaceScope): void {
  Object.defineProperty(scope, NAMESPACE_SCOPE, { value: true });
}

/** Whether `x` is a namespace scope. */
export function isNamespaceScope(x: unknown): x is INamespaceScope {
  return typeof x === 'object' && x !== null && NAMESPACE_SCOPE in x;
}

/** The nearest namespace scope among the scopes of `construct`, itself included. */
export function namespaceScopeOf(construct: IConstruct): INamespaceScope | undefined {
  return [...construct.node.scopes].reverse().find(isNamespaceScope);
}
