/**
 * Audit throughput: generates a large, realistic set (namespaces with Deployments, Services, NetworkPolicies,
 * ServiceAccounts, Roles and RoleBindings), times `audit()` in-process, then the CLI on the same set as one YAML
 * file (parse + audit + JSON report). Run with `npm run bench`; numbers vary by machine, nothing here asserts.
 *
 *   ts-node -T bench/audit-throughput.ts [objects]      (default 20000)
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { stringify } from 'yaml';
import { audit } from '../lib/audit/audit';
import { loadManifests } from '../lib/audit/load';
import { renderJson, renderSarif, renderText } from '../lib/audit/report';
import { Manifest } from '../lib/practices/manifest';

const APPS_PER_NAMESPACE = 10;
const RUNS = 3;

function app(ns: string, name: string, i: number): Manifest[] {
  const labels = { 'app.kubernetes.io/name': name };
  const secure = i % 2 === 0;
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns }, automountServiceAccountToken: false },
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
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
              securityContext: secure
                ? { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }
                : { privileged: i % 7 === 0 },
            }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns },
      spec: { type: i % 11 === 0 ? 'NodePort' : 'ClusterIP', selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: ns },
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': `app-${(i + 1) % APPS_PER_NAMESPACE}` } } }], ports: [{ port: 8080 }] }],
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, namespace: ns },
      rules: [{ apiGroups: [''], resources: i % 13 === 0 ? ['pods/exec'] : ['configmaps'], verbs: ['get'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    },
  ];
}

function generate(target: number): Manifest[] {
  const out: Manifest[] = [];
  for (let n = 0; out.length < target; n++) {
    const ns = `team-${n}`;
    out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (let i = 0; i < APPS_PER_NAMESPACE && out.length < target; i++) out.push(...app(ns, `app-${i}`, n * APPS_PER_NAMESPACE + i));
  }
  return out.slice(0, target);
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main(): Promise<void> {
  const target = Number(process.argv[2] ?? 20000);
  const objects = generate(target);
  const rows: string[][] = [];

  for (let run = 1; run <= RUNS; run++) {
    const start = process.hrtime.bigint();
    const report = audit(objects);
    const s = seconds(start);
    rows.push([`audit() run ${run}`, String(objects.length), String(report.findings.length), s.toFixed(2), Math.round(objects.length / s).toString()]);
  }

  const report = audit(objects);
  for (const [name, render] of [['renderText', renderText], ['renderJson', renderJson], ['renderSarif', renderSarif]] as const) {
    const start = process.hrtime.bigint();
    render(report);
    const s = seconds(start);
    rows.push([name, String(objects.length), String(report.findings.length), s.toFixed(2), Math.round(objects.length / s).toString()]);
  }

  const dir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-bench-'));
  try {
    const file = join(dir, 'objects.yaml');
    writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
    const parseStart = process.hrtime.bigint();
    const loaded = await loadManifests([file]);
    const parseSeconds = seconds(parseStart);
    rows.push(['loadManifests (YAML parse)', String(loaded.objects.length), '-', parseSeconds.toFixed(2), Math.round(loaded.objects.length / parseSeconds).toString()]);
    const out = join(dir, 'report.json');
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [join(__dirname, '..', 'bin', 'cdk8s-hardened'), 'audit', '--format', 'json', '--output', out, file], { encoding: 'utf8' });
    const s = seconds(start);
    if (r.status !== 0 && r.status !== 1) throw new Error(`the CLI failed (exit ${r.status}): ${r.stderr}`);
    const findings = (JSON.parse(readFileSync(out, 'utf8')).findings as unknown[]).length;
    rows.push([`CLI parse+audit (${(statSync(file).size / 1e6).toFixed(1)} MB YAML)`, String(objects.length), String(findings), s.toFixed(2),
      Math.round(objects.length / s).toString()]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const header = ['step', 'objects', 'findings', 'seconds', 'objects/s'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
