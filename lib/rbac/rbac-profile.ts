import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { IApiResource, k8s, ISubject } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { Grant, GrantOptions, RbacRule, Verb } from './grants';
import { isExceptable, judgeRbac, RbacViolation } from './judge';
import { objectMeta } from '../cluster/object-meta';
import { EXTERNAL_REFERENCES_ANNOTATION } from '../coherence/coherence';
import { formatRefusal, HardenedError, RefusalDetails } from '../errors';
import { enclosingNamespace } from '../namespace/enclosing-namespace';
import { requirePartOf } from '../namespace/namespace-guards';
import { findPractice } from '../practices/catalogue';
import { isReservedNamespace } from '../practices/checks/namespace/dedicated-namespace';
import { builtInClusterRole } from '../practices/checks/rbac/built-in-roles';
import { RBAC_GROUP } from '../practices/checks/rbac/util';
import { isAcceptableReason, MIN_REASON_LENGTH, PracticeException } from '../practices/exceptions';
import { describe, DNS_LABEL, Manifest } from '../practices/manifest';
import { ExceptionPolicy, PracticeGroup } from '../practices/practice';
import { isText, quoted, refuser, shown } from '../refusal';
import * as kube from '../render/kube';
import { enableAppChecks } from '../synth/app-checks';
import { SynthPass } from '../synth/synth-pass';

/** A DNS-1123 label: what the profile's name must be, since it also becomes a label value (HK-AUDIT-004). */
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;


const SYSTEM_PREFIX = 'system:';

/** Who receives a profile's access: a ServiceAccount for workloads, an authenticator's group or user for people. */
export class RbacSubject {
  /**
   * An existing ServiceAccount, e.g. a workload's own. Never `default` (HK-RBAC-001).
   * @param name the ServiceAccount's name
   * @param namespace its namespace; defaults to the profile's
   */
  public static serviceAccount(name: string, namespace?: string): RbacSubject {
    return new RbacSubject('ServiceAccount', name, namespace);
  }

  /**
   * The ServiceAccount object of a workload, e.g. a SecureDeployment's `serviceAccount` (a `KubeServiceAccount`):
   * its name and namespace.
   */
  public static fromServiceAccount(serviceAccount: k8s.KubeServiceAccount): RbacSubject {
    return new RbacSubject('ServiceAccount', serviceAccount.name, serviceAccount.metadata.namespace);
  }

  /**
   * A subject cdk8s-plus already models: a `ServiceAccount` (for instance a SecureDeployment's), a `User` or a
   * `Group`.
   */
  public static of(subject: ISubject): RbacSubject {
    const config = subject.toSubjectConfiguration();
    return new RbacSubject(config.kind as RbacSubject['kind'], config.name, config.namespace);
  }

  /**
   * A group the cluster's authenticator asserts for people, e.g. an OIDC `groups` claim value. Never a
   * `system:` group (HK-RBAC-008).
   */
  public static group(name: string): RbacSubject {
    return new RbacSubject('Group', name);
  }

  /**
   * A user the cluster's authenticator asserts, e.g. an OIDC username or a client certificate's common name. Never
   * a `system:` user (HK-RBAC-008).
   */
  public static user(name: string): RbacSubject {
    return new RbacSubject('User', name);
  }

  private constructor(
    /** `ServiceAccount`, `Group` or `User`. */
    public readonly kind: 'ServiceAccount' | 'Group' | 'User',
    /** The subject's name. */
    public readonly name: string,
    /** Namespace of a ServiceAccount; undefined means the profile's. */
    public readonly namespace?: string,
  ) {}

  /** `Group oncall`, `ServiceAccount payments/ci-deployer`. */
  public describe(): string {
    return `${this.kind} ${this.namespace ? `${this.namespace}/` : ''}${this.name}`;
  }
}

/** Why a profile is cluster-wide (HK-RBAC-011). */
export interface ClusterWideAccess {
  /**
   * Why namespaced access is not enough (at least 10 characters), e.g. the cluster-scoped resources it reads.
   * Recorded as the HK-RBAC-011 exception on the ClusterRole and ClusterRoleBinding.
   */
  readonly reason: string;
}

/** Props of RbacProfile. */
export interface RbacProfileProps {
  /**
   * Name of the Role, its binding and the ServiceAccount the profile creates (a DNS label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the Role, the RoleBinding and the created ServiceAccount. Never `default` or `kube-*`.
   * @default - the enclosing LockedNamespace, else the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Who receives the access. Never the `default` ServiceAccount (HK-RBAC-001); never `system:` users or groups
   * (HK-RBAC-008).
   * @default - a ServiceAccount the profile creates, named `name`, with automountServiceAccountToken false (HK-RBAC-002)
   */
  readonly subjects?: RbacSubject[];
  /**
   * Grants given at construction; more can be added with `allow()` and the intent methods.
   * @default - none
   */
  readonly grants?: Grant[];
  /**
   * Makes the profile a ClusterRole and ClusterRoleBinding, with the reason recorded (HK-RBAC-011).
   * @default - a namespaced Role and RoleBinding
   */
  readonly clusterWide?: ClusterWideAccess;
  /**
   * The application the profile belongs to (`app.kubernetes.io/part-of`).
   * @default - the namespace, else the profile name
   */
  readonly partOf?: string;
  /**
   * Practices relaxed for this profile, each with a reason (HK-AUDIT-003), recorded as annotations on its Role and
   * bindings. Only recordable RBAC practices; an exception that excuses nothing the profile renders is refused.
   * @default - none: every dangerous grant is refused
   */
  readonly exceptions?: PracticeException[];
}

/** Options of `RbacProfile.bindClusterRole`. */
export interface BindClusterRoleOptions {
  /**
   * Who creates the ClusterRole and why binding it is safe (at least 10 characters), for a role that is neither built
   * into Kubernetes nor defined in the app, so the library cannot judge what it grants. Recorded on the binding as
   * its `cdk8s-hardened.io/external-references` annotation.
   * @default - none: the role must be built in (judged by the bootstrap policy's rules) or defined in the app
   */
  readonly reason?: string;
}

interface ExtraBinding {
  readonly roleName: string;
  readonly object: ApiObject;
  readonly reason?: string;
}

/**
 * A least-privilege identity: a ServiceAccount (created, token automount off) or the given people and workloads,
 * bound to a Role holding exactly the grants added to it. Each grant is judged by the catalogue's RBAC practices as
 * it is added: wildcards, broad Secret access, workload creation, exec/attach/port-forward, token minting,
 * bind/escalate/impersonate, CSR approval, admission webhooks and cluster-admin are refused with the practice and
 * the fix, unless `exceptions` records why this identity needs it.
 *
 * @example
 * const ci = new RbacProfile(chart, 'ci-deployer', { namespace: 'payments' });
 * ci.rolloutDeployments(['checkout', 'ledger']);
 */
export class RbacProfile extends Construct {
  /** Name of the Role (or ClusterRole), its binding and the created ServiceAccount. */
  public readonly name: string;
  /** Namespace of the namespaced objects; undefined only for a cluster-wide profile of people. */
  public readonly namespace?: string;
  /** Whether the profile renders a ClusterRole and ClusterRoleBinding. */
  public readonly clusterWide: boolean;
  /** The ServiceAccount the profile created, when no subjects were given. */
  public readonly serviceAccount?: k8s.KubeServiceAccount;
  /** The Role or ClusterRole. */
  public readonly role: k8s.KubeRole | k8s.KubeClusterRole;
  /** The RoleBinding or ClusterRoleBinding of `role` to the subjects. */
  public readonly binding: k8s.KubeRoleBinding | k8s.KubeClusterRoleBinding;

  private readonly _rules: RbacRule[] = [];
  private readonly _subjects: RbacSubject[] = [];
  private readonly extraBindings: ExtraBinding[] = [];
  private readonly exceptions: readonly PracticeException[];
  private readonly partOf: string;

  constructor(scope: Construct, id: string, props: RbacProfileProps = {}) {
    super(scope, id);
    // RBAC practices are judged by validateFinal(), with messages that name the grant; the self-check covers the rest.
    SynthPass.of(this).checkRenderedObjects(this, { judgedByOwner: (p) => p.group === PracticeGroup.RBAC });
    enableAppChecks(this);
    this.name = props.name ?? id;
    if (!isText(this.name, NAME) || this.name.length > 63) {
      this.refuse({ prop: 'name', problem: `is ${quoted(this.name)}, not a DNS label`, fix: 'use lower-case letters, digits and \'-\', at most 63 characters.' });
    }
    this.clusterWide = props.clusterWide !== undefined;
    if (props.clusterWide && !isAcceptableReason(props.clusterWide.reason)) {
      this.refuse({
        prop: 'clusterWide.reason',
        problem: `is '${props.clusterWide.reason}', shorter than ${MIN_REASON_LENGTH} characters`,
        practiceId: 'HK-RBAC-011',
        fix: 'say which cluster-scoped resources need the ClusterRole, or drop clusterWide to keep the access in one namespace.',
      });
    }
    const needsNamespace = !this.clusterWide || props.subjects === undefined
      || props.subjects.some((s) => s.kind === 'ServiceAccount' && s.namespace === undefined);
    this.namespace = props.namespace ?? enclosingNamespace(this);
    if (this.namespace === undefined && needsNamespace) {
      this.refuse({
        prop: 'namespace',
        problem: 'is not set, and the profile is in no LockedNamespace and no chart with a namespace',
        practiceId: 'HK-RBAC-011',
        fix: 'set namespace, create the profile inside a LockedNamespace, or give the chart a namespace.',
      });
    }
    if (this.namespace !== undefined && (!isText(this.namespace, DNS_LABEL) || this.namespace.length > 63)) {
      this.refuse({
        prop: 'namespace',
        problem: `is ${quoted(this.namespace)}, not a namespace name`,
        practiceId: 'HK-RBAC-011',
        fix: 'give the application\'s namespace, e.g. \'payments\' (lower-case letters, digits and \'-\').',
      });
    }
    if (this.namespace !== undefined && isReservedNamespace(this.namespace)) {
      this.refuse({
        prop: 'namespace',
        problem: `is '${this.namespace}', a namespace no application identity belongs in`,
        practiceId: 'HK-NAMESPACE-001',
        fix: 'give the profile the application\'s own namespace, e.g. \'payments\'.',
      });
    }
    this.partOf = props.partOf === undefined ? this.namespace ?? this.name : requirePartOf(refuser(this, 'RbacProfile'), props.partOf);
    this.exceptions = this.validateExceptions(props.exceptions ?? [], props.clusterWide);

    if (props.subjects === undefined) {
      this.serviceAccount = new kube.KubeServiceAccount(this, 'ServiceAccount', {
        metadata: this.meta('ServiceAccount', this.name, false),
        automountServiceAccountToken: false,
      });
    }
    const rules = Lazy.any({ produce: () => this._rules.map(renderRule) }) as unknown as k8s.PolicyRule[];
    const subjects = Lazy.any({ produce: () => this._subjects.map((s) => this.renderSubject(s)) }) as unknown as k8s.Subject[];
    if (this.clusterWide) {
      this.role = clusterScoped(new kube.KubeClusterRole(this, 'Resource', { metadata: this.meta('Resource', this.name, true), rules }));
      this.binding = clusterScoped(new kube.KubeClusterRoleBinding(this, 'Binding', {
        metadata: this.meta('Binding', this.name, true),
        roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: this.name },
        subjects,
      }));
    } else {
      this.role = new kube.KubeRole(this, 'Resource', { metadata: this.meta('Resource', this.name, true), rules });
      this.binding = new kube.KubeRoleBinding(this, 'Binding', {
        metadata: this.meta('Binding', this.name, true),
        roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: this.name },
        subjects,
      });
    }

    if (props.subjects === undefined) {
      this._subjects.push(RbacSubject.serviceAccount(this.name, this.namespace));
    } else if (props.subjects.length === 0) {
      this.refuse({ prop: 'subjects', problem: 'is empty, so the binding grants nothing to anyone', fix: 'name at least one subject, or leave subjects unset to get a ServiceAccount.' });
    }
    for (const subject of props.subjects ?? []) this.addSubjectAs('subjects', subject);
    const grants: unknown = props.grants ?? [];
    if (!Array.isArray(grants) || grants.some((g) => !g || typeof g !== 'object')) {
      this.refuse({
        prop: 'grants',
        problem: `is ${JSON.stringify(grants)?.slice(0, 80) ?? 'undefined'}, not a list of grants`,
        fix: 'give grants made with the Grant factories, e.g. [Grant.read(\'configmaps\')], or leave it unset.',
      });
    }
    for (const grant of props.grants ?? []) this.allowAs(`grants: ${grant.method}`, grant);

    this.node.addValidation({ validate: () => this.validateFinal() });
  }

  /** The rules granted so far (a copy). */
  public get rules(): RbacRule[] {
    return this._rules.map((r) => ({ ...r }));
  }

  /** The subjects bound so far (a copy). */
  public get subjects(): RbacSubject[] {
    return [...this._subjects];
  }

  /** Adds a subject to the binding; refused for `default` ServiceAccounts and `system:` names. */
  public addSubject(subject: RbacSubject): void {
    this.addSubjectAs('addSubject(subject)', subject);
  }

  /** Adds the rules of `grant`, after judging them against the catalogue's RBAC practices. */
  public allow(grant: Grant): void {
    this.allowAs(`allow(${grant.method})`, grant);
  }

  /**
   * `verbs` on `resources`, one rule per API group. A resource that names its object (e.g. a cdk8s-plus `Secret`)
   * limits its rule to that object.
   */
  public grant(resources: IApiResource[], verbs: Verb[], options: GrantOptions = {}): void {
    this.allowAs('grant(resources, verbs)', Grant.of(resources, verbs, options));
  }

  /** get, list and watch on ConfigMaps (optionally only the named ones). */
  public readConfigMaps(names: string[] = []): void {
    this.allowAs('readConfigMaps(names)', Grant.readConfigMaps(names));
  }

  /** get on one named Secret. */
  public readSecret(name: string): void {
    this.allowAs('readSecret(name)', Grant.readSecret(name));
  }

  /** Rolls out Deployments in the namespace (optionally only the named ones): see `Grant.rolloutDeployments`. */
  public rolloutDeployments(names: string[] = []): void {
    this.allowAs('rolloutDeployments(names)', Grant.rolloutDeployments(names));
  }

  /** Reads pods and their logs. */
  public readPodLogs(): void {
    this.allowAs('readPodLogs()', Grant.readPodLogs());
  }

  /** Read-only diagnosis of the namespace for on-call people: see `Grant.readOnly`. */
  public readOnly(): void {
    this.allowAs('readOnly()', Grant.readOnly());
  }

  /**
   * Binds an existing ClusterRole (e.g. `view`) to the subjects: by a RoleBinding in the profile's namespace, or a
   * ClusterRoleBinding for a cluster-wide profile. The role is judged by what it grants: a role of the app with its
   * aggregated rules, a built-in one (`view`, `edit`, `admin`, `cluster-admin`, the `system:` roles of the bootstrap
   * policy) by its bootstrap rules; `cluster-admin`, `admin`, `edit`, `system:node` and any role with dangerous rules
   * are refused. A role that is neither built in nor in the app cannot be judged and needs `options.reason`.
   */
  public bindClusterRole(name: string, options: BindClusterRoleOptions = {}): void {
    const prop = 'bindClusterRole(name)';
    if (typeof name !== 'string' || name === '' || name.includes('/')) {
      this.refuse({ prop, problem: `is ${shown(name)}, not a ClusterRole name`, fix: 'name an existing ClusterRole, e.g. \'view\'.' });
    }
    if (options === null || typeof options !== 'object') {
      this.refuse({ prop: 'bindClusterRole(options)', problem: `is ${shown(options)}, not { reason }`, fix: 'pass { reason: \'…\' } or nothing.' });
    }
    const reason = options.reason;
    if (reason !== undefined && !isAcceptableReason(reason)) {
      this.refuse({
        prop: 'bindClusterRole(options.reason)',
        problem: `is ${shown(reason)}, shorter than ${MIN_REASON_LENGTH} characters`,
        practiceId: 'HK-AUDIT-003',
        fix: 'say who creates the ClusterRole and why binding it is safe, e.g. \'installed by the monitoring Helm chart (PLAT-7)\'.',
      });
    }
    if (this.extraBindings.some((b) => b.roleName === name)) {
      this.refuse({ prop, problem: `is '${name}', which the profile already binds`, fix: 'bind each ClusterRole once.' });
    }
    const id = `Binds-${name.replace(/:/g, '-')}`;
    const bindingName = `${this.name}-${name.replace(/[^a-z0-9-]/g, '-')}`.slice(0, 253);
    const subjects = Lazy.any({ produce: () => this._subjects.map((s) => this.renderSubject(s)) }) as unknown as k8s.Subject[];
    const roleRef = { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name };
    const annotations: Record<string, string> = reason === undefined ? {} : { [EXTERNAL_REFERENCES_ANNOTATION]: `ClusterRole/${name}: ${reason.trim()}` };
    this.change(prop, `ClusterRole ${name}`, () => {
      const metadata = this.meta(id, bindingName, true, annotations);
      const object = this.clusterWide
        ? clusterScoped(new kube.KubeClusterRoleBinding(this, id, { metadata, roleRef, subjects }))
        : new kube.KubeRoleBinding(this, id, { metadata, roleRef, subjects });
      this.extraBindings.push({ roleName: name, object, ...(reason === undefined ? {} : { reason }) });
    }, () => {
      this.extraBindings.pop();
      this.node.tryRemoveChild(id);
    });
  }

  private addSubjectAs(prop: string, subject: RbacSubject): void {
    const label = subject.describe();
    if (subject.name.trim() === '' || subject.name !== subject.name.trim()) {
      this.refuse({ prop, problem: `is ${subject.kind} '${subject.name}', not a usable name`, fix: 'give the name exactly as the authenticator asserts it.' });
    }
    if (subject.kind === 'ServiceAccount' && subject.name === 'default') {
      this.refuse({
        prop,
        problem: `is ${label}, the namespace's default ServiceAccount, which every pod that names no other shares`,
        practiceId: 'HK-RBAC-001',
        fix: 'bind the workload\'s own ServiceAccount, or leave subjects unset to have the profile create one.',
      });
    }
    if (this._subjects.some((s) => this.renderSubjectKey(s) === this.renderSubjectKey(subject))) {
      this.refuse({ prop, problem: `is ${label}, which the profile already binds`, fix: 'name each subject once.' });
    }
    this.change(prop, label, () => this._subjects.push(subject), () => this._subjects.pop());
    // The practice names the identities that mean "anyone"; every other system: name belongs to a cluster component.
    if (subject.kind !== 'ServiceAccount' && subject.name.startsWith(SYSTEM_PREFIX)) {
      this._subjects.pop();
      this.refuse({
        prop,
        problem: `is ${label}, an identity Kubernetes reserves for its own components and ServiceAccounts`,
        practiceId: 'HK-RBAC-008',
        fix: 'bind a team group from the authenticator (e.g. an OIDC groups claim) or a named ServiceAccount.',
      });
    }
  }

  private allowAs(prop: string, grant: Grant): void {
    const value = grant.describe();
    for (const rule of grant.rules) {
      if (rule.resources.length === 0 || rule.verbs.length === 0) {
        this.refuse({ prop, problem: `is '${value}', a rule without ${rule.resources.length === 0 ? 'resources' : 'verbs'}`, fix: 'name at least one resource and one verb.' });
      }
      const bad = (rule.resourceNames ?? []).find((n) => n.trim() === '');
      if (bad !== undefined) {
        this.refuse({ prop, problem: `is '${value}', which names an object with an empty name`, fix: 'give the object names exactly.' });
      }
    }
    const before = this._rules.length;
    this.change(prop, value, () => this._rules.push(...grant.rules), () => this._rules.splice(before));
  }

  /**
   * Applies a change, judges the profile's rendered objects, and undoes the change and throws when it introduced a
   * violation the recorded exceptions do not cover.
   */
  private change(prop: string, value: string, apply: () => void, undo: () => void): void {
    const before = new Set(this.unexcused().map(violationKey));
    apply();
    const added = this.unexcused().find((v) => !before.has(violationKey(v)));
    if (!added) return;
    undo();
    throw new HardenedError(this.violationRefusal(prop, value, added));
  }

  /** Violations on the profile's objects (and the ClusterRoles it binds) not covered by `exceptions`. */
  private unexcused(): JudgedViolation[] {
    return this.judge().filter((v) => !this.excuses(v));
  }

  private excuses(v: JudgedViolation): boolean {
    return isExceptable(v) && this.exceptions.some((e) => e.practice === v.practice.id);
  }

  /**
   * Judges the profile's objects together with every ClusterRole of the app (aggregation is resolved over them),
   * keeping what concerns the profile: its own objects, and the ClusterRoles it binds.
   */
  private judge(): JudgedViolation[] {
    const own = new Map<Manifest, IConstruct>();
    for (const o of this.ownObjects()) own.set(o.toJson(), o);
    const bound = new Set(this.extraBindings.map((b) => b.roleName));
    const clusterRoles: Manifest[] = [];
    const others = new Map<Manifest, string>();
    for (const c of this.node.root.node.findAll()) {
      if (!ApiObject.isApiObject(c) || c.kind !== 'ClusterRole' || c.node.scopes.includes(this)) continue;
      const m = c.toJson();
      clusterRoles.push(m);
      if (bound.has(String(m.metadata?.name ?? ''))) others.set(m, `bindClusterRole(${m.metadata?.name})`);
    }
    // A bound role neither in the app nor built in is judged at synth by unjudgedBindings (it may be defined later, or
    // need a reason): the audit's fail-closed finding on such a binding is not a refusal of the call that added it.
    const defined = new Set(clusterRoles.map((m) => String(m.metadata?.name ?? '')));
    const unresolved = new Set<IConstruct>(this.extraBindings
      .filter((b) => !defined.has(b.roleName) && !builtInClusterRole(b.roleName)).map((b) => b.object));
    const out: JudgedViolation[] = [];
    for (const v of judgeRbac([...own.keys(), ...clusterRoles])) {
      if (v.practice.id === 'HK-RBAC-003' && unresolved.has(own.get(v.violation.object)!)) continue;
      if (own.has(v.violation.object)) {
        out.push({ ...v, source: this.sourceOf(v.violation.object) });
      } else if (others.has(v.violation.object) && v.practice.id !== 'HK-RBAC-011') {
        // A bound role is judged for what it grants; whether it is cluster-wide is its owner's affair.
        out.push({ ...v, source: others.get(v.violation.object)! });
      }
    }
    return out;
  }

  private ownObjects(): ApiObject[] {
    return [
      ...(this.serviceAccount ? [this.serviceAccount] : []),
      this.role,
      this.binding,
      ...this.extraBindings.map((b) => b.object),
    ];
  }

  /** The prop or method a violation of an object would be blamed on, when judged after construction. */
  private sourceOf(object: Manifest): string {
    if (object.kind === 'Role' || object.kind === 'ClusterRole') return 'grants';
    const extra = this.extraBindings.find((b) => b.object.name === object.metadata?.name && b.object.kind === object.kind);
    return extra ? `bindClusterRole(${extra.roleName})` : 'subjects';
  }

  /** The final check, at synth: ClusterRoles declared after a call may aggregate into a bound one; exceptions must be used. */
  private validateFinal(): string[] {
    const violations = this.judge();
    const messages = violations.filter((v) => !this.excuses(v))
      .map((v) => this.lazyText(this.violationRefusal(v.source, describe(v.violation.object), v)));
    messages.push(...this.unjudgedBindings());
    for (const e of this.exceptions) {
      if (e.practice === 'HK-RBAC-011' && this.clusterWide) continue;
      if (violations.some((v) => v.practice.id === e.practice)) continue;
      messages.push(this.lazyText({
        scope: this,
        construct: 'RbacProfile',
        prop: 'exceptions',
        problem: `records an exception to ${e.practice} (${findPractice(e.practice)?.title}), but nothing the profile renders breaks it`,
        practiceId: 'HK-AUDIT-003',
        practiceTitle: findPractice('HK-AUDIT-003')?.title,
        fix: 'remove the exception, so a later grant that needs it is judged again.',
      }));
    }
    return messages;
  }

  /**
   * Bound ClusterRoles the library cannot judge (neither built in nor in the app) without a recorded reason, and
   * reasons recorded for roles it does judge (they excuse nothing). Known only at synth: the app may define a role
   * after the call that binds it.
   */
  private unjudgedBindings(): string[] {
    const defined = new Set(this.node.root.node.findAll()
      .filter((c) => ApiObject.isApiObject(c) && c.kind === 'ClusterRole').map((c) => (c as ApiObject).name));
    const out: string[] = [];
    for (const b of this.extraBindings) {
      const judged = defined.has(b.roleName) ? 'which the app defines' : builtInClusterRole(b.roleName) ? 'a ClusterRole built into Kubernetes' : undefined;
      if (judged && b.reason !== undefined) {
        out.push(this.lazyText({
          scope: this,
          construct: 'RbacProfile',
          prop: `bindClusterRole(${b.roleName})`,
          problem: `records a reason for ClusterRole '${b.roleName}', ${judged}, which is judged by what it grants and needs no reason`,
          practiceId: 'HK-AUDIT-003',
          practiceTitle: findPractice('HK-AUDIT-003')?.title,
          fix: `remove options.reason from bindClusterRole('${b.roleName}').`,
        }));
      } else if (!judged && b.reason === undefined) {
        out.push(this.lazyText({
          scope: this,
          construct: 'RbacProfile',
          prop: `bindClusterRole(${b.roleName})`,
          problem: `is '${b.roleName}', a ClusterRole neither built into Kubernetes nor defined in the app, so what it grants cannot be judged`,
          practiceId: 'HK-AUDIT-003',
          practiceTitle: findPractice('HK-AUDIT-003')?.title,
          fix: 'define the ClusterRole in the app (it is then judged with its aggregated rules), or record who creates it: '
            + `bindClusterRole('${b.roleName}', { reason: '…' }).`,
        }));
      }
    }
    return out;
  }

  /** cdk8s prefixes validation messages with the construct path itself. */
  private lazyText(details: RefusalDetails): string {
    return formatRefusal(details).slice(`[${this.node.path}] `.length);
  }

  private violationRefusal(prop: string, value: string, v: JudgedViolation): RefusalDetails {
    const p = v.practice;
    const exceptable = isExceptable(v);
    const recorded = this.exceptions.some((e) => e.practice === p.id);
    const way = exceptable
      ? ` If this identity really needs it, add exceptions: [{ practice: '${p.id}', reason: '…' }].`
      : ` ${recorded ? 'The recorded exception does not cover it: ' : 'No exception is possible: '}${p.exceptionNote ?? 'the practice allows none.'}`;
    return {
      scope: this,
      construct: 'RbacProfile',
      prop,
      problem: `is '${value}'; the audit of what it renders finds ${describe(v.violation.object)}: ${v.violation.message}`,
      practiceId: p.id,
      practiceTitle: p.title,
      fix: `${p.fix}${way}`,
    };
  }

  private validateExceptions(exceptions: readonly PracticeException[], clusterWide: ClusterWideAccess | undefined): PracticeException[] {
    if (!Array.isArray(exceptions)) {
      this.refuse({
        prop: 'exceptions',
        problem: `is ${JSON.stringify(exceptions)?.slice(0, 80) ?? 'undefined'}, not a list of { practice, reason }`,
        practiceId: 'HK-AUDIT-003',
        fix: 'write exceptions: [{ practice: \'HK-RBAC-…\', reason: \'…\' }].',
      });
    }
    for (const e of exceptions) {
      if (!e || typeof e !== 'object' || typeof e.practice !== 'string') {
        this.refuse({
          prop: 'exceptions',
          problem: `holds ${JSON.stringify(e)?.slice(0, 80) ?? 'undefined'}, not { practice, reason }`,
          practiceId: 'HK-AUDIT-003',
          fix: 'write exceptions: [{ practice: \'HK-RBAC-…\', reason: \'…\' }].',
        });
      }
    }
    const seen = new Set<string>();
    for (const e of exceptions) {
      const practice = findPractice(e.practice);
      const value = `{ practice: '${e.practice}' }`;
      const refuse: (problem: string, fix: string) => never = (problem, fix) => this.refuse({ prop: 'exceptions', problem: `is ${value}, ${problem}`, practiceId: 'HK-AUDIT-003', fix });
      if (!practice) refuse('which is not a practice of the catalogue', 'name an RBAC practice id, e.g. \'HK-RBAC-006\'.');
      if (practice.group !== PracticeGroup.RBAC) refuse(`a ${practice.group} practice, which nothing an RbacProfile renders can break`, 'remove it.');
      if (practice.exception !== ExceptionPolicy.RECORDABLE) {
        refuse(`a practice that allows no exception (${(practice.exceptionNote ?? 'none is possible').replace(/\.$/, '')})`, 'remove the exception and the access that needs it.');
      }
      if (!isAcceptableReason(e.reason)) {
        refuse(`whose reason is shorter than ${MIN_REASON_LENGTH} characters`, 'say why this identity needs it, e.g. the ticket that approved it.');
      }
      if (seen.has(e.practice) || (e.practice === 'HK-RBAC-011' && clusterWide)) {
        refuse('which is recorded twice (clusterWide records HK-RBAC-011 itself)', 'record each practice once.');
      }
      seen.add(e.practice);
    }
    return [...exceptions, ...(clusterWide ? [{ practice: 'HK-RBAC-011', reason: clusterWide.reason }] : [])];
  }

  private meta(id: string, name: string, rbac: boolean, annotations: Record<string, string> = {}) {
    const namespaced = this.namespace !== undefined && (!this.clusterWide || !rbac);
    return objectMeta({
      scope: this,
      id,
      name,
      annotations,
      ...(namespaced ? { namespace: this.namespace } : {}),
      appName: this.name,
      partOf: this.partOf,
      ...(rbac ? { exceptions: this.exceptions } : {}),
    });
  }

  private renderSubject(s: RbacSubject): k8s.Subject {
    if (s.kind === 'ServiceAccount') return { kind: 'ServiceAccount', name: s.name, namespace: s.namespace ?? this.namespace };
    return { apiGroup: RBAC_GROUP, kind: s.kind, name: s.name };
  }

  private renderSubjectKey(s: RbacSubject): string {
    return JSON.stringify(this.renderSubject(s));
  }

  private refuse(d: { prop: string; problem: string; fix: string; practiceId?: string }): never {
    return refuser(this, 'RbacProfile')(d.prop, d.problem, d.fix, d.practiceId);
  }
}

interface JudgedViolation extends RbacViolation {
  /** The prop or method the violation is blamed on after construction. */
  readonly source: string;
}

function violationKey(v: JudgedViolation): string {
  return `${v.practice.id}|${describe(v.violation.object)}|${v.violation.message}`;
}

function renderRule(rule: RbacRule): k8s.PolicyRule {
  return {
    apiGroups: [...rule.apiGroups],
    resources: [...rule.resources],
    verbs: [...rule.verbs],
    ...(rule.resourceNames ? { resourceNames: [...rule.resourceNames] } : {}),
  };
}

/** cdk8s gives every object of a chart the chart's namespace; a cluster-scoped object must not carry one. */
function clusterScoped<T extends ApiObject>(o: T): T {
  if (o.metadata.namespace !== undefined) o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return o;
}
