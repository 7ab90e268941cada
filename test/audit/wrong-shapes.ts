/** The exhaustive wrong-shape walk the fuzz suite and the report-identity test share. */
import { Manifest } from '../../lib/practices/manifest';
import { PracticeCase } from '../practices/cases/types';

/** A path to a value inside an object. */
export type Path = ReadonlyArray<string | number>;

/** Every path to a value inside an object (the root excluded), depth-first. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

/** A copy of `object` whose value at `path` is `replacement`. */
export function mutate(object: Manifest, path: Path, replacement: unknown): Manifest {
  const copy = JSON.parse(JSON.stringify(object));
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]] = JSON.parse(JSON.stringify(replacement) ?? 'null');
  return copy;
}

/** One variant of a case: which field shape got which wrong value, and the case's objects with it. */
export interface WrongShape {
  readonly shape: string;
  readonly case: PracticeCase;
  readonly objects: Manifest[];
}

/**
 * Every field shape of every object of `corpus` replaced by null, {}, 1 and [null], once per kind, field shape (list
 * indices folded) and replacement: the cases share most objects, so this covers every shape without repeating it.
 */
export function* wrongShapes(corpus: readonly PracticeCase[]): Generator<WrongShape> {
  const seen = new Set<string>();
  for (const c of corpus) {
    for (let oi = 0; oi < c.objects.length; oi++) {
      const object = c.objects[oi];
      for (const path of pathsOf(object)) {
        for (const replacement of [null, {}, 1, [null]]) {
          const shape = `${object.kind} ${path.map((k) => (typeof k === 'number' ? '*' : k)).join('.')} = ${JSON.stringify(replacement)}`;
          if (seen.has(shape)) continue;
          seen.add(shape);
          yield { shape, case: c, objects: c.objects.map((o, i) => (i === oi ? mutate(o, path, replacement) : o)) };
        }
      }
    }
  }
}
