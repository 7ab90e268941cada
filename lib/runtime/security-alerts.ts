import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertRuleSettings, securityAlertRules, SecurityAlertRule } from './alert-rules';
import { checkDnsLabel, checkLabels, checkNamespaceName, orDefault, refuseRuntime } from './runtime-props';
import { objectMeta } from '../cluster/object-meta';
import * as monitoring from '../imports/prometheus-rule-monitoring.coreos.com';
import { practice } from '../practices/catalogue';

const CONSTRUCT = 'SecurityAlerts';

/** Props of SecurityAlerts. */
export interface SecurityAlertsProps {
  /**
   * Namespace of the PrometheusRule: where the Prometheus Operator looks for rules (its `ruleNamespaceSelector`).
   * @default 'monitoring'
   */
  readonly namespace?: string;
  /**
   * Labels the Prometheus `ruleSelector` matches, e.g. `{ release: 'kube-prometheus-stack' }`.
   * @default - none
   */
  readonly ruleLabels?: Record<string, string>;
  /**
   * Namespace of the CisBenchmark CronJobs.
   * @default 'cis-benchmark'
   */
  readonly cisBenchmarkNamespace?: string;
  /**
   * Name of the restore-drill CronJobs BackupPlan generates.
   * @default 'restore-drill'
   */
  readonly restoreDrillName?: string;
  /**
   * Age of the last successful Velero backup of a schedule after which it alerts (at least one hour).
   * @default Duration.hours(25) — a daily schedule that missed one run
   */
  readonly maxBackupAge?: Duration;
  /**
   * Age of the last successful restore drill or CIS benchmark run after which it alerts (at least one hour).
   * @default Duration.days(8) — a weekly job that missed one run
   */
  readonly maxJobAge?: Duration;
  /**
   * Admission denials alert when they exceed this many times their rate one day before (more than 1).
   * @default 3
   */
  readonly admissionDenialRatio?: number;
}

/**
 * PrometheusRule (`monitoring.coreos.com/v1`) with the library's security alerts, each labelled with the practice it
 * guards: workloads appearing with recorded exceptions, exec/attach/port-forward into pods, Secret reads by
 * unexpected subjects, failed or missing backups and restore drills, failed or missing CIS benchmark runs, rising
 * admission denials, critical vulnerabilities in running images and log shipping failures. Alerts that send a
 * responder to the audit log name what they need from it, and the generated AuditPolicy logs exactly that.
 */
export class SecurityAlerts extends Construct {
  /** The alert rules, in the order they are rendered. */
  public readonly rules: readonly SecurityAlertRule[];
  /** The PrometheusRule. */
  public readonly resource: monitoring.PrometheusRule;

  constructor(scope: Construct, id: string, props: SecurityAlertsProps = {}) {
    super(scope, id);
    props = props ?? {};
    const namespace = checkNamespaceName(this, CONSTRUCT, 'namespace', orDefault(props.namespace, 'monitoring'));
    const ruleLabels = checkLabels(this, CONSTRUCT, 'ruleLabels', orDefault(props.ruleLabels, {}));
    const settings: AlertRuleSettings = {
      cisBenchmarkNamespace: checkNamespaceName(this, CONSTRUCT, 'cisBenchmarkNamespace', orDefault(props.cisBenchmarkNamespace, 'cis-benchmark')),
      restoreDrillName: checkDnsLabel(this, CONSTRUCT, 'restoreDrillName', orDefault(props.restoreDrillName, 'restore-drill'), 'restore-drill'),
      maxBackupAgeSeconds: this.ageSeconds('maxBackupAge', orDefault(props.maxBackupAge, Duration.hours(25))),
      maxJobAgeSeconds: this.ageSeconds('maxJobAge', orDefault(props.maxJobAge, Duration.days(8))),
      admissionDenialRatio: this.ratio(orDefault(props.admissionDenialRatio, 3)),
      admissionDenialFloorPerSecond: 0.01,
    };
    this.rules = securityAlertRules(settings);
    this.resource = new monitoring.PrometheusRule(this, 'Resource', {
      metadata: objectMeta({ scope: this, id: 'Resource', name: 'cdk8s-hardened-security-alerts', namespace, appName: 'security-alerts', partOf: namespace, labels: ruleLabels }),
      spec: { groups: [{ name: 'cdk8s-hardened.security', rules: this.rules.map(renderRule) }] },
    });
    this.node.defaultChild = this.resource;
  }

  private ageSeconds(prop: string, value: unknown): number {
    const secondsOf = value instanceof Duration ? value.toSeconds({ integral: false }) : NaN;
    if (!(secondsOf >= 3600) || !Number.isInteger(secondsOf)) {
      refuseRuntime(this, CONSTRUCT, prop, `is ${value instanceof Duration ? `${secondsOf} seconds` : typeof value}, not a whole number of seconds of at least one hour`,
        'give a Duration such as Duration.hours(25).');
    }
    return secondsOf;
  }

  private ratio(value: unknown): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 1) {
      refuseRuntime(this, CONSTRUCT, 'admissionDenialRatio', `is ${String(value)}, not a number greater than 1`, 'give e.g. 3: alert when denials triple.');
    }
    return value;
  }
}

function renderRule(r: SecurityAlertRule): monitoring.PrometheusRuleSpecGroupsRules {
  return {
    alert: r.alert,
    expr: monitoring.PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
    for: r.for,
    labels: { severity: r.severity, practice: r.practice },
    annotations: {
      summary: r.summary,
      description: r.description,
      practice: `${r.practice} ${practice(r.practice).title}`,
      requires: r.requires,
    },
  };
}
