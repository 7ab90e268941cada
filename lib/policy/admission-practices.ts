import { AdmissionRule } from '../practices/admission/admission-rule';
import { CATALOGUE } from '../practices/catalogue';
import { Practice } from '../practices/practice';

/** A practice the cluster can judge at admission, with its rule. */
export interface AdmissionPractice {
  /** The catalogue entry. */
  readonly practice: Practice;
  /** Its admission rule. */
  readonly rule: AdmissionRule;
}

/** Every admission-checkable practice of the catalogue, in catalogue order. */
export function admissionPractices(): AdmissionPractice[] {
  return CATALOGUE.filter((p) => p.admission).map((practice) => ({ practice, rule: practice.admission! }));
}
