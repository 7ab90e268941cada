/**
 * Synth benchmark: N workloads wired in chains and fan-outs, synthesized once with SecureDeployment (the audit
 * included, through HardenedAudit) and once with the equivalent plain cdk8s-plus-28 Deployments, Services and
 * `connections.allowFrom`. Each (variant, N) runs in its own child process, so peak RSS is that run's alone. Prints a
 * markdown table; nothing here asserts. Run with `npm run bench`, or:
 *
 *   ts-node -T bench/synth.ts [N ...]      (default 100 1000 5000)
 */
import { spawnSync } from 'child_process';
import { App, Chart } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import { HardenedAudit } from '../lib/audit/app-audit';
import { LockedNamespace } from '../lib/namespace/locked-namespace';
import { HealthCheck } from '../lib/workload/probes';
import { SecureDeployment } from '../lib/workload/secure-deployment';

type Variant = 'hardened' | 'plain';

const PER_NAMESPACE = 50;
const IMAGE = `registry.example.com/bench/app:1.0.0@sha256:${'d'.repeat(64)}`;
/** The readiness check every hardened workload gives (its liveness check defaults to a TCP connect). */
const READY = HealthCheck.httpGet('/ready');

interface Measurement {
  readonly variant: Variant;
  readonly n: number;
  readonly objects: number;
  readonly seconds: number;
  readonly peakMiB: number;
}

/**
 * The wiring of workload i: in each namespace, the first five form a chain (i-1 → i) and every later one is called by
 * the namespace's first workload (a fan-out), so connections grow linearly with N.
 */
function callerOf(i: number): number | undefined {
  const local = i % PER_NAMESPACE;
  if (local === 0) return undefined;
  return local < 5 ? i - 1 : i - local;
}

function buildHardened(app: App, n: number): void {
  HardenedAudit.enable(app);
  const chart = new Chart(app, 'bench');
  const workloads: SecureDeployment[] = [];
  let ns: LockedNamespace | undefined;
  for (let i = 0; i < n; i++) {
    if (i % PER_NAMESPACE === 0) ns = new LockedNamespace(chart, `ns-${i / PER_NAMESPACE}`, { owner: 'bench-team', allowedRegistries: ['registry.example.com'] });
    workloads.push(new SecureDeployment(ns!, `w-${i}`, { image: IMAGE, port: 8080, readinessProbe: READY }));
    const caller = callerOf(i);
    if (caller !== undefined) workloads[i].allowFrom(workloads[caller]);
  }
}

function buildPlain(app: App, n: number): void {
  const workloads: Deployment[] = [];
  let chart: Chart | undefined;
  for (let i = 0; i < n; i++) {
    if (i % PER_NAMESPACE === 0) chart = new Chart(app, `ns-${i / PER_NAMESPACE}`, { namespace: `ns-${i / PER_NAMESPACE}` });
    const d = new Deployment(chart!, `w-${i}`, { replicas: 2, containers: [{ image: IMAGE, portNumber: 8080 }] });
    d.exposeViaService();
    workloads.push(d);
    const caller = callerOf(i);
    if (caller !== undefined) d.connections.allowFrom(workloads[caller]);
  }
}

function child(variant: Variant, n: number): void {
  const start = process.hrtime.bigint();
  const app = new App({ outdir: '/dev/null' });
  if (variant === 'hardened') buildHardened(app, n);
  else buildPlain(app, n);
  const yaml = app.synthYaml();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const objects = yaml.split('\n---\n').length;
  const measurement: Measurement = { variant, n, objects, seconds, peakMiB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

function run(variant: Variant, n: number): Measurement {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', variant, String(n)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=8192`.trim() },
  });
  if (r.status !== 0) throw new Error(`${variant} N=${n} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    child(args[1] as Variant, Number(args[2]));
    return;
  }
  const sizes = args.length > 0 ? args.map(Number) : [100, 1000, 5000];
  const rows: string[] = [];
  const hardenedTimes: number[] = [];
  for (const n of sizes) {
    const hardened = run('hardened', n);
    const plain = run('plain', n);
    hardenedTimes.push(hardened.seconds);
    rows.push(`| ${n} | ${hardened.objects} | ${hardened.seconds.toFixed(2)} | ${hardened.peakMiB.toFixed(0)} | ${plain.objects} | `
      + `${plain.seconds.toFixed(2)} | ${plain.peakMiB.toFixed(0)} | ${(hardened.seconds / plain.seconds).toFixed(2)} | `
      + `${(hardened.peakMiB / plain.peakMiB).toFixed(2)} |`);
  }
  process.stdout.write([
    `Synth benchmark (node ${process.version}; ${PER_NAMESPACE} workloads per namespace, chains of 5 and fan-outs)`,
    '',
    '| N | hardened objects | hardened s | hardened peak MiB | plain objects | plain s | plain peak MiB | time ratio | memory ratio |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    ...sizes.slice(1).map((n, i) => `hardened time ${n} vs ${sizes[i]}: ${(hardenedTimes[i + 1] / hardenedTimes[i]).toFixed(2)}x for ${(n / sizes[i]).toFixed(0)}x the workloads`),
    '',
  ].join('\n'));
}

main();
