import { IConstruct } from 'constructs';
import { normaliseRegistryEntry } from '../practices/admission/cel';
import { isFrozenRegistry } from '../practices/checks/image/util';
import { refuser } from '../refusal';

/** A registry host (DNS name or `localhost`, optional port), optionally followed by a repository path. */
const REGISTRY_ENTRY = /^(localhost|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+)(:[0-9]{1,5})?(\/[a-z0-9._-]+)*$/;

/**
 * Validates and normalises an allow-list (HK-IMAGE-003): each entry a registry host or `host/path` prefix, never a
 * frozen registry; duplicates dropped, order kept. Refuses with a HardenedError naming the construct and prop.
 */
export function validateAllowedRegistries(scope: IConstruct, construct: string, prop: string, entries: readonly string[]): string[] {
  const refuse = refuser(scope, construct);
  if (!Array.isArray(entries)) {
    refuse(prop, `is ${JSON.stringify(entries)?.slice(0, 80) ?? 'undefined'}, not a list of registries`,
      'give a list, e.g. [\'registry.example.com\'].', 'HK-IMAGE-003');
  }
  const out: string[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string') {
      refuse(prop, `holds ${JSON.stringify(entry)?.slice(0, 80) ?? 'undefined'}, not a registry host`,
        'give registry hosts as text, e.g. [\'registry.example.com\'].', 'HK-IMAGE-003');
    }
    const normalised = normaliseRegistryEntry(entry);
    const host = normalised.split('/')[0];
    const problem = !REGISTRY_ENTRY.test(normalised)
      ? `holds '${entry}', which is not a registry host (e.g. 'registry.example.com' or 'registry.example.com/team')`
      : isFrozenRegistry(host) ? `holds '${entry}', a frozen registry that receives no images (k8s.gcr.io moved to registry.k8s.io)` : undefined;
    if (problem) {
      refuse(prop, problem,
        'list registry hosts or host/path prefixes without scheme or wildcard, e.g. \'registry.example.com/payments\'.', 'HK-IMAGE-003');
    }
    if (!out.includes(normalised)) out.push(normalised);
  }
  return out;
}
