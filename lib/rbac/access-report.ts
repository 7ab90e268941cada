/**
 * Who can do what, where: the RBAC objects of any manifest set (ours or a third-party chart's) resolved into one
 * row per subject, namespace, resource and object-name set. Built on the RBAC model the practices use, so
 * aggregated ClusterRoles and the built-in `cluster-admin`/`admin`/`edit` are read the same way the audit reads them.
 * Pure: no I/O, deterministic order.
 */
import { rbacContext } from './judge';
import { grants, PolicyRule, RbacModel, RoleModel } from '../practices/checks/rbac/util';
import { Manifest, namespaceOf } from '../practices/manifest';

/** The namespace value of a grant that holds in every namespace (and on cluster-scoped resources). */
export const ALL_NAMESPACES = '*';

/** Who receives access. */
export interface AccessSubject {
  /** `ServiceAccount`, `User` or `Group`. */
  readonly kind: string;
  /** The subject's name. */
  readonly name: string;
  /** Namespace of a ServiceAccount. */
  readonly namespace?: string;
}

/** One thing a subject may do. */
export interface AccessEntry {
  /** Where: a namespace, or `*` for every namespace and the cluster-scoped resources (a ClusterRoleBinding). */
  readonly namespace: string;
  /** API group (`''` is core, `*` every group); empty for a non-resource URL. */
  readonly apiGroup: string;
  /** Resource or `resource/subresource` (`*` every resource); empty for a non-resource URL. */
  readonly resource: string;
  /** A non-resource URL such as `/metrics`, when the entry is one. */
  readonly nonResourceURL?: string;
  /** The verbs granted (`*` every verb). */
  readonly verbs: string[];
  /** Object names the grant is limited to; empty means every object. */
  readonly resourceNames: string[];
  /** The bindings and roles that grant it, e.g. `RoleBinding payments/ci -> Role ci`. */
  readonly grantedBy: string[];
}

/** Everything one subject may do. */
export interface SubjectAccess {
  /** The subject. */
  readonly subject: AccessSubject;
  /** Its grants, sorted by namespace, API group, resource and names. */
  readonly access: AccessEntry[];
}

/** A binding whose role the input neither contains nor Kubernetes creates by default: its grant is unknown. */
export interface UnresolvedBinding {
  /** `RoleBinding payments/x`. */
  readonly binding: string;
  /** `ClusterRole view`. */
  readonly role: string;
  /** Who it binds. */
  readonly subjects: AccessSubject[];
}

/** The access report of a manifest set. */
export interface AccessReport {
  /** Every bound subject, sorted by kind, namespace and name. */
  readonly subjects: SubjectAccess[];
  /** Bindings whose role could not be resolved. */
  readonly unresolved: UnresolvedBinding[];
}

/** A question for `whoCan`: may anyone `verb` the `resource` in `namespace`? */
export interface AccessQuery {
  /** The verb, e.g. `get`. */
  readonly verb: string;
  /** The resource, e.g. `secrets` or `pods/exec`. */
  readonly resource: string;
  /**
   * The resource's API group.
   * @default '' (core)
   */
  readonly apiGroup?: string;
  /**
   * The namespace; grants of ClusterRoleBindings hold in every namespace.
   * @default - any namespace
   */
  readonly namespace?: string;
  /**
   * One object's name; grants limited to other names do not answer.
   * @default - any object (grants limited to some names still answer)
   */
  readonly resourceName?: string;
}

/** One answer of `whoCan`: the subject and the entry that grants it. */
export interface AccessAnswer {
  /** Who. */
  readonly subject: AccessSubject;
  /** Through which grant. */
  readonly entry: AccessEntry;
}

const VERB_ORDER = ['*', 'get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** Resolves every binding of `manifests` into per-subject access. */
export function accessReport(manifests: readonly Manifest[]): AccessReport {
  const model = RbacModel.of(rbacContext(manifests.filter((m) => m && typeof m === 'object' && typeof m.kind === 'string')));
  const bySubject = new Map<string, { subject: AccessSubject; entries: Map<string, MutableEntry> }>();
  const unresolved: UnresolvedBinding[] = [];

  for (const b of model.bindings) {
    const subjects = b.subjects.map(toSubject);
    const bindingLabel = `${b.kind} ${b.kind === 'RoleBinding' ? `${namespaceOf(b.object)}/` : ''}${b.object.metadata?.name ?? '?'}`;
    if (!b.role) {
      unresolved.push({ binding: bindingLabel, role: `${b.roleKind || '?'} ${b.roleName || '?'}`, subjects });
      continue;
    }
    const namespace = b.kind === 'ClusterRoleBinding' ? ALL_NAMESPACES : namespaceOf(b.object);
    const via = `${bindingLabel} -> ${roleText(b.role)}`;
    for (const subject of subjects) {
      const key = subjectKey(subject);
      const slot = bySubject.get(key) ?? { subject, entries: new Map<string, MutableEntry>() };
      bySubject.set(key, slot);
      for (const { rule } of b.role.rules) {
        for (const e of expand(rule, namespace, b.kind === 'ClusterRoleBinding')) add(slot.entries, e, via);
      }
    }
  }

  const subjects = [...bySubject.values()]
    .map(({ subject, entries }) => ({ subject, access: [...entries.values()].map(finish).sort(compareEntries) }))
    .sort((a, b) => compare(subjectKey(a.subject), subjectKey(b.subject)));
  return { subjects, unresolved: unresolved.sort((a, b) => compare(a.binding, b.binding)) };
}

/** Who may `verb` the `resource` (in `namespace`), with the grant that allows it; RBAC wildcards are understood. */
export function whoCan(report: AccessReport, query: AccessQuery): AccessAnswer[] {
  const access = { group: query.apiGroup ?? '', resource: query.resource, verb: query.verb };
  const out: AccessAnswer[] = [];
  for (const s of report.subjects) {
    for (const entry of s.access) {
      if (entry.nonResourceURL !== undefined) continue;
      if (query.namespace !== undefined && entry.namespace !== ALL_NAMESPACES && entry.namespace !== query.namespace) continue;
      if (query.resourceName !== undefined && entry.resourceNames.length > 0 && !entry.resourceNames.includes(query.resourceName)) continue;
      const rule: PolicyRule = {
        apiGroups: [entry.apiGroup], resources: [entry.resource], verbs: entry.verbs, resourceNames: entry.resourceNames, nonResourceURLs: [],
      };
      if (grants(rule, access)) out.push({ subject: s.subject, entry });
    }
  }
  return out;
}

/** `ServiceAccount payments/ci`, `Group oncall`. */
export function subjectLabel(s: AccessSubject): string {
  return `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`;
}

/** The report as a Markdown document: one table row per subject and grant, then the unresolved bindings. */
export function renderAccessMarkdown(report: AccessReport): string {
  const lines = ['# Access report', ''];
  if (report.subjects.length === 0) {
    lines.push('No binding grants access to anyone.');
  } else {
    lines.push('| Subject | Namespace | API group | Resource | Verbs | Names | Granted by |', '|---|---|---|---|---|---|---|');
    for (const s of report.subjects) {
      for (const e of s.access) {
        lines.push(`| ${[
          subjectLabel(s.subject),
          e.namespace === ALL_NAMESPACES ? '* (cluster-wide)' : e.namespace,
          e.nonResourceURL !== undefined ? '-' : e.apiGroup === '' ? 'core' : e.apiGroup,
          e.nonResourceURL !== undefined ? `URL ${e.nonResourceURL}` : e.resource,
          e.verbs.join(', '),
          e.resourceNames.length > 0 ? e.resourceNames.join(', ') : 'all',
          e.grantedBy.join('; '),
        ].map(cell).join(' | ')} |`);
      }
    }
  }
  if (report.unresolved.length > 0) {
    lines.push('', '## Bindings whose role is not in the input', '');
    for (const u of report.unresolved) {
      lines.push(`- ${cell(u.binding)} -> ${cell(u.role)}: ${u.subjects.map(subjectLabel).map(cell).join(', ') || 'no subjects'}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The report as JSON (two-space indented, trailing newline). */
export function renderAccessJson(report: AccessReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

interface MutableEntry {
  namespace: string;
  apiGroup: string;
  resource: string;
  nonResourceURL?: string;
  verbs: Set<string>;
  resourceNames: string[];
  grantedBy: Set<string>;
}

type Expanded = Omit<MutableEntry, 'grantedBy'>;

/** One entry per API group and resource of the rule (non-resource URLs only count through a ClusterRoleBinding). */
function expand(rule: PolicyRule, namespace: string, clusterBinding: boolean): Expanded[] {
  const out: Expanded[] = [];
  const names = [...new Set(rule.resourceNames)].sort(compare);
  for (const apiGroup of rule.apiGroups) {
    for (const resource of rule.resources) out.push({ namespace, apiGroup, resource, verbs: new Set(rule.verbs), resourceNames: names });
  }
  if (clusterBinding) {
    for (const url of rule.nonResourceURLs) out.push({ namespace, apiGroup: '', resource: '', nonResourceURL: url, verbs: new Set(rule.verbs), resourceNames: [] });
  }
  return out;
}

function add(entries: Map<string, MutableEntry>, e: Expanded, via: string): void {
  const key = JSON.stringify([e.namespace, e.apiGroup, e.resource, e.nonResourceURL ?? null, e.resourceNames]);
  const existing = entries.get(key);
  if (existing) {
    for (const v of e.verbs) existing.verbs.add(v);
    existing.grantedBy.add(via);
  } else {
    entries.set(key, { ...e, verbs: new Set(e.verbs), grantedBy: new Set([via]) });
  }
}

function finish(e: MutableEntry): AccessEntry {
  return {
    namespace: e.namespace,
    apiGroup: e.apiGroup,
    resource: e.resource,
    ...(e.nonResourceURL !== undefined ? { nonResourceURL: e.nonResourceURL } : {}),
    verbs: [...e.verbs].sort(compareVerbs),
    resourceNames: e.resourceNames,
    grantedBy: [...e.grantedBy].sort(compare),
  };
}

function roleText(role: RoleModel): string {
  const name = role.kind === 'Role' ? `${role.namespace}/${role.name}` : role.name;
  const aggregated = role.aggregates.length > 0 ? ` (aggregating ${role.aggregates.map((a) => a.metadata?.name ?? '?').join(', ')})` : '';
  return `${role.kind} ${name}${role.builtIn ? ' (built-in, bootstrap policy)' : aggregated}`;
}

function toSubject(s: { kind: string; name: string; namespace?: string }): AccessSubject {
  return { kind: s.kind, name: s.name, ...(s.namespace !== undefined ? { namespace: s.namespace } : {}) };
}

function subjectKey(s: AccessSubject): string {
  return `${s.kind}\u0000${s.namespace ?? ''}\u0000${s.name}`;
}

function compareEntries(a: AccessEntry, b: AccessEntry): number {
  // Namespaced rows first, by namespace; cluster-wide rows last.
  const ns = (e: AccessEntry) => (e.namespace === ALL_NAMESPACES ? '\uffff' : e.namespace);
  return compare(ns(a), ns(b)) || compare(a.nonResourceURL ?? '', b.nonResourceURL ?? '') || compare(a.apiGroup, b.apiGroup)
    || compare(a.resource, b.resource) || compare(a.resourceNames.join(','), b.resourceNames.join(','));
}

function compareVerbs(a: string, b: string): number {
  const rank = (v: string) => (VERB_ORDER.includes(v) ? VERB_ORDER.indexOf(v) : VERB_ORDER.length);
  return rank(a) - rank(b) || compare(a, b);
}

/** Code-unit order, independent of the machine's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
