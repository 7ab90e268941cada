import { isRecord, Manifest } from './manifest';

/**
 * Indexes that narrow "which of these objects can match?" from every object of a namespace to a few candidates, so
 * checks that match selectors against pod labels (policies selecting a workload, budgets covering it, a policy
 * selecting any pod) stay linear in the size of a namespace instead of quadratic. They only pre-filter: the caller
 * still runs the exact match (`selectorMatches`) on every candidate, so no answer and no order changes. Candidates
 * come in input order.
 */

/** A label value by key and value. */
type LabelBuckets = Map<string, Map<unknown, number[]>>;

function bucketOf(buckets: LabelBuckets, key: string, value: unknown): number[] {
  let byValue = buckets.get(key);
  if (!byValue) {
    byValue = new Map();
    buckets.set(key, byValue);
  }
  let list = byValue.get(value);
  if (!list) {
    list = [];
    byValue.set(value, list);
  }
  return list;
}

/** The first own key of `matchLabels`, or undefined when the selector has no label to look up by. */
function firstMatchLabel(selector: unknown): string | undefined {
  if (!isRecord(selector) || !isRecord(selector.matchLabels)) return undefined;
  for (const key in selector.matchLabels) {
    if (Object.prototype.hasOwnProperty.call(selector.matchLabels, key)) return key;
  }
  return undefined;
}

/**
 * Objects carrying a selector (NetworkPolicies, PodDisruptionBudgets), looked up by the labels of a pod: an object is
 * a candidate when its selector has no matchLabels to index it by (empty, expressions only, malformed) or when the
 * labels hold its first matchLabels pair, without which it cannot match.
 */
export function selectorsByLabel(
  objects: readonly Manifest[], selectorOf: (o: Manifest) => unknown,
): (labels: Record<string, unknown>) => Manifest[] {
  const always: number[] = [];
  const buckets: LabelBuckets = new Map();
  objects.forEach((o, i) => {
    const selector = selectorOf(o);
    const key = firstMatchLabel(selector);
    if (key === undefined) always.push(i);
    else bucketOf(buckets, key, (selector as { matchLabels: Record<string, unknown> }).matchLabels[key]).push(i);
  });
  return (labels) => {
    const found = [...always];
    for (const key in labels) {
      if (!Object.prototype.hasOwnProperty.call(labels, key)) continue;
      const list = buckets.get(key)?.get(labels[key]);
      if (list) found.push(...list);
    }
    // An object sits in one bucket only and a pod's label keys are distinct, so `found` has no duplicates.
    return found.sort((a, b) => a - b).map((i) => objects[i]);
  };
}

/**
 * Objects carrying labels (workloads by their pod labels), looked up by a selector: the candidates are the objects
 * holding the selector's first matchLabels pair, or every object when the selector has no matchLabels to look up by.
 */
export function labelledBySelector(
  objects: readonly Manifest[], labelsOf: (o: Manifest) => Record<string, unknown>,
): (selector: unknown) => readonly Manifest[] {
  const buckets: LabelBuckets = new Map();
  objects.forEach((o, i) => {
    const labels = labelsOf(o);
    for (const key in labels) {
      if (Object.prototype.hasOwnProperty.call(labels, key)) bucketOf(buckets, key, labels[key]).push(i);
    }
  });
  return (selector) => {
    const key = firstMatchLabel(selector);
    if (key === undefined) return objects;
    const list = buckets.get(key)?.get((selector as { matchLabels: Record<string, unknown> }).matchLabels[key]);
    return list ? list.map((i) => objects[i]) : [];
  };
}
