import { Duration, Testing } from 'cdk8s';
import { TrivyOperatorConfig } from '../../lib/runtime/trivy-operator-config';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const SCANNER = `mirror.gcr.io/aquasec/trivy:0.67.2@${DIGEST}`;

function synth(props: any): any[] {
  const chart = Testing.chart();
  new TrivyOperatorConfig(chart, 'trivy', props);
  return Testing.synth(chart);
}

function refusal(props: any): string {
  try {
    new TrivyOperatorConfig(Testing.chart(), 'trivy', props);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('TrivyOperatorConfig', () => {
  const [operator, plugin, trivy] = synth({ scannerImage: SCANNER });

  test('the three ConfigMaps the operator reads, in its namespace', () => {
    expect([operator, plugin, trivy].map((c) => [c.kind, c.metadata.namespace, c.metadata.name])).toEqual([
      ['ConfigMap', 'trivy-system', 'trivy-operator-config'],
      ['ConfigMap', 'trivy-system', 'trivy-operator'],
      ['ConfigMap', 'trivy-system', 'trivy-operator-trivy-config'],
    ]);
  });

  test('scans running images and configuration, rescans daily, exports per-severity metrics only', () => {
    expect(operator.data).toMatchObject({
      OPERATOR_VULNERABILITY_SCANNER_ENABLED: 'true',
      OPERATOR_CONFIG_AUDIT_SCANNER_ENABLED: 'true',
      OPERATOR_RBAC_ASSESSMENT_SCANNER_ENABLED: 'true',
      OPERATOR_SCANNER_REPORT_TTL: '24h0m0s',
      OPERATOR_METRICS_FINDINGS_ENABLED: 'true',
      OPERATOR_METRICS_VULN_ID_ENABLED: 'false',
    });
  });

  test('the scanner image keeps its digest (the operator joins repository and tag with a colon)', () => {
    expect(`${trivy.data['trivy.repository']}:${trivy.data['trivy.tag']}`).toBe(SCANNER);
    expect(trivy.data['trivy.severity']).toBe('UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL');
    expect(trivy.data['trivy.ignoreUnfixed']).toBe('false');
    expect(trivy.data['trivy.mode']).toBe('Standalone');
  });

  test('scan jobs run hardened, in the operator namespace', () => {
    expect(JSON.parse(plugin.data['scanJob.podTemplateContainerSecurityContext'])).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(JSON.parse(plugin.data['scanJob.podTemplatePodSecurityContext'])).toEqual({
      runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(plugin.data['vulnerabilityReports.scanJobsInSameNamespace']).toBe('false');
  });

  test('ClientServer mode with a server URL, weekly rescans', () => {
    const [op, , tr] = synth({ scannerImage: SCANNER, serverUrl: 'https://trivy.trivy-system.svc:4954', rescanInterval: Duration.days(7) });
    expect(tr.data['trivy.mode']).toBe('ClientServer');
    expect(tr.data['trivy.serverURL']).toBe('https://trivy.trivy-system.svc:4954');
    expect(op.data.OPERATOR_SCANNER_REPORT_TTL).toBe('168h0m0s');
  });

  test('refuses a scanner image not pinned by digest', () => {
    for (const image of ['mirror.gcr.io/aquasec/trivy:0.67.2', `aquasec/trivy:0.67.2@${DIGEST}`, `mirror.gcr.io/aquasec/trivy@${DIGEST}`, undefined]) {
      expect(refusal({ scannerImage: image })).toBe(
        `[test/trivy] TrivyOperatorConfig prop 'scannerImage' is ${image === undefined ? 'undefined' : `'${image}'`}, not a fully qualified image with a tag, pinned by digest.\n`
        + 'Practice HK-IMAGE-001 (Pin every image by digest) refuses it.\n'
        + 'Fix: give \'<registry>/<repository>:<tag>@sha256:<digest>\', e.g. \'mirror.gcr.io/aquasec/trivy:0.67.2@sha256:…\'.');
    }
    expect(refusal(undefined)).toMatch(/^\[test\/trivy\] TrivyOperatorConfig prop 'scannerImage' is undefined, /);
  });

  test('refuses a rescan interval over a week', () => {
    expect(refusal({ scannerImage: SCANNER, rescanInterval: Duration.days(30) })).toBe(
      '[test/trivy] TrivyOperatorConfig prop \'rescanInterval\' is 2592000 seconds, outside one hour to 7 days.\n'
      + 'Practice HK-IMAGE-007 (Running images rescanned in the cluster, critical findings alerted) refuses it.\n'
      + 'Fix: rescan at least weekly so new vulnerabilities in running images are found, e.g. Duration.hours(24).');
  });

  test('refuses a plaintext Trivy server', () => {
    expect(refusal({ scannerImage: SCANNER, serverUrl: 'http://trivy:4954' })).toBe(
      '[test/trivy] TrivyOperatorConfig prop \'serverUrl\' is \'http://trivy:4954\', not an https URL.\n'
      + 'Fix: give the Trivy server\'s https URL, e.g. \'https://trivy.trivy-system.svc:4954\'.');
  });

  test('refuses a database repository with a tag, and a bad job count', () => {
    expect(refusal({ scannerImage: SCANNER, dbRepository: 'mirror.gcr.io/aquasec/trivy-db:2' })).toBe(
      '[test/trivy] TrivyOperatorConfig prop \'dbRepository\' is \'mirror.gcr.io/aquasec/trivy-db:2\', not a registry repository without tag.\n'
      + 'Fix: give e.g. \'registry.example.com/mirror/trivy-db\'.');
    expect(refusal({ scannerImage: SCANNER, concurrentScanJobs: 0 })).toBe(
      '[test/trivy] TrivyOperatorConfig prop \'concurrentScanJobs\' is 0, not a positive whole number.\nFix: give e.g. 10.');
  });
});
