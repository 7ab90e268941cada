import { ApiObject, JsonPatch, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  FLUENT_BIT_CONFIG_DIR, FLUENT_BIT_CONFIG_FILE, FLUENT_BIT_HTTP_PORT, FLUENT_BIT_METRICS_PORT, FLUENT_BIT_STATE_DIR, FLUENT_BIT_TLS_DIR,
  fluentBitConfig, FluentBitDestination,
} from './fluent-bit-config';
import { objectMeta } from '../cluster/object-meta';
import { PrivilegedNamespace } from '../cluster/privileged-namespace';
import { builtInIdle, userIdle } from '../exceptions/exception-set';
import * as monitoring from '../imports/service-monitor-monitoring.coreos.com';
import { requireOwner } from '../namespace/namespace-guards';
import { PracticeException } from '../practices/exceptions';
import { refuser } from '../refusal';
import * as kube from '../render/kube';
import { checkLabels, checkNamespaceName, orDefault, refuseRuntime, shown } from '../runtime/runtime-props';
import { IMountableSecret } from '../secrets/mountable-secret';
import { IPriorityClass, PriorityClass, PriorityTier } from '../workload/priority-class';
import { HealthCheck } from '../workload/probes';
import { SecureDaemonSet } from '../workload/secure-daemon-set';

const CONSTRUCT = 'FluentBitAgent';

/** Options of the AWS destinations, authenticated through the ServiceAccount (IRSA), never static keys. */
export interface AwsLogDestinationOptions {
  /** AWS region, e.g. `eu-west-1`. */
  readonly region: string;
  /** IAM role the agent's ServiceAccount assumes (IRSA annotation `eks.amazonaws.com/role-arn`). */
  readonly roleArn: string;
}

/** Options of `LogDestination.s3`. */
export interface S3LogDestinationOptions extends AwsLogDestinationOptions {
  /** Bucket name; encrypt it with KMS by bucket policy. */
  readonly bucket: string;
  /**
   * Key prefix, ending with `/`.
   * @default 'kubernetes/'
   */
  readonly prefix?: string;
}

/** Options of `LogDestination.cloudWatch`. */
export interface CloudWatchLogDestinationOptions extends AwsLogDestinationOptions {
  /** Log group prefix; the agent writes `<logGroup>/containers` and `<logGroup>/audit`, which must exist (retention set there). */
  readonly logGroup: string;
}

/** Options of `LogDestination.openSearch` / `.elasticsearch`. */
export interface SearchLogDestinationOptions {
  /** Host name of the cluster endpoint (TLS, certificate verified). */
  readonly host: string;
  /** @default 443 */
  readonly port?: number;
  /** Index prefix; the agent writes `<index>-containers` and `<index>-audit`. @default 'kubernetes' */
  readonly index?: string;
  /** Amazon OpenSearch Service: sign requests with the ServiceAccount's IAM role (IRSA). @default - no AWS signing */
  readonly aws?: AwsLogDestinationOptions;
  /** A Secret with `tls.crt` and `tls.key` for mutual TLS, mounted as files. @default - no client certificate */
  readonly clientCertificate?: IMountableSecret;
}

/** Options of `LogDestination.loki`. */
export interface LokiLogDestinationOptions {
  /** Host name of Loki's push endpoint (TLS, certificate verified). */
  readonly host: string;
  /** @default 443 */
  readonly port?: number;
  /** Tenant (`X-Scope-OrgID`). @default - none */
  readonly tenant?: string;
  /** A Secret with `tls.crt` and `tls.key` for mutual TLS, mounted as files. @default - no client certificate */
  readonly clientCertificate?: IMountableSecret;
}

/** Where the agent ships logs. Every destination is reached over TLS with the server certificate verified. */
export class LogDestination {
  /** Amazon S3, gzip objects under `<prefix>containers/` and `<prefix>audit/`. */
  public static s3(options: S3LogDestinationOptions): LogDestination {
    return new LogDestination('s3', options);
  }
  /** Amazon CloudWatch Logs. */
  public static cloudWatch(options: CloudWatchLogDestinationOptions): LogDestination {
    return new LogDestination('cloudwatch', options);
  }
  /** OpenSearch (self-managed, or Amazon OpenSearch Service with `aws`). */
  public static openSearch(options: SearchLogDestinationOptions): LogDestination {
    return new LogDestination('opensearch', options);
  }
  /** Elasticsearch. */
  public static elasticsearch(options: SearchLogDestinationOptions): LogDestination {
    return new LogDestination('elasticsearch', options);
  }
  /** Grafana Loki. */
  public static loki(options: LokiLogDestinationOptions): LogDestination {
    return new LogDestination('loki', options);
  }

  private constructor(
    /** @internal */
    public readonly _kind: FluentBitDestination['kind'],
    /** @internal */
    public readonly _options: any,
  ) {}
}

/** Props of FluentBitAgent. */
export interface FluentBitAgentProps {
  /** Fluent Bit image (3.x, YAML configuration), pinned by digest, e.g. `cr.fluentbit.io/fluent/fluent-bit:3.2.10@sha256:…`. */
  readonly image: string;
  /** Where logs go. */
  readonly destination: LogDestination;
  /**
   * Networks (CIDR) of the destination's endpoints, the only egress the agent gets besides DNS; `0.0.0.0/0` needs a
   * recorded HK-NETWORK-004 exception in `exceptions`.
   */
  readonly egressTo: string[];
  /** Team that owns the agent's namespace. */
  readonly owner: string;
  /**
   * The agent's own namespace (a PrivilegedNamespace: reading /var/log takes a host path).
   * @default 'logging'
   */
  readonly namespace?: string;
  /**
   * Path of the API-server audit log on control-plane nodes (AuditPolicy's `logPath`); `false` for a managed control
   * plane, whose audit log the provider ships.
   * @default '/var/log/kubernetes/audit/audit.log'
   */
  readonly auditLogPath?: string | false;
  /**
   * Subjects whose Secret reads are expected (user names, `*` wildcards); any other reader raises the
   * SecretReadByUnexpectedSubject alert.
   * @default DEFAULT_EXPECTED_SECRET_READERS
   */
  readonly expectedSecretReaders?: string[];
  /**
   * Namespace of Prometheus, allowed to scrape the agent's two metrics ports.
   * @default 'monitoring'
   */
  readonly prometheusNamespace?: string;
  /**
   * Labels of the Prometheus pods allowed to scrape.
   * @default { 'app.kubernetes.io/name': 'prometheus' }
   */
  readonly prometheusPodLabels?: Record<string, string>;
  /**
   * Priority class of the agent.
   * @default - a PriorityClass of tier CRITICAL, created in the agent's construct
   */
  readonly priorityClass?: IPriorityClass;
  /**
   * Labels the Prometheus `serviceMonitorSelector` matches, e.g. `{ release: 'kube-prometheus-stack' }`.
   * @default - none
   */
  readonly serviceMonitorLabels?: Record<string, string>;
  /** Further exceptions, e.g. HK-NETWORK-004 for internet egress. @default - only the agent's own host-access exceptions */
  readonly exceptions?: PracticeException[];
}

/** Subjects that read Secrets in every cluster: kubelets (for pods), the control plane and kube-system controllers. */
export const DEFAULT_EXPECTED_SECRET_READERS: readonly string[] = [
  'system:node:*', 'system:kube-controller-manager', 'system:kube-scheduler', 'system:apiserver', 'system:serviceaccount:kube-system:*',
];

/** The host access the agent needs, each with the reason recorded on the DaemonSet (HK-AUDIT-003). */
export const FLUENT_BIT_EXCEPTIONS: readonly PracticeException[] = [
  { practice: 'HK-WORKLOAD-011', reason: 'reads container logs under /var/log/containers and /var/log/pods and the API-server audit log, read-only' },
];

/**
 * A Fluent Bit node agent on SecureDaemonSet, in its own PrivilegedNamespace: it tails container logs and the
 * API-server audit log, ships both to the destination you name over verified TLS, and counts Secret reads by
 * unexpected subjects for the SecurityAlerts rule. Its only host access is /var/log, read-only, recorded as an
 * exception; everything else is the library's default — non-root, read-only root filesystem, no capabilities,
 * RuntimeDefault seccomp, no API token (it reads no API: container metadata comes from the log file names), egress
 * only to DNS and the destination, ingress only from Prometheus to its metrics ports.
 */
export class FluentBitAgent extends Construct {
  /** The agent's namespace. */
  public readonly namespace: PrivilegedNamespace;
  /** The DaemonSet. */
  public readonly daemonSet: SecureDaemonSet;
  /** The ConfigMap holding the Fluent Bit configuration. */
  public readonly configMap: k8s.KubeConfigMap;
  /** The ServiceMonitor through which Prometheus scrapes both metrics ports. */
  public readonly serviceMonitor: monitoring.ServiceMonitor;

  constructor(scope: Construct, id: string, props: FluentBitAgentProps) {
    super(scope, id);
    props = props ?? ({} as FluentBitAgentProps);
    requireOwner(refuser(this, CONSTRUCT), props.owner);
    const nsName = checkNamespaceName(this, CONSTRUCT, 'namespace', orDefault(props.namespace, 'logging'));
    const prometheusNamespace = checkNamespaceName(this, CONSTRUCT, 'prometheusNamespace', orDefault(props.prometheusNamespace, 'monitoring'));
    const { destination, roleArn, clientCertificate, port } = this.destination(props.destination);
    const auditLogPath = this.auditLogPath(orDefault<string | false>(props.auditLogPath, '/var/log/kubernetes/audit/audit.log'));
    const readers = this.readers(orDefault(props.expectedSecretReaders, [...DEFAULT_EXPECTED_SECRET_READERS]));
    const egressTo = this.egress(props.egressTo);

    this.namespace = new PrivilegedNamespace(this, 'Namespace', {
      name: nsName,
      owner: props.owner,
      reason: 'the log agent reads container and audit logs under /var/log on every node (read-only host path)',
    });
    this.configMap = new kube.KubeConfigMap(this.namespace, 'FluentBitConfig', {
      metadata: objectMeta({ scope: this.namespace, id: 'FluentBitConfig', name: 'fluent-bit-config', namespace: nsName, appName: 'fluent-bit', partOf: nsName }),
      data: { [FLUENT_BIT_CONFIG_FILE]: fluentBitConfig({ destination, auditLogPath, expectedSecretReaders: readers }) },
    });
    const priorityClass = props.priorityClass ?? new PriorityClass(this, 'Priority', { tier: PriorityTier.CRITICAL, name: `${nsName}-node-agent` });
    this.daemonSet = new SecureDaemonSet(this.namespace, 'fluent-bit', {
      image: props.image,
      command: ['/fluent-bit/bin/fluent-bit', '-c', `${FLUENT_BIT_CONFIG_DIR}/${FLUENT_BIT_CONFIG_FILE}`],
      ports: [{ name: 'http', port: FLUENT_BIT_HTTP_PORT }, { name: 'metrics', port: FLUENT_BIT_METRICS_PORT }],
      readinessProbe: HealthCheck.httpGet('/api/v1/uptime', { port: FLUENT_BIT_HTTP_PORT }),
      livenessProbe: HealthCheck.httpGet('/api/v1/health', { port: FLUENT_BIT_HTTP_PORT }),
      priorityClass,
      hostPaths: [{ hostPath: '/var/log' }],
      // Control-plane nodes hold the audit log; the agent must run there too.
      tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
      writablePaths: [{ path: FLUENT_BIT_STATE_DIR, sizeLimit: Size.gibibytes(1) }],
      // The state directory counts against ephemeral storage: the limit must hold it, or the kubelet evicts the agent first.
      resources: { ephemeralStorage: { request: Size.mebibytes(256), limit: Size.gibibytes(1) } },
      exceptions: [...FLUENT_BIT_EXCEPTIONS, ...(props.exceptions ?? [])],
    });
    const builtIn = FLUENT_BIT_EXCEPTIONS.length;
    this.daemonSet._reportIdleExceptionsAs(this, CONSTRUCT, (practice, index) => (index < builtIn
      ? builtInIdle(CONSTRUCT, `FLUENT_BIT_EXCEPTIONS[${index}]`, practice)
      : userIdle(CONSTRUCT, `exceptions[${index - builtIn}]`, practice)));
    for (const cidr of egressTo) this.daemonSet.allowEgressTo(cidr, [{ port, protocol: 'TCP' }]);
    const prometheus = { podLabels: this.labels(orDefault(props.prometheusPodLabels, { 'app.kubernetes.io/name': 'prometheus' })) };
    this.daemonSet.allowFromNamespace(prometheusNamespace, { ...prometheus, port: FLUENT_BIT_HTTP_PORT });
    this.daemonSet.allowFromNamespace(prometheusNamespace, { ...prometheus, port: FLUENT_BIT_METRICS_PORT });
    if (clientCertificate) this.daemonSet.mountSecret(clientCertificate, FLUENT_BIT_TLS_DIR);
    if (roleArn) this.daemonSet.serviceAccount.metadata.addAnnotation('eks.amazonaws.com/role-arn', roleArn);
    const monitorLabels = checkLabels(this, CONSTRUCT, 'serviceMonitorLabels', orDefault(props.serviceMonitorLabels, {}));
    this.serviceMonitor = new monitoring.ServiceMonitor(this.namespace, 'FluentBitMonitor', {
      metadata: objectMeta({ scope: this.namespace, id: 'FluentBitMonitor', name: 'fluent-bit', namespace: nsName, appName: 'fluent-bit', partOf: nsName, labels: monitorLabels }),
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': 'fluent-bit', 'app.kubernetes.io/part-of': nsName } },
        endpoints: [
          { port: 'http', path: '/api/v2/metrics/prometheus', interval: '30s' },
          { port: 'metrics', path: '/metrics', interval: '30s' },
        ],
      },
    });
    // SecureDaemonSet mounts no ConfigMap yet: the configuration volume is patched in, read-only like every mount.
    ApiObject.of(this.daemonSet).addJsonPatch(
      JsonPatch.add('/spec/template/spec/volumes/-', { name: 'fluent-bit-config', configMap: { name: 'fluent-bit-config', defaultMode: 0o444 } }),
      JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', { name: 'fluent-bit-config', mountPath: FLUENT_BIT_CONFIG_DIR, readOnly: true }),
    );
  }

  private destination(d: unknown): { destination: FluentBitDestination; roleArn?: string; clientCertificate?: IMountableSecret; port: number } {
    if (!(d instanceof LogDestination)) {
      refuseRuntime(this, CONSTRUCT, 'destination', `is ${shown(d)}, not a LogDestination`, 'use LogDestination.s3(…), .cloudWatch(…), .openSearch(…), .elasticsearch(…) or .loki(…).');
    }
    const o = d._options ?? {};
    const text = (prop: string, value: unknown, pattern: RegExp, example: string): string => {
      if (typeof value !== 'string' || !pattern.test(value)) refuseRuntime(this, CONSTRUCT, `destination.${prop}`, `is ${shown(value)}`, `give e.g. '${example}'.`);
      return value;
    };
    const region = (r: unknown) => text('region', r, /^[a-z]{2}(-[a-z]+)+-\d$/, 'eu-west-1');
    const role = (r: unknown) => text('roleArn', r, /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'arn:aws:iam::123456789012:role/log-shipper');
    const host = (h: unknown) => text('host', h, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, 'logs.example.com');
    const portOf = (p: unknown) => {
      const v = p === undefined ? 443 : p;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) refuseRuntime(this, CONSTRUCT, 'destination.port', `is ${shown(v)}, not a port`, 'give e.g. 443.');
      return v;
    };
    switch (d._kind) {
      case 's3':
        return {
          destination: { kind: 's3', bucket: text('bucket', o.bucket, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'acme-logs'), region: region(o.region), prefix: text('prefix', o.prefix ?? 'kubernetes/', /^([\w.-]+\/)+$/, 'kubernetes/') },
          roleArn: role(o.roleArn),
          port: 443,
        };
      case 'cloudwatch':
        return { destination: { kind: 'cloudwatch', region: region(o.region), logGroup: text('logGroup', o.logGroup, /^[\w#./-]{1,480}$/, '/kubernetes/prod') }, roleArn: role(o.roleArn), port: 443 };
      case 'loki': {
        const port = portOf(o.port);
        return { destination: { kind: 'loki', host: host(o.host), port, tenant: o.tenant, clientTls: !!o.clientCertificate }, clientCertificate: o.clientCertificate, port };
      }
      default: {
        const port = portOf(o.port);
        const aws = o.aws === undefined ? undefined : { region: region(o.aws?.region), roleArn: role(o.aws?.roleArn) };
        return {
          destination: { kind: d._kind, host: host(o.host), port, index: text('index', o.index ?? 'kubernetes', /^[a-z0-9][a-z0-9_-]*$/, 'kubernetes'), awsRegion: aws?.region, clientTls: !!o.clientCertificate },
          roleArn: aws?.roleArn,
          clientCertificate: o.clientCertificate,
          port,
        };
      }
    }
  }

  private labels(value: unknown): Record<string, string> {
    return checkLabels(this, CONSTRUCT, 'prometheusPodLabels', value);
  }

  private auditLogPath(value: unknown): string | undefined {
    if (value === false) return undefined;
    if (typeof value !== 'string' || !value.startsWith('/var/log/') || value.includes('..')) {
      refuseRuntime(this, CONSTRUCT, 'auditLogPath', `is ${shown(value)}, not a file under /var/log`, 'give the API server\'s --audit-log-path, e.g. \'/var/log/kubernetes/audit/audit.log\', or false for a managed control plane.');
    }
    return value;
  }

  private readers(value: unknown): string[] {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length === 0)) {
      refuseRuntime(this, CONSTRUCT, 'expectedSecretReaders', `is ${shown(value)}, not a list of user names`, 'give e.g. [\'system:serviceaccount:external-secrets:external-secrets\'].');
    }
    if (value.includes('*')) {
      refuseRuntime(this, CONSTRUCT, 'expectedSecretReaders', 'holds \'*\', which expects every reader and silences the alert', 'name the subjects that read Secrets.', 'HK-RBAC-005');
    }
    return [...value];
  }

  private egress(value: unknown): string[] {
    if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string')) {
      refuseRuntime(this, CONSTRUCT, 'egressTo', `is ${shown(value)}, not a non-empty list of CIDRs`, 'give the destination\'s networks, e.g. [\'10.20.0.0/24\'] for a VPC endpoint.');
    }
    return [...value];
  }
}
