import { Manifest } from '../../../lib/practices/manifest';
import { compliantSet, NS, plus, podOf, provenance, withDeployment, withObject } from '../fixtures';
import { PracticeCases } from './types';

const RBAC_V1 = 'rbac.authorization.k8s.io/v1';

/** A namespaced Role in the compliant namespace with `rules`. */
function role(rules: any[], name = 'api', meta: Record<string, unknown> = {}): Manifest {
  return { apiVersion: RBAC_V1, kind: 'Role', metadata: { name, namespace: NS, ...provenance(name, `test/${name}/role`), ...meta }, rules };
}

/** A ClusterRole with `rules` (and optional extra fields such as aggregationRule). */
function clusterRole(
  name: string, rules: any[], extra: Record<string, unknown> = {}, labels: Record<string, string> = {}, annotations: Record<string, string> = {},
): Manifest {
  const meta = provenance(name, `test/${name}/clusterrole`);
  return {
    apiVersion: RBAC_V1,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...meta.labels, ...labels }, annotations: { ...meta.annotations, ...annotations } },
    rules,
    ...extra,
  };
}

/** A RoleBinding in the compliant namespace granting `roleRef` to the api ServiceAccount (or `subjects`). */
function roleBinding(roleKind: string, roleName: string, subjects?: any[], name = 'api'): Manifest {
  return {
    apiVersion: RBAC_V1,
    kind: 'RoleBinding',
    metadata: { name, namespace: NS, ...provenance(name, `test/${name}/binding`) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
    subjects: subjects ?? [{ kind: 'ServiceAccount', name: 'api', namespace: NS }],
  };
}

/** A ClusterRoleBinding granting ClusterRole `roleName` to the api ServiceAccount (or `subjects`). */
function clusterRoleBinding(roleName: string, subjects?: any[], name = 'api', annotations: Record<string, string> = {}): Manifest {
  const meta = provenance(name, `test/${name}/clusterbinding`);
  return {
    apiVersion: RBAC_V1,
    kind: 'ClusterRoleBinding',
    metadata: { name, ...meta, annotations: { ...meta.annotations, ...annotations } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: subjects ?? [{ kind: 'ServiceAccount', name: 'api', namespace: NS }],
  };
}

/** The compliant set plus a Role with `rules` bound to the api ServiceAccount. */
function withRole(rules: any[]): Manifest[] {
  return plus(role(rules), roleBinding('Role', 'api'));
}

const READ_CONFIG = { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] };
const AGGREGATE_LABEL = { 'rbac.example.com/aggregate-to-ops': 'true' };
const aggregation = { aggregationRule: { clusterRoleSelectors: [{ matchLabels: AGGREGATE_LABEL }] } };

/** An aggregating ClusterRole `ops` plus an aggregated ClusterRole `extra` with `rules`. */
function aggregated(rules: any[]): Manifest[] {
  return plus(clusterRole('ops', [], aggregation), clusterRole('extra', rules, {}, AGGREGATE_LABEL));
}

export const RBAC_CASES: PracticeCases = {
  'HK-RBAC-001': {
    pass: [
      { name: 'dedicated ServiceAccount in the set', objects: compliantSet() },
    ],
    fail: [
      { name: 'serviceAccountName unset', objects: withDeployment((d) => { delete podOf(d).serviceAccountName; }) },
      { name: 'default ServiceAccount', objects: withDeployment((d) => { podOf(d).serviceAccountName = 'default'; }) },
      { name: 'ServiceAccount not in the set', objects: compliantSet().filter((o) => o.kind !== 'ServiceAccount') },
      { name: 'ServiceAccount in another namespace', objects: withObject('ServiceAccount', (sa) => { sa.metadata.namespace = 'other'; }) },
      { name: 'deprecated serviceAccount field', objects: withDeployment((d) => { podOf(d).serviceAccount = 'api'; }) },
    ],
  },
  'HK-RBAC-002': {
    pass: [
      { name: 'both false', objects: compliantSet() },
      {
        name: 'projected token with audience and 1h expiry',
        objects: withDeployment((d) => {
          podOf(d).volumes.push({ name: 'token', projected: { sources: [{ serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } }] } });
        }),
      },
      {
        name: 'projected token with the default expiry',
        objects: withDeployment((d) => {
          podOf(d).volumes.push({ name: 'token', projected: { sources: [{ serviceAccountToken: { audience: 'vault', path: 'token' } }] } });
        }),
      },
    ],
    fail: [
      { name: 'ServiceAccount automount unset', objects: withObject('ServiceAccount', (sa) => { delete sa.automountServiceAccountToken; }) },
      { name: 'pod automount unset', objects: withDeployment((d) => { delete podOf(d).automountServiceAccountToken; }) },
      { name: 'pod automount true', objects: withDeployment((d) => { podOf(d).automountServiceAccountToken = true; }) },
      {
        name: 'projected token valid for a day',
        objects: withDeployment((d) => {
          podOf(d).volumes.push({ name: 'token', projected: { sources: [{ serviceAccountToken: { audience: 'vault', expirationSeconds: 86400, path: 'token' } }] } });
        }),
      },
      {
        name: 'projected token without audience',
        objects: withDeployment((d) => {
          podOf(d).volumes.push({ name: 'token', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 600, path: 'token' } }] } });
        }),
      },
    ],
  },
  'HK-RBAC-003': {
    pass: [
      { name: 'no bindings', objects: compliantSet() },
      { name: 'binding to a narrow Role', objects: withRole([READ_CONFIG]) },
      { name: 'binding to built-in view', objects: plus(roleBinding('ClusterRole', 'view')) },
      {
        name: 'binding to a ClusterRole recorded as created elsewhere',
        objects: plus(clusterRoleBinding('acme-reader', undefined, 'acme', { 'cdk8s-hardened.io/external-references': 'ClusterRole/acme-reader: installed by the acme chart (PLAT-7)' })),
      },
      {
        name: 'cluster-admin binding with a recorded exception',
        objects: plus(clusterRoleBinding('cluster-admin', undefined, 'velero', {
          'exceptions.cdk8s-hardened.io/HK-RBAC-003': 'Velero server chart binds cluster-admin (rbac.clusterAdministrator) until a narrowed role ships',
        })),
      },
    ],
    fail: [
      { name: 'ClusterRoleBinding to cluster-admin', objects: plus(clusterRoleBinding('cluster-admin')) },
      { name: 'RoleBinding to cluster-admin', objects: plus(roleBinding('ClusterRole', 'cluster-admin')) },
      { name: 'binding to a Role with */*/*', objects: withRole([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]) },
      { name: 'binding to a ClusterRole neither in the set nor built in', objects: plus(clusterRoleBinding('acme-reader')) },
      { name: 'binding to a Role not in the set', objects: plus(roleBinding('Role', 'ghost')) },
      {
        name: 'binding recording another role as created elsewhere',
        objects: plus(clusterRoleBinding('acme-reader', undefined, 'acme', { 'cdk8s-hardened.io/external-references': 'ClusterRole/acme-writer: installed by the acme chart (PLAT-7)' })),
      },
      {
        name: 'binding to a ClusterRole that aggregates */*/*',
        objects: [...aggregated([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]), roleBinding('ClusterRole', 'ops')],
      },
      {
        name: 'exception with a too-short reason',
        objects: plus(clusterRoleBinding('cluster-admin', undefined, 'velero', { 'exceptions.cdk8s-hardened.io/HK-RBAC-003': 'velero' })),
      },
    ],
  },
  'HK-RBAC-004': {
    pass: [
      { name: 'explicit rule', objects: withRole([READ_CONFIG]) },
      { name: 'aggregating ClusterRole of explicit rules', objects: aggregated([READ_CONFIG]) },
    ],
    fail: [
      { name: 'wildcard verbs', objects: withRole([{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }]) },
      { name: 'wildcard resources', objects: withRole([{ apiGroups: ['apps'], resources: ['*'], verbs: ['get'] }]) },
      { name: 'wildcard apiGroups', objects: withRole([{ apiGroups: ['*'], resources: ['configmaps'], verbs: ['get'] }]) },
      { name: 'wildcard subresource', objects: withRole([{ apiGroups: ['apps'], resources: ['*/scale'], verbs: ['get'] }]) },
      { name: 'wildcard nonResourceURLs', objects: plus(clusterRole('metrics', [{ nonResourceURLs: ['/metrics*'], verbs: ['get'] }])) },
      { name: 'aggregated ClusterRole with a wildcard', objects: aggregated([{ apiGroups: [''], resources: ['*'], verbs: ['get'] }]) },
    ],
  },
  'HK-RBAC-005': {
    pass: [
      { name: 'get on named secrets', objects: withRole([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['api-tls'], verbs: ['get'] }]) },
      { name: 'wildcard group on another resource', objects: withRole([{ apiGroups: ['*'], resources: ['configmaps'], verbs: ['list'] }]) },
      { name: 'all resources of apps', objects: withRole([{ apiGroups: ['apps'], resources: ['*'], verbs: ['*'] }]) },
    ],
    fail: [
      { name: 'list secrets', objects: withRole([{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]) },
      { name: 'watch named secrets', objects: withRole([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['a'], verbs: ['get', 'watch'] }]) },
      { name: 'get without resourceNames', objects: withRole([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]) },
      { name: 'wildcard resources with get', objects: withRole([{ apiGroups: [''], resources: ['*'], verbs: ['get'] }]) },
      { name: 'wildcard verbs on secrets', objects: withRole([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['a'], verbs: ['*'] }]) },
      { name: 'wildcard group and resources', objects: withRole([{ apiGroups: ['*'], resources: ['*'], verbs: ['list'] }]) },
      { name: 'aggregated ClusterRole lists secrets', objects: aggregated([{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]) },
      { name: 'RoleBinding to built-in edit', objects: plus(roleBinding('ClusterRole', 'edit')) },
    ],
  },
  'HK-RBAC-006': {
    pass: [
      { name: 'read workloads', objects: withRole([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] }]) },
      { name: 'create configmaps', objects: withRole([{ apiGroups: [''], resources: ['configmaps'], verbs: ['create'] }]) },
      { name: 'create with resourceNames cannot create', objects: withRole([{ apiGroups: [''], resources: ['pods'], resourceNames: ['x'], verbs: ['create'] }]) },
      { name: 'RoleBinding to built-in view', objects: plus(roleBinding('ClusterRole', 'view')) },
    ],
    fail: [
      { name: 'create pods', objects: withRole([{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]) },
      { name: 'create deployments', objects: withRole([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'update'] }]) },
      { name: 'create cronjobs', objects: withRole([{ apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['create'] }]) },
      { name: 'create persistentvolumes', objects: plus(clusterRole('pv', [{ apiGroups: [''], resources: ['persistentvolumes'], verbs: ['create'] }])) },
      { name: 'all verbs on apps', objects: withRole([{ apiGroups: ['apps'], resources: ['*'], verbs: ['*'] }]) },
      { name: 'aggregated create pods', objects: aggregated([{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]) },
      { name: 'RoleBinding to built-in edit', objects: plus(roleBinding('ClusterRole', 'edit')) },
    ],
  },
  'HK-RBAC-007': {
    pass: [
      { name: 'manage roles without bind/escalate', objects: withRole([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['get', 'create'] }]) },
      {
        name: 'bind on named roles with a recorded exception',
        objects: plus(role([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['view'], verbs: ['bind'] }], 'provisioner', {
          annotations: { 'exceptions.cdk8s-hardened.io/HK-RBAC-007': 'namespace provisioner grants only the view role to team groups' },
        })),
      },
    ],
    fail: [
      { name: 'bind', objects: withRole([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] }]) },
      { name: 'escalate', objects: withRole([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate'] }]) },
      { name: 'impersonate users', objects: plus(clusterRole('imp', [{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'] }])) },
      { name: 'impersonate uids', objects: plus(clusterRole('imp', [{ apiGroups: ['authentication.k8s.io'], resources: ['uids'], verbs: ['impersonate'] }])) },
      { name: 'wildcard verbs on roles', objects: withRole([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['*'] }]) },
      {
        name: 'escalate with a recorded exception is not excepted',
        objects: plus(role([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], resourceNames: ['view'], verbs: ['escalate'] }], 'provisioner', {
          annotations: { 'exceptions.cdk8s-hardened.io/HK-RBAC-007': 'namespace provisioner grants only the view role to team groups' },
        })),
      },
      {
        name: 'bind without resourceNames with a recorded exception is not excepted',
        objects: plus(role([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] }], 'provisioner', {
          annotations: { 'exceptions.cdk8s-hardened.io/HK-RBAC-007': 'namespace provisioner grants only the view role to team groups' },
        })),
      },
      { name: 'RoleBinding to built-in edit (impersonate serviceaccounts)', objects: plus(roleBinding('ClusterRole', 'edit')) },
    ],
  },
  'HK-RBAC-008': {
    pass: [
      { name: 'ServiceAccount subject', objects: withRole([READ_CONFIG]) },
      { name: 'team group', objects: plus(role([READ_CONFIG]), roleBinding('Role', 'api', [{ kind: 'Group', name: 'team-shop', apiGroup: 'rbac.authorization.k8s.io' }])) },
    ],
    fail: [
      { name: 'system:anonymous', objects: plus(role([READ_CONFIG]), roleBinding('Role', 'api', [{ kind: 'User', name: 'system:anonymous' }])) },
      { name: 'system:unauthenticated', objects: plus(clusterRoleBinding('view', [{ kind: 'Group', name: 'system:unauthenticated' }])) },
      { name: 'system:authenticated', objects: plus(clusterRoleBinding('view', [{ kind: 'Group', name: 'system:authenticated' }])) },
      { name: 'system:masters', objects: plus(clusterRoleBinding('view', [{ kind: 'Group', name: 'system:masters' }])) },
      {
        name: 'exception for a none practice is not honoured',
        objects: plus(clusterRoleBinding('view', [{ kind: 'Group', name: 'system:authenticated' }], 'public', {
          'exceptions.cdk8s-hardened.io/HK-RBAC-008': 'public read of the view role for the status page',
        })),
      },
    ],
  },
  'HK-RBAC-009': {
    pass: [
      { name: 'pods read only', objects: withRole([{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }]) },
      { name: 'wildcard subresource of another name', objects: withRole([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }]) },
    ],
    fail: [
      { name: 'pods/exec', objects: withRole([{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }]) },
      { name: 'pods/attach get', objects: withRole([{ apiGroups: [''], resources: ['pods/attach'], verbs: ['get'] }]) },
      { name: 'pods/portforward', objects: withRole([{ apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] }]) },
      { name: 'nodes/proxy', objects: plus(clusterRole('kubelet-api', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }])) },
      { name: 'wildcard resources', objects: withRole([{ apiGroups: [''], resources: ['*'], verbs: ['get'] }]) },
      { name: '*/exec', objects: withRole([{ apiGroups: [''], resources: ['*/exec'], verbs: ['create'] }]) },
      { name: 'RoleBinding to built-in admin', objects: plus(roleBinding('ClusterRole', 'admin')) },
    ],
  },
  'HK-RBAC-010': {
    pass: [
      { name: 'read events and endpoints', objects: withRole([{ apiGroups: [''], resources: ['events', 'endpoints'], verbs: ['get', 'list', 'watch'] }]) },
      { name: 'create events', objects: withRole([{ apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] }]) },
    ],
    fail: [
      { name: 'CSR approval', objects: plus(clusterRole('csr', [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update'] }])) },
      { name: 'webhook configurations', objects: plus(clusterRole('wh', [{ apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['patch'] }])) },
      { name: 'token create', objects: withRole([{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }]) },
      { name: 'services/status', objects: withRole([{ apiGroups: [''], resources: ['services/status'], verbs: ['update'] }]) },
      { name: 'delete events', objects: withRole([{ apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['deletecollection'] }]) },
      { name: 'endpoints write', objects: withRole([{ apiGroups: [''], resources: ['endpoints'], verbs: ['create'] }]) },
      { name: 'endpointslices write', objects: withRole([{ apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['patch'] }]) },
      { name: 'wildcard on admissionregistration', objects: plus(clusterRole('wh', [{ apiGroups: ['admissionregistration.k8s.io'], resources: ['*'], verbs: ['create'] }])) },
      { name: 'aggregated token create', objects: aggregated([{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }]) },
    ],
  },
  'HK-RBAC-011': {
    pass: [
      { name: 'Role and RoleBinding', objects: withRole([READ_CONFIG]) },
      { name: 'RoleBinding to a ClusterRole', objects: plus(roleBinding('ClusterRole', 'view')) },
      {
        name: 'ClusterRole with a recorded exception',
        objects: plus(clusterRole('node-reader', [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }], {}, {}, {
          'exceptions.cdk8s-hardened.io/HK-RBAC-011': 'nodes are cluster-scoped; the topology exporter reads them',
        })),
      },
    ],
    fail: [
      { name: 'ClusterRole', objects: plus(clusterRole('reader', [READ_CONFIG])) },
      { name: 'ClusterRoleBinding', objects: plus(clusterRoleBinding('view')) },
      { name: 're-emitted built-in system: ClusterRole', objects: plus(clusterRole('system:node-proxier', [READ_CONFIG])) },
    ],
  },
};
