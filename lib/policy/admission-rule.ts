/**
 * How the cluster refuses what a practice refuses (HK-CLUSTER-001). A practice that can be judged at admission
 * carries one of these next to its check, and every engine's policy is generated from it.
 */
export interface AdmissionRule {
  /** The API resources the rule applies to. */
  readonly match: AdmissionMatch[];
  /**
   * CEL expressions that must hold for an admitted object, evaluated with `object` bound to it (shared by the
   * ValidatingAdmissionPolicy and Kyverno CEL backends).
   */
  readonly validations: CelValidation[];
  /**
   * Rego body for the Gatekeeper ConstraintTemplate: rules `violation[{"msg": msg}]` over `input.review.object`.
   */
  readonly rego: string;
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
  /** Message for a refused object. */
  readonly message: string;
}
