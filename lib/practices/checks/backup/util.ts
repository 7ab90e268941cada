import { isAcceptableReason, recordedExceptions } from '../../exceptions';
import { apiVersionOf, asArray, containersOf, Manifest, namespaceOf, podSpecOf } from '../../manifest';
import { AuditContext } from '../../practice';

/** Label marking a CronJob as a backup job (HK-BACKUP-007), when its image or command does not already say so. */
export const BACKUP_JOB_LABEL = 'cdk8s-hardened.io/backup';

/**
 * Label marking a restore drill (HK-BACKUP-005): on a CronJob that creates the drill's Restores, its value is the
 * name of the Velero Schedule it drills; on a Restore, any value marks it as a drill.
 */
export const RESTORE_DRILL_LABEL = 'cdk8s-hardened.io/restore-drill';

/** Label declaring the role of a BackupStorageLocation; the value {@link DISASTER_RECOVERY_ROLE} marks the DR side. */
export const STORAGE_ROLE_LABEL = 'cdk8s-hardened.io/role';

/** Value of {@link STORAGE_ROLE_LABEL} on the BackupStorageLocation a restoring (DR) cluster uses. */
export const DISASTER_RECOVERY_ROLE = 'disaster-recovery';

/**
 * Annotation on a StatefulSet or PersistentVolumeClaim naming the Velero Schedule that backs its data up, as
 * `<velero namespace>/<schedule>` (HK-BACKUP-001); BackupPlan.protect() writes it. When the Schedule is in the audited
 * set, it must include the object's namespace; when it is not, the annotation is the recorded claim.
 */
export const PROTECTED_BY_ANNOTATION = 'backup.cdk8s-hardened.io/schedule';

/** Suffix of the scratch namespace a drill restores `<ns>` into. */
export const DRILL_NAMESPACE_SUFFIX = '-restore-drill';

/** A sha256 image digest at the end of a reference. */
const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** Whether the object is a `velero.io` object of `kind`. */
export function isVelero(obj: Manifest, kind: string): boolean {
  return obj.kind === kind && apiVersionOf(obj).startsWith('velero.io/');
}

/** Velero objects of `kind` in the set. */
export function veleroObjects(ctx: AuditContext, kind: string): Manifest[] {
  return ctx.ofKind(kind).filter((o) => isVelero(o, kind));
}

/** A container's command followed by its args, as strings. */
export function commandLine(container: any): string[] {
  return [...asArray(container?.command), ...asArray(container?.args)].map(String);
}

/** The last path segment of each token, so `/usr/local/bin/etcdctl` reads as `etcdctl`. */
function basenames(tokens: readonly string[]): string[] {
  return tokens.flatMap((t) => t.split(/\s+/)).map((t) => t.slice(t.lastIndexOf('/') + 1));
}

/** Whether a command line runs `<tool> <words…>` (the words in order, anywhere after the tool; shell lines included). */
export function runs(tokens: readonly string[], tool: string, ...words: string[]): boolean {
  const flat = basenames(tokens);
  const at = flat.indexOf(tool);
  if (at < 0) return false;
  let i = at + 1;
  for (const w of words) {
    while (i < flat.length && flat[i] !== w) i++;
    if (i >= flat.length) return false;
    i++;
  }
  return true;
}

/** The repository name of an image without registry, tag or digest: `registry.k8s.io/etcd:3.5@sha256:…` → `etcd`. */
export function imageName(image: unknown): string {
  const ref = String(image ?? '').split('@')[0];
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  return last.split(':')[0];
}

/** Whether an image reference ends in a sha256 digest. */
export function isPinned(image: unknown): boolean {
  return typeof image === 'string' && DIGEST.test(image);
}

/** Whether a CronJob or Job takes etcd snapshots (`etcdctl … snapshot save`). */
export function isEtcdSnapshotJob(obj: Manifest): boolean {
  return containersOf(obj).some((c) => runs(commandLine(c.container), 'etcdctl', 'snapshot', 'save'));
}

/**
 * Whether a CronJob is a backup job: labelled {@link BACKUP_JOB_LABEL} `"true"` or {@link RESTORE_DRILL_LABEL}, or
 * running a velero or etcd image, or the velero, etcdctl or etcdutl commands.
 */
export function isBackupJob(obj: Manifest): boolean {
  const labels = obj.metadata?.labels ?? {};
  if (labels[BACKUP_JOB_LABEL] === 'true' || labels[RESTORE_DRILL_LABEL] !== undefined) return true;
  return containersOf(obj).some((c) => ['velero', 'etcd'].includes(imageName(c.container?.image))
    || ['velero', 'etcdctl', 'etcdutl'].some((tool) => runs(commandLine(c.container), tool)));
}

/** Whether `obj` records a usable exception (long enough reason) for `practiceId`. */
export function recordsException(obj: Manifest, practiceId: string): boolean {
  return isAcceptableReason(recordedExceptions(obj).get(practiceId));
}

/**
 * The relaxations of the baseline a privileged job's pod makes (host namespaces, hostPath, running as root) that
 * the object does not record as exceptions (HK-AUDIT-003): one message per unrecorded relaxation.
 */
export function unrecordedRelaxations(obj: Manifest): string[] {
  const spec = podSpecOf(obj) ?? {};
  const relaxations: { practice: string; what: string }[] = [];
  const hostNamespaces = ['hostNetwork', 'hostPID', 'hostIPC'].filter((f) => spec[f] === true);
  if (hostNamespaces.length > 0) relaxations.push({ practice: 'HK-WORKLOAD-010', what: hostNamespaces.join(', ') });
  const hostPaths = asArray(spec.volumes).filter((v) => v?.hostPath).map((v) => String(v.name));
  if (hostPaths.length > 0) relaxations.push({ practice: 'HK-WORKLOAD-011', what: `hostPath volume(s) ${hostPaths.join(', ')}` });
  const asRoot = containersOf(obj).filter((c) => {
    const user = c.container?.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
    const nonRoot = c.container?.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot;
    return user === 0 || nonRoot !== true;
  });
  if (asRoot.length > 0) relaxations.push({ practice: 'HK-WORKLOAD-003', what: `root in ${asRoot.map((c) => c.name).join(', ')}` });
  const uidZero = containersOf(obj).filter((c) => (c.container?.securityContext?.runAsUser ?? spec.securityContext?.runAsUser) === 0);
  if (uidZero.length > 0) relaxations.push({ practice: 'HK-WORKLOAD-004', what: `runAsUser 0 in ${uidZero.map((c) => c.name).join(', ')}` });
  return relaxations
    .filter((r) => !recordsException(obj, r.practice))
    .map((r) => `relaxes ${r.practice} (${r.what}) without recording an exception annotation with a reason`);
}

/**
 * What is wrong with the Namespace a privileged job runs in, when the set holds it: PSA must enforce `privileged`
 * (anything stricter rejects the pod) and the Namespace must record its HK-NAMESPACE-002 exception.
 */
export function privilegedNamespaceProblems(ctx: AuditContext, obj: Manifest): string[] {
  const ns = namespaceOf(obj);
  const namespace = ctx.ofKind('Namespace').find((n) => n.metadata?.name === ns);
  if (!namespace) return [];
  const enforce = namespace.metadata?.labels?.['pod-security.kubernetes.io/enforce'];
  const problems: string[] = [];
  if (enforce !== 'privileged') {
    problems.push(`runs in namespace "${ns}", whose PSA enforce level is ${enforce ?? 'unset'}; give the job a dedicated namespace enforcing privileged`);
  }
  if (!recordsException(namespace, 'HK-NAMESPACE-002')) {
    problems.push(`namespace "${ns}" does not record its HK-NAMESPACE-002 exception with a reason`);
  }
  return problems;
}

/** `spec.template` of a Schedule, `spec` of a Backup: the Backup spec both carry. */
export function backupSpecOf(obj: Manifest): any {
  return obj.kind === 'Schedule' ? obj.spec?.template ?? {} : obj.spec ?? {};
}
