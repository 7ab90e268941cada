/**
 * Jest snapshot serializer: the catalogue version annotation of the current catalogue is written as
 * `<CATALOGUE_VERSION>`, so bumping the version does not rewrite every snapshot; any other value (a stale or
 * hard-coded version) still shows as itself and fails the snapshot.
 */
import { CATALOGUE_VERSION } from '../../lib/practices/catalogue';
import { CATALOGUE_VERSION_ANNOTATION } from '../../lib/provenance';

const PLACEHOLDER = '<CATALOGUE_VERSION>';

/** Whether `value` is an annotations object carrying the current catalogue version. */
export function test(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && (value as Record<string, unknown>)[CATALOGUE_VERSION_ANNOTATION] === CATALOGUE_VERSION;
}

/** Prints the object with the version replaced by the placeholder, through the other serializers. */
export function serialize(
  value: Record<string, unknown>, config: unknown, indentation: string, depth: number, refs: unknown, printer: Function,
): string {
  return printer({ ...value, [CATALOGUE_VERSION_ANNOTATION]: PLACEHOLDER }, config, indentation, depth, refs);
}
