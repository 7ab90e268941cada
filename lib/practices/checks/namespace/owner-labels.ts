import { metaValue } from './util';
import { isNamespaced, namespaceOf } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

const PART_OF = 'app.kubernetes.io/part-of';
const NAME = 'app.kubernetes.io/name';
const OWNER = 'owner';

/** HK-NAMESPACE-005: judged on Namespace objects in the set and on the namespaced objects inside them. */
export const ownerLabels: Practice = {
  id: 'HK-NAMESPACE-005',
  group: PracticeGroup.NAMESPACE,
  title: 'One team/app per namespace, owner labels',
  severity: Severity.LOW,
  why: 'Namespaces are the unit RBAC, quota, PSA and NetworkPolicy attach to; mixing teams mixes blast radius.',
  criterion: `Every Namespace object in the set has non-empty labels ${PART_OF} and ${OWNER} (the team); every namespaced object `
    + `of the set inside such a Namespace carries ${NAME} and the same ${PART_OF} as its Namespace (one app per namespace). `
    + 'Objects in namespaces the set does not contain cannot be compared and are not judged; which groups belong to a team is '
    + 'organisation-specific, so RoleBinding subjects are not judged here.',
  library: 'LockedNamespace sets part-of and owner; every construct labels its objects with name and part-of.',
  fix: `Label the Namespace ${PART_OF}: <app> and ${OWNER}: <team>, and give every object in it ${NAME} and the same ${PART_OF}; `
    + 'move a second application into its own namespace.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'Labels cost nothing; a shared namespace is split instead.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Namespaces'],
    cis: ['5.7.1'],
    kubeLinter: ['required-label-owner'],
    kyverno: ['best-practices/require-labels'],
    kubescape: ['C-0076', 'C-0077', 'C-0209'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    const partOfByNamespace = new Map<string, string | undefined>();
    for (const ns of ctx.ofKind('Namespace')) {
      const partOf = metaValue(ns, 'labels', PART_OF);
      partOfByNamespace.set(ns.metadata?.name ?? '', partOf);
      for (const key of [PART_OF, OWNER]) {
        if (!metaValue(ns, 'labels', key)) out.push({ object: ns, message: `label ${key} is not set` });
      }
    }
    for (const obj of ctx.objects) {
      if (!isNamespaced(obj)) continue;
      const namespace = namespaceOf(obj);
      if (!partOfByNamespace.has(namespace)) continue;
      const expected = partOfByNamespace.get(namespace);
      if (!metaValue(obj, 'labels', NAME)) out.push({ object: obj, message: `label ${NAME} is not set` });
      const partOf = metaValue(obj, 'labels', PART_OF);
      if (!partOf) {out.push({ object: obj, message: `label ${PART_OF} is not set` });} else if (expected && partOf !== expected) {
        out.push({ object: obj, message: `label ${PART_OF} is "${partOf}", but namespace "${namespace}" belongs to "${expected}"` });
      }
    }
    return out;
  },
};
