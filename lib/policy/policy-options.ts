import { PRACTICES_ANNOTATION } from '../practices/admission/admission-rule';
import { Practice } from '../practices/practice';

// The label a LockedNamespace carries is the default namespace selection of the admission policies.
export { LOCKED_LABEL } from '../practices/manifest';

/** A Kubernetes label selector. */
export interface LabelSelectorSpec {
  /** Labels that must all match. */
  readonly matchLabels?: Record<string, string>;
  /** Set-based requirements that must all hold. */
  readonly matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** What every engine emitter needs besides the rules. */
export interface PolicyObjectOptions {
  /** True to refuse violating objects, false to only warn and record them. */
  readonly enforce: boolean;
  /** The namespaces the policies apply to. */
  readonly namespaceSelector: LabelSelectorSpec;
}

/** The object name of a practice's policy, e.g. `hardened-hk-workload-003`. */
export function policyName(practice: Practice): string {
  return `hardened-${practice.id.toLowerCase()}`;
}

/** Annotations every generated policy object carries: the practice id and its title. */
export function policyAnnotations(practice: Practice): Record<string, string> {
  return { [PRACTICES_ANNOTATION]: practice.id, 'cdk8s-hardened.io/title': practice.title };
}
