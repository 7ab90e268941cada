import { inNamespace, namespaceFinding, workloadsByNamespace } from './util';
import { asArray } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

/** Resources every container default, default request and maximum must name. */
export const CONTAINER_LIMIT_RESOURCES: readonly string[] = ['cpu', 'memory', 'ephemeral-storage'];
const CONTAINER_FIELDS = ['default', 'defaultRequest', 'max'];

/** HK-NAMESPACE-004: judged per namespace that holds workloads; the union of its LimitRanges counts, since all apply. */
export const limitRange: Practice = {
  id: 'HK-NAMESPACE-004',
  group: PracticeGroup.NAMESPACE,
  title: 'LimitRange defaults and maxima',
  severity: Severity.MEDIUM,
  why: 'Gives every container sane defaults and ceilings even when a third-party manifest forgets them.',
  criterion: 'Every namespace that holds a pod-bearing object has LimitRanges whose limits include, for type Container, default, '
    + 'defaultRequest and max each naming cpu, memory and ephemeral-storage, and for type PersistentVolumeClaim a max.storage. '
    + 'A missing LimitRange is reported on the Namespace object when the set contains it, else on each workload; missing '
    + 'entries are reported on the namespace\'s first LimitRange.',
  library: 'LockedNamespace generates the LimitRange with sizes from props.',
  fix: 'Add a LimitRange with a Container entry (default, defaultRequest, max for cpu, memory, ephemeral-storage) and a '
    + 'PersistentVolumeClaim entry with max.storage.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'Defaults and ceilings never stop a workload that sets its own resources within them.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Resource policies and its LimitRange example (tv 4.1)'],
    kyverno: ['best-practices/add-ns-quota'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const [ns, workloads] of workloadsByNamespace(ctx)) {
      const ranges = inNamespace(ctx, ns, 'LimitRange');
      if (ranges.length === 0) {
        out.push(...namespaceFinding(ctx, ns, workloads, `namespace "${ns}" holds workloads but has no LimitRange`));
        continue;
      }
      const items = ranges.flatMap((r) => asArray(r.spec?.limits));
      const containers = items.filter((l) => l?.type === 'Container');
      const missing: string[] = [];
      for (const field of CONTAINER_FIELDS) {
        for (const resource of CONTAINER_LIMIT_RESOURCES) {
          if (!containers.some((l) => l?.[field]?.[resource] !== undefined)) missing.push(`Container ${field}.${resource}`);
        }
      }
      if (!items.some((l) => l?.type === 'PersistentVolumeClaim' && l?.max?.storage !== undefined)) missing.push('PersistentVolumeClaim max.storage');
      if (missing.length > 0) out.push({ object: ranges[0], message: `limits do not set ${missing.join(', ')}` });
    }
    return out;
  },
};
