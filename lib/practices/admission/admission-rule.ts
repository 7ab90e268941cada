/** Annotation naming the practice(s) a generated policy object enforces (HK-CLUSTER-001 reads it). */
export const PRACTICES_ANNOTATION = 'cdk8s-hardened.io/practices';

/**
 * How the cluster refuses what a practice refuses (HK-CLUSTER-001). A practice that can be judged at admission
 * carries one of these next to its check, and every engine's policy is generated from it.
 *
 * Expressions are written once, against shared variables (see `lib/practices/admission/cel.ts` and `lib/policy/rego.ts`), so
 * the same text serves Pods and every controller that carries a pod template. Exceptions are never written here:
 * the generators wrap every exceptable validation with the practice's exception policy.
 */
export interface AdmissionRule {
  /** The API resources the rule applies to (`POD_RESOURCES` or `SERVICE_RESOURCES` from `lib/practices/admission/resources.ts`). */
  readonly match: AdmissionMatch[];
  /**
   * CEL expressions that must hold for an admitted object, evaluated with `object` bound to it (shared by the
   * ValidatingAdmissionPolicy and Kyverno CEL backends). Pod rules read `variables.podSpec`, `variables.containers`
   * and the other shared variables; every rule may read `variables.targetMinor` and `variables.allowedRegistries`.
   */
  readonly validations: CelValidation[];
  /**
   * Rego for the Gatekeeper ConstraintTemplate: partial-set rules `problem[msg] { … }` over the shared helpers
   * (`pod_spec`, `containers`, `app_containers`, `pod_sc`, `sc(c)`, `volumes`, `pod_annotations`, `target_minor`,
   * `allowed_registries`). The generator turns them into `violation` rules and adds the exception wrapper.
   */
  readonly rego: string;
  /**
   * Rego rules `hard_problem[msg] { … }` for breaches no recorded exception lifts, when the practice's exception
   * covers only part of it (as `CelValidation.exceptable: false` does for CEL).
   * @default - none: every problem is exceptable when the practice is
   */
  readonly regoUnexceptable?: string;
}

/** One group of resources, as in ValidatingAdmissionPolicy `matchConstraints.resourceRules`. */
export interface AdmissionMatch {
  /** API groups, `''` for the core group. */
  readonly apiGroups: string[];
  /** API versions. */
  readonly apiVersions: string[];
  /** Resource names (plural, lower case). */
  readonly resources: string[];
}

/** A CEL validation and the message shown when it fails. */
export interface CelValidation {
  /** CEL expression that evaluates to true for a compliant object. */
  readonly expression: string;
  /** Message for a refused object (the generators prefix the practice id and title). */
  readonly message: string;
  /**
   * False when a recorded exception must not lift this validation even though the practice is recordable in
   * general (e.g. HK-WORKLOAD-019 lets an exception omit the cpu limit only).
   * @default true
   */
  readonly exceptable?: boolean;
}
