import { asArray, ContainerView, Manifest, podSpecOf } from '../../manifest';
import { KubernetesVersion } from '../../practice';

/** Whether `version` is at least `major.minor`. */
export function atLeastVersion(version: KubernetesVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

/**
 * Whether PSS exempts the pod from its Linux-only restricted checks (allowPrivilegeEscalation, capabilities,
 * seccomp): pods declaring `spec.os.name: windows`, from policy version 1.25.
 */
export function isExemptWindowsPod(obj: Manifest, version: KubernetesVersion): boolean {
  return podSpecOf(obj)?.os?.name === 'windows' && atLeastVersion(version, 1, 25);
}

/** A value resolved container-then-pod, as PSS resolves securityContext fields. */
export interface Resolved<T> {
  /** The effective value, or undefined when neither level sets it. */
  readonly value: T | undefined;
  /** Where the value came from. */
  readonly from: 'container' | 'pod' | 'unset';
}

/** Resolves `securityContext.<field>` for a container: its own value, else the pod's. */
export function resolveSecurityField<T = any>(obj: Manifest, c: ContainerView, field: string): Resolved<T> {
  const own = c.container?.securityContext?.[field];
  if (own !== undefined && own !== null) return { value: own, from: 'container' };
  const pod = podSpecOf(obj)?.securityContext?.[field];
  if (pod !== undefined && pod !== null) return { value: pod, from: 'pod' };
  return { value: undefined, from: 'unset' };
}

/** `runAsUser 1000 (from the pod securityContext)`-style suffix naming where a resolved value came from. */
export function origin(r: Resolved<unknown>): string {
  return r.from === 'pod' ? ' (from the pod securityContext)' : '';
}

/** Whether a value is an integer strictly above `floor` (numbers only: the API has no string UIDs). */
export function integerAbove(value: unknown, floor: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > floor;
}

/** The volume source fields of one `P.volumes[*]` entry, i.e. every key but `name`. */
export function volumeSourcesOf(volume: any): string[] {
  return volume && typeof volume === 'object' ? Object.keys(volume).filter((k) => k !== 'name') : [];
}

/**
 * Whether a volume is an `emptyDir`: declared as one, or declaring no source at all, which the API server
 * defaults to `emptyDir: {}`.
 */
export function isEmptyDirVolume(volume: any): boolean {
  const sources = volumeSourcesOf(volume);
  return sources.length === 0 || sources.includes('emptyDir');
}

/** `P.volumes[*]`, empty when absent. */
export function volumesOf(obj: Manifest): any[] {
  return asArray(podSpecOf(obj)?.volumes);
}

/** Whether a value is a non-empty string. */
export function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** The probe fields of a container, in message order. */
export const PROBE_FIELDS = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

/** The lifecycle hook fields of a container, in message order. */
export const HOOK_FIELDS = ['postStart', 'preStop'] as const;

/** JSON with object keys sorted, so structurally equal values compare equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as any)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
