import { AUDIT_METRIC_NAMES, AUDIT_METRICS_NAMESPACE } from '../runtime/alert-rules';
import { yamlLibrary } from '../yaml/yaml-library';

/** Port of Fluent Bit's HTTP server: health, uptime and its own metrics (`/api/v2/metrics/prometheus`). */
export const FLUENT_BIT_HTTP_PORT = 2020;
/** Port of the `prometheus_exporter` output: the metrics derived from the audit log. */
export const FLUENT_BIT_METRICS_PORT = 2021;
/** Where the configuration file is mounted. */
export const FLUENT_BIT_CONFIG_DIR = '/fluent-bit/etc/cdk8s-hardened';
/** The configuration file's name in its ConfigMap. */
export const FLUENT_BIT_CONFIG_FILE = 'fluent-bit.yaml';
/** Writable scratch for tail offsets and buffered chunks (an emptyDir: host paths are mounted read-only). */
export const FLUENT_BIT_STATE_DIR = '/var/fluent-bit/state';
/** Where client certificates of mutual-TLS outputs are mounted. */
export const FLUENT_BIT_TLS_DIR = '/etc/fluent-bit/tls';

/** Where logs go: one of the outputs Fluent Bit ships, resolved. */
export type FluentBitDestination =
  | { readonly kind: 's3'; readonly bucket: string; readonly region: string; readonly prefix: string }
  | { readonly kind: 'cloudwatch'; readonly region: string; readonly logGroup: string }
  | { readonly kind: 'opensearch' | 'elasticsearch'; readonly host: string; readonly port: number; readonly index: string; readonly awsRegion?: string; readonly clientTls: boolean }
  | { readonly kind: 'loki'; readonly host: string; readonly port: number; readonly tenant?: string; readonly clientTls: boolean };

/** Validated inputs of `fluentBitConfig`. */
export interface FluentBitSettings {
  readonly destination: FluentBitDestination;
  /** Path of the API-server audit log on control-plane nodes; undefined when the control plane is managed. */
  readonly auditLogPath?: string;
  /** Subjects (user names, `*` wildcards) whose Secret reads are expected and not counted. */
  readonly expectedSecretReaders: readonly string[];
}

/** Tag prefixes of the two log streams. */
const CONTAINER_TAG = 'kube.*';
const AUDIT_TAG = 'audit.*';
const METRICS_TAG = 'audit_metrics';
/** Secret requests copied out of the audit stream, for counting (no output matches it). */
const SECRETS_TAG = 'audit_secrets';

/** A glob of subjects as one anchored regular expression alternative. */
function subjectPattern(glob: string): string {
  return glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
}

function tls(clientTls: boolean): Record<string, string> {
  return {
    'tls': 'on',
    'tls.verify': 'on',
    ...(clientTls ? { 'tls.crt_file': `${FLUENT_BIT_TLS_DIR}/tls.crt`, 'tls.key_file': `${FLUENT_BIT_TLS_DIR}/tls.key` } : {}),
  };
}

/** The output section(s) for one destination and one stream (`match`). */
function outputsFor(d: FluentBitDestination, match: string, stream: 'containers' | 'audit'): Record<string, unknown> {
  switch (d.kind) {
    case 's3':
      return {
        name: 's3',
        match,
        bucket: d.bucket,
        region: d.region,
        s3_key_format: `/${d.prefix}${stream}/%Y/%m/%d/%H/$UUID.gz`,
        compression: 'gzip',
        use_put_object: 'on',
        total_file_size: '50M',
        upload_timeout: '5m',
        store_dir: `${FLUENT_BIT_STATE_DIR}/s3-${stream}`,
      };
    case 'cloudwatch':
      return {
        name: 'cloudwatch_logs',
        match,
        region: d.region,
        log_group_name: `${d.logGroup}/${stream}`,
        log_stream_prefix: `${stream}-`,
        auto_create_group: 'off',
      };
    case 'loki':
      return {
        name: 'loki',
        match,
        host: d.host,
        port: d.port,
        labels: `stream=${stream}`,
        line_format: 'json',
        ...(d.tenant ? { tenant_id: d.tenant } : {}),
        ...tls(d.clientTls),
      };
    default:
      return {
        name: d.kind === 'opensearch' ? 'opensearch' : 'es',
        match,
        host: d.host,
        port: d.port,
        index: `${d.index}-${stream}`,
        suppress_type_name: 'on',
        ...tls(d.clientTls),
        ...(d.awsRegion ? { aws_auth: 'on', aws_region: d.awsRegion } : {}),
      };
  }
}

/**
 * The Fluent Bit configuration (YAML format), pure: container logs from `/var/log/containers` (CRI and Docker
 * formats), the API-server audit log when it is on the node, both shipped to the destination over TLS with the
 * certificate verified; Secret reads by unexpected subjects counted from the audit log (`log_to_metrics`) and
 * exported for the SecretReadByUnexpectedSubject alert; Fluent Bit's own metrics and health on its HTTP server.
 */
export function fluentBitConfig(s: FluentBitSettings): string {
  const inputs: Record<string, unknown>[] = [{
    'name': 'tail',
    'tag': CONTAINER_TAG,
    'path': '/var/log/containers/*.log',
    'multiline.parser': 'docker, cri',
    'db': `${FLUENT_BIT_STATE_DIR}/containers.db`,
    'db.locking': 'true',
    'mem_buf_limit': '50MB',
    'skip_long_lines': 'on',
    'refresh_interval': 10,
    'storage.type': 'filesystem',
  }];
  const filters: Record<string, unknown>[] = [];
  const outputs: Record<string, unknown>[] = [outputsFor(s.destination, CONTAINER_TAG, 'containers')];
  if (s.auditLogPath) {
    inputs.push({
      'name': 'tail',
      'tag': AUDIT_TAG,
      'path': s.auditLogPath,
      'parser': 'k8s-audit',
      'db': `${FLUENT_BIT_STATE_DIR}/audit.db`,
      'db.locking': 'true',
      'mem_buf_limit': '50MB',
      'storage.type': 'filesystem',
    });
    // log_to_metrics applies its rules in order and keeps a record at the first matching `regex`, so two regex rules
    // cannot both be required: Secret requests are first copied to their own tag, then judged by verb and subject.
    filters.push({ name: 'rewrite_tag', match: AUDIT_TAG, rule: `$objectRef['resource'] ^secrets$ ${SECRETS_TAG} true`, emitter_name: 'audit_secrets_emitter' });
    filters.push({
      name: 'log_to_metrics',
      match: SECRETS_TAG,
      tag: METRICS_TAG,
      metric_mode: 'counter',
      metric_namespace: AUDIT_METRICS_NAMESPACE,
      metric_name: AUDIT_METRIC_NAMES.secretReads,
      metric_description: 'Secret get/list/watch requests by subjects outside the expected readers (API-server audit log)',
      // An expected reader is excluded first; anything else counts when its verb reads.
      ...(s.expectedSecretReaders.length > 0 ? { exclude: `$user['username'] ^(${s.expectedSecretReaders.map(subjectPattern).join('|')})$` } : {}),
      regex: '$verb ^(get|list|watch)$',
      add_label: ['user $user[\'username\']', 'namespace $objectRef[\'namespace\']', 'verb $verb'],
    });
    outputs.push(outputsFor(s.destination, AUDIT_TAG, 'audit'));
    outputs.push({ name: 'prometheus_exporter', match: METRICS_TAG, host: '0.0.0.0', port: FLUENT_BIT_METRICS_PORT });
  }
  const config = {
    service: {
      'flush': 1,
      'log_level': 'info',
      'http_server': 'on',
      'http_listen': '0.0.0.0',
      'http_port': FLUENT_BIT_HTTP_PORT,
      'health_check': 'on',
      'storage.path': `${FLUENT_BIT_STATE_DIR}/buffer`,
      'storage.sync': 'normal',
      'storage.backlog.mem_limit': '20M',
    },
    parsers: [{ name: 'k8s-audit', format: 'json', time_key: 'requestReceivedTimestamp', time_format: '%Y-%m-%dT%H:%M:%S.%L%z', time_keep: 'on' }],
    pipeline: { inputs, filters, outputs },
  };
  return yamlLibrary().stringify(config, { lineWidth: 0 });
}
