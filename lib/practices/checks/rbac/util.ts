/**
 * An RBAC model of an audited set: roles with their effective rules (aggregated ClusterRoles resolved over the
 * set), bindings resolved to their roles, and grant queries that understand RBAC's wildcards. The RBAC checks
 * read the set through it; an access report can read the same model.
 */
import { builtInClusterRole } from './built-in-roles';
import { asArray, describe, Manifest, namespaceOf, selectorMatches } from '../../manifest';
import { AuditContext, memoized, Violation } from '../../practice';

/** The RBAC API group. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** One `rules[]` entry with every list normalised to an array of strings. */
export interface PolicyRule {
  /** API groups; `''` is the core group, `*` every group. */
  readonly apiGroups: readonly string[];
  /** Resources, `resource/subresource` for subresources; `*` every resource; `*` + `/scale` the scale subresource of all. */
  readonly resources: readonly string[];
  /** Verbs; `*` every verb. */
  readonly verbs: readonly string[];
  /** Object names the rule is limited to; empty means every object. */
  readonly resourceNames: readonly string[];
  /** Non-resource URLs (ClusterRoles only). */
  readonly nonResourceURLs: readonly string[];
}

/** A rule as it applies to a role: the rule, and the role that declares it (itself, or an aggregated one). */
export interface EffectiveRule {
  /** The normalised rule. */
  readonly rule: PolicyRule;
  /** The Role or ClusterRole whose `rules[]` holds the rule; for a built-in role, a synthetic stand-in. */
  readonly declaredBy: Manifest;
  /** Index of the rule in its declaring role's `rules[]`. */
  readonly index: number;
}

/** A Role or ClusterRole with the rules it really grants. */
export interface RoleModel {
  /** The role object (a synthetic stand-in for a built-in ClusterRole the set does not contain). */
  readonly object: Manifest;
  /** `Role` or `ClusterRole`. */
  readonly kind: 'Role' | 'ClusterRole';
  /** Role name. */
  readonly name: string;
  /** Namespace of a Role; undefined for a ClusterRole. */
  readonly namespace?: string;
  /** True for the default ClusterRoles Kubernetes creates itself (`cluster-admin`, `admin`, `edit`). */
  readonly builtIn: boolean;
  /** Own rules, then the rules of every ClusterRole it aggregates (transitively), in set order. */
  readonly rules: readonly EffectiveRule[];
  /** ClusterRoles of the set whose rules this ClusterRole aggregates. */
  readonly aggregates: readonly Manifest[];
}

/** A binding subject. */
export interface Subject {
  /** `User`, `Group` or `ServiceAccount`. */
  readonly kind: string;
  /** Subject name. */
  readonly name: string;
  /** Namespace of a ServiceAccount subject (defaults to the binding's). */
  readonly namespace?: string;
}

/** A RoleBinding or ClusterRoleBinding with its role resolved. */
export interface BindingModel {
  /** The binding object. */
  readonly object: Manifest;
  /** `RoleBinding` or `ClusterRoleBinding`. */
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  /** `roleRef.kind`. */
  readonly roleKind: string;
  /** `roleRef.name`. */
  readonly roleName: string;
  /** The role it grants, when the set (or the built-in defaults) has it. */
  readonly role?: RoleModel;
  /** Who receives the grant. */
  readonly subjects: readonly Subject[];
}

/** One access a check asks about: a verb on a resource of a group. */
export interface Access {
  /** API group (`''` for core). */
  readonly group: string;
  /** Resource, `resource/subresource` for subresources. */
  readonly resource: string;
  /** Verb. */
  readonly verb: string;
}


function strings(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === 'string');
}

/** Normalises one `rules[]` entry. */
export function normaliseRule(raw: any): PolicyRule {
  return {
    apiGroups: strings(raw?.apiGroups),
    resources: strings(raw?.resources),
    verbs: strings(raw?.verbs),
    resourceNames: strings(raw?.resourceNames),
    nonResourceURLs: strings(raw?.nonResourceURLs),
  };
}

/** Whether a rule's resource entry covers `resource` the way the RBAC authorizer matches it. */
function resourceEntryMatches(entry: string, resource: string): boolean {
  if (entry === '*' || entry === resource) return true;
  const slash = resource.indexOf('/');
  return slash >= 0 && entry.startsWith('*/') && entry.slice(2) === resource.slice(slash + 1);
}

/** Whether `rule` names `resource` of API `group`, with any verb (wildcards as the RBAC authorizer reads them). */
function coversResource(rule: PolicyRule, group: string, resource: string): boolean {
  return (rule.apiGroups.includes('*') || rule.apiGroups.includes(group)) && rule.resources.some((r) => resourceEntryMatches(r, resource));
}

/** Whether `rule` grants `access` to at least one object (a `resourceNames` list still grants it on those). */
export function grants(rule: PolicyRule, access: Access): boolean {
  // Verbs first: checks ask every rule of a set about verbs most rules do not have, and this test is the cheaper.
  return (rule.verbs.includes('*') || rule.verbs.includes(access.verb)) && coversResource(rule, access.group, access.resource);
}

/**
 * Whether `rules` allow `verb` on `resource` of API `group` ('' for core) as the RBAC authorizer decides: `*` matches
 * every verb, group and resource, `*` + `/<sub>` that subresource of every resource, and a rule limited by resourceNames
 * allows only a request that names one of them (so never list, watch, deletecollection or create without a name).
 */
export function canI(
  rules: readonly (PolicyRule | EffectiveRule)[], verb: string, group: string, resource: string, resourceName?: string,
): boolean {
  return rules.some((r) => {
    const rule = 'rule' in r ? r.rule : r;
    if (!grants(rule, { group, resource, verb })) return false;
    return rule.resourceNames.length === 0 || (resourceName !== undefined && rule.resourceNames.includes(resourceName));
  });
}

/** The verbs of `verbs` that `rule` grants on `group`/`resource`. */
export function grantedVerbs(rule: PolicyRule, group: string, resource: string, verbs: readonly string[]): string[] {
  // Every role of a set is asked about a dozen resources: most rules name none of them, so the verbs are not looked at.
  if (!coversResource(rule, group, resource)) return [];
  return verbs.filter((verb) => rule.verbs.includes('*') || rule.verbs.includes(verb));
}

/** Where a rule comes from, for messages: `rule 2`, or `rule 0 of aggregated ClusterRole/x`. */
export function ruleLabel(role: RoleModel, r: EffectiveRule): string {
  return r.declaredBy === role.object ? `rule ${r.index}` : `rule ${r.index} of aggregated ${describe(r.declaredBy)}`;
}

/** What a binding grants through, for messages: `ClusterRole edit (built-in)`. */
export function roleLabel(role: RoleModel): string {
  return `${role.kind} ${role.name}${role.builtIn ? ' (built-in)' : ''}`;
}

/** The RBAC objects of one audited set, resolved. */
export class RbacModel {
  /** The model of the set under audit. */
  public static of(ctx: AuditContext): RbacModel {
    return memoized(ctx, 'rbac-model', () => new RbacModel(ctx.ofKind('Role'), ctx.ofKind('ClusterRole'), ctx.ofKind('RoleBinding', 'ClusterRoleBinding')));
  }

  /** Every Role and ClusterRole of the set, in input order (Roles first). */
  public readonly roles: readonly RoleModel[];
  /** Every RoleBinding and ClusterRoleBinding of the set, in input order. */
  public readonly bindings: readonly BindingModel[];

  private readonly clusterRoles: readonly Manifest[];
  private readonly resolved = new Map<Manifest, RoleModel>();
  /** First role of each `kind/namespace/name`, as `roles.find` would return it. */
  private readonly roleIndex = new Map<string, RoleModel>();
  private readonly bindingsByRole = new Map<Manifest, BindingModel[]>();

  constructor(roles: readonly Manifest[], clusterRoles: readonly Manifest[], bindings: readonly Manifest[]) {
    this.clusterRoles = clusterRoles;
    this.roles = [...roles, ...clusterRoles].map((r) => this.model(r, new Set()));
    for (const r of this.roles) {
      const key = roleKey(r.kind, r.kind === 'Role' ? r.namespace ?? '' : '', r.name);
      if (!this.roleIndex.has(key)) this.roleIndex.set(key, r);
    }
    this.bindings = bindings.map((b) => this.binding(b));
    for (const b of this.bindings) {
      if (!b.role) continue;
      const list = this.bindingsByRole.get(b.role.object);
      if (list) list.push(b);
      else this.bindingsByRole.set(b.role.object, [b]);
    }
  }

  /** The role a `roleRef` names: a Role in `namespace`, or a ClusterRole (of the set, else a built-in one). */
  public resolveRoleRef(ref: { readonly kind?: string; readonly name?: string }, namespace: string): RoleModel | undefined {
    const name = String(ref.name ?? '');
    if (ref.kind === 'Role') return this.roleIndex.get(roleKey('Role', namespace, name));
    if (ref.kind !== 'ClusterRole') return undefined;
    const own = this.roleIndex.get(roleKey('ClusterRole', '', name));
    if (own) return own;
    const builtIn = builtInClusterRole(name);
    if (!builtIn) return undefined;
    const object: Manifest = { apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRole', metadata: { name } };
    const rules: EffectiveRule[] = builtIn.rules.map((rule, index) => ({ rule, declaredBy: object, index }));
    // admin, edit and view also collect the app's ClusterRoles labelled for them, as the aggregation controller does.
    const aggregates = this.clusterRoles.filter((c) => builtIn.aggregatesLabels.some((l) => c.metadata?.labels?.[l] === 'true'));
    for (const other of aggregates) {
      for (const r of this.model(other, new Set()).rules) if (!rules.some((x) => x.declaredBy === r.declaredBy && x.index === r.index)) rules.push(r);
    }
    return { object, kind: 'ClusterRole', name, builtIn: true, aggregates, rules };
  }

  /** Bindings whose roleRef resolves to `role`. */
  public bindingsOf(role: RoleModel): BindingModel[] {
    return [...(this.bindingsByRole.get(role.object) ?? [])];
  }

  private model(role: Manifest, visiting: Set<Manifest>): RoleModel {
    const cached = this.resolved.get(role);
    if (cached) return cached;
    const isCluster = role.kind === 'ClusterRole';
    const own: EffectiveRule[] = asArray(role.rules).map((raw, index) => ({ rule: normaliseRule(raw), declaredBy: role, index }));
    const aggregates: Manifest[] = [];
    const rules = [...own];
    const selectors = isCluster ? asArray(role.aggregationRule?.clusterRoleSelectors) : [];
    if (selectors.length > 0) {
      // The aggregation controller follows chains of aggregating roles; a cycle is cut where it closes.
      visiting.add(role);
      for (const other of this.clusterRoles) {
        if (other === role || visiting.has(other)) continue;
        const labels = other.metadata?.labels ?? {};
        if (!selectors.some((s) => selectorMatches(s, labels))) continue;
        aggregates.push(other);
        const inner = this.model(other, visiting);
        for (const r of inner.rules) {
          if (!rules.some((x) => x.declaredBy === r.declaredBy && x.index === r.index)) rules.push(r);
        }
      }
      visiting.delete(role);
    }
    const name = String(role.metadata?.name ?? '');
    // Literals rather than a spread: this runs for every role of the set (same keys, same order either way).
    const out: RoleModel = isCluster
      ? { object: role, kind: 'ClusterRole', name, builtIn: false, rules, aggregates }
      : { object: role, kind: 'Role', name, namespace: namespaceOf(role), builtIn: false, rules, aggregates };
    if (visiting.size === 0) this.resolved.set(role, out);
    return out;
  }

  private binding(object: Manifest): BindingModel {
    const ref = object.roleRef ?? {};
    // Literals rather than spreads: this runs for every binding of the set (same keys, same order either way).
    const subjects: Subject[] = asArray(object.subjects).map((s) => {
      const kind = String(s?.kind ?? '');
      const name = String(s?.name ?? '');
      return s?.kind === 'ServiceAccount' ? { kind, name, namespace: String(s?.namespace ?? namespaceOf(object)) } : { kind, name };
    });
    const role = this.resolveRoleRef(ref, namespaceOf(object));
    const kind = object.kind === 'ClusterRoleBinding' ? 'ClusterRoleBinding' : 'RoleBinding';
    const roleKind = String(ref.kind ?? '');
    const roleName = String(ref.name ?? '');
    return role ? { object, kind, roleKind, roleName, role, subjects } : { object, kind, roleKind, roleName, subjects };
  }
}

/** A problem one effective rule has, as a check phrases it (undefined when the rule is fine). */
export type RuleProblem = (rule: PolicyRule) => string | undefined;

/** Options of {@link roleViolations}. */
export interface RoleViolationOptions {
  /**
   * Whether a rule problem may be excepted; a practice may allow exceptions for some breaches only.
   * @default - every breach follows the practice's exception policy
   */
  readonly exceptable?: (rule: PolicyRule) => boolean;
}

/**
 * Judges the effective rules of every role of the set: each problem is reported on the role that holds it (an
 * aggregating ClusterRole too, naming the aggregated role), and each problem of a built-in role (`admin`, `edit`) a
 * binding of the set grants is reported on that binding.
 */
export function roleViolations(ctx: AuditContext, problem: RuleProblem, options: RoleViolationOptions = {}): Violation[] {
  const model = RbacModel.of(ctx);
  const out: Violation[] = [];
  const push = (object: Manifest, message: string, rule: PolicyRule) => {
    const exceptable = options.exceptable ? options.exceptable(rule) : true;
    out.push(exceptable ? { object, message } : { object, message, exceptable: false });
  };
  for (const role of model.roles) {
    for (const r of role.rules) {
      const p = problem(r.rule);
      if (p) push(role.object, `${ruleLabel(role, r)} ${p}`, r.rule);
    }
  }
  for (const binding of model.bindings) {
    // A cluster-admin binding is HK-RBAC-003's finding alone, so the exception that practice allows is enough.
    if (!binding.role?.builtIn || binding.role.name === 'cluster-admin') continue;
    for (const r of binding.role.rules) {
      const p = problem(r.rule);
      if (p) push(binding.object, `grants ${roleLabel(binding.role)}, whose ${ruleLabel(binding.role, r)} ${p}`, r.rule);
    }
  }
  return out;
}

/** `get, list on secrets`-style phrase, for messages. */
export function grantPhrase(verbs: readonly string[], resource: string): string {
  return `${verbs.join(', ')} on ${resource}`;
}

function roleKey(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}
