import { ExceptionSet } from '../exceptions/exception-set';
import { DIGEST_PINNED_IMAGE, isFrozenRegistry, parseImageReference, registryEntryAdmits } from '../practices/checks/image/util';
import { Refuse } from '../refusal';

/** What an image reference is checked against. */
export interface ImageRules {
  /** Allow-lists the image must satisfy, each on its own (the workload's and its namespace's); empty lists are skipped. */
  readonly allowLists: ReadonlyArray<{ readonly source: string; readonly entries: readonly string[] }>;
  /** The owner's recorded exceptions. */
  readonly exceptions: ExceptionSet;
}

/**
 * Validates one image reference: parseable, tagged or pinned but never `latest` or bare (HK-IMAGE-002), pinned by
 * an sha256 digest (HK-IMAGE-001), from an allowed and live registry (HK-IMAGE-003). Returns the reference unchanged.
 */
export function validateImage(refuse: Refuse, prop: string, image: unknown, rules: ImageRules): string {
  const ref = parseImageReference(image);
  const shown = typeof image === 'string' ? `'${image}'` : String(image);
  if (!ref) {
    refuse(prop, `is ${shown}, not an image reference`, 'write \'registry.example.com/team/app:1.4.2@sha256:<64 hex digits>\'.', 'HK-IMAGE-001');
  }
  const pinned = `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}@sha256:<digest>`;
  // The distribution spec allows only lower case in a repository path: the kubelet fails an upper-case one
  // with InvalidImageName, long after synth.
  if (/[A-Z]/.test(ref.repository)) {
    refuse(prop, `is ${shown}, whose repository '${ref.repository}' has upper-case letters, which no registry accepts`,
      `write the repository in lower case: '${ref.registry}/${ref.repository.toLowerCase()}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}'.`, 'HK-IMAGE-001');
  }
  // A digest wins over the tag at pull time, so 'latest' beside it names nothing; readers and scanners still take it
  // for the moving tag.
  if (ref.digest !== undefined && ref.tag !== undefined && ref.tag.toLowerCase() === 'latest') {
    refuse(prop, `is ${shown}, a digest labelled with the moving 'latest' tag`,
      `name the version the digest is: '${ref.registry}/${ref.repository}:<version>@${ref.digest}'.`, 'HK-IMAGE-002');
  }
  if (ref.digest === undefined && (ref.tag === undefined || ref.tag.toLowerCase() === 'latest')) {
    refuse(prop, `is ${shown}, ${ref.tag === undefined ? 'which names no tag or digest' : 'the moving \'latest\' tag'}`,
      `pin the image by digest: '${pinned}' (resolve it with \`crane digest\`).`, 'HK-IMAGE-002');
  }
  if (ref.digest !== undefined && !DIGEST_PINNED_IMAGE.test(ref.original)) {
    refuse(prop, `is ${shown}, whose digest is not sha256 with 64 lower-case hex digits`, `write '${pinned}'.`, 'HK-IMAGE-001');
  }
  if (ref.digest === undefined && !rules.exceptions.excuses('HK-IMAGE-001')) {
    refuse(prop, `is ${shown}, a tag that can move`, `use '${pinned}'.`, 'HK-IMAGE-001', true);
  }
  if (isFrozenRegistry(ref.registry)) {
    refuse(prop, `is ${shown}, from the frozen registry ${ref.registry}`, 'pull the image from registry.k8s.io instead.', 'HK-IMAGE-003');
  }
  if (!rules.exceptions.excuses('HK-IMAGE-003')) {
    for (const list of rules.allowLists) {
      if (list.entries.length > 0 && !list.entries.some((e) => registryEntryAdmits(e, ref))) {
        refuse(prop, `is ${shown}, from ${ref.registry}, which ${list.source} does not allow (${list.entries.join(', ')})`,
          'mirror the image into an allowed registry and reference it there, or extend the allow-list.', 'HK-IMAGE-003', true);
      }
    }
  }
  return ref.original;
}
