import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkNamespaceName, orDefault, refuseRuntime, shown } from './runtime-props';
import { objectMeta } from '../cluster/object-meta';
import { parseImageReference } from '../practices/checks/image/util';
import * as kube from '../render/kube';
import { goDuration } from '../units/duration';

const CONSTRUCT = 'TrivyOperatorConfig';

/** The ConfigMaps the Trivy Operator reads, by the names its chart and binary use. */
export const TRIVY_OPERATOR_CONFIGMAPS = {
  /** Operator settings, read as environment variables (`OPERATOR_*`). */
  operator: 'trivy-operator-config',
  /** Scan job settings (`scanJob.*`, `vulnerabilityReports.*`, `configAuditReports.*`). */
  plugin: 'trivy-operator',
  /** Trivy scanner settings (`trivy.*`). */
  trivy: 'trivy-operator-trivy-config',
} as const;

/** The uid and gid the scan jobs run as: the library's default identity. */
const SCAN_IDENTITY = 65532;

/** Props of TrivyOperatorConfig. */
export interface TrivyOperatorConfigProps {
  /**
   * The Trivy scanner image the scan jobs run, pinned by digest (HK-IMAGE-001), e.g.
   * `mirror.gcr.io/aquasec/trivy:0.67.2@sha256:…`.
   */
  readonly scannerImage: string;
  /**
   * Namespace the operator runs in (its chart's release namespace).
   * @default 'trivy-system'
   */
  readonly namespace?: string;
  /**
   * How long a VulnerabilityReport is kept before the image is scanned again (at least one hour, at most 7 days):
   * what runs is re-checked against new vulnerability data at this interval.
   * @default Duration.hours(24)
   */
  readonly rescanInterval?: Duration;
  /**
   * OCI repository of the vulnerability database (a mirror for air-gapped clusters).
   * @default 'mirror.gcr.io/aquasec/trivy-db'
   */
  readonly dbRepository?: string;
  /**
   * Trivy server URL for ClientServer mode (one shared database); must be https.
   * @default - Standalone: each scan job downloads the database
   */
  readonly serverUrl?: string;
  /**
   * Scan jobs running at once.
   * @default 10
   */
  readonly concurrentScanJobs?: number;
}

/**
 * The Trivy Operator's configuration: three ConfigMaps in its namespace, for an operator installed from its chart
 * (apply these after the chart, or keep the chart from creating them). It scans every running workload's images
 * (VulnerabilityReports) and configuration (ConfigAuditReports, RbacAssessmentReports; ExposedSecretReports by the
 * operator's default) and
 * keeps the reports in the cluster, rescans each image every `rescanInterval`, exports per-severity metrics for the
 * `CriticalVulnerabilityInRunningImage` alert (HK-IMAGE-007), records every severity (the alert decides what pages),
 * and runs its scan jobs in its own namespace as non-root with a read-only root filesystem, no capabilities,
 * RuntimeDefault seccomp (and the operator's default of no API token).
 */
export class TrivyOperatorConfig extends Construct {
  /** The operator's namespace. */
  public readonly namespace: string;
  /** The ConfigMaps, keyed like TRIVY_OPERATOR_CONFIGMAPS. */
  public readonly configMaps: Readonly<Record<keyof typeof TRIVY_OPERATOR_CONFIGMAPS, k8s.KubeConfigMap>>;

  constructor(scope: Construct, id: string, props: TrivyOperatorConfigProps) {
    super(scope, id);
    // Plain JavaScript may pass nothing: the missing scannerImage is then refused like any other.
    props = props ?? ({} as TrivyOperatorConfigProps);
    const namespace = this.namespace = checkNamespaceName(this, CONSTRUCT, 'namespace', orDefault(props.namespace, 'trivy-system'));
    const data = trivyOperatorConfigData({
      scanner: this.scannerImage(props.scannerImage),
      rescanInterval: this.rescanInterval(orDefault(props.rescanInterval, Duration.hours(24))),
      dbRepository: this.repository(orDefault(props.dbRepository, 'mirror.gcr.io/aquasec/trivy-db')),
      serverUrl: props.serverUrl === undefined ? undefined : this.serverUrl(props.serverUrl),
      concurrentScanJobs: this.positiveInteger('concurrentScanJobs', orDefault(props.concurrentScanJobs, 10)),
    });
    const configMap = (key: keyof typeof TRIVY_OPERATOR_CONFIGMAPS) => new kube.KubeConfigMap(this, key, {
      metadata: objectMeta({ scope: this, id: key, name: TRIVY_OPERATOR_CONFIGMAPS[key], namespace, appName: 'trivy-operator', partOf: namespace }),
      data: data[key],
    });
    this.configMaps = { operator: configMap('operator'), plugin: configMap('plugin'), trivy: configMap('trivy') };
  }

  private scannerImage(image: unknown): { repository: string; tag: string } {
    const parsed = parseImageReference(image);
    if (!parsed || !parsed.digest || !parsed.domain || !parsed.tag) {
      refuseRuntime(this, CONSTRUCT, 'scannerImage', `is ${shown(image)}, not a fully qualified image with a tag, pinned by digest`,
        'give \'<registry>/<repository>:<tag>@sha256:<digest>\', e.g. \'mirror.gcr.io/aquasec/trivy:0.67.2@sha256:…\'.', 'HK-IMAGE-001');
    }
    // The operator joins `trivy.repository` and `trivy.tag` with ':', so the digest rides in the tag.
    return { repository: `${parsed.domain}/${parsed.repository}`, tag: `${parsed.tag}@${parsed.digest}` };
  }

  private rescanInterval(value: unknown): string {
    const s = value instanceof Duration ? value.toSeconds({ integral: false }) : NaN;
    if (!(s >= 3600 && s <= 7 * 86400) || !Number.isInteger(s)) {
      refuseRuntime(this, CONSTRUCT, 'rescanInterval', `is ${value instanceof Duration ? `${s} seconds` : shown(value)}, outside one hour to 7 days`,
        'rescan at least weekly so new vulnerabilities in running images are found, e.g. Duration.hours(24).', 'HK-IMAGE-007');
    }
    return goDuration(value as Duration);
  }

  private repository(value: unknown): string {
    const parsed = parseImageReference(value);
    if (!parsed || parsed.tag || parsed.digest || !parsed.domain) {
      refuseRuntime(this, CONSTRUCT, 'dbRepository', `is ${shown(value)}, not a registry repository without tag`, 'give e.g. \'registry.example.com/mirror/trivy-db\'.');
    }
    return value as string;
  }

  private serverUrl(value: unknown): string {
    let url: URL | undefined;
    try {
      url = typeof value === 'string' ? new URL(value) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'https:') {
      refuseRuntime(this, CONSTRUCT, 'serverUrl', `is ${shown(value)}, not an https URL`, 'give the Trivy server\'s https URL, e.g. \'https://trivy.trivy-system.svc:4954\'.');
    }
    return value as string;
  }

  private positiveInteger(prop: string, value: unknown): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      refuseRuntime(this, CONSTRUCT, prop, `is ${shown(value)}, not a positive whole number`, 'give e.g. 10.');
    }
    return value;
  }
}

/** Validated inputs of `trivyOperatorConfigData`. */
export interface TrivyOperatorSettings {
  readonly scanner: { readonly repository: string; readonly tag: string };
  /** Go duration. */
  readonly rescanInterval: string;
  readonly dbRepository: string;
  readonly serverUrl?: string;
  readonly concurrentScanJobs: number;
}

/** The three ConfigMaps' data (pure). Keys are the operator's; values are strings, as ConfigMaps hold them. */
export function trivyOperatorConfigData(s: TrivyOperatorSettings): Record<keyof typeof TRIVY_OPERATOR_CONFIGMAPS, Record<string, string>> {
  const podSecurityContext = {
    runAsNonRoot: true, runAsUser: SCAN_IDENTITY, runAsGroup: SCAN_IDENTITY, fsGroup: SCAN_IDENTITY, seccompProfile: { type: 'RuntimeDefault' },
  };
  const containerSecurityContext = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: SCAN_IDENTITY,
    runAsGroup: SCAN_IDENTITY,
    seccompProfile: { type: 'RuntimeDefault' },
  };
  return {
    operator: {
      OPERATOR_VULNERABILITY_SCANNER_ENABLED: 'true',
      OPERATOR_CONFIG_AUDIT_SCANNER_ENABLED: 'true',
      OPERATOR_RBAC_ASSESSMENT_SCANNER_ENABLED: 'true',
      OPERATOR_VULNERABILITY_SCANNER_SCAN_ONLY_CURRENT_REVISIONS: 'true',
      OPERATOR_CONFIG_AUDIT_SCANNER_SCAN_ONLY_CURRENT_REVISIONS: 'true',
      // Reports expire after the interval, which makes the operator scan the running image again.
      OPERATOR_SCANNER_REPORT_TTL: s.rescanInterval,
      OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT: String(s.concurrentScanJobs),
      OPERATOR_SCAN_JOB_TIMEOUT: '5m',
      OPERATOR_METRICS_BIND_ADDRESS: ':8080',
      OPERATOR_HEALTH_PROBE_BIND_ADDRESS: ':9090',
      // Per-severity gauges (trivy_image_vulnerabilities) for the alert; per-CVE series would explode cardinality.
      OPERATOR_METRICS_FINDINGS_ENABLED: 'true',
      OPERATOR_METRICS_VULN_ID_ENABLED: 'false',
      // The exposed-secret scanner (on by default) and its metrics (off by default) keep the operator's defaults:
      // keys named like credentials are refused in ConfigMaps (HK-SECRETS-006), whatever their value.
    },
    plugin: {
      'vulnerabilityReports.scanner': 'Trivy',
      // Scan jobs stay in the operator's namespace, never in application namespaces.
      'vulnerabilityReports.scanJobsInSameNamespace': 'false',
      'configAuditReports.scanner': 'Trivy',
      'scanJob.podTemplatePodSecurityContext': JSON.stringify(podSecurityContext),
      'scanJob.podTemplateContainerSecurityContext': JSON.stringify(containerSecurityContext),
      // scanJob.automountServiceAccountToken keeps the operator's default, false (HK-SECRETS-006 refuses the key's name).
      'scanJob.compressLogs': 'true',
      'report.recordFailedChecksOnly': 'true',
    },
    trivy: {
      'trivy.repository': s.scanner.repository,
      'trivy.tag': s.scanner.tag,
      'trivy.imagePullPolicy': 'Always',
      'trivy.severity': 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL',
      'trivy.ignoreUnfixed': 'false',
      'trivy.dbRepository': s.dbRepository,
      'trivy.timeout': '5m0s',
      'trivy.mode': s.serverUrl ? 'ClientServer' : 'Standalone',
      ...(s.serverUrl ? { 'trivy.serverURL': s.serverUrl } : {}),
      'trivy.resources.requests.cpu': '100m',
      'trivy.resources.requests.memory': '128Mi',
      'trivy.resources.requests.ephemeral-storage': '1Gi',
      'trivy.resources.limits.cpu': '500m',
      'trivy.resources.limits.memory': '1Gi',
      'trivy.resources.limits.ephemeral-storage': '4Gi',
    },
  };
}
