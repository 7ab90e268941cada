import * as fc from 'fast-check';
import { Manifest, selectorMatches } from '../../lib/practices/manifest';
import { labelledBySelector, selectorsByLabel } from '../../lib/practices/selector-index';

// Few keys and values, so selectors and labels often meet; values of other types and odd shapes as hostile YAML has.
const key = fc.constantFrom('app', 'tier', 'team', '__proto__', 'constructor');
const value = fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.constantFrom<unknown>(1, null, true, NaN));
const labels = fc.dictionary(key, value, { maxKeys: 3 });
const expression = fc.record({ key, operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'), values: fc.array(value, { maxLength: 2 }) });
const selector = fc.oneof(
  fc.record({ matchLabels: labels }, { requiredKeys: [] }),
  fc.record({ matchLabels: labels, matchExpressions: fc.array(expression, { maxLength: 2 }) }, { requiredKeys: [] }),
  fc.constantFrom<unknown>(undefined, null, 'app=a', [], { matchLabels: ['app'] }, { matchLabels: null }),
);
const selectorObjects = fc.array(selector.map((s): Manifest => ({ kind: 'NetworkPolicy', spec: { podSelector: s } })), { maxLength: 12 });
const labelledObjects = fc.array(labels.map((l): Manifest => ({ kind: 'Deployment', spec: { template: { metadata: { labels: l } } } })), { maxLength: 12 });

describe('selector indexes pre-filter without losing a match', () => {
  test('selectorsByLabel: exact matches among the candidates are every object whose selector matches, in input order', () => {
    fc.assert(fc.property(selectorObjects, labels, (objects, podLabels) => {
      const candidates = selectorsByLabel(objects, (o) => o.spec.podSelector)(podLabels);
      const expected = objects.filter((o) => selectorMatches(o.spec.podSelector, podLabels as Record<string, string>));
      expect(candidates.filter((o) => selectorMatches(o.spec.podSelector, podLabels as Record<string, string>))).toEqual(expected);
      expect(new Set(candidates).size).toBe(candidates.length);
      expect(candidates).toEqual(objects.filter((o) => candidates.includes(o)));
    }), { numRuns: 500 });
  });

  test('labelledBySelector: exact matches among the candidates are every object whose labels the selector matches, in input order', () => {
    fc.assert(fc.property(labelledObjects, selector, (objects, s) => {
      const labelsOf = (o: Manifest) => o.spec.template.metadata.labels as Record<string, string>;
      const candidates = labelledBySelector(objects, labelsOf)(s);
      const expected = objects.filter((o) => selectorMatches(s, labelsOf(o)));
      expect(candidates.filter((o) => selectorMatches(s, labelsOf(o)))).toEqual(expected);
      expect(candidates).toEqual(objects.filter((o) => candidates.includes(o)));
    }), { numRuns: 500 });
  });

  test('a pod labelled app=a is looked up against the policies indexed by app=a and the unindexable ones only', () => {
    const byApp = (app: string): Manifest => ({ kind: 'NetworkPolicy', metadata: { name: app }, spec: { podSelector: { matchLabels: { app } } } });
    const wide: Manifest = { kind: 'NetworkPolicy', metadata: { name: 'wide' }, spec: { podSelector: {} } };
    const objects = [byApp('a'), wide, byApp('b'), byApp('a')];
    expect(selectorsByLabel(objects, (o) => o.spec.podSelector)({ app: 'a', tier: 'web' })).toEqual([objects[0], wide, objects[3]]);
  });
});
