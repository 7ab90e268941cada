import { Manifest, namespaceOf } from '../../manifest';
import { AuditContext } from '../../practice';
import { SharedView } from '../../shared-views';
import { namespacesByName } from '../namespace/util';

/**
 * Namespace annotation listing, comma-separated, the registries the namespace's workloads may pull from
 * (HK-IMAGE-003). LockedNamespace writes it; the audit adds it to the run's own allow-list.
 */
export const ALLOWED_REGISTRIES_ANNOTATION = 'cdk8s-hardened.io/allowed-registries';

/** Registry host assumed when an image reference names none, as the container runtimes do. */
export const DEFAULT_REGISTRY = 'docker.io';

/**
 * Frozen registries that no allow-list can admit: `k8s.gcr.io` stopped receiving images in 2023 (its regional
 * mirrors `*.k8s.gcr.io` with it); the images moved to `registry.k8s.io`.
 */
export const FROZEN_REGISTRIES: readonly string[] = ['k8s.gcr.io'];

/** The HK-IMAGE-001 form: any name, then `@sha256:` and 64 lower-case hex digits, and nothing else. */
export const DIGEST_PINNED_IMAGE = /^[^@\s]+@sha256:[0-9a-f]{64}$/;

/** An OCI digest: `algorithm:encoded` (algorithm components joined by `+._-`, encoded at least 32 characters). */
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

/** A tag as the distribution reference grammar allows it. */
const TAG = /^[\w][\w.-]{0,127}$/;

/** An image reference taken apart. */
export interface ImageReference {
  /** The reference exactly as given. */
  readonly original: string;
  /**
   * The registry host as written (port included), or undefined when the reference names none: the first
   * `/`-segment counts as a host only if it contains `.` or `:` or is `localhost` and more segments follow.
   */
  readonly domain?: string;
  /**
   * The registry the runtime pulls from, lower-cased: `domain`, with `index.docker.io` folded into `docker.io`,
   * or `docker.io` when the reference names no registry.
   */
  readonly registry: string;
  /**
   * The repository path below the registry, e.g. `shop/api`; a one-segment Docker Hub name gets the implicit
   * `library/` prefix (`nginx` → `library/nginx`).
   */
  readonly repository: string;
  /** The tag: the text after the last `:` of the last `/`-segment, before any `@`; undefined when absent. */
  readonly tag?: string;
  /** The digest after `@` (e.g. `sha256:…`); undefined when absent. */
  readonly digest?: string;
}

/**
 * Parses an image reference the way the container runtimes read it (distribution `reference` grammar, with
 * the host rule of practices.md HK-IMAGE-003).
 *
 * - `nginx` → registry `docker.io`, repository `library/nginx`, no tag, no digest.
 * - `registry:5000/app` → registry `registry:5000`, repository `app`, **no tag** (the `:` belongs to the host).
 * - `registry.example.com/shop/api:1.4.2@sha256:…` → tag `1.4.2` and the digest; the digest decides what runs.
 *
 * Returns undefined for anything a runtime would refuse or misread: a non-string, empty text, whitespace, more
 * than one `@`, an empty path segment, an empty or malformed tag, or a malformed digest. Upper-case letters in
 * the repository path are tolerated here (the API server accepts them; the pull fails later).
 */
export function parseImageReference(ref: unknown): ImageReference | undefined {
  if (typeof ref !== 'string' || ref.length === 0 || /\s/.test(ref)) return undefined;
  const at = ref.split('@');
  if (at.length > 2) return undefined;
  const [namePart, digest] = at;
  if (digest !== undefined && !DIGEST.test(digest)) return undefined;

  const segments = namePart.split('/');
  const last = segments[segments.length - 1];
  const colon = last.lastIndexOf(':');
  const tag = colon >= 0 ? last.slice(colon + 1) : undefined;
  if (tag !== undefined && !TAG.test(tag)) return undefined;
  segments[segments.length - 1] = colon >= 0 ? last.slice(0, colon) : last;
  if (segments.some((s) => s.length === 0)) return undefined;

  const first = segments[0];
  const hasDomain = segments.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const domain = hasDomain ? first : undefined;
  const path = hasDomain ? segments.slice(1) : segments;
  const registry = normaliseRegistry(domain ?? DEFAULT_REGISTRY);
  const repository = registry === DEFAULT_REGISTRY && path.length === 1 ? `library/${path[0]}` : path.join('/');
  return {
    original: ref,
    ...(domain !== undefined ? { domain } : {}),
    registry,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** A container's image taken apart, once per audit for every image practice that reads it (null: not a reference). */
const CONTAINER_IMAGES = new SharedView<object, ImageReference | null>(
  (container) => parseImageReference((container as { image?: unknown }).image) ?? null,
);

/** `parseImageReference` of a container's `image`; a container that is not a mapping has none. */
export function containerImageReference(container: unknown): ImageReference | undefined {
  if (container === null || typeof container !== 'object') return undefined;
  return CONTAINER_IMAGES.of(container) ?? undefined;
}

/** Lower-cases a registry host and folds Docker Hub's `index.docker.io` alias into `docker.io`. */
export function normaliseRegistry(host: string): string {
  const lower = host.trim().toLowerCase();
  return lower === 'index.docker.io' ? DEFAULT_REGISTRY : lower;
}

/** Whether a registry host is frozen (`k8s.gcr.io` or one of its regional mirrors) and so never allowed. */
export function isFrozenRegistry(registry: string): boolean {
  const host = normaliseRegistry(registry).replace(/:\d+$/, '');
  return FROZEN_REGISTRIES.some((f) => host === f || host.endsWith(`.${f}`));
}

/**
 * Whether an allow-list entry admits an image. An entry without `/` is a registry host and must equal the image's
 * registry; an entry with `/` (`registry.example.com/shop`) admits that repository prefix at a segment boundary.
 * A trailing `/` or `/*` on an entry is ignored, so Kyverno-style `host/*` entries mean the whole registry.
 */
export function registryEntryAdmits(entry: string, image: ImageReference): boolean {
  const normalised = entry.trim().toLowerCase().replace(/\/\*$/, '').replace(/\/+$/, '');
  if (normalised.length === 0) return false;
  const slash = normalised.indexOf('/');
  if (slash < 0) return normaliseRegistry(normalised) === image.registry;
  const prefix = `${normaliseRegistry(normalised.slice(0, slash))}/${normalised.slice(slash + 1)}`;
  const full = `${image.registry}/${image.repository.toLowerCase()}`;
  return full === prefix || full.startsWith(`${prefix}/`);
}

/** Splits the allowed-registries annotation value into its entries. */
export function parseRegistryList(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * The allow-list that applies to a workload: the run's `allowedRegistries` plus the allowed-registries annotation
 * of the workload's Namespace when that Namespace is in the audited set. Empty means no allow-list.
 */
export function allowedRegistriesFor(ctx: AuditContext, workload: Manifest): string[] {
  const ns = namespaceOf(workload);
  const fromNamespace = (namespacesByName(ctx).get(ns) ?? [])
    .flatMap((n) => parseRegistryList(n.metadata?.annotations?.[ALLOWED_REGISTRIES_ANNOTATION]));
  return [...ctx.settings.allowedRegistries, ...fromNamespace];
}

/** Every allow-list entry named anywhere: the run's settings and every Namespace annotation of the set. */
export function allAllowedRegistries(ctx: AuditContext): string[] {
  const fromNamespaces = ctx.ofKind('Namespace')
    .flatMap((n) => parseRegistryList(n.metadata?.annotations?.[ALLOWED_REGISTRIES_ANNOTATION]));
  return [...new Set([...ctx.settings.allowedRegistries, ...fromNamespaces])];
}

/**
 * Kyverno's wildcard match (`*` any run of characters, `/` included; `?` one character), used for
 * `imageReferences` globs.
 */
export function wildcardMatches(pattern: string, text: string): boolean {
  const source = pattern.split('').map((ch) => ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('');
  return new RegExp(`^${source}$`).test(text);
}

/** `image "x"` with the reference quoted, for messages; an absent image says so. */
export function imageLabel(image: unknown): string {
  return typeof image === 'string' && image.length > 0 ? `image "${image}"` : 'no image';
}
