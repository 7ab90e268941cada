import { grantedVerbs, roleViolations } from './util';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity } from '../../practice';

const WRITES = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** The cluster-control grants: resource, group and the verbs that are dangerous on it. */
const CONTROL: readonly { group: string; resource: string; verbs: readonly string[] }[] = [
  { group: 'certificates.k8s.io', resource: 'certificatesigningrequests/approval', verbs: ['update', 'patch'] },
  { group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations', verbs: WRITES },
  { group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations', verbs: WRITES },
  { group: '', resource: 'serviceaccounts/token', verbs: ['create'] },
  { group: '', resource: 'services/status', verbs: ['update', 'patch'] },
  { group: '', resource: 'events', verbs: ['delete', 'deletecollection'] },
  { group: 'events.k8s.io', resource: 'events', verbs: ['delete', 'deletecollection'] },
  { group: '', resource: 'endpoints', verbs: ['create', 'update', 'patch'] },
  { group: 'discovery.k8s.io', resource: 'endpointslices', verbs: ['create', 'update', 'patch'] },
];

/** HK-RBAC-010: each dangerous verb/resource pair is matched with RBAC's wildcards. */
export const noClusterControlGrants: Practice = {
  id: 'HK-RBAC-010',
  group: PracticeGroup.RBAC,
  title: 'No grants on cluster-control resources',
  severity: Severity.HIGH,
  why: 'Approving CSRs, editing admission webhooks, minting tokens or writing */status each let a workload take over the cluster or hide.',
  criterion: 'No effective rule grants (explicitly or through "*"): update/patch on certificatesigningrequests/approval; any write '
    + 'on validatingwebhookconfigurations or mutatingwebhookconfigurations; create on serviceaccounts/token; update/patch on '
    + 'services/status; delete/deletecollection on events (core or events.k8s.io); create/update/patch on endpoints or '
    + 'discovery.k8s.io endpointslices (CVE-2021-25740).',
  library: 'RbacProfile refuses these grants.',
  fix: 'Remove these grants; controllers that need them are cluster components with their own recorded exception.',
  exception: ExceptionPolicy.RECORDABLE,
  checkability: Checkability.MANIFESTS,
  sources: {
    cis: ['5.1.11', '5.1.12', '5.1.13'],
    kyverno: ['other/restrict-clusterrole-csr', 'other/restrict-clusterrole-mutating-validating-admission-webhooks', 'other/restrict-edit-for-endpoints'],
    gatekeeper: ['K8sBlockEndpointEditDefaultRole'],
    checkov: ['CKV_K8S_155', 'CKV_K8S_156', 'CKV2_K8S_4'],
    kubescape: ['C-0280', 'C-0281', 'C-0282', 'C-0031', 'C-0007', 'C-0036', 'C-0039'],
  },
  evaluate: (ctx: AuditContext) => roleViolations(ctx, (rule) => {
    // A plain loop: every rule of the set is asked, and almost none grants any of these.
    const hits: string[] = [];
    for (const c of CONTROL) {
      const verbs = grantedVerbs(rule, c.group, c.resource, c.verbs);
      if (verbs.length > 0) hits.push(`${verbs.join(', ')} on ${c.group ? `${c.resource}.${c.group}` : c.resource}`);
    }
    return hits.length > 0 ? `grants ${hits.join('; ')}` : undefined;
  }),
};
