import { PRACTICES_ANNOTATION } from '../../admission/admission-rule';
import { apiVersionOf, asArray, Manifest } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

const PRACTICE_ID = /^HK-[A-Z]+-\d{3}$/;
const KYVERNO_ACTIONS = ['Enforce', 'Audit'];
const GATEKEEPER_ACTIONS = ['deny', 'dryrun', 'warn'];

/** The API group of an object's apiVersion (all of it when it has no `/`). Asked of every object of the set. */
function group(obj: Manifest): string {
  const apiVersion = apiVersionOf(obj);
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? apiVersion : apiVersion.slice(0, slash);
}

function annotationProblems(obj: Manifest): string[] {
  const ids = String(obj.metadata?.annotations?.[PRACTICES_ANNOTATION] ?? '').split(/[\s,]+/).filter((s) => s !== '');
  if (ids.length === 0) return [`is not annotated ${PRACTICES_ANNOTATION} with the HK practice id(s) it enforces`];
  const bad = ids.filter((id) => !PRACTICE_ID.test(id));
  return bad.length > 0 ? [`annotation ${PRACTICES_ANNOTATION} names ${bad.join(', ')}, not HK-<GROUP>-NNN ids`] : [];
}

function kyvernoProblems(policy: Manifest): string[] {
  const spec = policy.spec ?? {};
  const problems = annotationProblems(policy);
  if (spec.validationFailureAction !== undefined) {
    problems.push('sets spec.validationFailureAction, deprecated since Kyverno 1.13; set validate.failureAction per rule');
  }
  for (const rule of asArray(spec.rules)) {
    const name = String(rule?.name ?? '?');
    if (rule?.validate && !KYVERNO_ACTIONS.includes(rule.validate.failureAction)) {
      problems.push(`rule "${name}" sets validate.failureAction ${JSON.stringify(rule.validate.failureAction ?? 'unset')}, not Enforce or Audit`);
    }
    asArray(rule?.verifyImages).forEach((v, i) => {
      if (!KYVERNO_ACTIONS.includes(v?.failureAction)) {
        problems.push(`rule "${name}" verifyImages[${i}] sets failureAction ${JSON.stringify(v?.failureAction ?? 'unset')}, not Enforce or Audit`);
      }
    });
  }
  return problems;
}

function gatekeeperProblems(obj: Manifest): string[] {
  const problems = annotationProblems(obj);
  if (group(obj) === 'constraints.gatekeeper.sh' && !GATEKEEPER_ACTIONS.includes(obj.spec?.enforcementAction)) {
    problems.push(`spec.enforcementAction is ${JSON.stringify(obj.spec?.enforcementAction ?? 'unset')}, not deny, dryrun or warn`);
  }
  return problems;
}

/**
 * HK-CLUSTER-001: whether a cluster runs an admission engine is not visible in an application's manifests, so only the
 * Kyverno and Gatekeeper objects a set holds are judged.
 */
export const admissionEngine: Practice = {
  id: 'HK-CLUSTER-001',
  group: PracticeGroup.CLUSTER,
  title: 'Admission policy engine enforces this catalogue',
  severity: Severity.HIGH,
  why: 'Synth-time checks only cover what goes through the library; admission policy catches kubectl apply and third-party charts.',
  criterion: 'Every Kyverno ClusterPolicy/Policy (kyverno.io) and Gatekeeper ConstraintTemplate or constraint in the set is annotated '
    + `${PRACTICES_ANNOTATION} with the HK id(s) it enforces; Kyverno policies set no deprecated spec.validationFailureAction, every `
    + 'validate rule sets validate.failureAction Enforce or Audit and every verifyImages entry sets failureAction; Gatekeeper '
    + 'constraints set spec.enforcementAction deny, dryrun or warn. A set without such objects is not judged.',
  library: 'AdmissionPolicies generates Kyverno ClusterPolicies, Gatekeeper templates and constraints, or ValidatingAdmissionPolicies '
    + 'from the catalogue.',
  fix: `Emit the policies with AdmissionPolicies, or annotate each with ${PRACTICES_ANNOTATION}: <HK id>, move the failure action into `
    + 'each Kyverno rule (validate.failureAction, verifyImages[].failureAction) and set enforcementAction on each constraint.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Per policy, e.g. a third-party policy kept as shipped.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Pod security enforcement (admission controllers)'],
    cis: ['5.2.1'],
    kyverno: ['kyverno/policies as the target format'],
    gatekeeper: ['gatekeeper-library as the target format'],
    kubescape: ['C-0192'],
    other: ['kyverno/policies#1537 (PSS vs Kyverno CEL drift) — generating from one catalogue avoids it'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const object of ctx.objects) {
      const g = group(object);
      let problems: string[] = [];
      if (g === 'kyverno.io' && (object.kind === 'ClusterPolicy' || object.kind === 'Policy')) problems = kyvernoProblems(object);
      else if ((g === 'templates.gatekeeper.sh' && object.kind === 'ConstraintTemplate') || g === 'constraints.gatekeeper.sh') problems = gatekeeperProblems(object);
      for (const message of problems) out.push({ object, message });
    }
    return out;
  },
};
