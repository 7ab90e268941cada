/**
 * The fixed exceptions constructs record on their own output (CisBenchmark, EtcdSnapshot, RestoreDrill,
 * PrivilegedNamespace, FluentBitAgent) are held to the rule every user exception is held to: each must excuse a
 * breach the audit finds in what the construct renders. Each is proved used here; a patch that removes what one
 * excuses makes it idle, and synth refuses it under the construct that recorded it.
 */
import { ApiObject, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import { audit } from '../../lib/audit/audit';
import { BackupPlan, VolumeData } from '../../lib/backup/backup-plan';
import { ETCD_SNAPSHOT_EXCEPTIONS, EtcdSnapshot } from '../../lib/backup/etcd-snapshot';
import { RESTORE_DRILL_EXCEPTIONS } from '../../lib/backup/restore-drill';
import { CIS_BENCHMARK_EXCEPTIONS, CisBenchmark } from '../../lib/cluster/cis-benchmark';
import { PrivilegedNamespace } from '../../lib/cluster/privileged-namespace';
import { FLUENT_BIT_EXCEPTIONS, FluentBitAgent, LogDestination } from '../../lib/logging/fluent-bit-agent';
import { Manifest } from '../../lib/practices/manifest';
import { etcdSnapshotProps, repositoryPassword } from '../backup/support';

const KUBE_BENCH = `docker.io/aquasec/kube-bench:v0.15.6@sha256:${'d'.repeat(64)}`;
const FLUENT_BIT = `cr.fluentbit.io/fluent/fluent-bit:3.2.10@sha256:${'c'.repeat(64)}`;
const S3 = LogDestination.s3({ bucket: 'acme-logs', region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/fluent-bit' });

const chart = () => new Chart(Testing.app(), 'test');

/** The synth-time errors of `c`, each without cdk8s's indentation. */
function synthErrors(c: Chart): string[] {
  try {
    Testing.synth(c);
  } catch (e) {
    const [head, ...rest] = (e as Error).message.split('\n  [');
    expect(head).toBe('Validation failed with the following errors:');
    return rest.map((r) => `[${r}`);
  }
  throw new Error('expected synth to fail, but it succeeded');
}

function cis(c: Chart): CisBenchmark {
  return new CisBenchmark(c, 'cis', { owner: 'platform-team', image: KUBE_BENCH });
}

function etcd(c: Chart): EtcdSnapshot {
  return new EtcdSnapshot(c, 'etcd', etcdSnapshotProps());
}

function drill(c: Chart) {
  return new BackupPlan(c, 'plan', {
    namespaces: ['payments'],
    schedule: '15 * * * *',
    rpo: Duration.hours(1),
    volumes: VolumeData.csiSnapshots({ repositoryPassword: repositoryPassword() }),
    storage: { bucket: 'acme-prod-velero', region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' },
  }).addRestoreDrill('drill', {
    schedule: '0 2 * * *',
    rto: Duration.minutes(30),
    image: `registry.k8s.io/kubectl:v1.28.15@sha256:${'a'.repeat(64)}`,
    apiServer: { cidrs: ['10.0.0.10/32'] },
    owner: 'payments-team',
  });
}

const privileged = (c: Chart) => new PrivilegedNamespace(c, 'agents', { name: 'agents', owner: 'platform-team', reason: 'node agents need host access on every node' });

/** The practices whose breach the audit of `objects` finds and a recorded exception excepts. */
function excepted(objects: Manifest[]): string[] {
  return [...new Set(audit(objects).findings.filter((f) => f.excepted).map((f) => f.practiceId))].sort();
}

const ids = (list: ReadonlyArray<{ practice: string }>) => list.map((e) => e.practice);

describe('every built-in exception excuses a breach of what its construct renders', () => {
  test.each<[string, (c: Chart) => unknown, string[]]>([
    ['CisBenchmark', cis, ids(CIS_BENCHMARK_EXCEPTIONS)],
    ['EtcdSnapshot', etcd, ids(ETCD_SNAPSHOT_EXCEPTIONS)],
    ['RestoreDrill', drill, ids(RESTORE_DRILL_EXCEPTIONS)],
    ['PrivilegedNamespace', privileged, ['HK-NAMESPACE-002']],
    ['FluentBitAgent', (c) => new FluentBitAgent(c, 'logs', { image: FLUENT_BIT, destination: S3, egressTo: ['10.20.0.0/24'], owner: 'platform-team' }),
      ids(FLUENT_BIT_EXCEPTIONS)],
  ])('%s', (_name, build, expected) => {
    const c = chart();
    build(c);
    const found = excepted(Testing.synth(c));
    for (const id of expected) expect(found).toContain(id);
  });
});

describe('a built-in exception made idle by a patch is refused under its construct', () => {
  const idle = (path: string, construct: string, prop: string, id: string, title: string) => `[${path}] ${construct} prop '${prop}' `
    + `records the built-in exception to ${id} (${title}), but nothing the ${construct} renders breaks it.\n`
    + 'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
    + `Fix: a patch removed what it excuses (remove the patch), or the ${construct} no longer needs it: a bug of cdk8s-hardened, report it.`;

  test('CisBenchmark without hostPID', () => {
    const c = chart();
    // The patch applies to the props of the generated class, before they become JSON: `hostPid`, not `hostPID`.
    for (const job of cis(c).cronJobs) ApiObject.of(job).addJsonPatch(JsonPatch.remove('/spec/jobTemplate/spec/template/spec/hostPid'));
    expect(synthErrors(c)).toEqual([idle('test/cis', 'CisBenchmark', 'CIS_BENCHMARK_EXCEPTIONS[2]', 'HK-WORKLOAD-010', 'No host network / PID / IPC')]);
  });

  test('EtcdSnapshot without hostNetwork', () => {
    const c = chart();
    ApiObject.of(etcd(c).cronJob).addJsonPatch(JsonPatch.remove('/spec/jobTemplate/spec/template/spec/hostNetwork'));
    expect(synthErrors(c)).toEqual([idle('test/etcd', 'EtcdSnapshot', 'ETCD_SNAPSHOT_EXCEPTIONS[2]', 'HK-WORKLOAD-010', 'No host network / PID / IPC')]);
  });

  test('PrivilegedNamespace enforcing restricted', () => {
    const c = chart();
    ApiObject.of(privileged(c).namespace).addJsonPatch(JsonPatch.replace('/metadata/labels/pod-security.kubernetes.io~1enforce', 'restricted'));
    expect(synthErrors(c)).toEqual([idle('test/agents', 'PrivilegedNamespace', 'reason', 'HK-NAMESPACE-002', 'PSA `restricted`, version-pinned')]);
  });
});

describe('FluentBitAgent reports its idle exceptions under its own path and prop', () => {
  test('a user exception that excuses nothing names FluentBitAgent exceptions[0], not the inner SecureDaemonSet', () => {
    const c = chart();
    new FluentBitAgent(c, 'logs', {
      image: FLUENT_BIT,
      destination: S3,
      egressTo: ['10.20.0.0/24'],
      owner: 'platform-team',
      exceptions: [{ practice: 'HK-IMAGE-001', reason: 'the vendor publishes tags only (TICKET-9)' }],
    });
    expect(synthErrors(c)).toEqual([
      '[test/logs] FluentBitAgent prop \'exceptions[0]\' records an exception to HK-IMAGE-001 (Pin every image by digest), but nothing the FluentBitAgent renders breaks it.\n'
      + 'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
      + 'Fix: remove the exception, so a later change that needs it is judged again.',
    ]);
  });
});
