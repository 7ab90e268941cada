/** The Pod Security Standards evaluator lives in lib (admission simulated at synth); tests import it from here. */
export { evaluatePss, type PssVersion } from '../../lib/admission-sim/pod-security';
