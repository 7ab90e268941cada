import { asArray, containerLabel, containersOf, Manifest, podSpecOf } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, KubernetesVersion, Practice, PracticeGroup, Severity, Violation } from '../../practice';
import { commandLine, imageName, isPinned, privilegedNamespaceProblems, runs, unrecordedRelaxations } from '../backup/util';

/** kube-bench `cfg/config.yaml` version_mapping for the minors the catalogue knows. */
function expectedBenchmark(v: KubernetesVersion): string | undefined {
  if (v.major !== 1) return undefined;
  if (v.minor === 28) return 'cis-1.10';
  if (v.minor >= 29 && v.minor <= 31) return 'cis-1.11';
  if (v.minor >= 32 && v.minor <= 34) return 'cis-1.12';
  return undefined;
}

/** Managed-service benchmark families kube-bench ships next to the CIS ones; they are chosen by platform, not minor. */
const MANAGED_BENCHMARKS = /^(eks|gke|aks|ack|rh|k3s|rke|rke2|tkgi)-/;

function isKubeBench(obj: Manifest): boolean {
  return containersOf(obj).some((c) => imageName(c.container?.image) === 'kube-bench' || runs(commandLine(c.container), 'kube-bench'));
}

function flagValue(tokens: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].startsWith(`${flag}=`)) return tokens[i].slice(flag.length + 1);
    if (tokens[i] === flag) return tokens[i + 1];
  }
  return undefined;
}

function benchProblems(ctx: AuditContext, obj: Manifest): string[] {
  const spec = podSpecOf(obj) ?? {};
  const problems = obj.kind === 'CronJob' ? [] : ['is a Job, so the benchmark does not recur; run it as a CronJob'];
  const hostPathVolumes = new Set(asArray(spec.volumes).filter((v) => v?.hostPath).map((v) => v.name));
  const expected = expectedBenchmark(ctx.settings.targetVersion);
  for (const c of containersOf(obj)) {
    if (!isPinned(c.container?.image)) problems.push(`${containerLabel(c)} image is not pinned by sha256 digest`);
    const writable = asArray(c.container?.volumeMounts).filter((m) => hostPathVolumes.has(m?.name) && m?.readOnly !== true).map((m) => m.mountPath);
    if (writable.length > 0) problems.push(`${containerLabel(c)} mounts host paths writable: ${writable.join(', ')}`);
    const tokens = commandLine(c.container).flatMap((t) => t.split(/\s+/));
    if (!runs(tokens, 'kube-bench')) continue;
    const benchmark = flagValue(tokens, '--benchmark');
    if (!benchmark) {
      problems.push(`${containerLabel(c)} runs kube-bench without --benchmark, so it guesses the version from the API or host binaries`);
    } else if (!MANAGED_BENCHMARKS.test(benchmark) && expected && benchmark !== expected) {
      const target = `${ctx.settings.targetVersion.major}.${ctx.settings.targetVersion.minor}`;
      problems.push(`${containerLabel(c)} runs --benchmark ${benchmark}, but Kubernetes ${target} maps to ${expected}`);
    }
    if (!tokens.includes('--json')) problems.push(`${containerLabel(c)} does not write JSON results (--json)`);
  }
  if (spec.hostPID !== true) problems.push('hostPID is not true, so kube-bench cannot inspect the host processes\' flags');
  problems.push(...unrecordedRelaxations(obj), ...privilegedNamespaceProblems(ctx, obj));
  return problems;
}

/** HK-CLUSTER-005: judged on CronJobs and Jobs running kube-bench; a set without one is not judged. */
export const cisBenchmarkJob: Practice = {
  id: 'HK-CLUSTER-005',
  group: PracticeGroup.CLUSTER,
  title: 'Scheduled CIS benchmark job',
  severity: Severity.MEDIUM,
  why: 'Configuration drifts; a recurring benchmark run proves the node/control-plane parts of CIS that manifests cannot.',
  criterion: 'Every CronJob or Job running kube-bench (image or command) is a CronJob; pins every image by digest; passes --benchmark '
    + 'matching the target minor (1.28 cis-1.10, 1.29–1.31 cis-1.11, 1.32–1.34 cis-1.12; eks-/gke-/aks- style benchmarks accepted) '
    + 'and --json; sets hostPID: true; mounts every hostPath read-only; records an exception (reason >= 10 characters) on itself for '
    + 'each relaxation (hostPID HK-WORKLOAD-010, hostPath HK-WORKLOAD-011, root HK-WORKLOAD-003/004); and, when the set holds its '
    + 'Namespace, that Namespace enforces PSA privileged and records its HK-NAMESPACE-002 exception.',
  library: 'Generates the kube-bench CronJob in a dedicated privileged namespace, its own exceptions pre-recorded.',
  fix: 'Run kube-bench as a CronJob pinned by digest with --benchmark <target benchmark> --json, hostPID: true and read-only '
    + 'hostPath mounts as in upstream job.yaml, in a dedicated namespace enforcing privileged, recording one exception per relaxation.',
  exception: ExceptionPolicy.NOT_APPLICABLE,
  exceptionNote: 'Its own relaxations are recorded as exceptions to the WORKLOAD and NAMESPACE practices.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Upgrading and application security practices (periodic review)'],
    cis: ['whole benchmark'],
    kubescape: ['CIS frameworks (cis-v1.10.0) as an alternative'],
    other: ['aquasecurity/kube-bench job*.yaml, cfg/config.yaml version mapping'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const object of ctx.ofKind('CronJob', 'Job')) {
      if (!isKubeBench(object)) continue;
      if (object.kind === 'Job' && asArray(object.metadata?.ownerReferences).some((o) => o?.kind === 'CronJob')) continue;
      out.push(...benchProblems(ctx, object).map((message) => ({ object, message })));
    }
    return out;
  },
};
