import { IConstruct } from 'constructs';
import { RenderedObject, SynthPass } from './synth-pass';
import { admissionProblems } from '../admission-sim/admission';
import { AppProblem } from '../admission-sim/app-problem';
import { coherenceProblems } from '../coherence/coherence';
import { Manifest } from '../practices/manifest';

const STATE = Symbol.for('cdk8s-hardened.AppChecks');

/**
 * Judges the app as a whole at synth, once per App however many constructs ask: duplicates, names, references
 * (lib/coherence) and admission simulated against the namespaces' own controls (lib/admission-sim). Every library
 * construct calls it from its constructor, and HardenedAudit.enable does too, so raw ApiObjects and cdk8s-plus
 * objects are judged alongside.
 *
 * Wiring: one app check on the app's SynthPass (lib/audit/synth-pass), which runs it once per synth over the one
 * rendering of every object, after LockedNamespaces have adopted their children; each problem is reported under the
 * ApiObject at fault, so cdk8s prefixes it with that object's construct path.
 */
export function enableAppChecks(scope: IConstruct): void {
  const root = scope.node.root as IConstruct & { [STATE]?: true };
  if (root[STATE]) return;
  Object.defineProperty(root, STATE, { value: true });
  SynthPass.of(root).addAppCheck((rendered) => judgeApp(root, rendered));
}

/** Every problem of a set of objects: the pure judgement synth runs, for tests and YAML alike. */
export function appProblems(objects: readonly Manifest[], pathOf: (obj: Manifest) => string | undefined = () => undefined): AppProblem[] {
  return [...coherenceProblems(objects, pathOf), ...admissionProblems(objects, pathOf)];
}

function judgeApp(root: IConstruct, rendered: readonly RenderedObject[]) {
  const owner = new Map<Manifest, IConstruct>(rendered.map((r) => [r.manifest, r.apiObject]));
  return appProblems(rendered.map((r) => r.manifest), (m) => owner.get(m)?.node.path)
    .map((p) => ({ scope: owner.get(p.object) ?? root, message: p.message }));
}
