import { Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { image, shop, ready } from './support';
import { audit } from '../../lib/audit/audit';
import { HardenedError } from '../../lib/errors';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { schemaErrorsOf } from '../support/k8s-schema';
import { isSynthRefusal } from '../support/synth-refusal';

const DIGEST = `sha256:${'e'.repeat(64)}`;

/** Mostly absent (the secure default), sometimes a generated value, so both outcomes occur often. */
function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary: arb, weight: 1 });
}

const images = fc.oneof(
  { arbitrary: fc.constant(image()), weight: 10 },
  fc.constant(`registry.example.com/shop/api@${DIGEST}`),
  fc.constant('registry.example.com/shop/api:1.2.3'),
  fc.constant('registry.example.com/shop/api:latest'),
  fc.constant('registry.example.com/shop/api'),
  fc.constant(`docker.io/library/nginx:1.27@${DIGEST}`),
  fc.constant(`k8s.gcr.io/pause:3.9@${DIGEST}`),
  fc.constant('registry.example.com/shop/api@sha256:abc'),
  fc.string({ maxLength: 20 }),
);
const ids = fc.oneof(
  fc.constant(65532), fc.constant(0), fc.constant(1000), fc.constant(1337), fc.integer({ min: -5, max: 2 ** 32 }), fc.double({ min: 0, max: 1e6 }),
);
const exceptionIds = fc.constantFrom('HK-IMAGE-001', 'HK-IMAGE-003', 'HK-WORKLOAD-004', 'HK-WORKLOAD-005', 'HK-WORKLOAD-007', 'HK-WORKLOAD-009',
  'HK-WORKLOAD-019', 'HK-WORKLOAD-020', 'HK-WORKLOAD-021', 'HK-WORKLOAD-006', 'HK-NOPE-001', 'HK-NETWORK-004', 'HK-NETWORK-010');
const sizes = fc.integer({ min: -1, max: 8192 }).map((mi) => (mi < 0 ? undefined : Size.mebibytes(mi)));

const props = fc.record({
  image: images,
  port: fc.oneof(
    { arbitrary: fc.constant(8080), weight: 8 },
    { arbitrary: fc.constantFrom(undefined, 22, 80), weight: 1 },
    { arbitrary: fc.integer({ min: -2, max: 70000 }), weight: 1 },
  ),
  readinessProbe: fc.oneof(
    { arbitrary: fc.constant(ready()), weight: 20 },
    fc.constant(undefined), fc.constant(HealthCheck.tcpSocket()), fc.constant(HealthCheck.grpc()),
  ),
  replicas: rarely(fc.integer({ min: -1, max: 4 })),
  runAsUser: rarely(ids),
  runAsGroup: rarely(ids),
  addCapabilities: rarely(fc.subarray(['NET_BIND_SERVICE', 'NET_ADMIN', 'SYS_FOO', 'ALL', 'chown'])),
  readOnlyRootFilesystem: rarely(fc.boolean()),
  writablePaths: rarely(fc.array(fc.record({ path: fc.constantFrom('/tmp', '/var/cache/app', 'relative', '/', '/a/../b', '/tmp/x') }), { maxLength: 3 })),
  env: rarely(fc.dictionary(fc.constantFrom('LOG_LEVEL', 'DB_PASSWORD', '9BAD', 'API_TOKEN'), fc.string({ maxLength: 8 }))),
  resources: rarely(fc.record({
    cpu: fc.record({
      request: fc.integer({ min: -10, max: 4000 }).map((m) => Cpu.millis(m)),
      limit: rarely(fc.integer({ min: 0, max: 4000 }).map((m) => Cpu.millis(m))),
    }),
    memory: fc.record({ request: sizes, limit: sizes }),
  })),
  exceptions: rarely(fc.array(fc.record({ practice: exceptionIds, reason: fc.oneof(fc.constant('short'), fc.constant('recorded in TICKET-1234 by the team')) }), { maxLength: 3 })),
  egress: rarely(fc.constantFrom('203.0.113.0/24', '169.254.0.0/16', '0.0.0.0/0', '169.254.169.254/32', 'not-a-cidr', '10.0.0.0/33')),
  allowSelf: fc.oneof({ arbitrary: fc.constant(false), weight: 8 }, { arbitrary: fc.constant(true), weight: 1 }),
  callerPort: rarely(fc.oneof(fc.constant(8080), fc.integer({ min: 1, max: 65535 }))),
});

describe('SecureDeployment under generated props', () => {
  test('either synthesizes output the audit accepts, or refuses with a HardenedError — never anything else', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(fc.property(props, (p) => {
      const { chart, ns } = shop();
      let yaml: string;
      try {
        const d = new SecureDeployment(ns, 'api', p as any);
        const caller = new SecureDeployment(ns, 'caller', { image: image('caller'), port: 9090, readinessProbe: ready() });
        d.allowFrom(caller, p.callerPort === undefined ? {} : { port: p.callerPort });
        if (p.allowSelf) d.allowFrom(d);
        if (p.egress) d.allowEgressTo(p.egress, [{ port: 443 }]);
        const set = Testing.synth(chart);
        yaml = JSON.stringify(set);
        const failing = audit(set).findings.filter((f) => !f.excepted);
        expect(failing).toEqual([]);
        // What the cluster would refuse, synth refuses first: every accepted object is valid against the Kubernetes schema.
        expect(schemaErrorsOf(set)).toEqual([]);
        accepted++;
      } catch (e) {
        if (HardenedError.isHardenedError(e)) {
          refused++;
          expect(e.message).toMatch(/^\[test\/shop\/(api|caller)\] SecureDeployment prop '[^']+' .+\.\n(Practice HK-[A-Z]+-\d{3} \(.+\) refuses it\.\n)?Fix: .+$/s);
          return;
        }
        if (isSynthRefusal(e)) {
          refused++;
          return;
        }
        throw e;
      }
      expect(yaml).not.toMatch(/null|undefined|NaN/);
    }), { numRuns: 200, seed: 20261123 });
    // Both branches must be exercised, or the property says nothing.
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });
});
