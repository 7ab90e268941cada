import { ApiResource, IApiResource } from 'cdk8s-plus-28';

/** The verbs of a Kubernetes RBAC rule. */
export enum Verb {
  /** Read one object. */
  GET = 'get',
  /** Read every object of the collection (for secrets: every value). */
  LIST = 'list',
  /** Stream changes to the collection. */
  WATCH = 'watch',
  /** Create objects (on workload kinds: run arbitrary pods, HK-RBAC-006). */
  CREATE = 'create',
  /** Replace objects. */
  UPDATE = 'update',
  /** Patch objects (what `kubectl apply` and `kubectl rollout restart` send to existing objects). */
  PATCH = 'patch',
  /** Delete one object. */
  DELETE = 'delete',
  /** Delete a whole collection. */
  DELETE_COLLECTION = 'deletecollection',
  /** Grant a role without holding its permissions (HK-RBAC-007). */
  BIND = 'bind',
  /** Edit a role beyond one's own permissions (HK-RBAC-007). */
  ESCALATE = 'escalate',
  /** Act as another user, group or ServiceAccount (HK-RBAC-007). */
  IMPERSONATE = 'impersonate',
  /** Approve certificate signing requests for a signer (HK-RBAC-010). */
  APPROVE = 'approve',
  /** Every verb, present and future (HK-RBAC-004). */
  ALL = '*',
}

/** get, list and watch. */
export const READ_VERBS: readonly Verb[] = [Verb.GET, Verb.LIST, Verb.WATCH];

/** One `rules[]` entry as RbacProfile renders it. */
export interface RbacRule {
  /** API groups (`''` is the core group). */
  readonly apiGroups: string[];
  /** Resources, `resource/subresource` for subresources. */
  readonly resources: string[];
  /** Verbs. */
  readonly verbs: string[];
  /**
   * Object names the rule is limited to.
   * @default - every object of the resources
   */
  readonly resourceNames?: string[];
}

/** Options of `Grant.of` and `RbacProfile.grant`. */
export interface GrantOptions {
  /**
   * Limits the grant to these object names (merged with the `resourceName` of each resource given, e.g. a
   * cdk8s-plus `Secret`).
   * @default - every object of the resources, unless a resource names its own object
   */
  readonly resourceNames?: string[];
}

/** A resource in the core group (`''`). */
function core(resourceType: string): IApiResource {
  return ApiResource.custom({ apiGroup: '', resourceType });
}

function of(apiGroup: string, resourceType: string): IApiResource {
  return ApiResource.custom({ apiGroup, resourceType });
}

/** Subresource `pods/log`. */
const POD_LOGS = core('pods/log');

/**
 * What the on-call read-only grant covers: the objects needed to diagnose a namespace, and nothing that holds
 * credentials (no secrets) or opens a shell (no pods/exec, attach, portforward, proxy).
 */
export const READ_ONLY_RESOURCES: readonly IApiResource[] = [
  ApiResource.CONFIG_MAPS,
  ApiResource.ENDPOINTS,
  ApiResource.EVENTS,
  ApiResource.LIMIT_RANGES,
  ApiResource.PERSISTENT_VOLUME_CLAIMS,
  ApiResource.PODS,
  ApiResource.REPLICATION_CONTROLLERS,
  ApiResource.RESOURCE_QUOTAS,
  ApiResource.SERVICE_ACCOUNTS,
  ApiResource.SERVICES,
  ApiResource.DAEMON_SETS,
  ApiResource.DEPLOYMENTS,
  ApiResource.REPLICA_SETS,
  ApiResource.STATEFUL_SETS,
  of('autoscaling', 'horizontalpodautoscalers'),
  of('batch', 'cronjobs'),
  of('batch', 'jobs'),
  of('discovery.k8s.io', 'endpointslices'),
  of('events.k8s.io', 'events'),
  of('networking.k8s.io', 'ingresses'),
  of('networking.k8s.io', 'networkpolicies'),
  of('policy', 'poddisruptionbudgets'),
];

/**
 * A set of RBAC rules with the intent that produced them. Build one with a static factory and give it to
 * `RbacProfile.allow` (or call the profile's method of the same name); the profile judges the rules against the
 * catalogue before it accepts them.
 */
export class Grant {
  /**
   * A general grant: `verbs` on `resources`, one rule per API group (so no rule pairs a resource with a group it
   * does not belong to). A resource that names its object (`resourceName`, e.g. a cdk8s-plus `Secret`) limits the
   * rule to that object.
   */
  public static of(resources: readonly IApiResource[], verbs: readonly Verb[], options: GrantOptions = {}): Grant {
    return new Grant('grant(resources, verbs)', rulesFor(resources, verbs, options.resourceNames ?? []));
  }

  /**
   * get, list and watch on ConfigMaps.
   * @param names limit to these ConfigMaps (list and watch then need a `metadata.name` field selector)
   */
  public static readConfigMaps(names: readonly string[] = []): Grant {
    return new Grant('readConfigMaps(names)', rulesFor([ApiResource.CONFIG_MAPS], READ_VERBS, names));
  }

  /**
   * get on one named Secret: the only Secret access HK-RBAC-005 allows without an exception.
   * @param name the Secret's name
   */
  public static readSecret(name: string): Grant {
    return new Grant('readSecret(name)', [{ apiGroups: [''], resources: ['secrets'], verbs: [Verb.GET], resourceNames: [name] }]);
  }

  /**
   * Rolls out Deployments: get, list, watch, patch and update on `apps` deployments (what `kubectl apply`,
   * `kubectl set image`, `kubectl rollout restart|status|undo` send), and get, list, watch on the ReplicaSets and
   * Pods a rollout creates, so `rollout status` can follow it. Never create (HK-RBAC-006).
   * @param names limit to these Deployments
   */
  public static rolloutDeployments(names: readonly string[] = []): Grant {
    return new Grant('rolloutDeployments(names)', [
      ...rulesFor([ApiResource.DEPLOYMENTS], [...READ_VERBS, Verb.PATCH, Verb.UPDATE], names),
      ...rulesFor([ApiResource.REPLICA_SETS, ApiResource.PODS], READ_VERBS, []),
    ]);
  }

  /** Reads pods and their logs (`pods/log`): get and list on pods, get on pods/log. */
  public static readPodLogs(): Grant {
    return new Grant('readPodLogs()', [
      ...rulesFor([ApiResource.PODS], [Verb.GET, Verb.LIST], []),
      ...rulesFor([POD_LOGS], [Verb.GET], []),
    ]);
  }

  /**
   * Read-only access for on-call people: get, list and watch on `READ_ONLY_RESOURCES` — workloads, their pods,
   * services, config maps, events, policies — plus get on pods/log; never secrets or the interactive subresources.
   */
  public static readOnly(): Grant {
    return new Grant('readOnly()', [...rulesFor(READ_ONLY_RESOURCES, READ_VERBS, []), ...rulesFor([POD_LOGS], [Verb.GET], [])]);
  }

  private constructor(
    /** The call that made the grant, as refusals name it, e.g. `readSecret(name)`. */
    public readonly method: string,
    /** The rules, one per API group and object-name set. */
    public readonly rules: readonly RbacRule[],
  ) {}

  /** `get, list on secrets (names: a, b); get on pods/log`-style summary of the rules, for messages. */
  public describe(): string {
    return this.rules.map(describeRule).join('; ');
  }
}

/** `get, list on deployments.apps (names: web)`. */
export function describeRule(rule: RbacRule): string {
  const resources = rule.resources.map((r) => rule.apiGroups.map((g) => (g === '' ? r : `${r}.${g}`)).join(', ')).join(', ');
  const names = rule.resourceNames && rule.resourceNames.length > 0 ? ` (names: ${rule.resourceNames.join(', ')})` : '';
  return `${rule.verbs.join(', ')} on ${resources}${names}`;
}

/** One rule per API group and per object-name set, resources in the order given, duplicates dropped. */
function rulesFor(resources: readonly IApiResource[], verbs: readonly string[], names: readonly string[]): RbacRule[] {
  const groups = new Map<string, { apiGroup: string; resources: string[]; resourceNames: string[] }>();
  for (const r of resources) {
    const resourceNames = [...new Set([...names, ...(r.resourceName ? [r.resourceName] : [])])].sort();
    const key = JSON.stringify([r.apiGroup, resourceNames]);
    const entry = groups.get(key) ?? { apiGroup: r.apiGroup, resources: [], resourceNames };
    if (!entry.resources.includes(r.resourceType)) entry.resources.push(r.resourceType);
    groups.set(key, entry);
  }
  return [...groups.values()].map((g) => ({
    apiGroups: [g.apiGroup],
    resources: g.resources,
    verbs: [...new Set(verbs)],
    ...(g.resourceNames.length > 0 ? { resourceNames: g.resourceNames } : {}),
  }));
}
