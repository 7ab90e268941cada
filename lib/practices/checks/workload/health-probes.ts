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
    + 'livenessProbe whose handlers check different things, as kube-score pod-probes-identical compares them (timings do not count): '
    + 'two httpGet probes on the same path, two tcpSocket probes on the same port, two exec probes with the same command or two grpc '
    + 'probes on the same port and service are identical; every httpGet, tcpSocket or grpc probe port of a container or init '
    + 'container is one of its declared ports (by number, or by name for a named port).',
  library: 'Every long-running secure workload requires both probes and refuses two that check the same thing; the liveness check '
    + 'defaults to a TCP connect on the first port, so only the readiness check must be given (cdk8s-plus only adds a TCP startup probe).',
  fix: 'Add a readinessProbe (is the pod ready for traffic, e.g. httpGet /ready) and a livenessProbe with another handler (is the process stuck, e.g. tcpSocket or httpGet /healthz), on '
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
      if (c.list === 'containers') presenceProblems(c, problems);
      portProblems(c, problems);
    }
    return problems;
  }),
};

function runsToCompletion(obj: Manifest): boolean {
  const policy = podSpecOf(obj)?.restartPolicy;
  return obj.kind === 'Pod' && (policy === 'OnFailure' || policy === 'Never');
}

/** Missing or identical probes of an app container, pushed onto `problems`. */
function presenceProblems(c: ContainerView, problems: string[]): void {
  const { readinessProbe, livenessProbe } = c.container ?? {};
  if (!readinessProbe) problems.push(`${containerLabel(c)} has no readinessProbe`);
  if (!livenessProbe) problems.push(`${containerLabel(c)} has no livenessProbe`);
  if (readinessProbe && livenessProbe && sameCheck(readinessProbe, livenessProbe, asArray(c.container?.ports))) {
    problems.push(`${containerLabel(c)} has readinessProbe and livenessProbe that check the same thing (${describeHandler(readinessProbe)})`);
  }
}

/** The handlers of a probe that name a port. */
const PORT_HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;

/** Probe ports the container does not declare, pushed onto `problems`. */
function portProblems(c: ContainerView, problems: string[]): void {
  const ports = asArray(c.container?.ports);
  for (const field of PROBE_FIELDS) {
    const probe = c.container?.[field];
    for (const handler of PORT_HANDLERS) {
      const port = probe?.[handler]?.port;
      if (port === undefined || port === null) continue;
      const declared = typeof port === 'string' && !/^\d+$/.test(port)
        ? ports.some((p) => p?.name === port)
        : ports.some((p) => Number(p?.containerPort) === Number(port));
      if (!declared) problems.push(`${containerLabel(c)} ${field}.${handler}.port ${JSON.stringify(port)} is not a declared container port`);
    }
  }
}

/** The port a probe names, as a number when the container declares it by name (so `8080` and `http` compare equal). */
function portNumber(given: unknown, ports: readonly any[]): string {
  const port = plain(given);
  if (typeof port === 'string' && !/^\d+$/.test(port)) {
    const found = ports.find((p) => p?.name === port);
    return found ? String(found.containerPort) : `name:${port}`;
  }
  return String(port);
}

/**
 * Whether two probes check the same thing, as kube-score's pod-probes-identical judges it: the handlers are compared,
 * never the timings. httpGet probes on the same path are the same check whatever their ports (kube-score reads a named
 * port as 0, so two named ports always compare equal); tcpSocket on the same port; exec with the same command; grpc
 * on the same port and service.
 */
export function sameCheck(a: any, b: any, ports: readonly any[] = []): boolean {
  if (a?.httpGet && b?.httpGet) return (a.httpGet.path ?? '') === (b.httpGet.path ?? '');
  if (a?.tcpSocket && b?.tcpSocket) return portNumber(a.tcpSocket.port, ports) === portNumber(b.tcpSocket.port, ports);
  if (a?.exec && b?.exec) return canonicalJson(asArray(a.exec.command)) === canonicalJson(asArray(b.exec.command));
  if (a?.grpc && b?.grpc) return portNumber(a.grpc.port, ports) === portNumber(b.grpc.port, ports) && (a.grpc.service ?? '') === (b.grpc.service ?? '');
  return false;
}

/** A port as written in YAML (an IntOrString of the construct library is unwrapped). */
function plain(port: unknown): unknown {
  return port !== null && typeof port === 'object' && 'value' in port ? (port as { value: unknown }).value : port;
}

/** A probe's handler in a few words, for messages. */
export function describeHandler(probe: any): string {
  if (probe?.httpGet) return `httpGet ${JSON.stringify(probe.httpGet.path ?? '/')}`;
  if (probe?.tcpSocket) return `tcpSocket port ${JSON.stringify(plain(probe.tcpSocket.port))}`;
  if (probe?.exec) return `exec ${JSON.stringify(asArray(probe.exec.command))}`;
  if (probe?.grpc) return `grpc port ${JSON.stringify(plain(probe.grpc.port))}${probe.grpc.service ? ` service ${JSON.stringify(probe.grpc.service)}` : ''}`;
  return 'no handler';
}
