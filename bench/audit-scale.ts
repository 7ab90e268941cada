/**
 * Audit CLI speed and memory on large inputs (issue 18), in one run on the same files:
 *   1. the CLI (`audit --format json`) on 20,000 objects beside a bare js-yaml `loadAll` of the same file: the
 *      ratio of their object rates is the figure to watch (target: at least 0.5);
 *   2. peak RSS of the CLI on a 50 MB input (target: at most 1 GB), and that findings still carry file:line;
 *   3. the CLI on 100,000 tiny documents.
 * Both sides run as users run them: the compiled bin under plain node, and a plain-node script that reads the file
 * and calls `loadAll` (the "bare" process), each in a fresh process, interleaved so both see the same machine load.
 * Each process reports its own CPU time (user + system, start-up included) and peak RSS; wall time is measured
 * around it. CPU time is the steadier figure on a shared machine; the load average is printed beside the table.
 * Nothing here asserts: numbers vary by machine and load.
 *
 *   ts-node -T bench/audit-scale.ts [objects=20000] [megabytes=50] [tiny=100000] [runs=5]
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { join } from 'path';
import { loadAll } from 'js-yaml';
import { stringify } from 'yaml';

const BIN = join(__dirname, '..', 'bin', 'cdk8s-hardened');

/** One application: the objects a typical chart renders, some of them insecure, so the audit has work to do. */
function app(ns: string, i: number): object[] {
  const name = `app-${i}`;
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': ns };
  const secure = i % 2 === 0;
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns, labels }, automountServiceAccountToken: false },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: secure ? { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } } : {},
            containers: [{
              name: 'app',
              image: secure ? `registry.example.com/${ns}/${name}:1.0.${i}@sha256:${'b'.repeat(64)}` : `nginx:${i % 3 === 0 ? 'latest' : '1.27'}`,
              imagePullPolicy: 'Always',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name, key: 'password' } } }],
              resources: secure ? { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } } : {},
              readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
              livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
              securityContext: secure
                ? { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }
                : { privileged: i % 7 === 0 },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, labels }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { 'app.properties': `name=${name}\nreplicas=2\n` } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: ns, labels },
      spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': `app-${i + 1}` } } }] }] },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, namespace: ns, labels },
      rules: [{ apiGroups: [''], resources: i % 13 === 0 ? ['pods/exec'] : ['configmaps'], verbs: ['get', 'list'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    },
  ];
}

/** `count` objects in namespaces of ten applications each, as one multi-document YAML text. */
export function manifests(count: number): { text: string; objects: number } {
  const docs: string[] = [];
  for (let n = 0; docs.length < count; n++) {
    const ns = `team-${n}`;
    docs.push(stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
    for (let i = 0; i < 10 && docs.length < count; i++) {
      for (const o of app(ns, i)) if (docs.length < count) docs.push(stringify(o));
    }
  }
  return { text: docs.join('---\n'), objects: docs.length };
}

/** Tiny documents: one small ConfigMap each. */
function tinyDocuments(count: number): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}, namespace: tiny}\ndata: {k: v}\n`);
  return docs.join('---\n');
}

/** One process run: what it reported about itself, and the wall time around it. */
interface ProcessRun {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly peakMb: number;
}

/** Scripts the bench runs its processes with, written once into the scratch directory. */
interface Scripts {
  /** Preloaded into every measured process: writes its CPU time and peak RSS to BENCH_USAGE at exit. */
  readonly probe: string;
  /** The bare reader: `loadAll` of each file named, nothing else. */
  readonly bare: string;
}

function writeScripts(dir: string): Scripts {
  const probe = join(dir, 'usage-probe.js');
  writeFileSync(probe, [
    'process.on(\'exit\', () => {',
    '  const cpu = process.cpuUsage();',
    '  require(\'fs\').writeFileSync(process.env.BENCH_USAGE, JSON.stringify({ cpuSeconds: (cpu.user + cpu.system) / 1e6, peakMb: process.resourceUsage().maxRSS / 1024 }));',
    '});',
  ].join('\n') + '\n');
  const bare = join(dir, 'bare-load-all.js');
  writeFileSync(bare, [
    `const { loadAll } = require(${JSON.stringify(require.resolve('js-yaml'))});`,
    'const { readFileSync } = require(\'fs\');',
    'let n = 0;',
    'for (const file of process.argv.slice(2)) n += loadAll(readFileSync(file, \'utf8\')).length;',
    'if (n === 0) process.exit(3);',
  ].join('\n') + '\n');
  return { probe, bare };
}

/** Runs `node --require probe args...` and returns its usage; throws when the exit code is not `ok`. */
function measure(dir: string, scripts: Scripts, args: readonly string[], ok: readonly number[] = [0]): ProcessRun {
  const usageFile = join(dir, 'usage.json');
  rmSync(usageFile, { force: true });
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', scripts.probe, ...args], {
    encoding: 'utf8', env: { ...process.env, BENCH_USAGE: usageFile }, maxBuffer: 64 * 1024 * 1024,
  });
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status === null || !ok.includes(r.status)) throw new Error(`${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
  return { wallSeconds, cpuSeconds: usage.cpuSeconds, peakMb: usage.peakMb };
}

function cli(dir: string, scripts: Scripts, file: string): { run: ProcessRun; report: any } {
  const out = join(dir, 'report.json');
  const run = measure(dir, scripts, [BIN, 'audit', '--format', 'json', '--fail-on', 'none', '--output', out, file]);
  return { run, report: JSON.parse(readFileSync(out, 'utf8')) };
}

/** `loadAll` in this process, after the first call has warmed its code: the fastest the parser goes. */
function warmLoadAllSeconds(file: string): number {
  const text = readFileSync(file, 'utf8');
  loadAll(text);
  const start = process.cpuUsage();
  loadAll(text);
  const cpu = process.cpuUsage(start);
  return (cpu.user + cpu.system) / 1e6;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function min(xs: readonly number[]): number {
  return Math.min(...xs);
}

/** Figures of several runs of one program on one file. */
class Series {
  public readonly runs: ProcessRun[] = [];
  constructor(public readonly objects: number) {}
  public cpu(of: (xs: number[]) => number): number {
    return of(this.runs.map((r) => r.cpuSeconds));
  }
  public wall(of: (xs: number[]) => number): number {
    return of(this.runs.map((r) => r.wallSeconds));
  }
  public peakMb(): number {
    return Math.max(...this.runs.map((r) => r.peakMb));
  }
}

const HEADER = ['step', 'objects', 'findings', 'runs', 'CPU s min / med', 'wall s min / med', 'objects/s (CPU med)', 'ratio CPU / wall', 'peak RSS MB'];

/** A table row for a series; the ratio is against `bare` (medians of CPU and of wall). */
function row(label: string, s: Series, findings: string, bare?: Series): string[] {
  const ratio = bare
    ? `${((s.objects / s.cpu(median)) / (bare.objects / bare.cpu(median))).toFixed(2)} / ${((s.objects / s.wall(median)) / (bare.objects / bare.wall(median))).toFixed(2)}`
    : '-';
  return [label, String(s.objects), findings, String(s.runs.length), `${s.cpu(min).toFixed(2)} / ${s.cpu(median).toFixed(2)}`,
    `${s.wall(min).toFixed(2)} / ${s.wall(median).toFixed(2)}`, Math.round(s.objects / s.cpu(median)).toString(), ratio, s.peakMb().toFixed(0)];
}

function main(): void {
  const count = Number(process.argv[2] ?? 20000);
  const megabytes = Number(process.argv[3] ?? 50);
  const tiny = Number(process.argv[4] ?? 100000);
  const runs = Number(process.argv[5] ?? 5);
  const dir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-audit-scale-'));
  const rows: string[][] = [];
  const notes: string[] = [];
  const mb = (file: string) => (statSync(file).size / 1e6).toFixed(1);
  const loadBefore = loadavg();
  try {
    const scripts = writeScripts(dir);
    // 1. Throughput against js-yaml, interleaved so both see the same machine load.
    const set = manifests(count);
    const file = join(dir, 'objects.yaml');
    writeFileSync(file, set.text);
    const bare = new Series(set.objects);
    const audit = new Series(set.objects);
    let report: any;
    for (let run = 0; run < runs; run++) {
      bare.runs.push(measure(dir, scripts, [scripts.bare, file]));
      const c = cli(dir, scripts, file);
      audit.runs.push(c.run);
      report = c.report;
    }
    rows.push(row(`bare js-yaml loadAll process, ${mb(file)} MB`, bare, '-'));
    rows.push(row(`CLI audit --format json, ${mb(file)} MB`, audit, String(report.findings.length), bare));
    const warm = warmLoadAllSeconds(file);
    notes.push(`For reference, loadAll of the same file warm inside this process (no start-up, code already optimised): ${warm.toFixed(2)} s CPU, `
      + `${Math.round(set.objects / warm)} objects/s; the CLI's CPU rate against it: ${((set.objects / audit.cpu(median)) / (set.objects / warm)).toFixed(2)}.`);

    // 2. Peak memory on a ~50 MB file; every finding must still carry file:line.
    const perObject = set.text.length / set.objects;
    const big = manifests(Math.ceil((megabytes * 1e6) / perObject));
    const bigFile = join(dir, 'big.yaml');
    writeFileSync(bigFile, big.text);
    const bigBare = new Series(big.objects);
    bigBare.runs.push(measure(dir, scripts, [scripts.bare, bigFile]));
    const bigAudit = new Series(big.objects);
    const b = cli(dir, scripts, bigFile);
    bigAudit.runs.push(b.run);
    const located = b.report.findings.every((f: any) => f.location && f.location.file === bigFile && f.location.line > 0);
    rows.push(row(`bare js-yaml loadAll process, ${mb(bigFile)} MB`, bigBare, '-'));
    rows.push(row(`CLI on ${mb(bigFile)} MB${located ? '' : ' (FINDINGS WITHOUT file:line)'}`, bigAudit, String(b.report.findings.length), bigBare));
    notes.push(`Every finding of the ${mb(bigFile)} MB run carries file:line: ${located ? 'yes' : 'NO'}.`);

    // 3. Many tiny documents.
    const tinyFile = join(dir, 'tiny.yaml');
    writeFileSync(tinyFile, tinyDocuments(tiny));
    const tinyBare = new Series(tiny);
    tinyBare.runs.push(measure(dir, scripts, [scripts.bare, tinyFile]));
    const tinyAudit = new Series(tiny);
    const t = cli(dir, scripts, tinyFile);
    tinyAudit.runs.push(t.run);
    rows.push(row(`bare js-yaml loadAll process, ${tiny} tiny documents`, tinyBare, '-'));
    rows.push(row(`CLI on ${tiny} tiny documents`, tinyAudit, String(t.report.findings.length), tinyBare));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log('Audit CLI against a bare js-yaml loadAll of the same file, both fresh plain-node processes '
    + '(ratio = CLI objects/s / bare objects/s; targets: ratio >= 0.5, peak RSS <= 1024 MB on 50 MB)');
  console.log(line(HEADER));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  for (const n of notes) console.log(n);
  console.log(`Load average (1, 5, 15 min) before: ${load(loadBefore)}; after: ${load(loadavg())}; ${cpus().length} CPUs.`);
}

if (require.main === module) main();
