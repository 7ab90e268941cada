/**
 * Plain-JavaScript callers: every public construct, given a wrong-typed prop (null, NaN, Infinity, a number where a
 * list or text is expected, a string iterated as a list, an object for a string), either synthesizes or refuses with
 * a HardenedError naming the construct path and prop — never a TypeError or any other error.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { BackupPlan, VolumeData } from '../../lib/backup/backup-plan';
import { VeleroNamespaceLock } from '../../lib/backup/velero-namespace-lock';
import { HardenedError } from '../../lib/errors';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { AdmissionPolicies } from '../../lib/policy/admission-policies';
import { RbacProfile } from '../../lib/rbac/rbac-profile';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { repositoryPassword } from '../backup/support';
import { image, ready } from '../workload/support';

/** One construct: valid props, and how to build it from props in a fresh chart. */
interface Subject {
  readonly name: string;
  readonly props: () => Record<string, unknown>;
  readonly build: (scope: Construct, props: any) => void;
}

const SUBJECTS: Subject[] = [
  {
    name: 'LockedNamespace',
    props: () => ({ owner: 'shop-team', quota: { pods: 10 }, limits: { max: { cpu: '1' } }, allowedRegistries: ['registry.example.com'] }),
    build: (scope, props) => new LockedNamespace(scope, 'shop', props),
  },
  {
    name: 'SecureDeployment',
    props: () => ({ image: image(), port: 8080, readinessProbe: ready(), replicas: 2 }),
    build: (scope, props) => new SecureDeployment(new LockedNamespace(scope, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] }), 'api', props),
  },
  {
    name: 'RbacProfile',
    props: () => ({ name: 'reader', namespace: 'shop', grants: [], exceptions: [] }),
    build: (scope, props) => new RbacProfile(scope, 'reader', props),
  },
  {
    name: 'BackupPlan',
    props: () => ({
      namespaces: ['payments'],
      schedule: '15 * * * *',
      rpo: Duration.hours(1),
      volumes: VolumeData.csiSnapshots({ repositoryPassword: repositoryPassword() }),
      storage: { bucket: 'acme-prod-velero', region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' },
    }),
    build: (scope, props) => new BackupPlan(scope, 'plan', props),
  },
  {
    name: 'VeleroNamespaceLock',
    props: () => ({ namespace: 'velero', apiServer: { cidrs: ['10.0.0.10/32'] }, objectStore: { cidrs: ['52.218.0.0/17'] } }),
    build: (scope, props) => new VeleroNamespaceLock(scope, 'lock', props),
  },
  {
    name: 'AdmissionPolicies',
    props: () => ({ allowedRegistries: ['registry.example.com'] }),
    build: (scope, props) => new AdmissionPolicies(scope, 'policies', props),
  },
];

const WRONG: fc.Arbitrary<unknown> = fc.constantFrom(null, NaN, Infinity, -1, 0, 42, '', 'abc', {}, { a: 1 }, [], [null], [42], true);

/** Replaces the value at a path of props (top level or one level down) with a wrong one. */
function mutate(props: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  if (path.length === 1) return { ...props, [path[0]]: value };
  const inner = props[path[0]];
  return { ...props, [path[0]]: { ...(inner && typeof inner === 'object' ? inner : {}), [path[1]]: value } };
}

function pathsOf(props: Record<string, unknown>): string[][] {
  return Object.entries(props).flatMap(([k, v]) => [[k], ...(v && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
    ? Object.keys(v).map((inner) => [k, inner]) : [])]);
}

describe.each(SUBJECTS)('$name under wrong-typed props', (subject) => {
  test('synthesizes or refuses with a HardenedError, never a TypeError', () => {
    const paths = pathsOf(subject.props());
    fc.assert(fc.property(fc.constantFrom(...paths), WRONG, (path, value) => {
      const chart = new Chart(Testing.app(), 'test');
      try {
        subject.build(chart, mutate(subject.props(), path, value));
        Testing.synth(chart);
      } catch (e) {
        if (HardenedError.isHardenedError(e)) {
          expect(e.message).toMatch(/^\[test(\/[^\]]*)?\] [A-Za-z.]+ prop '[^']+' [^\n]+\.\n(Practice [A-Z0-9-]+ .*refuses it\.\n)?Fix: .+/s);
          return;
        }
        if (e instanceof Error && /^Validation failed with the following errors:\n/.test(e.message)) return; // synth-time refusal of the whole app
        throw new Error(`${subject.name} prop ${path.join('.')} = ${String(JSON.stringify(value))}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
      }
    }), { numRuns: 150, seed: 20261202 });
  });
});
