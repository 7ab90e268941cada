import { parse } from '@marcbachmann/cel-js';
import { ApiObject, Testing } from 'cdk8s';
import { AdmissionPractice } from '../../lib/policy/admission-practices';
import { emitGatekeeperPolicies } from '../../lib/policy/gatekeeper';
import { emitKyvernoPolicies } from '../../lib/policy/kyverno';
import { emitValidatingAdmissionPolicies } from '../../lib/policy/vap';
import { PRACTICES_ANNOTATION } from '../../lib/practices/admission/admission-rule';
import { PolicySettings } from '../../lib/practices/admission/cel';

/** The admission engines whose emitted CEL the differential test evaluates. */
export const CEL_ENGINES = ['ValidatingAdmissionPolicy', 'Kyverno', 'Gatekeeper'] as const;
export type CelEngine = typeof CEL_ENGINES[number];

/** One engine's CEL for one practice, read back from the object the library emitted. */
interface CelProgram {
  readonly variables: ReadonlyArray<{ name: string; expression: string }>;
  readonly validations: readonly string[];
  /** Bound before the variables: Gatekeeper's `variables.params` (the constraint's `spec.parameters`). */
  readonly preset: Record<string, unknown>;
}

const compiled = new Map<string, (ctx: Record<string, unknown>) => unknown>();

function compile(expression: string): (ctx: Record<string, unknown>) => unknown {
  let fn = compiled.get(expression);
  if (!fn) {
    fn = parse(expression) as unknown as (ctx: Record<string, unknown>) => unknown;
    compiled.set(expression, fn);
  }
  return fn;
}

/** JSON as the API server hands it to CEL: integers become int64 (BigInt in cel-js). */
export function toCel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCel);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value;
}

const emitted = new Map<string, Map<string, CelProgram>>();

/**
 * The CEL of every practice and engine as the library emits it for `settings`: the objects are rendered by the
 * three emitters and read back (VAP `spec.variables`/`validations`, Kyverno `validate.cel`, the Gatekeeper
 * template's `K8sNativeValidation` source with its constraint's parameters), so the test judges the YAML users apply.
 */
function programs(entries: readonly AdmissionPractice[], settings: PolicySettings): Map<string, CelProgram> {
  const key = JSON.stringify(settings);
  let found = emitted.get(key);
  if (found) return found;
  found = new Map();
  const chart = Testing.chart();
  const options = { enforce: true, namespaceSelector: { matchLabels: { 'cdk8s-hardened.io/locked': 'true' } } };
  const json = (objects: ApiObject[]) => objects.map((o) => o.toJson());
  const idOf = (o: any): string => o.metadata.annotations[PRACTICES_ANNOTATION];
  for (const o of json(emitValidatingAdmissionPolicies(chart, entries, settings, options)).filter((x) => x.kind === 'ValidatingAdmissionPolicy')) {
    found.set(`ValidatingAdmissionPolicy/${idOf(o)}`, { variables: o.spec.variables, validations: o.spec.validations.map((v: any) => v.expression), preset: {} });
  }
  for (const o of json(emitKyvernoPolicies(chart, entries, settings, options))) {
    const cel = o.spec.rules[0].validate.cel;
    found.set(`Kyverno/${idOf(o)}`, { variables: cel.variables, validations: cel.expressions.map((v: any) => v.expression), preset: {} });
  }
  const gatekeeper = json(emitGatekeeperPolicies(chart, entries, settings, options));
  for (const t of gatekeeper.filter((x) => x.kind === 'ConstraintTemplate')) {
    const constraint = gatekeeper.find((c) => c.kind === t.spec.crd.spec.names.kind)!;
    const source = t.spec.targets[0].code.find((c: any) => c.engine === 'K8sNativeValidation').source;
    found.set(`Gatekeeper/${idOf(t)}`, {
      variables: source.variables,
      validations: source.validations.map((v: any) => v.expression),
      preset: { params: toCel(constraint.spec.parameters) },
    });
  }
  emitted.set(key, found);
  return found;
}

/**
 * Evaluates a practice's emitted CEL for one engine the way the engine does: variables in order, then every
 * validation. Returns true when the object is admitted.
 */
export function celAdmits(engine: CelEngine, entries: readonly AdmissionPractice[], entry: AdmissionPractice, object: unknown,
  settings: PolicySettings, namespaceObject: unknown = null): boolean {
  const program = programs(entries, settings).get(`${engine}/${entry.practice.id}`);
  if (!program) throw new Error(`${engine} emitted no CEL for ${entry.practice.id}`);
  const variables: Record<string, unknown> = { ...program.preset };
  const ctx = { object: toCel(object), namespaceObject: toCel(namespaceObject), variables };
  for (const v of program.variables) variables[v.name] = compile(v.expression)(ctx);
  return program.validations.every((expression) => {
    const result = compile(expression)(ctx);
    if (typeof result !== 'boolean') throw new Error(`${engine} ${entry.practice.id}: validation returned ${String(result)}, not a bool`);
    return result;
  });
}
