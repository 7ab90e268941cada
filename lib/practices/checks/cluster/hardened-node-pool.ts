import { asArray, podSpecOf, POD_KINDS } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

/**
 * Namespace annotation requiring the namespace's workloads to run on a hardened node pool, as `<label key>=<value>`
 * (HardenedNodePool.requireIn writes it).
 */
export const NODE_POOL_ANNOTATION = 'cdk8s-hardened.io/node-pool';

/** The annotation value for a node label. */
export function formatNodePoolRequirement(key: string, value: string): string {
  return `${key}=${value}`;
}

/** The `{ key, value }` a requirement names, or undefined when it is malformed. */
export function parseNodePoolRequirement(text: unknown): { key: string; value: string } | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^([^=\s]+)=([^=\s]+)$/.exec(text.trim());
  return m ? { key: m[1], value: m[2] } : undefined;
}

/**
 * Whether a pod spec can only land on nodes with the label: a `nodeSelector` with the exact value, or a required
 * node affinity every term of which demands `key In [value]`.
 */
export function pinnedToNodeLabel(spec: any, key: string, value: string): boolean {
  if (spec?.nodeSelector?.[key] === value) return true;
  const terms = asArray(spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms);
  return terms.length > 0 && terms.every((t) => asArray(t?.matchExpressions).some((e) => e?.key === key && e?.operator === 'In'
    && asArray(e?.values).length > 0 && asArray(e?.values).every((v) => v === value)));
}

/** HK-CLUSTER-007: judged for the namespaces of the set that carry the requirement annotation. */
export const hardenedNodePool: Practice = {
  id: 'HK-CLUSTER-007',
  group: PracticeGroup.CLUSTER,
  title: 'Workloads run on the hardened node pool their namespace requires',
  severity: Severity.MEDIUM,
  why: 'A container escape lands on the node: where a namespace asks for nodes built from a hardened image (CIS-hardened AMI, '
    + 'Bottlerocket, Talos), a pod scheduled elsewhere escapes onto a node nobody hardened.',
  criterion: `Every Namespace of the set whose annotation ${NODE_POOL_ANNOTATION} names a node label as key=value: every Pod, Deployment, `
    + 'StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job and CronJob of that namespace sets nodeSelector[key] to value, or a '
    + 'required node affinity each of whose terms demands key In [value]. A malformed annotation is itself a finding.',
  library: 'HardenedNodePool names the pool by label and taint, gives workloads its nodeSelector and toleration, and requireIn(namespace) '
    + 'writes the annotation.',
  fix: 'Pin the workload with nodeSelector: { <key>: <value> } (and tolerate the pool\'s taint), or record an exception naming why it '
    + 'cannot run there.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'A workload that needs hardware the hardened pool lacks (GPUs), named in the reason.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Kubernetes Pod security: "Hardening container hosts"'],
    cis: ['4 (Worker node security configuration, judged on the node image)'],
    other: ['Kubernetes PodNodeSelector admission plugin (scheduler.alpha.kubernetes.io/node-selector), the cluster-side form'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const ns of ctx.ofKind('Namespace')) {
      const raw = ns.metadata?.annotations?.[NODE_POOL_ANNOTATION];
      if (raw === undefined) continue;
      const requirement = parseNodePoolRequirement(raw);
      if (!requirement) {
        out.push({ object: ns, message: `annotation ${NODE_POOL_ANNOTATION} is ${JSON.stringify(raw)}, not <label key>=<value>`, exceptable: false });
        continue;
      }
      for (const obj of ctx.inNamespace(String(ns.metadata?.name), ...POD_KINDS)) {
        if (!pinnedToNodeLabel(podSpecOf(obj), requirement.key, requirement.value)) {
          out.push({ object: obj, message: `is not pinned to node pool ${raw}, which namespace ${ns.metadata?.name} requires` });
        }
      }
    }
    return out;
  },
};
