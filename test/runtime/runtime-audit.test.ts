import { Duration, Testing } from 'cdk8s';
import { audit } from '../../lib/audit/audit';
import { auditPolicy } from '../../lib/cluster/audit-policy';
import { loggedLevel } from '../../lib/practices/checks/audit/audit-policy';
import { securityAlertRules } from '../../lib/runtime/alert-rules';
import { FalcoRules } from '../../lib/runtime/falco-rules';
import { SecurityAlerts } from '../../lib/runtime/security-alerts';
import { TrivyOperatorConfig } from '../../lib/runtime/trivy-operator-config';

const SCANNER = `mirror.gcr.io/aquasec/trivy:0.67.2@sha256:${'b'.repeat(64)}`;

function runtimeObjects(): any[] {
  const chart = Testing.chart();
  new SecurityAlerts(chart, 'alerts', { ruleLabels: { release: 'kube-prometheus-stack' } });
  new TrivyOperatorConfig(chart, 'trivy', { scannerImage: SCANNER });
  new FalcoRules(chart, 'falco', { watchNamespaces: ['payments', 'shop'] });
  return Testing.synth(chart);
}

const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'];

describe('runtime-defense objects', () => {
  const objects = runtimeObjects();

  test('audit clean against the whole catalogue', () => {
    expect(audit(objects).findings.map((f) => `${f.practiceId} ${f.object.kind}/${f.object.name}: ${f.message}`)).toEqual([]);
  });

  test('the same bytes on every synth', () => {
    expect(JSON.stringify(runtimeObjects())).toBe(JSON.stringify(objects));
  });
});

describe('the alert rules and the generated audit Policy agree on what is logged', () => {
  const rules = auditPolicy().rules;
  const alerts = securityAlertRules({
    cisBenchmarkNamespace: 'cis-benchmark',
    restoreDrillName: 'restore-drill',
    maxBackupAgeSeconds: 90000,
    maxJobAgeSeconds: 691200,
    admissionDenialRatio: 3,
    admissionDenialFloorPerSecond: 0.01,
  });
  const evidence = alerts.flatMap((a) => (a.auditEvidence ?? [])
    .flatMap((e) => e.verbs.map((verb) => [a.alert, e.group, e.resource, verb, e.level] as const)));

  test('some alerts rely on the audit log', () => {
    expect(evidence.map(([alert]) => alert)).toEqual(expect.arrayContaining(['PodExecOrAttach', 'SecretReadByUnexpectedSubject']));
  });

  test.each(evidence)('%s: %s %s %s is logged at %s or more', (_alert, group, resource, verb, level) => {
    expect(LEVELS.indexOf(loggedLevel(rules, group, resource, verb))).toBeGreaterThanOrEqual(LEVELS.indexOf(level));
  });

  test('Secret reads are logged at Metadata exactly: who and which, never the content', () => {
    for (const verb of ['get', 'list', 'watch']) expect(loggedLevel(rules, '', 'secrets', verb)).toBe('Metadata');
  });
});

test('maxBackupAge and maxJobAge reach the expressions in seconds', () => {
  const chart = Testing.chart();
  new SecurityAlerts(chart, 'alerts', { maxBackupAge: Duration.hours(2), maxJobAge: Duration.days(2) });
  const rules = Testing.synth(chart)[0].spec.groups[0].rules;
  expect(rules.find((r: any) => r.alert === 'VeleroBackupMissing').expr).toBe(
    'time() - max by (schedule) (velero_backup_last_successful_timestamp{schedule!=""}) > 7200');
  expect(rules.find((r: any) => r.alert === 'CisBenchmarkMissing').expr).toBe(
    'time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{namespace="cis-benchmark"}) > 172800');
});
