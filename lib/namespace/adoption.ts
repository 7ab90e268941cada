import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isNamespaced } from '../practices/manifest';
import { SynthPass } from '../synth/synth-pass';

/**
 * Makes a namespace construct (LockedNamespace, PrivilegedNamespace) the namespace of what is created inside it:
 * before anything is rendered or judged, every namespaced descendant that names no namespace is put into `name`
 * (once each), so no child is ever judged, or applied, outside it; a descendant that names another namespace fails
 * synth, since it would silently escape the namespace's controls.
 */
export function adoptNamespacedChildren(scope: IConstruct, construct: string, name: string, own: ApiObject): void {
  const adopted = new WeakSet<ApiObject>();
  let foreign: string[] = [];
  SynthPass.of(scope).beforeRendering(() => {
    foreign = [];
    for (const child of scope.node.findAll()) {
      if (!(child instanceof ApiObject) || child === own) continue;
      if (!isNamespaced({ apiVersion: child.apiVersion, kind: child.kind })) continue;
      const ns = child.metadata.namespace;
      if (ns === undefined) {
        if (adopted.has(child)) continue;
        adopted.add(child);
        child.addJsonPatch(JsonPatch.add('/metadata/namespace', name));
      } else if (ns !== name) {
        foreign.push(`${child.kind} ${child.node.path} is created inside ${construct} '${name}' but sets namespace '${ns}'; `
          + `create it outside the ${construct}, or drop its namespace.`);
      }
    }
  });
  scope.node.addValidation({ validate: () => foreign });
}
