/**
 * Every Gateway API object (Gateway, HTTPRoute, GRPCRoute, ReferenceGrant) and cert-manager Certificate the ingress and
 * Gateway constructs generate validates against its upstream CRD in ../shared/crds: the openAPIV3Schema (Ajv) and the
 * CRD's own x-kubernetes-validations CEL rules (cel-js), as the API server would check them. The example app is
 * covered, and a chart with every option. Fails loudly when ../shared is missing: a skipped conformance run proves nothing.
 */
import { existsSync, readFileSync, readdirSync } from 'fs';
import { join, resolve } from 'path';
import { evaluate } from '@marcbachmann/cel-js';
import Ajv from 'ajv';
import { Chart, Duration, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { WebApiDbChart } from '../../examples/web-api-db';
import { SecureGateway } from '../../lib/gateway/secure-gateway';
import { SecureGrpcRoute } from '../../lib/gateway/secure-grpc-route';
import { RoutePathType, SecureHttpRoute } from '../../lib/gateway/secure-http-route';
import { IngressController } from '../../lib/ingress/ingress-controller';
import { IngressPathType, SecureIngress } from '../../lib/ingress/secure-ingress';
import { CertIssuer, TlsSource } from '../../lib/ingress/tls';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { toCel } from '../policy/cel-harness';
import { image, ready } from '../workload/support';

const CRDS = resolve(__dirname, '..', '..', '..', 'shared', 'crds');
const DIRS = ['gateway-api', 'cert-manager'];

if (!DIRS.every((d) => existsSync(join(CRDS, d)))) {
  throw new Error(`conformance tests need the Gateway API and cert-manager CRDs under ${CRDS}; clone the project beside ../shared or run only \`npm test\``);
}

const schemas = new Map<string, any>();
for (const dir of DIRS) {
  for (const file of readdirSync(join(CRDS, dir)).filter((f) => f.endsWith('.yaml'))) {
    const crd = parse(readFileSync(join(CRDS, dir, file), 'utf8'));
    for (const v of crd.spec.versions) if (v.served) schemas.set(`${crd.spec.group}/${v.name} ${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
  }
}
// CRD schemas carry x-kubernetes-* keywords and Kubernetes formats that Ajv does not know; the CEL rules are run below.
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });

/**
 * The object as the API server stores it before validating: structural defaults applied (e.g. an HTTPRoute rule without
 * matches gets `[{ path: { type: PathPrefix, value: '/' } }]`), which the CRDs' CEL rules rely on.
 */
function withDefaults(schema: any, value: any): any {
  if (!schema || value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => withDefaults(schema.items, v));
  if (typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(value)) {
    out[k] = withDefaults(schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined), child);
  }
  for (const [k, prop] of Object.entries<any>(schema.properties ?? {})) {
    if (out[k] === undefined && prop.default !== undefined) out[k] = withDefaults(prop, JSON.parse(JSON.stringify(prop.default)));
  }
  return out;
}

/**
 * cel-js accepts `has()` only on a field selection of an identifier path; the CRDs also write `has(x[0].path)`. For
 * JSON objects that is `'path' in x[0]`, so the harness rewrites exactly that form, and RE2's `(?i)` (see below).
 */
function celText(rule: string): string {
  const withHas = rule.replace(/has\(([A-Za-z_][\w.]*\[[^\]]+\][\w.[\]]*)\.(\w+)\)/g, "('$2' in $1)");
  // RE2's leading (?i) has no JavaScript equivalent inside matches(); the CRDs use it only with a-z classes.
  return withHas.replace(/r"""\^\(\?i\)([^"]*)"""/g, (_m, body: string) => `r"""^${body.replace(/a-z/g, 'a-zA-Z')}"""`);
}

/** Runs every x-kubernetes-validations rule of `schema` on `value`, recursively, as the API server does on create. */
function celErrors(schema: any, value: unknown, path: string): string[] {
  if (value === undefined || value === null || !schema) return [];
  const out: string[] = [];
  for (const v of schema['x-kubernetes-validations'] ?? []) {
    if (/\boldSelf\b/.test(v.rule)) continue; // transition rules only apply to updates
    let ok: unknown;
    try {
      ok = evaluate(celText(v.rule), { self: toCel(value) });
    } catch (e) {
      out.push(`${path || '/'}: rule ${JSON.stringify(v.rule)} could not be evaluated (${(e as Error).message})`);
      continue;
    }
    if (ok !== true) out.push(`${path || '/'}: ${v.message ?? v.rule}`);
  }
  if (Array.isArray(value)) {value.forEach((item, i) => out.push(...celErrors(schema.items, item, `${path}/${i}`)));} else if (typeof value === 'object') {
    for (const [k, child] of Object.entries(value as Record<string, unknown>)) {
      out.push(...celErrors(schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined), child, `${path}/${k}`));
    }
  }
  return out;
}

function errorsOf(obj: any): string[] {
  const key = `${obj.apiVersion} ${obj.kind}`;
  const schema = schemas.get(key);
  if (!schema) throw new Error(`no served CRD for ${key} under ${CRDS}`);
  const validate = ajv.compile(schema);
  const stored = withDefaults(schema, obj);
  const structural = validate(stored) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  return [...structural, ...celErrors(schema, stored, '')];
}

/** A chart with every option: two HTTPS listeners, an existing Secret, a cross-namespace route with its grant, a GRPCRoute. */
function everyOption(): any[] {
  const chart = new Chart(Testing.app(), 'all');
  const proxy = new IngressController(chart, 'proxy', { namespace: 'edge', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' }, serviceAccount: 'public-istio' });
  const gateway = new SecureGateway(chart, 'public', {
    namespace: 'edge',
    gatewayClassName: 'istio',
    proxy,
    tls: TlsSource.certManager(CertIssuer.issuer('edge-ca'), { duration: Duration.days(90), renewBefore: Duration.days(30) }),
    listeners: [{ name: 'shop', hostname: 'shop.example.com' }, { name: 'api', hostname: 'api.example.com', port: 8443 }],
    allowedRouteNamespaces: ['shop', 'cart'],
  });
  new SecureGateway(chart, 'internal', {
    namespace: 'edge',
    gatewayClassName: 'istio',
    proxy,
    tls: TlsSource.existingSecret('internal-tls'),
    listeners: [{ hostname: 'internal.example.com' }],
    allowedRouteNamespaces: ['shop'],
    httpRedirect: false,
  });
  const shop = new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] });
  const cartNs = new LockedNamespace(chart, 'cart', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] });
  const web = new SecureDeployment(shop, 'web', { image: image('web'), readinessProbe: ready(), port: 8080 });
  const cart = new SecureDeployment(shop, 'cart', { image: image('cart'), readinessProbe: ready(), port: 9000 });
  new SecureHttpRoute(shop, 'web-route', { gateway, hostnames: ['shop.example.com'], rules: [{ path: '/', pathType: RoutePathType.PATH_PREFIX, backend: web }] });
  new SecureHttpRoute(cartNs, 'cross', { gateway, hostnames: ['shop.example.com'], rules: [{ path: '/cart', pathType: RoutePathType.EXACT, backend: web }] });
  new SecureGrpcRoute(shop, 'cart-route', { gateway, hostnames: ['api.example.com'], rules: [{ service: 'shop.v1.Cart', backend: cart }, { service: 'shop.v1.Admin', method: 'Ping', backend: cart }] });
  new SecureIngress(shop, 'ingress', {
    controller: IngressController.ingressNginx(chart, 'nginx'),
    tls: TlsSource.certManager(CertIssuer.clusterIssuer('letsencrypt')),
    rules: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: web }] }],
  });
  return Testing.synth(chart);
}

const GROUPS = ['gateway.networking.k8s.io', 'cert-manager.io'];
const custom = (objs: any[]) => objs.filter((o) => GROUPS.includes(o.apiVersion.split('/')[0]));
const EXAMPLE = custom(Testing.synth(new WebApiDbChart(Testing.app(), 'example')));
const ALL = custom(everyOption());

describe('Gateway API and cert-manager objects validate against their CRDs (schema and CEL rules)', () => {
  test('every kind is covered', () => {
    expect([...new Set([...EXAMPLE, ...ALL].map((o) => `${o.apiVersion} ${o.kind}`))].sort()).toEqual([
      'cert-manager.io/v1 Certificate',
      'gateway.networking.k8s.io/v1 GRPCRoute',
      'gateway.networking.k8s.io/v1 Gateway',
      'gateway.networking.k8s.io/v1 HTTPRoute',
      'gateway.networking.k8s.io/v1 ReferenceGrant',
    ]);
  });

  test.each([...EXAMPLE, ...ALL].map((o) => [`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, o]))('%s', (_name, obj) => {
    expect(errorsOf(obj)).toEqual([]);
  });

  test('the check can fail: two listeners of one name break the Gateway CRD\'s own CEL rule', () => {
    const gw = ALL.find((o) => o.kind === 'Gateway');
    const twice = { ...gw, spec: { ...gw.spec, listeners: [gw.spec.listeners[0], { ...gw.spec.listeners[1], name: gw.spec.listeners[0].name }] } };
    expect(errorsOf(twice)).toEqual(['/spec/listeners: Listener name must be unique within the Gateway']);
  });

  test('the check can fail: a Certificate without issuerRef is refused by the schema', () => {
    const cert = ALL.find((o) => o.kind === 'Certificate');
    const { issuerRef: _dropped, ...spec } = cert.spec;
    expect(errorsOf({ ...cert, spec })).toEqual(['/spec must have required property \'issuerRef\'']);
  });
});
