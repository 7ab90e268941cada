/**
 * The cdk8s synth validation plugin, run by the real cdk8s CLI of node_modules on small apps, and its
 * `properties` checks. The apps load the compiled lib/ (`npm test` compiles first).
 */
import { spawnSync } from 'child_process';
import { join } from 'path';
import { HardenedValidation } from '../../lib/validation/hardened-validation';
import { ROOT, scratch } from '../cli/run-cli';

const CDK8S = join(ROOT, 'node_modules', '.bin', 'cdk8s');
const DIGEST = 'sha256:' + 'a'.repeat(64);

const config = (properties: string) => `language: typescript
app: node app.js
validations:
  - package: ${ROOT}
    class: HardenedValidation
    version: 0.1.0
    properties: ${properties}
`;

const header = `const { App, Chart, ApiObject } = require(${JSON.stringify(join(ROOT, 'node_modules', 'cdk8s'))});
const lib = require(${JSON.stringify(join(ROOT, 'lib'))});
const app = new App();
const chart = new Chart(app, 'shop');
`;

/** A bare Pod whose image has neither tag nor digest: HK-IMAGE-002 (high) among others. */
const badApp = `${header}new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare', namespace: 'shop' },
  spec: { containers: [{ name: 'app', image: 'nginx' }] } });
app.synth();
`;

const cleanApp = `${header}const ns = new lib.LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com/shop'] });
new lib.SecureDeployment(ns, 'api', { image: 'registry.example.com/shop/api:1.4.2@${DIGEST}', port: 8080, readinessProbe: lib.HealthCheck.httpGet('/ready') });
app.synth();
`;

function synth(app: string, properties: string) {
  const ws = scratch({ 'cdk8s.yaml': config(properties), 'app.js': app });
  try {
    const r = spawnSync(CDK8S, ['synth', '--no-check-upgrade'], { cwd: ws.dir, encoding: 'utf8', timeout: 120_000 });
    if (r.error) throw r.error;
    return { code: r.status, out: r.stdout + r.stderr };
  } finally {
    ws.cleanup();
  }
}

describe('HardenedValidation through `cdk8s synth`', () => {
  test('a high finding fails the synth with the practice, the construct path and the fix', () => {
    const r = synth(badApp, '{ failOn: high }');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^Validation failed\. See above reports for details$/m);
    expect(r.out).toMatch(/HK-IMAGE-002 No `latest`, no untagged image \(1 occurrences\)/);
    expect(r.out).toMatch(/^ {4}- Construct Path: shop\/pod$/m);
    expect(r.out).toMatch(/^ {4}- Resource Name: bare$/m);
    expect(r.out).toMatch(/^ {6}> Pod\/shop\/bare$/m);
    expect(r.out).toMatch(/^ {2}Recommendation: container "app" has image "nginx" with neither tag nor digest$/m);
  });

  test('failOn none reports without failing', () => {
    const r = synth(badApp, '{ failOn: none }');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Validations ended succesfully$/m);
  });

  test('the library\'s own constructs pass', () => {
    const r = synth(cleanApp, '{ failOn: low, targetVersion: "1.28", allowedRegistries: [registry.example.com/shop] }');
    expect(r.out).toMatch(/^\d+ objects, 0 findings$/m);
    expect(r.out).toMatch(/^Validations ended succesfully$/m);
    expect(r.code).toBe(0);
  });
});

describe('HardenedValidation properties', () => {
  const refused = (props: unknown): string => {
    try {
      new HardenedValidation(props as never);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('accepted');
  };

  test('defaults need no properties', () => {
    expect(() => new HardenedValidation()).not.toThrow();
    expect(() => new HardenedValidation(null as never)).not.toThrow();
  });

  test.each([
    [{ failOn: 'severe' }, 'cdk8s-hardened validation plugin: \'failOn\' is \'severe\'.\nFix: use one of critical, high, medium, low, none'],
    [{ failOn: 3 }, 'cdk8s-hardened validation plugin: \'failOn\' is number 3.\nFix: use one of critical, high, medium, low, none'],
    [{ targetVersion: 1.3 }, 'cdk8s-hardened validation plugin: \'targetVersion\' is number 1.3, not a Kubernetes version.\nFix: give a minor version as a quoted string, e.g. targetVersion: "1.31"'],
    [{ targetVersion: 'latest' }, 'cdk8s-hardened validation plugin: \'targetVersion\' is \'latest\', not a Kubernetes version.\nFix: give a minor version as a quoted string, e.g. targetVersion: "1.31"'],
    [{ allowedRegistries: 'registry.example.com' }, 'cdk8s-hardened validation plugin: \'allowedRegistries\' is \'registry.example.com\'.\nFix: give a list of registry hosts or prefixes, e.g. allowedRegistries: [registry.example.com]'],
    [{ allowedRegistries: [''] }, 'cdk8s-hardened validation plugin: \'allowedRegistries\' is a list ([""]).\nFix: give a list of registry hosts or prefixes, e.g. allowedRegistries: [registry.example.com]'],
    [{ failon: 'high' }, 'cdk8s-hardened validation plugin: unknown property \'failon\'.\nFix: use only failOn, targetVersion, allowedRegistries'],
    [['high'], 'cdk8s-hardened validation plugin: \'properties\' is a list (["high"]), not a map.\nFix: give properties as a map, e.g. properties: { failOn: high }'],
  ])('%j is refused', (props, message) => {
    expect(refused(props)).toBe(message);
  });
});
