import { CATALOGUE } from '../practices/catalogue';
import { EXCEPTION_ANNOTATION_PREFIX } from '../practices/exceptions';
import { ExceptionPolicy } from '../practices/practice';

/** How urgently an alert pages: the `severity` label Alertmanager routes on. */
export enum AlertSeverity {
  CRITICAL = 'critical',
  WARNING = 'warning',
  INFO = 'info',
}

/** An audit log entry an alert relies on: the generated audit Policy must log these requests at `level` or more. */
export interface AuditEvidence {
  /** API group, `''` for the core group. */
  readonly group: string;
  /** Resource, subresources as `pods/exec`. */
  readonly resource: string;
  /** Verbs whose requests must be logged. */
  readonly verbs: readonly string[];
  /** The least audit level that carries what the alert or its responder needs. */
  readonly level: 'Metadata' | 'Request' | 'RequestResponse';
}

/** One security alert: a PromQL condition and the practice it guards. */
export interface SecurityAlertRule {
  /** Alert name, UpperCamelCase. */
  readonly alert: string;
  /** The practice the alert guards; becomes the `practice` label. */
  readonly practice: string;
  readonly severity: AlertSeverity;
  /** PromQL. */
  readonly expr: string;
  /** How long the condition must hold (Prometheus duration). */
  readonly for: string;
  /** One line for the page. */
  readonly summary: string;
  /** What happened and where to look (Prometheus templates allowed). */
  readonly description: string;
  /** What must run in the cluster for the metric to exist. */
  readonly requires: string;
  /** What the audit log must hold for the alert (or for the responder who follows it up). */
  readonly auditEvidence?: readonly AuditEvidence[];
}

/** Namespace (name prefix) of the metrics the Fluent Bit agent derives from the API-server audit log. */
export const AUDIT_METRICS_NAMESPACE = 'cdk8s_hardened';

/** Metrics the Fluent Bit agent derives from the API-server audit log (FluentBitAgent), by name without the namespace. */
export const AUDIT_METRIC_NAMES = {
  /** Counter of Secret get/list/watch requests by subjects outside the expected list; labels user, namespace, verb. */
  secretReads: 'audit_secret_reads_total',
} as const;

/** The full Prometheus names of the audit-derived metrics. */
export const AUDIT_METRICS = {
  secretReads: `${AUDIT_METRICS_NAMESPACE}_${AUDIT_METRIC_NAMES.secretReads}`,
} as const;

/** Resolved settings of the alert rules (every prop of SecurityAlerts, defaults applied). */
export interface AlertRuleSettings {
  /** Namespace of the CIS benchmark CronJobs. */
  readonly cisBenchmarkNamespace: string;
  /** Name of the restore-drill CronJobs (one per drill namespace). */
  readonly restoreDrillName: string;
  /** Seconds after which a schedule with no successful Velero backup alerts. */
  readonly maxBackupAgeSeconds: number;
  /** Seconds after which a CronJob (drill, CIS) with no successful run alerts. */
  readonly maxJobAgeSeconds: number;
  /** Admission denials alert above this many times their rate at the same time one day before, */
  readonly admissionDenialRatio: number;
  /** and above this many denials per second. */
  readonly admissionDenialFloorPerSecond: number;
}

/** Workload kinds whose kube-state-metrics `*_annotations` series show recorded exceptions. */
export const EXCEPTION_WATCHED_KINDS: readonly string[] = ['deployments', 'statefulsets', 'daemonsets', 'cronjobs'];

/** The recordable practices, whose exception annotations the alert watches. */
export function recordablePracticeIds(): string[] {
  return CATALOGUE.filter((p) => p.exception === ExceptionPolicy.RECORDABLE).map((p) => p.id);
}

/**
 * kube-state-metrics `--metric-annotations-allowlist` value that exposes the exception annotations of workloads
 * (it exports no annotation unless listed).
 */
export function kubeStateMetricsAnnotationsAllowlist(): string {
  const keys = recordablePracticeIds().map((id) => `${EXCEPTION_ANNOTATION_PREFIX}${id}`).join(',');
  return EXCEPTION_WATCHED_KINDS.map((kind) => `${kind}=[${keys}]`).join(',');
}

/** The label kube-state-metrics gives an annotation: `annotation_` and the key with every other character as `_`. */
export function kubeStateMetricsAnnotationLabel(key: string): string {
  return `annotation_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

function exceptionSeries(offset: string): string {
  const kinds = EXCEPTION_WATCHED_KINDS.map((k) => k.replace(/s$/, '')).join('|');
  return recordablePracticeIds()
    .map((id) => `{__name__=~"kube_(${kinds})_annotations",${kubeStateMetricsAnnotationLabel(`${EXCEPTION_ANNOTATION_PREFIX}${id}`)}!=""}${offset}`)
    .join(' or ');
}

/** `sum(rate(...))` that is 0 rather than empty when no series exists, so sums and ratios stay defined. */
function rateOrZero(selector: string, window: string, offset = ''): string {
  return `(sum(rate(${selector}[${window}]${offset})) or vector(0))`;
}

/**
 * The security alert rules (pure): each guards one practice of the catalogue, so a firing alert names the
 * practice whose runtime evidence broke.
 */
export function securityAlertRules(s: AlertRuleSettings): SecurityAlertRule[] {
  const denials = (offset: string) => `(${rateOrZero('apiserver_admission_webhook_rejection_count{type="validating"}', '15m', offset)} + `
    + `${rateOrZero('apiserver_validating_admission_policy_check_total{enforcement_action="deny"}', '15m', offset)})`;
  const cis = `namespace="${s.cisBenchmarkNamespace}"`;
  return [
    {
      alert: 'HardenedWorkloadWithNewException',
      practice: 'HK-AUDIT-003',
      severity: AlertSeverity.INFO,
      expr: `(${exceptionSeries('')}) unless (${exceptionSeries(' offset 1h')})`,
      for: '0m',
      summary: 'A workload with a recorded practice exception appeared in {{ $labels.namespace }}',
      description: 'A Deployment, StatefulSet, DaemonSet or CronJob records an exceptions.cdk8s-hardened.io/<practice> annotation that was not '
        + 'there an hour ago. Review the reason in its manifest; the practice is relaxed for it.',
      requires: 'kube-state-metrics with --metric-annotations-allowlist as kubeStateMetricsAnnotationsAllowlist() gives it',
    },
    {
      alert: 'PodExecOrAttach',
      practice: 'HK-RBAC-009',
      severity: AlertSeverity.WARNING,
      expr: 'sum by (subresource) (increase(apiserver_request_total{resource="pods",subresource=~"exec|attach|portforward"}[5m])) > 0',
      for: '0m',
      summary: 'Someone ran kubectl {{ $labels.subresource }} into a pod',
      description: 'The API server served {{ $value }} pods/{{ $labels.subresource }} request(s) in 5 minutes. The audit log names the user, '
        + 'pod and command (logged at Request level).',
      requires: 'Prometheus scraping the API server',
      auditEvidence: [
        { group: '', resource: 'pods/exec', verbs: ['create', 'get'], level: 'Request' },
        { group: '', resource: 'pods/attach', verbs: ['create', 'get'], level: 'Request' },
        { group: '', resource: 'pods/portforward', verbs: ['create', 'get'], level: 'Request' },
      ],
    },
    {
      alert: 'SecretReadByUnexpectedSubject',
      practice: 'HK-RBAC-005',
      severity: AlertSeverity.WARNING,
      expr: `sum by (user, namespace, verb) (increase(${AUDIT_METRICS.secretReads}[5m])) > 0`,
      for: '0m',
      summary: '{{ $labels.user }} read Secrets in {{ $labels.namespace }}',
      description: '{{ $labels.user }} sent {{ $value }} {{ $labels.verb }} request(s) on Secrets in {{ $labels.namespace }}, and is not among the '
        + 'expected readers. The audit log (Metadata level: who, which Secret, never its content) has each request.',
      requires: 'the FluentBitAgent shipping the API-server audit log, its metrics endpoint scraped',
      auditEvidence: [{ group: '', resource: 'secrets', verbs: ['get', 'list', 'watch'], level: 'Metadata' }],
    },
    {
      alert: 'VeleroBackupFailed',
      practice: 'HK-BACKUP-001',
      severity: AlertSeverity.CRITICAL,
      expr: 'sum by (schedule) (increase(velero_backup_failure_total{schedule!=""}[1h])) > 0',
      for: '0m',
      summary: 'Velero backup of schedule {{ $labels.schedule }} failed',
      description: 'A backup of schedule {{ $labels.schedule }} failed in the last hour: `velero backup describe` the latest one.',
      requires: 'Prometheus scraping Velero (its /metrics port)',
    },
    {
      alert: 'VeleroBackupMissing',
      practice: 'HK-BACKUP-001',
      severity: AlertSeverity.CRITICAL,
      expr: `time() - max by (schedule) (velero_backup_last_successful_timestamp{schedule!=""}) > ${s.maxBackupAgeSeconds}`,
      for: '15m',
      summary: 'No successful Velero backup of schedule {{ $labels.schedule }} for too long',
      description: `The last successful backup of schedule {{ $labels.schedule }} is older than ${s.maxBackupAgeSeconds} seconds.`,
      requires: 'Prometheus scraping Velero (its /metrics port)',
    },
    {
      alert: 'RestoreDrillFailed',
      practice: 'HK-BACKUP-005',
      severity: AlertSeverity.WARNING,
      expr: `sum by (namespace, job_name) (kube_job_status_failed{job_name=~"${s.restoreDrillName}-[0-9]+"}) > 0`,
      for: '0m',
      summary: 'Restore drill {{ $labels.job_name }} failed in {{ $labels.namespace }}',
      description: 'The latest backup could not be restored and made ready within the RTO: read the drill Job\'s log.',
      requires: 'kube-state-metrics',
    },
    {
      alert: 'RestoreDrillMissing',
      practice: 'HK-BACKUP-005',
      severity: AlertSeverity.WARNING,
      expr: `time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{cronjob="${s.restoreDrillName}"}) > ${s.maxJobAgeSeconds}`,
      for: '1h',
      summary: 'No successful restore drill in {{ $labels.namespace }} for too long',
      description: `The restore drill CronJob has not succeeded for more than ${s.maxJobAgeSeconds} seconds.`,
      requires: 'kube-state-metrics',
    },
    {
      alert: 'CisBenchmarkFailed',
      practice: 'HK-CLUSTER-005',
      severity: AlertSeverity.WARNING,
      expr: `sum by (namespace, job_name) (kube_job_status_failed{${cis}}) > 0`,
      for: '0m',
      summary: 'CIS benchmark job {{ $labels.job_name }} failed',
      description: 'kube-bench did not complete: the cluster\'s CIS results are stale. Read the Job\'s log.',
      requires: 'kube-state-metrics',
    },
    {
      alert: 'CisBenchmarkMissing',
      practice: 'HK-CLUSTER-005',
      severity: AlertSeverity.WARNING,
      expr: `time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{${cis}}) > ${s.maxJobAgeSeconds}`,
      for: '1h',
      summary: 'No successful CIS benchmark run for too long ({{ $labels.cronjob }})',
      description: `The kube-bench CronJob {{ $labels.cronjob }} has not succeeded for more than ${s.maxJobAgeSeconds} seconds.`,
      requires: 'kube-state-metrics',
    },
    {
      alert: 'AdmissionDenialsRising',
      practice: 'HK-CLUSTER-001',
      severity: AlertSeverity.WARNING,
      expr: `${denials('')} > ${s.admissionDenialRatio} * ${denials(' offset 1d')} and ${denials('')} > ${s.admissionDenialFloorPerSecond}`,
      for: '15m',
      summary: 'Admission denials are rising',
      description: `Validating webhooks (Kyverno, Gatekeeper) and ValidatingAdmissionPolicies deny more than ${s.admissionDenialRatio} times as `
        + 'many requests as at the same time yesterday: someone is probing, or a rollout breaks a practice. Policy reports and the audit log '
        + 'name the objects.',
      requires: 'Prometheus scraping the API server',
    },
    {
      alert: 'CriticalVulnerabilityInRunningImage',
      practice: 'HK-IMAGE-007',
      severity: AlertSeverity.CRITICAL,
      expr: 'sum by (namespace, resource_kind, resource_name, image_repository, image_digest) (trivy_image_vulnerabilities{severity="Critical"}) > 0',
      for: '15m',
      summary: '{{ $labels.resource_kind }} {{ $labels.namespace }}/{{ $labels.resource_name }} runs an image with critical vulnerabilities',
      description: '{{ $value }} critical vulnerabilities in {{ $labels.image_repository }}@{{ $labels.image_digest }}: '
        + 'kubectl get vulnerabilityreports -n {{ $labels.namespace }} -o wide. Rebuild, re-scan, roll out the new digest.',
      requires: 'the Trivy Operator (TrivyOperatorConfig) with OPERATOR_METRICS_FINDINGS_ENABLED, its metrics scraped',
    },
    {
      alert: 'LogShippingFailing',
      practice: 'HK-AUDIT-001',
      severity: AlertSeverity.CRITICAL,
      expr: 'sum by (pod, name) (rate(fluentbit_output_retries_failed_total[5m])) > 0 or sum by (pod, name) (rate(fluentbit_output_dropped_records_total[5m])) > 0',
      for: '10m',
      summary: 'Fluent Bit {{ $labels.pod }} is losing records on output {{ $labels.name }}',
      description: 'Container and audit logs are not reaching their destination: retries are exhausted or records dropped.',
      requires: 'the FluentBitAgent, its metrics endpoint scraped',
    },
  ];
}
