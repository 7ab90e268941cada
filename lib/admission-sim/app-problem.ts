import { Manifest } from '../practices/manifest';

/**
 * Something the cluster would refuse, or that would silently break, once the whole app is applied: found by pure
 * functions over the rendered objects, so the same judgement serves synth, tests and any YAML.
 */
export interface AppProblem {
  /** The object the refusal is reported on (its construct path prefixes the synth error). */
  readonly object: Manifest;
  /** What the cluster would refuse, naming both sides, and the way out. */
  readonly message: string;
}

/** Resolves the construct path of an object, when it came from a cdk8s app. */
export type PathOf = (obj: Manifest) => string | undefined;

/** `Kind ns/name (construct path)`: one side of a conflict, as a message names it. */
export function side(obj: Manifest, pathOf: PathOf): string {
  const ns = obj.metadata?.namespace ? `${obj.metadata.namespace}/` : '';
  const path = pathOf(obj);
  return `${obj.kind ?? '?'} ${ns}${obj.metadata?.name ?? '?'}${path ? ` (${path})` : ''}`;
}

/** The practice ids an object records exceptions for (`exceptions.cdk8s-hardened.io/<ID>` annotations). */
export function recordedExceptionIds(obj: Manifest): string[] {
  return Object.keys(obj.metadata?.annotations ?? {})
    .filter((k) => k.startsWith('exceptions.cdk8s-hardened.io/'))
    .map((k) => k.slice('exceptions.cdk8s-hardened.io/'.length))
    .sort();
}
