import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { PodScheduling } from './pod-spec';
import { IPriorityClass } from './priority-class';
import { isAcceptableReason, MIN_REASON_LENGTH } from '../practices/exceptions';
import { LABEL_VALUE } from '../practices/manifest';
import { Refuse, shown } from '../refusal';

/** A taint the pods tolerate. */
export interface Toleration {
  /**
   * The taint key; omitted only with `operator: 'Exists'`, which tolerates every taint (SecureDaemonSet only).
   * @default - every key
   */
  readonly key?: string;
  /** @default 'Equal' */
  readonly operator?: 'Equal' | 'Exists';
  /** The taint value, with `operator: 'Equal'`. @default '' */
  readonly value?: string;
  /** The taint effect tolerated. @default - every effect */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /** How long a `NoExecute` taint is tolerated before eviction. @default - forever */
  readonly tolerationSeconds?: Duration;
}

/** Where and how urgently pods are scheduled. */
export interface SchedulingProps {
  /**
   * The PriorityClass of the pods (Polaris priorityClassNotSet); `system-*` classes are admitted in kube-system only.
   * @default - none (the cluster's global default, usually priority 0); SecureDaemonSet requires one
   */
  readonly priorityClass?: IPriorityClass;
  /** Node labels the pods require. @default - any node */
  readonly nodeSelector?: Record<string, string>;
  /** Taints the pods tolerate. @default - none */
  readonly tolerations?: Toleration[];
}

const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** What the scheduling props are resolved against. */
export interface SchedulingContext {
  readonly refuse: Refuse;
  /** The pods' namespace (system priority classes are admitted in kube-system only). */
  readonly namespace: string;
  /** Whether a toleration of every taint is acceptable (node agents must run on every node). */
  readonly everyNode: boolean;
}

/** Validates the scheduling props into the builder's input. */
export function resolveScheduling(ctx: SchedulingContext, props: SchedulingProps): PodScheduling {
  const refuse = ctx.refuse;
  const priority = props.priorityClass;
  let priorityClassName: string | undefined;
  if (priority !== undefined) {
    const name = priority?.priorityClassName;
    if (typeof name !== 'string' || name.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
      refuse('priorityClass', `is ${JSON.stringify(priority) ?? 'undefined'}, not a PriorityClass`, 'pass a PriorityClass, or PriorityClass.fromName(\'name\') for one defined elsewhere.');
    }
    if (name.startsWith('system-') && ctx.namespace !== 'kube-system') {
      refuse('priorityClass', `is '${name}', which Kubernetes admits only in kube-system`, 'create a PriorityClass of your own, e.g. new PriorityClass(chart, \'critical\', { tier: PriorityTier.CRITICAL }).');
    }
    const reason = priority.createdElsewhere;
    if (reason !== undefined && !isAcceptableReason(reason)) {
      refuse('priorityClass', `is PriorityClass.fromName('${name}') with the reason ${shown(reason)}, shorter than ${MIN_REASON_LENGTH} characters`,
        'say who creates the class, e.g. PriorityClass.fromName(\'platform-high\', \'created by the platform baseline (PLAT-3)\').', 'HK-AUDIT-003');
    }
    priorityClassName = name;
  }
  return {
    ...(priorityClassName ? { priorityClassName } : {}),
    ...(props.nodeSelector !== undefined ? { nodeSelector: resolveNodeSelector(refuse, props.nodeSelector) } : {}),
    ...(props.tolerations !== undefined ? { tolerations: resolveTolerations(ctx, props.tolerations) } : {}),
  };
}

function resolveNodeSelector(refuse: Refuse, selector: unknown): Record<string, string> {
  if (selector === null || typeof selector !== 'object' || Array.isArray(selector)) {
    refuse('nodeSelector', `is ${JSON.stringify(selector)}, not a map of node labels`, 'give { \'kubernetes.io/os\': \'linux\' }.');
  }
  const out: Record<string, string> = {};
  for (const key of Object.keys(selector).sort()) {
    const value = (selector as Record<string, unknown>)[key];
    if (!QUALIFIED_NAME.test(key) || key.length > 316) refuse(`nodeSelector.${key}`, 'is not a label key', 'use a label key such as \'kubernetes.io/os\'.');
    if (typeof value !== 'string' || !LABEL_VALUE.test(value)) {
      refuse(`nodeSelector.${key}`, `is ${JSON.stringify(value) ?? 'undefined'}, not a label value`, 'give at most 63 letters, digits, \'-\', \'_\' or \'.\'.');
    }
    out[key] = value;
  }
  return out;
}

function resolveTolerations(ctx: SchedulingContext, tolerations: unknown): k8s.Toleration[] {
  const refuse = ctx.refuse;
  if (!Array.isArray(tolerations)) refuse('tolerations', `is ${JSON.stringify(tolerations)}, not a list`, 'give [{ key: \'dedicated\', value: \'batch\', effect: \'NoSchedule\' }].');
  return (tolerations as Toleration[]).map((t, i) => {
    const prop = `tolerations[${i}]`;
    if (t === null || typeof t !== 'object') refuse(prop, `is ${JSON.stringify(t)}, not a toleration`, 'give { key, operator, value, effect }.');
    const operator = t.operator ?? 'Equal';
    if (operator !== 'Equal' && operator !== 'Exists') refuse(`${prop}.operator`, `is ${JSON.stringify(operator)}`, 'use \'Equal\' or \'Exists\'.');
    if (t.key !== undefined && (typeof t.key !== 'string' || !QUALIFIED_NAME.test(t.key))) {
      refuse(`${prop}.key`, `is ${JSON.stringify(t.key)}, not a taint key`, 'give a key such as \'node-role.kubernetes.io/control-plane\'.');
    }
    if (t.key === undefined && operator !== 'Exists') refuse(`${prop}.key`, 'is missing', 'name the taint key, or use operator \'Exists\' on a SecureDaemonSet to tolerate every taint.');
    if (t.key === undefined && !ctx.everyNode) {
      refuse(`${prop}.key`, 'is missing with operator \'Exists\', which tolerates every taint, control-plane and cordoned nodes included',
        'name the taint keys the pods tolerate.');
    }
    if (operator === 'Exists' && t.value !== undefined) refuse(`${prop}.value`, 'is set with operator \'Exists\'', 'drop the value, or use operator \'Equal\'.');
    if (t.value !== undefined && (typeof t.value !== 'string' || !LABEL_VALUE.test(t.value))) {
      refuse(`${prop}.value`, `is ${JSON.stringify(t.value)}, not a taint value`, 'give at most 63 letters, digits, \'-\', \'_\' or \'.\'.');
    }
    if (t.effect !== undefined && !EFFECTS.includes(t.effect)) refuse(`${prop}.effect`, `is ${JSON.stringify(t.effect)}`, `use one of ${EFFECTS.join(', ')}.`);
    let seconds: number | undefined;
    if (t.tolerationSeconds !== undefined) {
      if (t.effect !== 'NoExecute') refuse(`${prop}.tolerationSeconds`, 'is set without effect \'NoExecute\'', 'set effect: \'NoExecute\', or drop tolerationSeconds.');
      seconds = wholeSeconds(t.tolerationSeconds);
      if (!Number.isInteger(seconds) || seconds < 0) refuse(`${prop}.tolerationSeconds`, 'is not a whole number of seconds', 'give e.g. Duration.minutes(5).');
    }
    return {
      ...(t.key !== undefined ? { key: t.key } : {}),
      operator,
      ...(t.value !== undefined ? { value: t.value } : {}),
      ...(t.effect !== undefined ? { effect: t.effect } : {}),
      ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}),
    };
  });
}

function wholeSeconds(d: unknown): number {
  if (!(d instanceof Duration)) return NaN;
  try {
    return d.toSeconds();
  } catch {
    return NaN; // a fraction of a second
  }
}
