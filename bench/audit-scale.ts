/**
 * Audit CLI speed and memory on large inputs (issue 18), in one run on the same files:
 *   1. the CLI (`audit --format json`) on 20,000 objects beside a bare js-yaml `loadAll` of the same file: the
 *      ratio of their object rates is the figure to watch (target: at least 0.5);
 *   2. peak RSS of the CLI on a 50 MB input (target: at most 1 GB), and that findings still carry file:line;
 *   3. wall time of the CLI on 100,000 tiny documents.
 * Run with `npm run bench` (after compile); nothing here asserts, numbers vary by machine and load.
 *
 *   ts-node -T bench/audit-scale.ts [objects=20000] [megabytes=50] [tiny=100000]
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadAll } from 'js-yaml';
import { stringify } from 'yaml';

const BIN = join(__dirname, '..', 'bin', 'cdk8s-hardened');
const RUNS = 3;

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

interface CliRun {
  readonly seconds: number;
  readonly maxRssMb: number;
  readonly report: any;
}

/** Runs the CLI with a probe that records its peak RSS at exit. */
function runCli(dir: string, file: string): CliRun {
  const probe = join(dir, 'rss-probe.js');
  const rssFile = join(dir, 'rss.txt');
  writeFileSync(probe, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
  const out = join(dir, 'report.json');
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', probe, BIN, 'audit', '--format', 'json', '--fail-on', 'none', '--output', out, file], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`the CLI failed (exit ${r.status}): ${r.stderr}`);
  return { seconds, maxRssMb: Number(readFileSync(rssFile, 'utf8')) / 1024, report: JSON.parse(readFileSync(out, 'utf8')) };
}

function timeLoadAll(file: string): number {
  const start = process.hrtime.bigint();
  const docs = loadAll(readFileSync(file, 'utf8'));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (docs.length === 0) throw new Error('js-yaml read nothing');
  return seconds;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const count = Number(process.argv[2] ?? 20000);
  const megabytes = Number(process.argv[3] ?? 50);
  const tiny = Number(process.argv[4] ?? 100000);
  const dir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-audit-scale-'));
  const rows: string[][] = [];
  const mb = (file: string) => (statSync(file).size / 1e6).toFixed(1);
  try {
    // 1. Throughput against js-yaml, interleaved so both see the same machine load.
    const set = manifests(count);
    const file = join(dir, 'objects.yaml');
    writeFileSync(file, set.text);
    const cli: number[] = [];
    const bare: number[] = [];
    let report: any;
    for (let run = 0; run < RUNS; run++) {
      bare.push(timeLoadAll(file));
      const r = runCli(dir, file);
      cli.push(r.seconds);
      report = r.report;
    }
    const cliRate = set.objects / median(cli);
    const bareRate = set.objects / median(bare);
    rows.push([`js-yaml loadAll, ${mb(file)} MB`, String(set.objects), '-', median(bare).toFixed(2), Math.round(bareRate).toString(), '-', '-']);
    rows.push([`CLI audit --format json, ${mb(file)} MB`, String(report.objectCount), String(report.findings.length), median(cli).toFixed(2),
      Math.round(cliRate).toString(), (cliRate / bareRate).toFixed(2), '-']);

    // 2. Peak memory on a ~50 MB file; every finding must still carry file:line.
    const perObject = set.text.length / set.objects;
    const big = manifests(Math.ceil((megabytes * 1e6) / perObject));
    const bigFile = join(dir, 'big.yaml');
    writeFileSync(bigFile, big.text);
    const bigBare = timeLoadAll(bigFile);
    const b = runCli(dir, bigFile);
    const located = b.report.findings.every((f: any) => f.location && f.location.file === bigFile && f.location.line > 0);
    rows.push([`js-yaml loadAll, ${mb(bigFile)} MB`, String(big.objects), '-', bigBare.toFixed(2), Math.round(big.objects / bigBare).toString(), '-', '-']);
    rows.push([`CLI on ${mb(bigFile)} MB${located ? '' : ' (FINDINGS WITHOUT file:line)'}`, String(b.report.objectCount), String(b.report.findings.length),
      b.seconds.toFixed(2), Math.round(big.objects / b.seconds).toString(), (bigBare / b.seconds).toFixed(2), b.maxRssMb.toFixed(0)]);

    // 3. Many tiny documents.
    const tinyFile = join(dir, 'tiny.yaml');
    writeFileSync(tinyFile, tinyDocuments(tiny));
    const tinyBare = timeLoadAll(tinyFile);
    const t = runCli(dir, tinyFile);
    rows.push([`js-yaml loadAll, ${tiny} tiny documents`, String(tiny), '-', tinyBare.toFixed(2), Math.round(tiny / tinyBare).toString(), '-', '-']);
    rows.push([`CLI on ${tiny} tiny documents`, String(t.report.objectCount), String(t.report.findings.length), t.seconds.toFixed(2),
      Math.round(tiny / t.seconds).toString(), ((tiny / t.seconds) / (tiny / tinyBare)).toFixed(2), t.maxRssMb.toFixed(0)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const header = ['step', 'objects', 'findings', 'seconds', 'objects/s', 'ratio', 'peak RSS MB'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log('Audit CLI against a bare js-yaml loadAll of the same file (ratio = CLI rate / js-yaml rate; targets: ratio >= 0.5, peak RSS <= 1024 MB)');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

if (require.main === module) main();
