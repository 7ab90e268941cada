import { commandLine, isEtcdSnapshotJob, isPinned, privilegedNamespaceProblems, runs, unrecordedRelaxations } from './util';
import { asArray, containerLabel, containersOf, Manifest, namespaceOf, podSpecOf } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

const CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';
const TLS_FLAGS = ['--cacert', '--cert', '--key'];

/** Whether `--flag` appears as `--flag=value` or `--flag value`. */
function hasFlag(tokens: readonly string[], flag: string): boolean {
  return tokens.some((t, i) => t.startsWith(`${flag}=`) || (t === flag && i + 1 < tokens.length));
}

function placementProblems(spec: any): string[] {
  const problems: string[] = [];
  if (!Object.prototype.hasOwnProperty.call(spec.nodeSelector ?? {}, CONTROL_PLANE)) problems.push(`nodeSelector does not select ${CONTROL_PLANE} nodes`);
  const tolerated = asArray(spec.tolerations).some((t) => (t?.key === CONTROL_PLANE || (t?.key === undefined && t?.operator === 'Exists'))
    && (t?.effect === undefined || t?.effect === 'NoSchedule'));
  if (!tolerated) problems.push(`no toleration for the ${CONTROL_PLANE}:NoSchedule taint`);
  return problems;
}

function commandProblems(obj: Manifest): string[] {
  const problems: string[] = [];
  for (const c of containersOf(obj)) {
    const tokens = commandLine(c.container);
    if (runs(tokens, 'etcdctl', 'snapshot', 'save')) {
      const flat = tokens.flatMap((t) => t.split(/\s+/));
      const missing = TLS_FLAGS.filter((f) => !hasFlag(flat, f));
      if (missing.length > 0) problems.push(`${containerLabel(c)} runs etcdctl snapshot save without ${missing.join(', ')} from the etcd PKI`);
      const endpoints = flat.find((t) => t.startsWith('--endpoints='));
      if (endpoints && endpoints.includes(',')) problems.push(`${containerLabel(c)} gives etcdctl snapshot save several endpoints; it accepts exactly one`);
    }
    if (runs(tokens, 'etcdctl', 'snapshot', 'status')) problems.push(`${containerLabel(c)} runs etcdctl snapshot status, removed in etcd 3.6; use etcdutl snapshot status`);
  }
  if (!containersOf(obj).some((c) => runs(commandLine(c.container), 'etcdutl', 'snapshot', 'status'))) {
    problems.push('no container verifies the snapshot with etcdutl snapshot status');
  }
  for (const c of containersOf(obj)) {
    if (!isPinned(c.container?.image)) problems.push(`${containerLabel(c)} image is not pinned by sha256 digest`);
  }
  return problems;
}

function volumeProblems(ctx: AuditContext, obj: Manifest, spec: any): string[] {
  const claims = asArray(spec.volumes).map((v) => v?.persistentVolumeClaim?.claimName).filter((n): n is string => typeof n === 'string');
  if (claims.length === 0) return ['writes the snapshot to no PersistentVolumeClaim; mount a ReadWriteMany claim'];
  const ns = namespaceOf(obj);
  const rwx = claims.some((name) => {
    const pvc = ctx.ofKind('PersistentVolumeClaim').find((p) => p.metadata?.name === name && namespaceOf(p) === ns);
    return asArray(pvc?.spec?.accessModes).includes('ReadWriteMany');
  });
  return rwx ? [] : [`none of its claims (${claims.join(', ')}) is a ReadWriteMany PersistentVolumeClaim of the set in namespace "${ns}"`];
}

function snapshotProblems(ctx: AuditContext, obj: Manifest): string[] {
  const spec = podSpecOf(obj) ?? {};
  const problems = obj.kind === 'CronJob' ? [] : ['is a Job, so snapshots are not scheduled; run it as a CronJob'];
  problems.push(...placementProblems(spec), ...commandProblems(obj), ...volumeProblems(ctx, obj, spec), ...unrecordedRelaxations(obj));
  const relaxed = spec.hostNetwork === true || spec.hostPID === true || asArray(spec.volumes).some((v) => v?.hostPath);
  if (relaxed) problems.push(...privilegedNamespaceProblems(ctx, obj));
  return problems;
}

/** HK-BACKUP-006: judged on CronJobs and Jobs running `etcdctl snapshot save`; a set without one is not judged. */
export const etcdSnapshots: Practice = {
  id: 'HK-BACKUP-006',
  group: PracticeGroup.BACKUP,
  title: 'etcd snapshots to an RWX volume, exceptions recorded',
  severity: Severity.HIGH,
  why: 'Velero does not capture etcd itself; a cluster rebuild needs a consistent etcd snapshot.',
  criterion: 'Every CronJob or Job running etcdctl snapshot save is a CronJob; selects node-role.kubernetes.io/control-plane nodes '
    + 'with a matching NoSchedule toleration; passes --cacert, --cert and --key (one endpoint); verifies with etcdutl snapshot '
    + 'status (never the removed etcdctl snapshot status); mounts a ReadWriteMany PersistentVolumeClaim of the set; pins every '
    + 'image by digest; records an exception (reason >= 10 characters) on itself for each relaxation it makes (host namespaces '
    + 'HK-WORKLOAD-010, hostPath HK-WORKLOAD-011, root HK-WORKLOAD-003/004); and, when it uses host namespaces or hostPath and '
    + 'the set holds its Namespace, that Namespace enforces PSA privileged and records its HK-NAMESPACE-002 exception.',
  library: 'BackupPlan generates the CronJob, pre-recording its own exceptions.',
  fix: 'Generate the job with BackupPlan.addEtcdSnapshots, or give it the control-plane nodeSelector and toleration, the etcd PKI '
    + 'flags, an etcdutl snapshot status step, a ReadWriteMany claim, digest-pinned images, a dedicated privileged namespace and '
    + 'one exception annotation per relaxation.',
  exception: ExceptionPolicy.NOT_APPLICABLE,
  exceptionNote: 'The job\'s own relaxations are recorded as exceptions to the WORKLOAD and NAMESPACE practices.',
  checkability: Checkability.MANIFESTS,
  sources: {
    cis: ['1.1.11', '1.1.12 (etcd data dir)'],
    other: ['field notes (etcdctl snapshot to RWX PVC)'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const object of ctx.ofKind('CronJob', 'Job')) {
      if (!isEtcdSnapshotJob(object)) continue;
      if (object.kind === 'Job' && asArray(object.metadata?.ownerReferences).some((o) => o?.kind === 'CronJob')) continue;
      out.push(...snapshotProblems(ctx, object).map((message) => ({ object, message })));
    }
    return out;
  },
};
