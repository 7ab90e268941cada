import { AdmissionRule } from './admission-rule';
import { STAGED_RULES } from './staged-rules';
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
  const out: AdmissionPractice[] = [];
  for (const practice of CATALOGUE) {
    const rule = practice.admission ?? STAGED_RULES[practice.id];
    if (rule) out.push({ practice, rule });
  }
  return out;
}
