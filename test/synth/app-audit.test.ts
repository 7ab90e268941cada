import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, Include, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Finding } from '../../lib/audit/audit';
import { atLeast, Severity } from '../../lib/practices/practice';
import { HardenedAudit, HardenedAuditOptions } from '../../lib/synth/app-audit';
import { formatFinding } from '../../lib/synth/synth-pass';
import { compliantSet, DIGEST } from '../practices/fixtures';

const INCLUDED = join(__dirname, '..', 'fixtures', 'included-insecure.yaml');
const REASON = 'air-gapped nodes re-pull from the local mirror (OPS-77)';

let outdirs: string[] = [];
afterEach(() => {
  for (const d of outdirs) rmSync(d, { recursive: true, force: true });
  outdirs = [];
});

/** An App writing into a fresh temporary directory, with the audit enabled. */
function auditedApp(options: HardenedAuditOptions = {}): { app: App; chart: Chart; warnings: string[] } {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-app-audit-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  const warnings: string[] = [];
  HardenedAudit.enable(app, { ...options, warn: (s) => warnings.push(s) });
  return { app, chart: new Chart(app, 'prod'), warnings };
}

/** The compliant set as raw ApiObjects; `mutate` changes the Deployment. */
function addCompliantSet(chart: Chart, mutate: (deployment: any) => void = () => undefined): void {
  for (const obj of compliantSet() as any[]) {
    if (obj.kind === 'Deployment') mutate(obj);
    new ApiObject(chart, `${obj.kind}-${obj.metadata.name}`, obj);
  }
}

function synthError(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected synth to fail, but it succeeded');
}

/** Every finding of the last validation that must fail synth. */
function failing(app: App, threshold = Severity.HIGH): Finding[] {
  return HardenedAudit.lastReport(app)!.findings.filter((f) => !f.excepted && atLeast(f.severity, threshold));
}

/** The error lines cdk8s prints, one per failing finding: `[<construct path>] <finding>`. */
function errorLines(err: Error): string[] {
  const [head, ...lines] = err.message.split('\n');
  expect(head).toBe('Validation failed with the following errors:');
  return lines.map((l) => l.replace(/^ {2}/, ''));
}

describe('HardenedAudit.enable', () => {
  test('fails app.synth() on an insecure raw ApiObject, each error prefixed by its construct path', () => {
    const { app, chart } = auditedApp();
    new ApiObject(chart, 'raw', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'raw', namespace: 'shop' },
      spec: { containers: [{ name: 'app', image: 'nginx:latest', securityContext: { privileged: true } }] },
    });
    const lines = errorLines(synthError(() => app.synth()));
    const expected = failing(app);
    expect(expected.length).toBeGreaterThan(0);
    expect(lines.sort()).toEqual(expected.map((f) => `[prod/raw] ${formatFinding(f)}`).sort());
    expect(lines.some((l) => l.startsWith('[prod/raw] HK-WORKLOAD-001 (critical) No privileged containers: '))).toBe(true);
    expect(lines.some((l) => l.startsWith('[prod/raw] HK-IMAGE-002 (high) '))).toBe(true);
  });

  test('fails Testing.synth on a cdk8s-plus Deployment, under the path of its ApiObject', () => {
    const app = Testing.app();
    HardenedAudit.enable(app, { warn: () => undefined });
    const chart = new Chart(app, 'prod', { namespace: 'shop' });
    new kplus.Deployment(chart, 'web', { containers: [{ image: `registry.example.com/shop/web:1.0.0@${DIGEST}`, portNumber: 8080 }] });
    const lines = errorLines(synthError(() => Testing.synth(chart)));
    const expected = failing(app);
    expect(lines.sort()).toEqual(expected.map((f) => `[${f.constructPath}] ${formatFinding(f)}`).sort());
    expect(lines.some((l) => l.startsWith('[prod/web/Resource] HK-WORKLOAD-006 (high) Drop ALL capabilities: '))).toBe(true);
    expect(lines.some((l) => l.startsWith('[prod/web/Resource] HK-WORKLOAD-008 (high) '))).toBe(true);
  });

  test('fails synth on Included third-party YAML, under the Include\'s construct paths', () => {
    const { app, chart } = auditedApp();
    new Include(chart, 'vendor', { url: INCLUDED });
    const lines = errorLines(synthError(() => app.synth()));
    expect(lines.some((l) => l.startsWith('[prod/vendor/vendor-edge-service-vendor] HK-NETWORK-006 (high) '))).toBe(true);
    expect(lines.some((l) => l.startsWith('[prod/vendor/vendor-agent-deployment-vendor] HK-WORKLOAD-001 (critical) '))).toBe(true);
    expect(lines.some((l) => l.startsWith('[prod/vendor/vendor-agent-deployment-vendor] HK-WORKLOAD-010 (critical) '))).toBe(true);
    expect(lines).toHaveLength(failing(app).length);
  });

  test('a compliant app synthesizes without errors or warnings', () => {
    const { app, chart, warnings } = auditedApp();
    addCompliantSet(chart);
    expect(() => app.synth()).not.toThrow();
    expect(HardenedAudit.lastReport(app)!.findings).toEqual([]);
    expect(warnings).toEqual([]);
  });

  test('findings below failOn do not fail synth and are printed once, even over several validations', () => {
    const { app, chart, warnings } = auditedApp();
    addCompliantSet(chart, (d) => { d.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent'; });
    expect(() => app.synth()).not.toThrow();
    expect(() => app.synthYaml()).not.toThrow();
    expect(() => Testing.synth(chart)).not.toThrow();
    expect(warnings).toHaveLength(1);
    expect(warnings[0].split('\n')).toEqual([
      "cdk8s-hardened: 1 finding(s) below 'high' do not fail synth (run `cdk8s-hardened audit` on the output for every message and fix):",
      '  HK-IMAGE-004 (medium) `imagePullPolicy: Always`: 1 finding(s) on prod/Deployment-api',
    ]);
  });

  test('failOn: medium makes the same finding fail synth', () => {
    const { app, chart } = auditedApp({ failOn: Severity.MEDIUM });
    addCompliantSet(chart, (d) => { d.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent'; });
    const lines = errorLines(synthError(() => app.synth()));
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith('[prod/Deployment-api] HK-IMAGE-004 (medium) ')).toBe(true);
  });

  test('an excepted finding neither fails synth nor warns', () => {
    const { app, chart, warnings } = auditedApp();
    addCompliantSet(chart, (d) => {
      d.spec.template.spec.containers[0].image = 'registry.example.com/shop/api:1.4.2';
      d.metadata.annotations['exceptions.cdk8s-hardened.io/HK-IMAGE-001'] = REASON;
    });
    expect(() => app.synth()).not.toThrow();
    const excepted = HardenedAudit.lastReport(app)!.findings.filter((f) => f.excepted);
    expect(excepted.map((f) => [f.practiceId, f.exceptionReason])).toEqual([['HK-IMAGE-001', REASON]]);
    expect(warnings).toEqual([]);
  });

  test('the same high finding without the exception fails', () => {
    const { app, chart } = auditedApp();
    addCompliantSet(chart, (d) => { d.spec.template.spec.containers[0].image = 'registry.example.com/shop/api:1.4.2'; });
    const lines = errorLines(synthError(() => app.synth()));
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith('[prod/Deployment-api] HK-IMAGE-001 (high) Pin every image by digest: ')).toBe(true);
  });

  test('lastReport is undefined when the audit is not enabled', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-app-audit-'));
    outdirs.push(outdir);
    expect(HardenedAudit.lastReport(new App({ outdir }))).toBeUndefined();
  });
});
