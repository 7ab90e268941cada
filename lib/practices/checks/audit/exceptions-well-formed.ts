import { EXCEPTION_ANNOTATION_PREFIX, isAcceptableReason, MIN_REASON_LENGTH } from '../../exceptions';
import { Manifest, podMetaOf } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

/** Why one exception annotation is not a valid exception, or undefined when it is. */
function annotationProblem(ctx: AuditContext, key: string, reason: unknown): string | undefined {
  const id = key.slice(EXCEPTION_ANNOTATION_PREFIX.length);
  const practice = ctx.findPractice(id);
  if (!practice) return `annotation ${key} names "${id}", which is not a practice of the catalogue`;
  if (practice.exception === ExceptionPolicy.NONE) return `annotation ${key} excepts ${id} (${practice.title}), which allows no exception`;
  if (practice.exception === ExceptionPolicy.NOT_APPLICABLE) return `annotation ${key} excepts ${id} (${practice.title}), which objects cannot opt out of`;
  if (!isAcceptableReason(typeof reason === 'string' ? reason : undefined)) {
    return `annotation ${key} gives a reason shorter than ${MIN_REASON_LENGTH} characters, so the exception is not honoured`;
  }
  return undefined;
}

const NONE: readonly string[] = [];

/**
 * The exception annotation keys of an annotation map, in Object.keys order. Asked of every object and its pod
 * template, and almost none has one: walked in place, and a list is only built when a key is found.
 */
function exceptionKeys(annotations: unknown): readonly string[] {
  if (annotations === null || typeof annotations !== 'object') return NONE;
  let out: string[] | undefined;
  for (const key in annotations) {
    if (Object.prototype.hasOwnProperty.call(annotations, key) && key.startsWith(EXCEPTION_ANNOTATION_PREFIX)) (out ??= []).push(key);
  }
  return out ?? NONE;
}

/** The problems of one object's exception annotations, then those of its pod template's, pushed onto `out`. */
function objectProblems(ctx: AuditContext, object: Manifest, out: Violation[]): void {
  const annotations = object.metadata?.annotations;
  const keys = exceptionKeys(annotations);
  for (let i = 0; i < keys.length; i++) {
    const message = annotationProblem(ctx, keys[i], annotations?.[keys[i]]);
    if (message) out.push({ object, message });
  }
  const podKeys = object.kind === 'Pod' ? NONE : exceptionKeys(podMetaOf(object)?.annotations);
  for (let i = 0; i < podKeys.length; i++) {
    out.push({ object, message: `annotation ${podKeys[i]} sits on the pod template, where the audit does not read it; move it to the object's metadata` });
  }
}

/** HK-AUDIT-003: one finding per malformed exception annotation, so each can be fixed on its own. */
export const exceptionsWellFormed: Practice = {
  id: 'HK-AUDIT-003',
  group: PracticeGroup.AUDIT,
  title: 'Every exception recorded in the manifest with a reason',
  severity: Severity.HIGH,
  why: 'Silent overrides are how hardened baselines rot; an annotation puts the decision, its reason and its owner next to the object '
    + 'the auditor reads.',
  criterion: `Every ${EXCEPTION_ANNOTATION_PREFIX}<ID> annotation on an object names a practice of the catalogue whose exception policy `
    + `is recordable (not none, not n/a) and gives a reason of at least ${MIN_REASON_LENGTH} characters; no such annotation sits on a `
    + 'pod template, where the audit does not read it. Whether peer-dialect mirrors (kube-linter, Checkov, kube-score, Polaris) are '
    + 'present is not judged.',
  library: 'Sets the annotation and mirrors it into the exemptions of Polaris (polaris.fairwinds.com/<check>-exempt), kube-score '
    + '(kube-score/ignore) and kube-linter (ignore-check.kube-linter.io/<check>) for the peer checks the practice names (not Checkov); '
    + 'refuses an exception without reason or for an "exception: none" practice, and those peer keys set by hand.',
  fix: `Record the exception as ${EXCEPTION_ANNOTATION_PREFIX}<PRACTICE-ID>: "<reason of ${MIN_REASON_LENGTH}+ characters>" on the `
    + 'object itself, only for recordable practices; fix the object instead where the practice allows no exception.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'Excepting the exception rule would hide every other override.',
  checkability: Checkability.MANIFESTS,
  sources: {
    other: [
      'cdk-nag suppressions (reason >= 10 chars, v2 NagSuppressions; v3 Validations.of().acknowledge({id, reason}))',
      'kube-linter annotation convention',
      'Checkov skip comment',
      'the gap in Polaris/kube-score/Kyverno/Kubescape (no reason field)',
    ],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    // Indexed: every object of the set passes here (see perObject).
    for (let i = 0; i < ctx.objects.length; i++) objectProblems(ctx, ctx.objects[i], out);
    return out;
  },
};
