import type { PackageURL as PackageUrl } from 'packageurl-js';
import { describeUse, ImageEntry, ImageInventory } from './image-inventory';

/** CycloneDX version the `cyclonedx` rendering follows. */
export const CYCLONEDX_SPEC_VERSION = '1.6';

/** Property names of the CycloneDX rendering (CycloneDX asks for a namespace prefix). */
export const CYCLONEDX_PROPERTY_USED_BY = 'cdk8s-hardened:used-by';
export const CYCLONEDX_PROPERTY_TAG = 'cdk8s-hardened:tag';

/** One reference per line and nothing else, for `xargs -n1 trivy image` and the like. */
export function renderImageReferences(inventory: ImageInventory): string {
  return inventory.images.map((i) => `${i.reference}\n`).join('');
}

/** Each image, then the containers that run it, indented; unpinned images and problems are marked. */
export function renderImagesText(inventory: ImageInventory): string {
  const lines: string[] = [];
  for (const image of inventory.images) {
    const tags = image.pinned && image.tags.length > 0 ? ` (tag ${image.tags.join(', ')})` : '';
    lines.push(`${image.reference}${tags}${image.pinned ? '' : '  NOT PINNED BY DIGEST'}`);
    for (const use of image.usedBy) lines.push(`  ${describeUse(use)}`);
  }
  for (const p of inventory.problems) lines.push(`PROBLEM: ${describeUse(p.use)} ${p.message}`);
  const pinned = inventory.images.filter((i) => i.pinned).length;
  lines.push(`${inventory.images.length} image(s), ${pinned} pinned by digest, ${inventory.problems.length} problem(s).`);
  return `${lines.join('\n')}\n`;
}

/** The inventory as JSON (stable key order, two-space indent). */
export function renderImagesJson(inventory: ImageInventory): string {
  return `${JSON.stringify({
    images: inventory.images,
    problems: inventory.problems.map((p) => ({ ...p.use, ...(p.image !== undefined ? { image: p.image } : {}), message: p.message })),
  }, null, 2)}\n`;
}

/**
 * The inventory as a CycloneDX 1.6 JSON BOM: one `container` component per image with its OCI package URL
 * (`pkg:oci/<name>@<digest>?repository_url=…`), the containers that run it as properties. No serial number and no
 * timestamp: the BOM of the same manifests is the same bytes, so it can be committed beside them.
 */
export function renderImagesCycloneDx(inventory: ImageInventory, toolVersion: string): string {
  const bom = {
    bomFormat: 'CycloneDX',
    specVersion: CYCLONEDX_SPEC_VERSION,
    version: 1,
    metadata: {
      tools: { components: [{ type: 'application', name: 'cdk8s-hardened', version: toolVersion }] },
    },
    components: inventory.images.map(component),
  };
  return `${JSON.stringify(bom, null, 2)}\n`;
}

let packageUrl: typeof PackageUrl | undefined;

/**
 * packageurl-js, loaded by the first CycloneDX rendering: importing the library or starting the CLI never needs it
 * (~10 ms of start-up otherwise).
 */
function packageUrlClass(): typeof PackageUrl {
  // Kept once loaded: every image of an inventory asks, and `require` resolves the name again on each call.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return packageUrl ??= (require('packageurl-js') as { PackageURL: typeof PackageUrl }).PackageURL;
}

function component(image: ImageEntry): object {
  const segments = image.repository.split('/');
  const name = segments[segments.length - 1].toLowerCase();
  const qualifiers: Record<string, string> = { repository_url: `${image.registry}/${image.repository}` };
  if (!image.pinned && image.tags.length > 0) qualifiers.tag = image.tags[0];
  const purl = new (packageUrlClass())('oci', undefined, name, image.digest, qualifiers, undefined).toString();
  return {
    'type': 'container',
    'bom-ref': image.reference,
    'name': `${image.registry}/${image.repository}`,
    ...(image.digest ? { version: image.digest } : image.tags.length > 0 ? { version: image.tags[0] } : {}),
    purl,
    'properties': [
      ...image.tags.map((value) => ({ name: CYCLONEDX_PROPERTY_TAG, value })),
      ...image.usedBy.map((use) => ({ name: CYCLONEDX_PROPERTY_USED_BY, value: describeUse(use) })),
    ],
  };
}
