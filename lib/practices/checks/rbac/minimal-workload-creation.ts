import { Access, grants, roleViolations } from './util';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity } from '../../practice';

/** Resources whose `create` runs arbitrary pods (or, for persistentvolumes, mounts arbitrary host storage). */
const CREATE_TARGETS: readonly Access[] = [
  { group: '', resource: 'pods', verb: 'create' },
  { group: 'apps', resource: 'deployments', verb: 'create' },
  { group: 'apps', resource: 'daemonsets', verb: 'create' },
  { group: 'apps', resource: 'statefulsets', verb: 'create' },
  { group: 'apps', resource: 'replicasets', verb: 'create' },
  { group: 'batch', resource: 'jobs', verb: 'create' },
  { group: 'batch', resource: 'cronjobs', verb: 'create' },
  { group: '', resource: 'persistentvolumes', verb: 'create' },
];

/** HK-RBAC-006: a rule limited by resourceNames cannot authorize create, so it is not counted. */
export const minimalWorkloadCreation: Practice = {
  id: 'HK-RBAC-006',
  group: PracticeGroup.RBAC,
  title: 'Minimal workload-creation rights',
  severity: Severity.HIGH,
  why: 'Whoever can create pods can mount any ServiceAccount and Secret in the namespace and run privileged where policy allows.',
  criterion: 'No effective rule without resourceNames grants create (explicitly or through "*") on pods, apps deployments, '
    + 'daemonsets, statefulsets or replicasets, batch jobs or cronjobs, or persistentvolumes.',
  library: 'RbacProfile refuses create on workload kinds and persistentvolumes.',
  fix: 'Drop create on workload kinds from application roles; let a CI deployer or operator with a recorded exception create them.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'CI deployers and operators.',
  checkability: Checkability.MANIFESTS,
  sources: {
    cis: ['5.1.4', '5.1.9'],
    kubeLinter: ['access-to-create-pods'],
    kubescape: ['C-0188', 'C-0278'],
  },
  evaluate: (ctx: AuditContext) => roleViolations(ctx, (rule) => {
    if (rule.resourceNames.length > 0) return undefined;
    const hits = CREATE_TARGETS.filter((a) => grants(rule, a)).map((a) => a.resource);
    return hits.length > 0 ? `grants create on ${hits.join(', ')}` : undefined;
  }),
};
