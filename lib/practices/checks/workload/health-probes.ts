import { canonicalJson, PROBE_FIELDS } from './util';
import { appContainersOf, asArray, containerLabel, ContainerView, Manifest, podSpecOf } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/**
 * Kinds whose pods are meant to keep running. Jobs and CronJobs run to completion, so readiness and liveness
 * probes do not apply to them; neither do bare Pods whose restartPolicy is OnFailure or Never.
 */
export const LONG_RUNNING_KINDS: readonly string[] = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'];

/** HK-WORKLOAD-020: probes required on `containers`; probe ports checked wherever a probe is declared. */
export const healthProbes: Practice = {
  id: 'HK-WORKLOAD-020',
  group: PracticeGroup.WORKLOAD,
  title: 'Readiness and liveness probes, distinct',
  severity: Severity.LOW,
  why: 'Without readiness, broken pods receive traffic; identical liveness and readiness probes turn a slow dependency into a '
    + 'restart storm (availability is part of security).',
  criterion: 'In long-running workloads (not Jobs, CronJobs or run-to-completion Pods) every app container has a readinessProbe and a '
    + 'livenessProbe that differ (path, port or thresholds); every httpGet, tcpSocket or grpc probe port of a container or init '
    + 'container is one of its declared ports (by number, or by name for a named port).',
  library: 'SecureDeployment requires both probes (cdk8s-plus only adds a TCP startup probe).',
  fix: 'Add a readinessProbe (is the pod ready for traffic) and a distinct, more tolerant livenessProbe (is the process stuck), on '
    + 'declared container ports.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Batch containers.',
  checkability: Checkability.MANIFESTS,
  sources: {
    kubeScore: ['pod-probes', 'pod-probes-identical'],
    polaris: ['readinessProbeMissing', 'livenessProbeMissing'],
    kubeLinter: ['no-readiness-probe', 'no-liveness-probe', 'readiness-port', 'liveness-port', 'startup-port'],
    kyverno: ['best-practices/require-probes', 'other/ensure-probes-different'],
    gatekeeper: ['K8sRequiredProbes'],
    checkov: ['CKV_K8S_9', 'CKV_K8S_8'],
    kubescape: ['C-0018', 'C-0056'],
  },
  evaluate: perObject(LONG_RUNNING_KINDS, (obj) => {
    if (runsToCompletion(obj)) return [];
    const problems: string[] = [];
    for (const c of appContainersOf(obj)) {
      if (c.list === 'containers') problems.push(...presenceProblems(c));
      problems.push(...portProblems(c));
    }
    return problems;
  }),
};

function runsToCompletion(obj: Manifest): boolean {
  const policy = podSpecOf(obj)?.restartPolicy;
  return obj.kind === 'Pod' && (policy === 'OnFailure' || policy === 'Never');
}

function presenceProblems(c: ContainerView): string[] {
  const { readinessProbe, livenessProbe } = c.container ?? {};
  const problems: string[] = [];
  if (!readinessProbe) problems.push(`${containerLabel(c)} has no readinessProbe`);
  if (!livenessProbe) problems.push(`${containerLabel(c)} has no livenessProbe`);
  if (readinessProbe && livenessProbe && canonicalJson(readinessProbe) === canonicalJson(livenessProbe)) {
    problems.push(`${containerLabel(c)} has identical readinessProbe and livenessProbe`);
  }
  return problems;
}

function portProblems(c: ContainerView): string[] {
  const ports = asArray(c.container?.ports);
  const problems: string[] = [];
  for (const field of PROBE_FIELDS) {
    const probe = c.container?.[field];
    for (const handler of ['httpGet', 'tcpSocket', 'grpc'] as const) {
      const port = probe?.[handler]?.port;
      if (port === undefined || port === null) continue;
      const declared = typeof port === 'string' && !/^\d+$/.test(port)
        ? ports.some((p) => p?.name === port)
        : ports.some((p) => Number(p?.containerPort) === Number(port));
      if (!declared) problems.push(`${containerLabel(c)} ${field}.${handler}.port ${JSON.stringify(port)} is not a declared container port`);
    }
  }
  return problems;
}
