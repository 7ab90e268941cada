import { parseImageReference } from '../practices/checks/image/util';
import { containersOf, ContainerView, Manifest, POD_KINDS } from '../practices/manifest';

/** One container that runs an image: the object that declares it and where in its pod spec. */
export interface ImageUse {
  readonly apiVersion: string;
  readonly kind: string;
  /** Absent for objects that name no namespace. */
  readonly namespace?: string;
  readonly name: string;
  /** The container's name. */
  readonly container: string;
  /** `containers`, `initContainers` or `ephemeralContainers`. */
  readonly containerList: ContainerView['list'];
}

/** One distinct image the manifests run, with every container that runs it. */
export interface ImageEntry {
  /**
   * What a scanner should pull: `registry/repository@digest` for a pinned image (the digest decides what runs, so
   * tags are dropped), else `registry/repository[:tag]` — always with the registry spelled out.
   */
  readonly reference: string;
  /** Registry host, lower-cased (`docker.io` when the manifests name none). */
  readonly registry: string;
  /** Repository below the registry (`library/nginx` for a one-segment Docker Hub name). */
  readonly repository: string;
  /** `sha256:…`; absent for an image pinned by tag only. */
  readonly digest?: string;
  /** The tags written beside this digest (or the one tag of an unpinned image), sorted. */
  readonly tags: readonly string[];
  /** Whether the image is pinned by digest (HK-IMAGE-001), i.e. whether a scan of `reference` is a scan of what runs. */
  readonly pinned: boolean;
  /** Every container running it, in input order. */
  readonly usedBy: readonly ImageUse[];
}

/** A container whose image cannot be judged: no image at all, or a reference a runtime would refuse. */
export interface ImageProblem {
  readonly use: ImageUse;
  /** The value as written, when it is a string. */
  readonly image?: string;
  readonly message: string;
}

/** Every image a set of manifests runs. */
export interface ImageInventory {
  /** Distinct images, sorted by `reference`. */
  readonly images: readonly ImageEntry[];
  /** Containers whose image could not be read; an inventory with problems is incomplete. */
  readonly problems: readonly ImageProblem[];
}

interface Draft {
  readonly reference: string;
  readonly registry: string;
  readonly repository: string;
  readonly digest?: string;
  readonly tags: Set<string>;
  readonly usedBy: ImageUse[];
}

function useOf(obj: Manifest, c: ContainerView): ImageUse {
  return {
    apiVersion: String(obj.apiVersion ?? ''),
    kind: String(obj.kind ?? ''),
    ...(typeof obj.metadata?.namespace === 'string' && obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    name: String(obj.metadata?.name ?? ''),
    container: c.name,
    containerList: c.list,
  };
}

/**
 * The images a set of manifests runs: every container, init container and ephemeral container of every object
 * with a pod template (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob),
 * de-duplicated by what the runtime pulls (registry, repository and digest; registry and repository and tag when
 * unpinned), each with the containers that run it. Pure: the same objects give the same inventory.
 */
export function imageInventory(objects: readonly Manifest[]): ImageInventory {
  const drafts = new Map<string, Draft>();
  const problems: ImageProblem[] = [];
  for (const obj of objects) {
    if (!POD_KINDS.includes(String(obj?.kind ?? ''))) continue;
    for (const c of containersOf(obj)) {
      const use = useOf(obj, c);
      const image = c.container?.image;
      if (typeof image !== 'string' || image.length === 0) {
        problems.push({ use, message: 'has no image' });
        continue;
      }
      const parsed = parseImageReference(image);
      if (!parsed) {
        problems.push({ use, image, message: `image "${image}" is not a valid image reference` });
        continue;
      }
      const base = `${parsed.registry}/${parsed.repository}`;
      const reference = parsed.digest ? `${base}@${parsed.digest}` : parsed.tag ? `${base}:${parsed.tag}` : base;
      let draft = drafts.get(reference);
      if (!draft) {
        draft = { reference, registry: parsed.registry, repository: parsed.repository, digest: parsed.digest, tags: new Set(), usedBy: [] };
        drafts.set(reference, draft);
      }
      if (parsed.tag) draft.tags.add(parsed.tag);
      if (!draft.usedBy.some((u) => sameUse(u, use))) draft.usedBy.push(use);
    }
  }
  const images = [...drafts.values()]
    .sort((a, b) => compare(a.reference, b.reference))
    .map((d): ImageEntry => ({
      reference: d.reference,
      registry: d.registry,
      repository: d.repository,
      ...(d.digest ? { digest: d.digest } : {}),
      tags: [...d.tags].sort(compare),
      pinned: d.digest !== undefined,
      usedBy: d.usedBy,
    }));
  return { images, problems };
}

/** `Kind/namespace/name` and the container, for text output and messages. */
export function describeUse(use: ImageUse): string {
  const list = use.containerList === 'containers' ? 'container' : use.containerList === 'initContainers' ? 'init container' : 'ephemeral container';
  return `${use.kind}/${use.namespace ? `${use.namespace}/` : ''}${use.name} ${list} "${use.container}"`;
}

function sameUse(a: ImageUse, b: ImageUse): boolean {
  return a.apiVersion === b.apiVersion && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name
    && a.container === b.container && a.containerList === b.containerList;
}

/** Code-point order, so the output does not depend on the machine's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
