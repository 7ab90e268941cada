/**
 * The ClusterRoles every cluster has from its bootstrap RBAC policy (Kubernetes 1.28, `plugin/pkg/auth/authorizer/
 * rbac/bootstrappolicy`), written compactly so a binding to one is judged by what it grants although no manifest
 * of the set declares it. `admin`, `edit` and `view` are written with the rules they aggregate from the
 * `system:aggregate-to-*` roles; the per-controller `system:controller:*` roles are not listed (they belong to the
 * controller manager, and binding one is judged as binding an unknown role).
 *
 * One rule per string: `groups|resources|verbs` or `groups|resources|verbs|resourceNames` (comma-separated lists,
 * the core group written as an empty entry), or `url:<paths>|verbs` for non-resource URLs.
 */
const READ = 'get,list,watch';
const WRITE = 'create,update,patch,delete,deletecollection';

const AGGREGATE_TO_VIEW = [
  `|configmaps,endpoints,persistentvolumeclaims,persistentvolumeclaims/status,pods,replicationcontrollers,replicationcontrollers/scale,serviceaccounts,services,services/status|${READ}`,
  `|bindings,events,limitranges,namespaces/status,pods/log,pods/status,replicationcontrollers/status,resourcequotas,resourcequotas/status|${READ}`,
  `|namespaces|${READ}`,
  `discovery.k8s.io|endpointslices|${READ}`,
  `apps|controllerrevisions,daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,replicasets,replicasets/scale,replicasets/status,statefulsets,statefulsets/scale,statefulsets/status|${READ}`,
  `autoscaling|horizontalpodautoscalers,horizontalpodautoscalers/status|${READ}`,
  `batch|cronjobs,cronjobs/status,jobs,jobs/status|${READ}`,
  `extensions|daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,ingresses,ingresses/status,networkpolicies,replicasets,replicasets/scale,replicasets/status,replicationcontrollers/scale|${READ}`,
  `policy|poddisruptionbudgets,poddisruptionbudgets/status|${READ}`,
  `networking.k8s.io|ingresses,ingresses/status,networkpolicies|${READ}`,
];

const AGGREGATE_TO_EDIT = [
  `|pods/attach,pods/exec,pods/portforward,pods/proxy,secrets,services/proxy|${READ}`,
  '|serviceaccounts|impersonate',
  `|pods,pods/attach,pods/exec,pods/portforward,pods/proxy|${WRITE}`,
  '|pods/eviction|create',
  `|configmaps,events,persistentvolumeclaims,replicationcontrollers,replicationcontrollers/scale,secrets,serviceaccounts,services,services/proxy|${WRITE}`,
  '|serviceaccounts/token|create',
  `apps|daemonsets,deployments,deployments/rollback,deployments/scale,replicasets,replicasets/scale,statefulsets,statefulsets/scale|${WRITE}`,
  `autoscaling|horizontalpodautoscalers|${WRITE}`,
  `batch|cronjobs,jobs|${WRITE}`,
  `extensions|daemonsets,deployments,deployments/rollback,deployments/scale,ingresses,networkpolicies,replicasets,replicasets/scale,replicationcontrollers/scale|${WRITE}`,
  `policy|poddisruptionbudgets|${WRITE}`,
  `networking.k8s.io|ingresses,networkpolicies|${WRITE}`,
  `coordination.k8s.io|leases|${WRITE},${READ}`,
];

const AGGREGATE_TO_ADMIN = [
  'authorization.k8s.io|localsubjectaccessreviews|create',
  `rbac.authorization.k8s.io|rolebindings,roles|${WRITE},${READ}`,
];

const EVENTS = 'events.k8s.io,|events|create,patch,update';

/** Each built-in ClusterRole's rules, and the aggregation label it collects (admin, edit, view). */
const TABLE: Record<string, { readonly rules: readonly string[]; readonly aggregates?: readonly string[] }> = {
  'cluster-admin': { rules: ['*|*|*', 'url:*|*'] },
  'admin': { rules: [...AGGREGATE_TO_ADMIN, ...AGGREGATE_TO_EDIT, ...AGGREGATE_TO_VIEW], aggregates: ['admin', 'edit', 'view'] },
  'edit': { rules: [...AGGREGATE_TO_EDIT, ...AGGREGATE_TO_VIEW], aggregates: ['edit', 'view'] },
  'view': { rules: AGGREGATE_TO_VIEW, aggregates: ['view'] },
  'system:aggregate-to-admin': { rules: AGGREGATE_TO_ADMIN },
  'system:aggregate-to-edit': { rules: AGGREGATE_TO_EDIT },
  'system:aggregate-to-view': { rules: AGGREGATE_TO_VIEW },
  'system:auth-delegator': { rules: ['authentication.k8s.io|tokenreviews|create', 'authorization.k8s.io|subjectaccessreviews|create'] },
  'system:basic-user': { rules: ['authorization.k8s.io|selfsubjectaccessreviews,selfsubjectrulesreviews|create', 'authentication.k8s.io|selfsubjectreviews|create'] },
  'system:certificates.k8s.io:certificatesigningrequests:nodeclient': { rules: ['certificates.k8s.io|certificatesigningrequests/nodeclient|create'] },
  'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient': { rules: ['certificates.k8s.io|certificatesigningrequests/selfnodeclient|create'] },
  'system:certificates.k8s.io:kube-apiserver-client-approver': { rules: ['certificates.k8s.io|signers|approve|kubernetes.io/kube-apiserver-client'] },
  'system:certificates.k8s.io:kube-apiserver-client-kubelet-approver': { rules: ['certificates.k8s.io|signers|approve|kubernetes.io/kube-apiserver-client-kubelet'] },
  'system:certificates.k8s.io:kubelet-serving-approver': { rules: ['certificates.k8s.io|signers|approve|kubernetes.io/kubelet-serving'] },
  'system:certificates.k8s.io:legacy-unknown-approver': { rules: ['certificates.k8s.io|signers|approve|kubernetes.io/legacy-unknown'] },
  'system:discovery': { rules: ['url:/api,/api/*,/apis,/apis/*,/healthz,/livez,/openapi,/openapi/*,/readyz,/version,/version/|get'] },
  'system:heapster': { rules: [`|events,namespaces,nodes,pods|${READ}`, `extensions|deployments|${READ}`] },
  'system:kube-aggregator': { rules: [`|endpoints,services|${READ}`] },
  'system:kube-controller-manager': {
    rules: [
      EVENTS, 'coordination.k8s.io|leases|create', 'coordination.k8s.io|leases|get,update|kube-controller-manager',
      '|secrets,serviceaccounts|create', '|secrets|delete', '|configmaps,namespaces,secrets,serviceaccounts|get', '|secrets,serviceaccounts|update',
      'authentication.k8s.io|tokenreviews|create', 'authorization.k8s.io|subjectaccessreviews|create', '*|*|list,watch', '|serviceaccounts/token|create',
    ],
  },
  'system:kube-dns': { rules: ['|endpoints,services|list,watch'] },
  'system:kube-scheduler': {
    rules: [
      EVENTS, 'coordination.k8s.io|leases|create', 'coordination.k8s.io|leases|get,update|kube-scheduler', `|nodes|${READ}`,
      `|pods|delete,${READ}`, '|bindings,pods/binding|create', '|pods/status|patch,update', `|replicationcontrollers,services|${READ}`,
      `apps,extensions|replicasets|${READ}`, `apps|statefulsets|${READ}`, `policy|poddisruptionbudgets|${READ}`,
      `|persistentvolumeclaims,persistentvolumes|${READ}`, 'authentication.k8s.io|tokenreviews|create', 'authorization.k8s.io|subjectaccessreviews|create',
      `storage.k8s.io|csinodes|${READ}`, `|namespaces|${READ}`, `storage.k8s.io|csidrivers|${READ}`, `storage.k8s.io|csistoragecapacities|${READ}`,
    ],
  },
  'system:kubelet-api-admin': { rules: [`|nodes|${READ}`, '|nodes|proxy', '|nodes/log,nodes/metrics,nodes/proxy,nodes/stats|*'] },
  'system:monitoring': { rules: ['url:/healthz,/healthz/*,/livez,/livez/*,/metrics,/metrics/slis,/readyz,/readyz/*|get'] },
  'system:node': {
    rules: [
      'authentication.k8s.io|tokenreviews|create', 'authorization.k8s.io|localsubjectaccessreviews,subjectaccessreviews|create',
      `|services|${READ}`, `|nodes|create,${READ}`, '|nodes/status|patch,update', '|nodes|patch,update', '|events|create,patch,update',
      `|pods|${READ}`, '|pods|create,delete', '|pods/status|patch,update', '|pods/eviction|create', `|configmaps,secrets|${READ}`,
      '|persistentvolumeclaims,persistentvolumes|get', '|endpoints|get', `certificates.k8s.io|certificatesigningrequests|create,${READ}`,
      'coordination.k8s.io|leases|create,delete,get,patch,update', 'storage.k8s.io|volumeattachments|get', '|serviceaccounts/token|create',
      '|persistentvolumeclaims/status|get,patch,update', `storage.k8s.io|csidrivers|${READ}`, 'storage.k8s.io|csinodes|create,delete,get,patch,update',
      `node.k8s.io|runtimeclasses|${READ}`,
    ],
  },
  'system:node-bootstrapper': { rules: [`certificates.k8s.io|certificatesigningrequests|create,${READ}`] },
  'system:node-problem-detector': { rules: ['|nodes|get', '|nodes/status|patch', EVENTS] },
  'system:node-proxier': { rules: ['|endpoints,services|list,watch', `|nodes|${READ}`, EVENTS, 'discovery.k8s.io|endpointslices|list,watch'] },
  'system:persistent-volume-provisioner': {
    rules: [`|persistentvolumes|create,delete,${READ}`, '|persistentvolumeclaims|get,list,update,watch', `storage.k8s.io|storageclasses|${READ}`, '|events|watch', EVENTS],
  },
  'system:public-info-viewer': { rules: ['url:/healthz,/livez,/readyz,/version,/version/|get'] },
  'system:service-account-issuer-discovery': { rules: ['url:/.well-known/openid-configuration,/openid/v1/jwks|get'] },
  'system:volume-scheduler': {
    rules: ['|persistentvolumes|get,list,patch,update,watch', `storage.k8s.io|storageclasses|${READ}`, '|persistentvolumeclaims|get,list,patch,update,watch'],
  },
};

/** One rule of a built-in ClusterRole, normalised (every list present). */
export interface BuiltInRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/** A built-in ClusterRole as the RBAC model reads it. */
export interface BuiltInClusterRole {
  /** Its rules, with what it aggregates from the bootstrap roles already included. */
  readonly rules: readonly BuiltInRule[];
  /**
   * The labels (value "true") whose ClusterRoles of the app it aggregates too: `admin` collects what is labelled
   * for admin, edit or view, since `edit` and `view` are themselves labelled to aggregate upwards.
   */
  readonly aggregatesLabels: readonly string[];
}

const list = (text: string): string[] => text.split(',');

function parseRule(text: string): BuiltInRule {
  const [first, second, third, fourth] = text.split('|');
  if (first.startsWith('url:')) return { apiGroups: [], resources: [], verbs: list(second), resourceNames: [], nonResourceURLs: list(first.slice('url:'.length)) };
  return { apiGroups: list(first), resources: list(second), verbs: list(third), resourceNames: fourth ? list(fourth) : [], nonResourceURLs: [] };
}

const PARSED = new Map<string, BuiltInClusterRole>(Object.entries(TABLE).map(([name, role]) => [name, {
  rules: role.rules.map(parseRule),
  aggregatesLabels: (role.aggregates ?? []).map((r) => `rbac.authorization.k8s.io/aggregate-to-${r}`),
}]));

/** The built-in ClusterRole named `name`, or undefined when Kubernetes defines none by that name. */
export function builtInClusterRole(name: string): BuiltInClusterRole | undefined {
  return PARSED.get(name);
}
