import { Construct } from 'constructs';
import { PracticeException } from '../practices/exceptions';
import { recordedExceptionAnnotations } from '../practices/peer-exemptions';
import { provenanceAnnotations, provenanceLabels } from '../provenance';
import { isText, quoted, refuser } from '../refusal';

/** Helpers the backup and cluster constructs share to label, annotate and refuse the same way. */


/** What an object's metadata is built from. */
export interface MetaOptions {
  /** The construct that creates the object. */
  readonly scope: Construct;
  /** The construct id the object gets under `scope`. */
  readonly id: string;
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`; omitted for cluster-scoped objects. */
  readonly namespace?: string;
  /** `app.kubernetes.io/name`. */
  readonly appName: string;
  /** `app.kubernetes.io/part-of`: the namespace's application. */
  readonly partOf: string;
  /** Further labels. */
  readonly labels?: Record<string, string>;
  /** Further annotations. */
  readonly annotations?: Record<string, string>;
  /** Relaxations recorded on the object (HK-AUDIT-003). */
  readonly exceptions?: readonly PracticeException[];
}

/** Object metadata with the provenance labels and annotations every object carries (HK-AUDIT-004). */
export function objectMeta(o: MetaOptions) {
  return {
    name: o.name,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    labels: { ...provenanceLabels({ name: o.appName, partOf: o.partOf }), ...o.labels },
    annotations: {
      ...provenanceAnnotations(`${o.scope.node.path}/${o.id}`),
      ...o.annotations,
      ...recordedExceptionAnnotations(o.exceptions ?? []),
    },
  };
}

const PINNED = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\.[a-z0-9-]+)*\/[^\s@]+@sha256:[a-f0-9]{64}$/;

/** Refuses an image that is not a fully qualified reference pinned by sha256 digest (HK-IMAGE-001). */
export function requirePinnedImage(scope: Construct, construct: string, prop: string, image: unknown): string {
  if (!isText(image, PINNED) || !image.split('/')[0].includes('.')) {
    return refuser(scope, construct)(prop, `is ${quoted(image)}, not a fully qualified image pinned by digest`,
      'give \'<registry>/<repository>[:tag]@sha256:<64 hex digits>\', e.g. \'registry.k8s.io/etcd:3.6.4-0@sha256:…\'.', 'HK-IMAGE-001');
  }
  return image;
}
