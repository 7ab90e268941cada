import { Duration, Testing } from 'cdk8s';
import { CATALOGUE } from '../../lib/practices/catalogue';
import { kubeStateMetricsAnnotationLabel, kubeStateMetricsAnnotationsAllowlist, recordablePracticeIds } from '../../lib/runtime/alert-rules';
import { SecurityAlerts, SecurityAlertsProps } from '../../lib/runtime/security-alerts';

function synth(props: SecurityAlertsProps = {}): any {
  const chart = Testing.chart();
  new SecurityAlerts(chart, 'alerts', props);
  return Testing.synth(chart)[0];
}

function refusal(props: any): string {
  try {
    new SecurityAlerts(Testing.chart(), 'alerts', props);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('SecurityAlerts', () => {
  const rule = synth({ ruleLabels: { release: 'kube-prometheus-stack' } });
  const alerts: any[] = rule.spec.groups[0].rules;
  const byName = (name: string) => alerts.find((a) => a.alert === name);

  test('one PrometheusRule in the monitoring namespace, labelled for the ruleSelector', () => {
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.metadata.namespace).toBe('monitoring');
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
  });

  test('every alert names the practice it guards, a practice of the catalogue, in a label and an annotation', () => {
    const ids = new Set(CATALOGUE.map((p) => p.id));
    for (const a of alerts) {
      expect(ids.has(a.labels.practice)).toBe(true);
      expect(a.annotations.practice.startsWith(`${a.labels.practice} `)).toBe(true);
      expect(['critical', 'warning', 'info']).toContain(a.labels.severity);
    }
  });

  test('covers every signal of the issue, each with its practice', () => {
    expect(alerts.map((a) => [a.alert, a.labels.practice])).toEqual([
      ['HardenedWorkloadWithNewException', 'HK-AUDIT-003'],
      ['PodExecOrAttach', 'HK-RBAC-009'],
      ['SecretReadByUnexpectedSubject', 'HK-RBAC-005'],
      ['VeleroBackupFailed', 'HK-BACKUP-001'],
      ['VeleroBackupMissing', 'HK-BACKUP-001'],
      ['RestoreDrillFailed', 'HK-BACKUP-005'],
      ['RestoreDrillMissing', 'HK-BACKUP-005'],
      ['CisBenchmarkFailed', 'HK-CLUSTER-005'],
      ['CisBenchmarkMissing', 'HK-CLUSTER-005'],
      ['AdmissionDenialsRising', 'HK-CLUSTER-001'],
      ['CriticalVulnerabilityInRunningImage', 'HK-IMAGE-007'],
      ['LogShippingFailing', 'HK-AUDIT-001'],
    ]);
  });

  test('exec and attach come from the API server request counter', () => {
    expect(byName('PodExecOrAttach').expr).toBe(
      'sum by (subresource) (increase(apiserver_request_total{resource="pods",subresource=~"exec|attach|portforward"}[5m])) > 0');
  });

  test('critical findings come from the Trivy Operator per-severity gauge', () => {
    expect(byName('CriticalVulnerabilityInRunningImage').expr).toBe(
      'sum by (namespace, resource_kind, resource_name, image_repository, image_digest) (trivy_image_vulnerabilities{severity="Critical"}) > 0');
    expect(byName('CriticalVulnerabilityInRunningImage').labels.severity).toBe('critical');
  });

  test('admission denials compare webhooks and ValidatingAdmissionPolicies with the day before, above a floor', () => {
    const now = '((sum(rate(apiserver_admission_webhook_rejection_count{type="validating"}[15m])) or vector(0)) + '
      + '(sum(rate(apiserver_validating_admission_policy_check_total{enforcement_action="deny"}[15m])) or vector(0)))';
    const before = '((sum(rate(apiserver_admission_webhook_rejection_count{type="validating"}[15m] offset 1d)) or vector(0)) + '
      + '(sum(rate(apiserver_validating_admission_policy_check_total{enforcement_action="deny"}[15m] offset 1d)) or vector(0)))';
    expect(byName('AdmissionDenialsRising').expr).toBe(`${now} > 3 * ${before} and ${now} > 0.01`);
  });

  test('new exceptions: every recordable practice\'s annotation on workloads, new within the hour', () => {
    const expr: string = byName('HardenedWorkloadWithNewException').expr;
    for (const id of recordablePracticeIds()) {
      expect(expr).toContain(`${kubeStateMetricsAnnotationLabel(`exceptions.cdk8s-hardened.io/${id}`)}!=""}`);
    }
    expect(expr).toMatch(/^\(\{__name__=~"kube_\(deployment\|statefulset\|daemonset\|cronjob\)_annotations",/);
    expect(expr).toContain(') unless (');
    expect(expr).toContain('!=""} offset 1h');
  });

  test('the kube-state-metrics allowlist names each exception annotation for each watched kind', () => {
    const list = kubeStateMetricsAnnotationsAllowlist();
    expect(list.startsWith('deployments=[exceptions.cdk8s-hardened.io/HK-IMAGE-001,')).toBe(true);
    expect(list.split('],').map((part) => part.split('=[')[0])).toEqual(['deployments', 'statefulsets', 'daemonsets', 'cronjobs']);
    expect(kubeStateMetricsAnnotationLabel('exceptions.cdk8s-hardened.io/HK-WORKLOAD-003')).toBe('annotation_exceptions_cdk8s_hardened_io_HK_WORKLOAD_003');
  });

  test('refuses a reserved namespace', () => {
    expect(refusal({ namespace: 'kube-system' })).toBe(
      '[test/alerts] SecurityAlerts prop \'namespace\' is \'kube-system\', not a DNS label of its own (never default or kube-*).\n'
      + 'Practice HK-NAMESPACE-001 (Never the `default` or `kube-*` namespaces) refuses it.\n'
      + 'Fix: give a lower-case name such as \'monitoring\'.');
  });

  test('refuses ages below one hour and wrong types', () => {
    expect(refusal({ maxBackupAge: Duration.minutes(30) })).toBe(
      '[test/alerts] SecurityAlerts prop \'maxBackupAge\' is 1800 seconds, not a whole number of seconds of at least one hour.\n'
      + 'Fix: give a Duration such as Duration.hours(25).');
    expect(refusal({ maxJobAge: 86400 })).toBe(
      '[test/alerts] SecurityAlerts prop \'maxJobAge\' is number, not a whole number of seconds of at least one hour.\n'
      + 'Fix: give a Duration such as Duration.hours(25).');
  });

  test('refuses a denial ratio that would alert on no rise', () => {
    for (const [value, shown] of [[1, '1'], [NaN, 'NaN'], ['3', '3']] as const) {
      expect(refusal({ admissionDenialRatio: value })).toBe(
        `[test/alerts] SecurityAlerts prop 'admissionDenialRatio' is ${shown}, not a number greater than 1.\nFix: give e.g. 3: alert when denials triple.`);
    }
  });

  test('refuses labels Kubernetes would refuse', () => {
    expect(refusal({ ruleLabels: { release: 'has space' } })).toBe(
      '[test/alerts] SecurityAlerts prop \'ruleLabels.release\' is \'has space\', not a valid label.\n'
      + 'Fix: use label keys and values Kubernetes accepts (63 characters, alphanumerics, -, _ and .).');
    expect(refusal({ ruleLabels: null })).toBe(
      '[test/alerts] SecurityAlerts prop \'ruleLabels\' is null, not a map of labels.\nFix: give e.g. { release: \'kube-prometheus-stack\' }.');
  });
});
