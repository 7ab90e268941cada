/**
 * lib/render renders our Kube* objects byte for byte as cdk8s-plus-28's own classes do (its generated converters are
 * the oracle): on random objects of every kind we emit, built from the converters' own field table, and on the
 * cases the fast path hands back to the converter (JSON patches, unknown keys, CDK8S_DISABLE_SORT).
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { ApiObject, App, Chart, GroupVersionKind, IResolver, JsonPatch, Lazy, ResolutionContext, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { FieldRow } from '../../lib/render/field-table';
import { K8S_FIELDS } from '../../lib/render/k8s-fields';
import * as kube from '../../lib/render/kube';
import { renderKube } from '../../lib/render/render-kube';
import { RENDERED_KINDS, renderKubeFields } from '../../scripts/kube-fields';

const ROOT = join(__dirname, '..', '..');
const PLUS = join(ROOT, 'node_modules', 'cdk8s-plus-28');

type KindClass = new (scope: Chart, id: string, props: any) => ApiObject;
const ours = (kind: string) => (kube as unknown as Record<string, KindClass>)[kind];
const theirs = (kind: string) => (k8s as unknown as Record<string, KindClass>)[kind];

/** Both renderings of the same props, as the JSON text they serialize to (key order included). */
function renderBoth(kind: string, props: unknown, options: { app?: () => App; patches?: JsonPatch[] } = {}): [string, string] {
  return [theirs(kind), ours(kind)].map((cls) => {
    const o = new cls(new Chart((options.app ?? Testing.app)(), 'test'), 'Object', props);
    o.addJsonPatch(...options.patches ?? []);
    return JSON.stringify(o.toJson());
  }) as [string, string];
}

describe('the field table', () => {
  test('is what scripts/kube-fields.ts generates from the installed cdk8s-plus-28', () => {
    const version = (JSON.parse(readFileSync(join(PLUS, 'package.json'), 'utf8')) as { version: string }).version;
    const generated = renderKubeFields(readFileSync(join(PLUS, 'lib', 'imports', 'k8s.js'), 'utf8'), version, RENDERED_KINDS);
    expect(readFileSync(join(ROOT, 'lib', 'render', 'k8s-fields.ts'), 'utf8')).toBe(generated);
  });

  test('covers every kind lib/render/kube.ts renders, each class extending its cdk8s-plus-28 namesake', () => {
    expect(RENDERED_KINDS.length).toBe(22);
    for (const kind of RENDERED_KINDS) {
      expect([kind, Object.getPrototypeOf(ours(kind)) === theirs(kind), K8S_FIELDS[`${kind}Props`] !== undefined]).toEqual([kind, true, true]);
    }
  });

  test('no construct in lib creates a k8s.Kube* object directly', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = join(dir, name);
        if (statSync(file).isDirectory()) {
          if (name !== 'imports') walk(file);
        } else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && /new k8s\.Kube\w*\(/.test(readFileSync(file, 'utf8'))) {
          offenders.push(relative(ROOT, file));
        }
      }
    };
    walk(join(ROOT, 'lib'));
    expect(offenders).toEqual([]);
  });
});

/** A random value of `type`, shaped by its converter's field table: the props a construct could pass. */
function randomObject(g: fc.GeneratorValue, type: string, depth: number, unknownKeys: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of K8S_FIELDS[type]) {
    if (!g(fc.boolean)) continue;
    const value = randomField(g, row, depth, unknownKeys);
    if (value !== undefined) out[row[0]] = value;
  }
  if (unknownKeys && g(fc.integer, { min: 0, max: 9 }) === 0) out[g(fc.constantFrom, 'aUnknownField', 'zUnknownField')] = 'dropped by the converter';
  return out;
}

const name = (g: fc.GeneratorValue) => g(fc.constantFrom, 'a', 'b-1', 'Zeta', '0', 'x.y/z');
const SCALAR = fc.oneof(fc.constantFrom('a', 'b c', '', 'yes'), fc.integer({ min: -3, max: 70000 }), fc.boolean());
const scalar = (g: fc.GeneratorValue) => g(() => SCALAR);

function intOrQuantity(g: fc.GeneratorValue): unknown {
  switch (g(fc.integer, { min: 0, max: 4 })) {
    case 0: return k8s.IntOrString.fromNumber(g(fc.integer, { min: 0, max: 65535 }));
    case 1: return k8s.IntOrString.fromString(g(fc.constantFrom, '25%', 'http', '1'));
    case 2: return k8s.Quantity.fromString(g(fc.constantFrom, '100m', '1Gi', '0.5'));
    case 3: return k8s.Quantity.fromNumber(g(fc.integer, { min: 0, max: 8 }));
    default: return g(fc.constantFrom, 8080, 'bare'); // the converter drops a bare value: so must we
  }
}

function randomField(g: fc.GeneratorValue, [, op, type]: FieldRow, depth: number, unknownKeys: boolean): unknown {
  const lazily = (v: unknown) => (g(fc.integer, { min: 0, max: 9 }) === 0 ? Lazy.any({ produce: () => v }) : v);
  const entries = <T>(make: () => T): Record<string, T> =>
    Object.fromEntries(Array.from({ length: g(fc.integer, { min: 0, max: 2 }) }, () => [name(g), make()]));
  switch (op) {
    case 'value': return scalar(g);
    case 'unwrap': return intOrQuantity(g);
    case 'list': return Array.from({ length: g(fc.integer, { min: 0, max: 2 }) }, () => name(g));
    case 'map': return entries(() => name(g));
    case 'mapUnwrap': return entries(() => intOrQuantity(g));
    case 'mapList': return entries(() => [name(g)]);
    case 'date': return undefined;
    default: {
      if (depth >= 5) return undefined;
      const one = () => lazily(randomObject(g, type, depth + 1, unknownKeys));
      if (op === 'object') return one();
      if (op === 'objects') return Array.from({ length: g(fc.integer, { min: 0, max: 2 }) }, one);
      return entries(one);
    }
  }
}

describe('renders exactly what cdk8s-plus-28 renders', () => {
  test.each(RENDERED_KINDS)('%s, on random props of its schema (the fast path taken unless a key is unknown)', (kind) => {
    fc.assert(fc.property(fc.gen(), fc.boolean(), (g, unknownKeys) => {
      const props = randomObject(g, `${kind}Props`, 0, unknownKeys);
      const reference = new (theirs(kind))(new Chart(Testing.app(), 'test'), 'Object', props);
      const fast = new (ours(kind))(new Chart(Testing.app(), 'test'), 'Object', props);
      const converter = jest.fn((k8s as unknown as Record<string, (o: unknown) => object>)[`toJson_${kind}Props`]);
      const rendered = renderKube(fast, (theirs(kind) as unknown as { GVK: GroupVersionKind }).GVK, `${kind}Props`, converter);
      expect(JSON.stringify(rendered)).toBe(JSON.stringify(reference.toJson()));
      if (!unknownKeys) expect(converter).not.toHaveBeenCalled();
    }), { numRuns: 60, endOnFailure: true });
  });

  test('renamed keys, IntOrString and Quantity come out in the JSON form, the fast path doing it', () => {
    const props = {
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        strategy: { rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromString('25%') } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            hostIpc: false,
            hostPid: false,
            hostNetwork: false,
            setHostnameAsFqdn: false,
            containers: [{
              name: 'web',
              image: 'web:1',
              ports: [{ containerPort: 8080, hostIp: '127.0.0.1' }],
              resources: { limits: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString('256Mi') } },
              readinessProbe: { httpGet: { path: '/ready', port: k8s.IntOrString.fromNumber(8080) } },
            }],
          },
        },
      },
    };
    const [reference, fast] = renderBoth('KubeDeployment', props);
    expect(fast).toBe(reference);
    const spec = JSON.parse(fast).spec;
    expect(spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '500m', memory: '256Mi' });
    expect(Object.keys(spec.template.spec)).toEqual(['containers', 'hostIPC', 'hostNetwork', 'hostPID', 'setHostnameAsFQDN']);
    expect(spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080, hostIP: '127.0.0.1' }]);
    expect(spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: '25%' });

    const converter = jest.fn(k8s.toJson_KubeDeploymentProps);
    const chart = new Chart(Testing.app(), 'test');
    const o = new k8s.KubeDeployment(chart, 'Web', props);
    expect(JSON.stringify(renderKube(o, k8s.KubeDeployment.GVK, 'KubeDeploymentProps', converter))).toBe(JSON.stringify(o.toJson()));
    expect(converter).not.toHaveBeenCalled();
  });

  test('clusterIP before clusterIPs, though their TypeScript names sort the other way', () => {
    const [reference, fast] = renderBoth('KubeService', { spec: { clusterIp: '10.0.0.1', clusterIPs: ['10.0.0.1'], ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http') }] } });
    expect(fast).toBe(reference);
    expect(Object.keys(JSON.parse(fast).spec)).toEqual(['clusterIP', 'clusterIPs', 'ports']);
  });

  test('keys a JSON patch adds unsorted come out in the converter\'s order, without the converter', () => {
    const chart = new Chart(Testing.app(), 'test');
    const props = { metadata: { name: 'agent' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'a', image: 'a:1' }] } } } };
    const reference = new k8s.KubeDaemonSet(chart, 'Reference', props);
    const fast = new kube.KubeDaemonSet(chart, 'Fast', props);
    for (const o of [reference, fast]) o.addJsonPatch(JsonPatch.add('/spec/template/spec/volumes', [{ name: 'v', configMap: { name: 'c', defaultMode: 0o444 } }]));
    const converter = jest.fn(k8s.toJson_KubeDaemonSetProps);
    const rendered = renderKube(fast, k8s.KubeDaemonSet.GVK, 'KubeDaemonSetProps', converter);
    expect(JSON.stringify(rendered)).toBe(JSON.stringify(reference.toJson()));
    expect(rendered.spec.template.spec.volumes).toEqual([{ configMap: { defaultMode: 0o444, name: 'c' }, name: 'v' }]);
    expect(Object.keys(rendered.spec.template.spec.volumes[0])).toEqual(['configMap', 'name']);
    expect(converter).not.toHaveBeenCalled();
  });

  test('what the fast path does not reproduce goes to the converter: unknown keys, null, a wrong shape', () => {
    const props = { metadata: { name: 'agent' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'a', image: 'a:1' }] } } } };
    for (const patches of [
      [JsonPatch.add('/spec/template/spec/volumes', [{ name: 'v', configMap: { name: 'c', defaultMode: 0o444 } }])],
      [JsonPatch.add('/spec/template/spec/unknownField', true)],
      [JsonPatch.add('/status', { numberReady: 1 })],
      [JsonPatch.add('/spec/template/spec/containers/0/ports', [{ containerPort: 80, hostIp: 'x', zz: 1 }])],
      [JsonPatch.add('/spec/template/spec/containers/0/terminationMessagePath', null)],
      [JsonPatch.add('/spec/updateStrategy', { rollingUpdate: { maxUnavailable: 1 } })],
    ]) {
      const [reference, fast] = renderBoth('KubeDaemonSet', props, { patches });
      expect(fast).toBe(reference);
    }
    const [reference, fast] = renderBoth('KubeDaemonSet', props, { patches: [JsonPatch.add('/spec/template/spec/unknownField', true)] });
    expect(fast).toBe(reference);
    expect(fast).not.toContain('unknownField');
  });

  test('with CDK8S_DISABLE_SORT, keys come in the converter\'s order all the same', () => {
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      const [reference, fast] = renderBoth('KubeNetworkPolicy', {
        spec: { policyTypes: ['Ingress'], podSelector: { matchLabels: { b: '1', a: '2' } }, ingress: [{ ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(80) }] }] },
      });
      expect(fast).toBe(reference);
      expect(fast.indexOf('"ingress"')).toBeLessThan(fast.indexOf('"podSelector"'));
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });

  test('Lazy values and the app\'s own resolvers resolve before the conversion, as with the converter', () => {
    class Upper implements IResolver {
      public resolve(context: ResolutionContext): void {
        if (context.key.at(-1) === 'image' && typeof context.value === 'string' && context.value !== context.value.toUpperCase()) context.replaceValue(context.value.toUpperCase());
      }
    }
    const app = () => new App({ resolvers: [new Upper()] });
    const [reference, fast] = renderBoth('KubeJob', {
      spec: Lazy.any({
        produce: () => ({
          template: { spec: { containers: [{ name: 'j', image: 'job:1', resources: { requests: { cpu: k8s.Quantity.fromString('1') } } }] } },
        }),
      }),
    }, { app });
    expect(fast).toBe(reference);
    expect(JSON.parse(fast).spec.template.spec.containers[0]).toEqual({ image: 'JOB:1', name: 'j', resources: { requests: { cpu: '1' } } });
  });
});
