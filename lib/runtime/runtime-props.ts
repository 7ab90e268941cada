import { IConstruct } from 'constructs';
import { HardenedError } from '../errors';
import { findPractice } from '../practices/catalogue';
import { isReservedNamespace } from '../practices/checks/namespace/dedicated-namespace';
import { DNS_LABEL, LABEL_VALUE } from '../practices/manifest';

/** Prop checks the runtime-defense constructs share, so their refusals read alike. */

/** Throws the library's refusal for `prop` of `construct`. */
export function refuseRuntime(scope: IConstruct, construct: string, prop: string, problem: string, fix: string, practiceId?: string): never {
  const practiceTitle = practiceId ? findPractice(practiceId)?.title : undefined;
  throw new HardenedError({ scope, construct, prop, problem, practiceId, practiceTitle, fix });
}

/**
 * The prop's value, or the default when it is absent. Only `undefined` means absent: a `null` from plain JavaScript
 * reaches the prop's check and is refused there, never silently replaced by the default.
 */
export function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/** A value as a message shows it: strings quoted, other types named. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** A DNS label of its own: never `default` or `kube-*` (HK-NAMESPACE-001). */
export function checkNamespaceName(scope: IConstruct, construct: string, prop: string, value: unknown): string {
  if (typeof value !== 'string' || !DNS_LABEL.test(value) || value.length > 63 || isReservedNamespace(value)) {
    refuseRuntime(scope, construct, prop, `is ${shown(value)}, not a DNS label of its own (never default or kube-*)`,
      'give a lower-case name such as \'monitoring\'.', 'HK-NAMESPACE-001');
  }
  return value;
}

/** An object name that must be a DNS label (CronJob names, which prefix their Jobs' names). */
export function checkDnsLabel(scope: IConstruct, construct: string, prop: string, value: unknown, example: string): string {
  if (typeof value !== 'string' || !DNS_LABEL.test(value) || value.length > 52) {
    refuseRuntime(scope, construct, prop, `is ${shown(value)}, not a DNS label of at most 52 characters`, `give a lower-case name such as '${example}'.`);
  }
  return value;
}

const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Whether `key` is a valid label key (optional DNS prefix, then a name of at most 63 characters). */
export function isLabelKey(key: string): boolean {
  return QUALIFIED_NAME.test(key) && key.length <= 316;
}

/** Whether `value` is a valid label value (empty allowed). */
export function isLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value);
}

/** A map of Kubernetes labels. */
export function checkLabels(scope: IConstruct, construct: string, prop: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    refuseRuntime(scope, construct, prop, `is ${shown(value)}, not a map of labels`, 'give e.g. { release: \'kube-prometheus-stack\' }.');
  }
  for (const [k, v] of Object.entries(value)) {
    if (!isLabelKey(k) || typeof v !== 'string' || !isLabelValue(v)) {
      refuseRuntime(scope, construct, `${prop}.${k}`, `is ${shown(v)}, not a valid label`, 'use label keys and values Kubernetes accepts (63 characters, alphanumerics, -, _ and .).');
    }
  }
  return { ...(value as Record<string, string>) };
}
