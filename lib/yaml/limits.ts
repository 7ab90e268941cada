/**
 * Bounds on what any YAML reader of the library accepts. Input is often someone else's (a vendor's manifests, a
 * SOPS file from a pull request), so size, nesting and alias expansion are capped before anything walks the data.
 */
export interface YamlLimits {
  /**
   * Largest input read, in bytes; a larger file is refused before it is read.
   * @default 67108864 (64 MiB)
   */
  readonly maxBytes?: number;
  /**
   * Deepest nesting of mappings and sequences in one document. Kubernetes objects, CRD schemas included, stay
   * far below it; deeper input is refused as too deep.
   * @default 256
   */
  readonly maxDepth?: number;
  /**
   * How many nodes aliases (`*name`) may add to one document when expanded. Reusing an anchored block a few
   * times stays far below it; an alias bomb ("billion laughs") exceeds it at once and is refused.
   * @default 10000
   */
  readonly maxAliasNodes?: number;
}

/** Limits with every default applied. */
export interface ResolvedYamlLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly maxAliasNodes: number;
}

/** 64 MiB: several times the largest real manifest bundles (kube-prometheus is about 4 MB). */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Nesting depth allowed by default. */
export const DEFAULT_MAX_DEPTH = 256;

/** Nodes aliases may add to one document by default. */
export const DEFAULT_MAX_ALIAS_NODES = 10_000;

/** Applies the defaults. */
export function resolveLimits(limits: YamlLimits = {}): ResolvedYamlLimits {
  return {
    maxBytes: limits.maxBytes ?? DEFAULT_MAX_BYTES,
    maxDepth: limits.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxAliasNodes: limits.maxAliasNodes ?? DEFAULT_MAX_ALIAS_NODES,
  };
}

/** `64 MiB`, `512 KiB`, `17 bytes`: sizes in messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
