/**
 * renderApiObject returns what cdk8s's own ApiObject.toJson returns (the oracle), key order included, on random props
 * and metadata: Lazy values (their producers run in the same order), implicit tokens, number-or-string unions, nulls,
 * empty lists and maps, integer-like keys, JSON patches, CDK8S_DISABLE_SORT; and it hands back to cdk8s what it does
 * not reproduce (resolvers of the user's, class instances, a producer that throws).
 */
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { renderApiObject } from '../../lib/render/render-api-object';

/** A value the way constructs write props: JSON with cdk8s tokens here and there. `log` records producer calls. */
function valueArb(log: string[]): fc.Arbitrary<unknown> {
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('a', 'b c', '', '0', 'yes'),
      fc.integer({ min: -5, max: 70000 }),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.constantFrom(k8s.IntOrString.fromNumber(8080), k8s.IntOrString.fromString('http'), k8s.Quantity.fromString('100m')),
      fc.array(tie('tree'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('b', 'a', 'Z', '10', '2', 'value', 'resolve', 'x-y'), tie('tree'), { maxKeys: 4 }),
      tie('tree').map((inner) => Lazy.any({ produce: () => (log.push(JSON.stringify(inner) ?? 'undefined'), inner) })),
      tie('tree').map((inner) => ({ resolve: () => inner })),
    ),
  }));
  return tree;
}

interface Shape {
  readonly props: Record<string, unknown>;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly extra: Record<string, unknown>;
  readonly finalizers: string[];
  readonly patch: boolean;
}

function shapeArb(log: string[]): fc.Arbitrary<Shape> {
  const text = fc.constantFrom('a', 'b', 'z-1', '');
  return fc.record({
    props: fc.dictionary(fc.constantFrom('spec', 'data', 'rules', 'zeta', 'metadata', 'a'), valueArb(log), { maxKeys: 4 }),
    labels: fc.dictionary(text, text, { maxKeys: 3 }),
    annotations: fc.dictionary(text, text, { maxKeys: 3 }),
    extra: fc.dictionary(fc.constantFrom('generateName', 'uid'), valueArb(log), { maxKeys: 2 }),
    finalizers: fc.array(text, { maxLength: 2 }),
    patch: fc.boolean(),
  });
}

/** Renders the same object both ways, each from a fresh tree, with its producer calls (or the refusal). */
function both(shape: Shape, log: string[], app: () => App = Testing.app): Array<{ json: string; calls: string[] }> {
  return [(o: ApiObject) => ApiObject.prototype.toJson.call(o), renderApiObject].map((render) => {
    const o = new ApiObject(new Chart(app(), 'test'), 'o', {
      apiVersion: 'v1',
      kind: 'Thing',
      ...shape.props,
      metadata: { name: 'thing', labels: shape.labels, annotations: shape.annotations, finalizers: shape.finalizers, ...shape.extra },
    });
    if (shape.patch) o.addJsonPatch(JsonPatch.add('/aPatched', { b: 1, a: [2] }), JsonPatch.add('/metadata/labels', { z: 'y' }));
    log.length = 0;
    let json: string;
    try {
      json = JSON.stringify(render(o));
    } catch (e) {
      // fast-check's dictionaries may have no prototype, which cdk8s refuses: both must refuse it alike
      json = `refused: ${(e as Error).message}`;
    }
    return { json, calls: [...log] };
  });
}

describe('renderApiObject', () => {
  test('writes what cdk8s writes, with the producers called in the same order', () => {
    const log: string[] = [];
    fc.assert(fc.property(shapeArb(log), (shape) => {
      const [theirs, ours] = both(shape, log);
      // On a refusal, renderApiObject has cdk8s render the object again for its error: producers may run twice then.
      expect(theirs.json.startsWith('refused') ? ours.json : ours).toEqual(theirs.json.startsWith('refused') ? theirs.json : theirs);
    }), { numRuns: 400, seed: 28 });
  });

  test('writes what cdk8s writes with CDK8S_DISABLE_SORT', () => {
    const log: string[] = [];
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      fc.assert(fc.property(shapeArb(log), (shape) => {
        const [theirs, ours] = both(shape, log);
        expect(theirs.json.startsWith('refused') ? ours.json : ours).toEqual(theirs.json.startsWith('refused') ? theirs.json : theirs);
      }), { numRuns: 150, seed: 29 });
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });

  test('leaves an app with a resolver of its own to cdk8s (the resolver sees every value, with its key)', () => {
    const seen: string[] = [];
    class Upper implements IResolver {
      public resolve(context: ResolutionContext): void {
        seen.push(context.key.join('.'));
        if (context.value === 'shout') context.replaceValue('SHOUT');
      }
    }
    const o = new ApiObject(new Chart(new App({ resolvers: [new Upper()] }), 'test'), 'o', { apiVersion: 'v1', kind: 'Thing', spec: { say: 'shout' } });
    expect(renderApiObject(o)).toEqual({ apiVersion: 'v1', kind: 'Thing', metadata: { name: 'test-o-c8d712ba' }, spec: { say: 'SHOUT' } });
    expect(seen).toContain('spec.say');
  });

  test('leaves what cdk8s refuses to cdk8s, with its own error and the construct path', () => {
    class Opaque { public readonly n = 1; }
    const opaque = new ApiObject(new Chart(Testing.app(), 'test'), 'o', { apiVersion: 'v1', kind: 'Thing', spec: new Opaque() });
    expect(() => renderApiObject(opaque)).toThrow(/^Failed serializing construct at path 'test\/o' with name 'test-o-c8d712ba': Error: can't render non-simple object of type 'Opaque'$/);
    const throwing = new ApiObject(new Chart(Testing.app(), 'test'), 'o', {
      apiVersion: 'v1', kind: 'Thing', spec: Lazy.any({ produce: () => { throw new Error('no spec yet'); } }),
    });
    expect(() => renderApiObject(throwing)).toThrow(/^Failed serializing construct at path 'test\/o' with name 'test-o-c8d712ba': Error: no spec yet$/);
  });

  test('sorts objects of many keys as cdk8s does, short and long ones alike (a ConfigMap\'s data)', () => {
    const keys = fc.uniqueArray(fc.string({ maxLength: 3 }), { maxLength: 40, size: 'max' });
    fc.assert(fc.property(keys, keys, (data, labels) => {
      const o = new ApiObject(new Chart(Testing.app(), 'test'), 'o', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { labels: Object.fromEntries(labels.map((k, i) => [k, `l${i}`])) },
        data: Object.fromEntries(data.map((k, i) => [k, i % 5 === 0 ? Lazy.any({ produce: () => `v${i}` }) : `v${i}`])),
      });
      expect(JSON.stringify(renderApiObject(o))).toBe(JSON.stringify(ApiObject.prototype.toJson.call(o)));
    }), { numRuns: 200, seed: 30 });
  });

  test('drops metadata that is all empty, as cdk8s does', () => {
    const o = new ApiObject(new Chart(Testing.app(), 'test'), 'o', { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'x', labels: {}, finalizers: [] } });
    expect(JSON.stringify(renderApiObject(o))).toBe(JSON.stringify(ApiObject.prototype.toJson.call(o)));
    expect(renderApiObject(o)).toEqual({ apiVersion: 'v1', kind: 'Thing', metadata: { name: 'x' } });
  });
});
