import { MIN_REASON_LENGTH } from './exceptions';
import { Manifest } from './manifest';

/**
 * Annotation on an object that references something the app does not define (a Secret an operator creates, a
 * ConfigMap of the platform, a ClusterRole a chart installs): one line `Kind/name, Kind/name: <reason>` per reason.
 * The reason is mandatory, as for exceptions. Coherence accepts a reference recorded this way, and the RBAC practices
 * a binding to a role recorded this way (they cannot read what it grants).
 */
export const EXTERNAL_REFERENCES_ANNOTATION = 'cdk8s-hardened.io/external-references';

/** `Kind/name` entries an object records as external: those of every line that gives a reason. */
export function recordedExternalReferences(o: Manifest): Set<string> {
  const text = o.metadata?.annotations?.[EXTERNAL_REFERENCES_ANNOTATION];
  const recorded = new Set<string>();
  if (typeof text !== 'string') return recorded;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(colon + 1).trim().length < MIN_REASON_LENGTH) continue;
    for (const ref of line.slice(0, colon).split(',').map((r) => r.trim()).filter((r) => r !== '')) recorded.add(ref);
  }
  return recorded;
}
