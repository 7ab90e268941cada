import { POD_RESOURCES } from '../../admission/resources';
import { appContainersOf, containerLabel, POD_KINDS } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

const REQUIRED_REQUESTS = ['cpu', 'memory', 'ephemeral-storage'] as const;
const REQUIRED_LIMITS = ['memory', 'ephemeral-storage'] as const;

/**
 * HK-WORKLOAD-019: one finding per container for its limits. A missing cpu limit alone is the only exceptable
 * violation; when memory or storage limits are missing too, one non-exceptable finding names them all, so an exception
 * recorded for the cpu limit never hides a missing memory or storage bound.
 */
export const resourceRequirements: Practice = {
  id: 'HK-WORKLOAD-019',
  group: PracticeGroup.WORKLOAD,
  title: 'Requests and limits for cpu, memory, ephemeral storage',
  severity: Severity.MEDIUM,
  why: 'An unbounded pod can starve neighbours or the node (denial of service), and quota (HK-NAMESPACE-003) cannot be enforced without requests.',
  criterion: 'Every container and init container sets resources.requests.cpu, .memory and .ephemeral-storage, and resources.limits.memory '
    + 'and .ephemeral-storage; resources.limits.cpu is set too unless an exception records that the CPU limit is intentionally omitted.',
  library: 'SecureDeployment requires explicit values (cdk8s-plus silently defaults 1000m/1500m cpu, 512Mi/2048Mi memory and no ephemeral storage).',
  fix: 'Set requests for cpu, memory and ephemeral-storage and limits for cpu, memory and ephemeral-storage on every container.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'For the cpu limit only (the throttling debate: kube-score --ignore-container-cpu-limit, Kyverno other/forbid-cpu-limits). '
    + 'It holds only if the namespace\'s LimitRange has no default.cpu and its ResourceQuota has no limits.cpu.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Resource policies (ks C-0270, C-0271)'],
    kubeScore: [
      'container-resources', 'container-ephemeral-storage-request-and-limit', 'container-resource-requests-equal-limits',
      'container-cpu-requests-equal-limits', 'container-memory-requests-equal-limits',
    ],
    polaris: ['cpuRequestsMissing', 'cpuLimitsMissing', 'memoryRequestsMissing', 'memoryLimitsMissing'],
    kubeLinter: ['unset-cpu-requirements', 'unset-memory-requirements'],
    kyverno: ['best-practices/require-pod-requests-limits', 'other/forbid-cpu-limits'],
    gatekeeper: ['K8sContainerLimits', 'K8sContainerRequests', 'K8sRequiredResources', 'K8sContainerRatios', 'K8sContainerEphemeralStorageLimit'],
    kubesec: ['RequestsCPU', 'LimitsCPU', 'RequestsMemory', 'LimitsMemory'],
    checkov: ['CKV_K8S_10', 'CKV_K8S_11', 'CKV_K8S_12', 'CKV_K8S_13'],
    kubescape: ['C-0004', 'C-0009', 'C-0050', 'C-0268', 'C-0269', 'C-0270', 'C-0271'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [
      {
        expression: 'variables.appContainers.all(c, has(c.resources) && has(c.resources.requests)'
            + ' && [\'cpu\', \'memory\', \'ephemeral-storage\'].all(r, r in c.resources.requests))',
        message: 'every container must request cpu, memory and ephemeral-storage',
        exceptable: false,
      },
      {
        expression: 'variables.appContainers.all(c, has(c.resources) && has(c.resources.limits)'
            + ' && [\'memory\', \'ephemeral-storage\'].all(r, r in c.resources.limits))',
        message: 'every container must limit memory and ephemeral-storage',
        exceptable: false,
      },
      {
        expression: 'variables.appContainers.all(c, has(c.resources) && has(c.resources.limits) && \'cpu\' in c.resources.limits)',
        message: 'every container must limit cpu, unless an exception records why the cpu limit is omitted',
      },
    ],
    rego: `problem[msg] {
    c := app_containers[_]
    not object.get(object.get(c, "resources", {}), "limits", {}).cpu
    msg := sprintf("container %v sets no resources.limits.cpu", [c.name])
  }`,
    regoUnexceptable: `hard_problem[msg] {
    c := app_containers[_]
    r := ["cpu", "memory", "ephemeral-storage"][_]
    not object.get(object.get(c, "resources", {}), "requests", {})[r]
    msg := sprintf("container %v sets no resources.requests.%v", [c.name, r])
  }
  
  hard_problem[msg] {
    c := app_containers[_]
    r := ["memory", "ephemeral-storage"][_]
    not object.get(object.get(c, "resources", {}), "limits", {})[r]
    msg := sprintf("container %v sets no resources.limits.%v", [c.name, r])
  }`,
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const object of ctx.ofKind(...POD_KINDS)) {
      for (const c of appContainersOf(object)) {
        const resources = c.container?.resources ?? {};
        const missingRequests = REQUIRED_REQUESTS.filter((r) => !isSet(resources.requests?.[r]));
        const missingLimits = REQUIRED_LIMITS.filter((r) => !isSet(resources.limits?.[r]));
        if (missingRequests.length > 0) {
          out.push({ object, exceptable: false, message: `${containerLabel(c)} sets no resources.requests for ${missingRequests.join(', ')}` });
        }
        // One finding per container for its limits: the missing CPU limit rides along when memory or storage is missing too.
        const cpuMissing = !isSet(resources.limits?.cpu);
        if (missingLimits.length > 0) {
          const all = cpuMissing ? [...missingLimits, 'cpu'] : missingLimits;
          out.push({ object, exceptable: false, message: `${containerLabel(c)} sets no resources.limits for ${all.join(', ')}` });
        } else if (cpuMissing) {
          out.push({ object, message: `${containerLabel(c)} sets no resources.limits.cpu` });
        }
      }
    }
    return out;
  },
};

function isSet(quantity: unknown): boolean {
  return (typeof quantity === 'string' && quantity.trim().length > 0) || typeof quantity === 'number';
}
