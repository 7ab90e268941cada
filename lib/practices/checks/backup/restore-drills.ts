import { DRILL_NAMESPACE_SUFFIX, RESTORE_DRILL_LABEL, veleroObjects } from './util';
import { asArray, Manifest } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

/** Namespaces a Restore must never write into (kyverno velero/block-velero-restore protects the kube-* ones). */
function isProtectedTarget(ns: string): boolean {
  return ns === 'default' || ns.startsWith('kube-');
}

function mappingOf(restore: Manifest): [string, string][] {
  const mapping = restore.spec?.namespaceMapping;
  return mapping && typeof mapping === 'object' ? Object.entries(mapping).map(([k, v]) => [k, String(v)]) : [];
}

/** A drill is a Restore labelled as one, or one that maps a namespace into a `*-restore-drill` scratch namespace. */
function isDrill(restore: Manifest): boolean {
  return restore.metadata?.labels?.[RESTORE_DRILL_LABEL] !== undefined
    || mappingOf(restore).some(([, target]) => target.endsWith(DRILL_NAMESPACE_SUFFIX));
}

function drillProblems(restore: Manifest): string[] {
  const spec = restore.spec ?? {};
  const mapping = mappingOf(restore);
  const problems: string[] = [];
  if (typeof spec.scheduleName !== 'string' || spec.scheduleName === '') problems.push('spec.scheduleName is not set, so the drill does not restore the newest scheduled backup');
  if (mapping.length === 0) problems.push('spec.namespaceMapping is empty, so the drill restores into the production namespaces');
  for (const [source, target] of mapping) {
    if (target !== `${source}${DRILL_NAMESPACE_SUFFIX}`) problems.push(`spec.namespaceMapping maps "${source}" to "${target}", not to "${source}${DRILL_NAMESPACE_SUFFIX}"`);
  }
  const included = asArray(spec.includedNamespaces).map(String);
  if (included.length === 0 && mapping.length > 0) {
    problems.push('spec.includedNamespaces is not set, so namespaces of the backup that are not mapped are restored in place');
  }
  for (const ns of included) {
    if (!mapping.some(([source]) => source === ns)) problems.push(`spec.includedNamespaces has "${ns}", which namespaceMapping does not redirect, so it is restored in place`);
  }
  if (spec.restorePVs !== true) problems.push('spec.restorePVs is not true, so the drill does not prove volume data restores');
  return problems;
}

/**
 * HK-BACKUP-005: drills run at runtime, so the manifests show them as a CronJob labelled
 * `cdk8s-hardened.io/restore-drill: <schedule name>` or as Restore objects; each Schedule of the set needs one.
 */
export const restoreDrills: Practice = {
  id: 'HK-BACKUP-005',
  group: PracticeGroup.BACKUP,
  title: 'Scheduled restore drills into scratch namespaces',
  severity: Severity.MEDIUM,
  why: 'An untested backup is a hope; drills prove RPO/RTO and catch missing volumes early.',
  criterion: 'Every velero.io Restore maps no namespace into default or kube-*. A drill Restore (labelled '
    + `${RESTORE_DRILL_LABEL}, or mapping into a *${DRILL_NAMESPACE_SUFFIX} namespace) sets spec.scheduleName, maps every namespace `
    + `<ns> to <ns>${DRILL_NAMESPACE_SUFFIX}, lists includedNamespaces that are all mapped, and sets restorePVs: true. Every `
    + `velero.io Schedule of the set has a drill: a Restore with its scheduleName, or a CronJob labelled ${RESTORE_DRILL_LABEL}: `
    + '<schedule name> (the drill runner, which creates the Restore and deletes the scratch namespace\'s objects afterwards).',
  library: 'BackupPlan generates the drill CronJob.',
  fix: `Add a CronJob labelled ${RESTORE_DRILL_LABEL}: <schedule> that creates a Restore with scheduleName, namespaceMapping `
    + `{<ns>: <ns>${DRILL_NAMESPACE_SUFFIX}}, includedNamespaces and restorePVs: true, checks it, and cleans up the scratch namespace.`,
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'A backup that was never restored is not known to work.',
  checkability: Checkability.MANIFESTS,
  sources: {
    kyverno: ['velero/block-velero-restore (protects namespaces from restores)'],
    other: ['field notes'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    const restores = veleroObjects(ctx, 'Restore');
    for (const object of restores) {
      for (const [source, target] of mappingOf(object)) {
        if (isProtectedTarget(target)) out.push({ object, message: `spec.namespaceMapping restores "${source}" into the protected namespace "${target}"` });
      }
      if (isDrill(object)) out.push(...drillProblems(object).map((message) => ({ object, message })));
    }
    const drilled = new Set([
      ...restores.filter(isDrill).map((r) => String(r.spec?.scheduleName ?? '')),
      ...ctx.ofKind('CronJob').map((c) => c.metadata?.labels?.[RESTORE_DRILL_LABEL]).filter((v): v is string => typeof v === 'string'),
    ]);
    for (const object of veleroObjects(ctx, 'Schedule')) {
      const name = String(object.metadata?.name ?? '');
      if (!drilled.has(name)) {
        out.push({ object, message: `no restore drill in the set: neither a drill Restore with scheduleName "${name}" nor a CronJob labelled ${RESTORE_DRILL_LABEL}: ${name}` });
      }
    }
    return out;
  },
};
