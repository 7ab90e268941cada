import { parse } from '@marcbachmann/cel-js';
import { AdmissionPractice } from '../../lib/policy/admission-practices';
import { effectiveExpression, POD_VARIABLES, PolicySettings, settingsVariables } from '../../lib/practices/admission/cel';
import { matchesPods } from '../../lib/practices/admission/resources';

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

/**
 * Evaluates a practice's generated validations the way a ValidatingAdmissionPolicy does: variables in order, then
 * every validation (with the exception wrapper). Returns true when the object is admitted.
 */
export function celAdmits(entry: AdmissionPractice, object: unknown, settings: PolicySettings, namespaceObject: unknown = null): boolean {
  const variables: Record<string, unknown> = {};
  const ctx = { object: toCel(object), namespaceObject: toCel(namespaceObject), variables };
  const defs = [...settingsVariables(settings), ...(matchesPods(entry.rule.match) ? POD_VARIABLES : [])];
  for (const v of defs) variables[v.name] = compile(v.expression)(ctx);
  return entry.rule.validations.every((v) => {
    const result = compile(effectiveExpression(entry.practice, v))(ctx);
    if (typeof result !== 'boolean') throw new Error(`${entry.practice.id}: validation returned ${String(result)}, not a bool`);
    return result;
  });
}
