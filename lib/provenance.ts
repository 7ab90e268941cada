import { ApiObject } from 'cdk8s';
import { CONSTRUCT_PATH_ANNOTATION } from './audit/audit';
import { CATALOGUE_VERSION } from './practices/catalogue';

/** Annotation recording the catalogue version an object was built against (HK-AUDIT-004). */
export const CATALOGUE_VERSION_ANNOTATION = 'cdk8s-hardened.io/catalogue-version';

/** Label value every object of the library carries in `app.kubernetes.io/managed-by`. */
export const MANAGED_BY = 'cdk8s-hardened';

/** What an object's provenance names. */
export interface ProvenanceOptions {
  /** `app.kubernetes.io/name`: the component the object belongs to. */
  readonly name: string;
  /** `app.kubernetes.io/part-of`: the application (`partOfFor(scope)` gives the enclosing one). */
  readonly partOf: string;
}

/** The provenance labels (HK-AUDIT-004, HK-NAMESPACE-005). */
export function provenanceLabels(options: ProvenanceOptions): Record<string, string> {
  return {
    'app.kubernetes.io/name': options.name,
    'app.kubernetes.io/part-of': options.partOf,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** The provenance annotations of the object the construct at `constructPath` renders (HK-AUDIT-004). */
export function provenanceAnnotations(constructPath: string): Record<string, string> {
  return { [CONSTRUCT_PATH_ANNOTATION]: constructPath, [CATALOGUE_VERSION_ANNOTATION]: CATALOGUE_VERSION };
}

/**
 * Writes the provenance labels and annotations on an ApiObject the library made, so an auditor can map the live
 * object back to the construct and catalogue version that produced it (HK-AUDIT-004).
 */
export function stampProvenance(obj: ApiObject, options: ProvenanceOptions): void {
  // A label the user set (e.g. their own app.kubernetes.io/name) wins over the default.
  for (const [key, value] of Object.entries(provenanceLabels(options))) {
    if (obj.metadata.getLabel(key) === undefined) obj.metadata.addLabel(key, value);
  }
  for (const [key, value] of Object.entries(provenanceAnnotations(obj.node.path))) obj.metadata.addAnnotation(key, value);
}
