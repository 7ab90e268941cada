import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { HardenedError } from '../../lib/errors';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { RbacProfile } from '../../lib/rbac/rbac-profile';
import * as renderApiObjectModule from '../../lib/render/render-api-object';
import { HardenedAudit } from '../../lib/synth/app-audit';
import { SynthPass } from '../../lib/synth/synth-pass';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { image } from '../workload/support';

let outdirs: string[] = [];
afterEach(() => {
  for (const d of outdirs) rmSync(d, { recursive: true, force: true });
  outdirs = [];
  jest.restoreAllMocks();
});

function freshApp(): App {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-synth-pass-'));
  outdirs.push(outdir);
  return new App({ outdir });
}

/** The lines of a cdk8s validation error, without its heading; fails when `run` does not throw one. */
function validationErrors(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    const [head, ...lines] = (e as Error).message.split('\n');
    expect(head).toBe('Validation failed with the following errors:');
    return lines.map((l) => l.replace(/^ {2}/, ''));
  }
  throw new Error('expected synth to fail, but it succeeded');
}

const READY = HealthCheck.httpGet('/ready');

/** The app check (lib/coherence) adds what the namespace's Pod Security Admission would say about the same pod. */
const psa = (path: string) => `Deployment shop/web (${path}/shop/web/Resource) would be refused by Pod Security Admission: Namespace shop `
  + `(${path}/shop/Resource) enforces 'restricted' (v1.28), which its pods break on capabilities_restricted. Fix: change the workload so its pods `
  + 'meet \'restricted\', or relax the namespace with its own recorded exception: LockedNamespace podSecurityLevel: PodSecurityLevel.BASELINE with '
  + 'exceptions: [{ practice: \'HK-NAMESPACE-002\', reason: \'…\' }] (its pods meet \'baseline\').';

const NET_RAW = 'HK-WORKLOAD-006 (high) Drop ALL capabilities: container "app" does not drop ALL capabilities (capabilities.drop: ["NET_RAW"]). '
  + 'Fix: Set securityContext.capabilities.drop: ["ALL"] (upper case) and add back only NET_BIND_SERVICE if needed (HK-WORKLOAD-007).';

describe('constructs check themselves, without HardenedAudit', () => {
  test('fails synth when a raw patch replaces a SecureDeployment\'s drop: [ALL] with [NET_RAW]', () => {
    const app = freshApp();
    const ns = new LockedNamespace(new Chart(app, 'shop'), 'shop', { owner: 'shop-team' });
    const web = new SecureDeployment(ns, 'web', { image: image(), port: 8080, readinessProbe: READY });
    ApiObject.of(web).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/capabilities/drop', ['NET_RAW']));
    expect(validationErrors(() => app.synth())).toEqual([
      `[shop/shop/web/Resource] ${NET_RAW}`,
      `[shop/shop/web/Resource] ${psa('shop')}`,
    ]);
  });

  test('fails Testing.synth the same way, under the path of the object at fault', () => {
    const chart = Testing.chart();
    const ns = new LockedNamespace(chart, 'shop', { owner: 'shop-team' });
    const web = new SecureDeployment(ns, 'web', { image: image(), port: 8080, readinessProbe: READY });
    ApiObject.of(web).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/capabilities/drop', ['NET_RAW']));
    expect(validationErrors(() => Testing.synth(chart))).toEqual([
      `[test/shop/web/Resource] ${NET_RAW}`,
      `[test/shop/web/Resource] ${psa('test')}`,
    ]);
  });

  test('passes again once the patch is gone: the check judges every synth afresh', () => {
    const app = freshApp();
    const ns = new LockedNamespace(new Chart(app, 'shop'), 'shop', { owner: 'shop-team' });
    new SecureDeployment(ns, 'web', { image: image(), port: 8080, readinessProbe: READY });
    expect(() => app.synth()).not.toThrow();
    expect(HardenedAudit.lastReport(app)!.findings).toEqual([]);
  });

  test('judges only the library\'s objects: a plain ApiObject beside them is the app\'s affair (HardenedAudit)', () => {
    const app = freshApp();
    const chart = new Chart(app, 'shop');
    new LockedNamespace(chart, 'shop', { owner: 'shop-team' });
    new ApiObject(chart, 'raw', {
      apiVersion: 'v1',
      kind: 'Pod',
      // Outside the LockedNamespace: inside it, its Pod Security Admission would refuse the pod (lib/admission-sim).
      metadata: { name: 'raw', namespace: 'legacy' },
      spec: { containers: [{ name: 'app', image: 'nginx:latest', securityContext: { privileged: true } }] },
    });
    expect(() => app.synth()).not.toThrow();
    expect(HardenedAudit.lastReport(app)!.findings.map((f) => f.constructPath)).not.toContain('shop/raw');
  });

  test('leaves set-wide practices to HardenedAudit: a workload outside any LockedNamespace synthesizes, with a warning in the report', () => {
    const app = freshApp();
    const stderr = jest.spyOn(process.stderr, 'write');
    new SecureDeployment(new Chart(app, 'loose', { namespace: 'loose' }), 'api', { image: image(), port: 8080, readinessProbe: READY });
    expect(() => app.synth()).not.toThrow();
    const report = HardenedAudit.lastReport(app)!;
    expect(report.warnings.map((w) => w.constructPath)).toEqual(['loose/api']);
    expect(report.warnings[0].message).toMatch(/^namespace 'loose' is not locked by any LockedNamespace of this app, /);
    expect(stderr).not.toHaveBeenCalled();
  });

  test('RbacProfile judges the RBAC practices itself, so a broken grant is reported once, in its own words', () => {
    const app = freshApp();
    const ns = new LockedNamespace(new Chart(app, 'shop'), 'shop', { owner: 'shop-team' });
    const profile = new RbacProfile(ns, 'reader');
    profile.readOnly();
    ApiObject.of(profile).addJsonPatch(JsonPatch.add('/rules/-', { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }));
    expect(validationErrors(() => app.synth())).toEqual([
      "[shop/shop/reader] RbacProfile prop 'grants' is 'Role/shop/reader'; the audit of what it renders finds Role/shop/reader: "
        + 'rule 9 grants get on secrets without resourceNames, i.e. on every Secret of its scope.',
      'Practice HK-RBAC-005 (Minimal Secret access) refuses it.',
      'Fix: Grant get on secrets with resourceNames naming the Secrets the workload reads; mount Secrets as volumes instead of reading them '
        + "through the API. If this identity really needs it, add exceptions: [{ practice: 'HK-RBAC-005', reason: '…' }].",
    ]);
  });
});

describe('the synth pass', () => {
  test('renders every object once per app.synth(), however many charts', () => {
    const app = freshApp();
    HardenedAudit.enable(app);
    for (let c = 0; c < 5; c++) {
      const ns = new LockedNamespace(new Chart(app, `c${c}`), `ns-${c}`, { owner: 'team' });
      new SecureDeployment(ns, 'web', { image: image(), port: 8080, readinessProbe: READY });
    }
    // cdk8s renders the objects of other constructs; lib/render renders the library's Kube* objects
    const render = jest.spyOn(ApiObject.prototype, 'toJson');
    const renderOurs = jest.spyOn(renderApiObjectModule, 'renderApiObject');
    app.synth();
    const objects = app.node.findAll().filter((c) => ApiObject.isApiObject(c));
    expect([render.mock.calls.length + renderOurs.mock.calls.length, renderOurs.mock.calls.length > 0]).toEqual([objects.length, true]);
  });

  test('writes exactly what it judged, and an object renders afresh after the synth', () => {
    const app = freshApp();
    const ns = new LockedNamespace(new Chart(app, 'shop'), 'shop', { owner: 'shop-team' });
    const web = new SecureDeployment(ns, 'web', { image: image(), port: 8080, readinessProbe: READY });
    app.synth();
    expect(readFileSync(join(app.outdir, 'shop.k8s.yaml'), 'utf8')).toContain('name: web\n  namespace: shop\n');
    ApiObject.of(web).addJsonPatch(JsonPatch.add('/metadata/labels/tier', 'front'));
    expect(ApiObject.of(web).toJson().metadata.labels.tier).toBe('front');
  });

  test('refuses a patch added during synth, after the object was judged', () => {
    const app = freshApp();
    const ns = new LockedNamespace(new Chart(app, 'shop'), 'shop', { owner: 'shop-team' });
    const web = new SecureDeployment(ns, 'web', { image: image(), port: 8080, readinessProbe: READY });
    web.node.addValidation({ validate: () => { ApiObject.of(web).addJsonPatch(JsonPatch.add('/metadata/labels/late', 'yes')); return []; } });
    let err: unknown;
    try {
      app.synth();
    } catch (e) {
      err = e;
    }
    expect(HardenedError.isHardenedError(err)).toBe(true);
    expect((err as Error).message).toBe([
      "[shop/shop/web/Resource] ApiObject prop 'addJsonPatch()' was called during synth, after the object was rendered and judged, "
        + 'so the patch would be neither written nor judged.',
      'Fix: add patches before app.synth(), or from a SynthPass.of(app).beforeRendering() hook.',
    ].join('\n'));
  });

  test('runs an app check once per synth over every rendered object, and reports under the construct it names', () => {
    const app = freshApp();
    const seen: number[] = [];
    const charts = [0, 1, 2].map((c) => new Chart(app, `c${c}`));
    charts.forEach((chart, c) => new LockedNamespace(chart, `ns-${c}`, { owner: 'team' }));
    SynthPass.of(app).addAppCheck((objects) => {
      seen.push(objects.length);
      return [{ scope: charts[1], message: 'two charts claim the same namespace. Fix: keep one.' }];
    });
    expect(validationErrors(() => app.synth())).toEqual(['[c1] two charts claim the same namespace. Fix: keep one.']);
    expect(seen).toEqual([app.node.findAll().filter((c) => ApiObject.isApiObject(c)).length]);
  });
});

describe('LockedNamespace adopts its children before anything is judged', () => {
  test('a ConfigMap created without a namespace is judged in the locked one: no spurious HK-NAMESPACE-001 warning', () => {
    const app = freshApp();
    const warnings: string[] = [];
    HardenedAudit.enable(app, { warn: (w) => warnings.push(w) });
    const ns = new LockedNamespace(new Chart(app, 'shop'), 'shop', { owner: 'shop-team' });
    new ApiObject(ns, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'strict' } });
    const patch = jest.spyOn(ApiObject.prototype, 'addJsonPatch');
    app.synth();
    app.synthYaml();
    // The raw ConfigMap lacks owner labels and provenance (low); before the fix, a first summary also judged it
    // in no namespace (HK-NAMESPACE-001) and a second one did not.
    expect(warnings).toEqual([[
      "cdk8s-hardened: 3 finding(s) below 'high' do not fail synth (run `cdk8s-hardened audit` on the output for every message and fix):",
      '  HK-NAMESPACE-005 (low) One team/app per namespace, owner labels: 2 finding(s) on shop/shop/settings',
      '  HK-AUDIT-004 (low) Provenance metadata on every object: 1 finding(s) on shop/shop/settings',
    ].join('\n')]);
    expect(HardenedAudit.lastReport(app)!.findings.filter((f) => f.practiceId === 'HK-NAMESPACE-001')).toEqual([]);
    // One adoption patch, however many synths and charts.
    expect(patch).toHaveBeenCalledTimes(1);
    expect(readFileSync(join(app.outdir, 'shop.k8s.yaml'), 'utf8')).toContain('  name: settings\n  namespace: shop\n');
  });
});
