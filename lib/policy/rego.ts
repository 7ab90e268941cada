import { AdmissionRule } from '../practices/admission/admission-rule';
import { EXCEPTION_ANNOTATION_PREFIX, MIN_REASON_LENGTH } from '../practices/exceptions';
import { ExceptionPolicy, Practice } from '../practices/practice';

/**
 * Rego helpers shared by every template, so each practice's rules read the pod spec of Pods and controllers the
 * same way (`podSpecOf` of the audit). Written in Rego v0 syntax, which the legacy `targets[].rego` field takes.
 */
export const REGO_HELPERS = `obj := input.review.object

pod_spec := obj.spec {
  obj.kind == "Pod"
}

pod_spec := obj.spec.jobTemplate.spec.template.spec {
  obj.kind == "CronJob"
}

pod_spec := obj.spec.template.spec {
  obj.kind != "Pod"
  obj.kind != "CronJob"
}

pod_meta := obj.metadata {
  obj.kind == "Pod"
}

pod_meta := object.get(obj.spec.jobTemplate.spec.template, "metadata", {}) {
  obj.kind == "CronJob"
}

pod_meta := object.get(obj.spec.template, "metadata", {}) {
  obj.kind != "Pod"
  obj.kind != "CronJob"
}

pod_annotations := object.get(pod_meta, "annotations", {})

pod_sc := object.get(pod_spec, "securityContext", {})

containers := array.concat(array.concat(object.get(pod_spec, "containers", []), object.get(pod_spec, "initContainers", [])), object.get(pod_spec, "ephemeralContainers", []))

app_containers := array.concat(object.get(pod_spec, "containers", []), object.get(pod_spec, "initContainers", []))

volumes := object.get(pod_spec, "volumes", [])

sc(c) := object.get(c, "securityContext", {})

resolved(c, field) := object.get(sc(c), field, object.get(pod_sc, field, null))

integer_above(v, min) {
  is_number(v)
  v > min
  round(v) == v
}

target_minor := input.parameters.targetMinor

allowed_registries := object.get(input.parameters, "allowedRegistries", [])

windows_exempt {
  target_minor >= 25
  object.get(object.get(pod_spec, "os", {}), "name", "") == "windows"
}`;

/** The Rego package of a practice's template (also the template's lower-case name). */
export function regoPackage(practice: Practice): string {
  return gatekeeperKind(practice).toLowerCase();
}

/** The constraint kind of a practice, e.g. `HkWorkload003` for `HK-WORKLOAD-003`. */
export function gatekeeperKind(practice: Practice): string {
  return practice.id.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase()).join('');
}

/**
 * The whole Rego module of a practice: package, helpers, the practice's `problem` rules, and the `violation` rules
 * with the exception wrapper generated from the practice's exception policy.
 */
export function regoModule(practice: Practice, rule: AdmissionRule): string {
  const key = JSON.stringify(`${EXCEPTION_ANNOTATION_PREFIX}${practice.id}`);
  const prefix = JSON.stringify(`${practice.id} (${practice.title}): `);
  const parts = [`package ${regoPackage(practice)}`, REGO_HELPERS, rule.rego.trim()];
  if (rule.regoUnexceptable) parts.push(rule.regoUnexceptable.trim());
  if (practice.exception === ExceptionPolicy.RECORDABLE) {
    parts.push(`excepted {\n  reason := obj.metadata.annotations[${key}]\n  count(trim_space(reason)) >= ${MIN_REASON_LENGTH}\n}`);
    parts.push(`violation[{"msg": msg}] {\n  problem[p]\n  not excepted\n  msg := concat("", [${prefix}, p])\n}`);
  } else {
    parts.push(`violation[{"msg": msg}] {\n  problem[p]\n  msg := concat("", [${prefix}, p])\n}`);
  }
  if (rule.regoUnexceptable) parts.push(`violation[{"msg": msg}] {\n  hard_problem[p]\n  msg := concat("", [${prefix}, p])\n}`);
  return `${parts.join('\n\n')}\n`;
}
