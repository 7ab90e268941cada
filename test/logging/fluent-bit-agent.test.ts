import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { audit } from '../../lib/audit/audit';
import { FluentBitAgent, FluentBitAgentProps, LogDestination } from '../../lib/logging/fluent-bit-agent';
import { podSpecOf } from '../../lib/practices/manifest';

const IMAGE = `cr.fluentbit.io/fluent/fluent-bit:3.2.10@sha256:${'c'.repeat(64)}`;
const ROLE = 'arn:aws:iam::123456789012:role/log-shipper';
const S3 = LogDestination.s3({ bucket: 'acme-logs', region: 'eu-west-1', roleArn: ROLE });

function synth(props: Partial<FluentBitAgentProps> = {}): any[] {
  const chart = Testing.chart();
  new FluentBitAgent(chart, 'logs', { image: IMAGE, destination: S3, egressTo: ['10.20.0.0/24'], owner: 'platform-team', ...props });
  return Testing.synth(chart);
}

function refusal(props: any): string {
  try {
    new FluentBitAgent(Testing.chart(), 'logs', { image: IMAGE, destination: S3, egressTo: ['10.20.0.0/24'], owner: 'platform-team', ...props });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('FluentBitAgent', () => {
  const objects = synth();
  const ds = objects.find((o) => o.kind === 'DaemonSet');
  const spec = podSpecOf(ds);
  const config = parse(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'fluent-bit-config').data['fluent-bit.yaml']);

  test('audit clean: only its recorded host access is relaxed', () => {
    const report = audit(objects);
    expect(report.findings.filter((f) => !f.excepted).map((f) => `${f.practiceId} ${f.object.kind}/${f.object.name}: ${f.message}`)).toEqual([]);
    expect(ds.metadata.annotations['exceptions.cdk8s-hardened.io/HK-WORKLOAD-011']).toBe(
      'reads container logs under /var/log/containers and /var/log/pods and the API-server audit log, read-only');
  });

  test('in its own privileged namespace, image pinned, /var/log read-only, config mounted read-only', () => {
    expect(ds.metadata.namespace).toBe('logging');
    expect(objects.find((o) => o.kind === 'Namespace').metadata.name).toBe('logging');
    const c = spec.containers[0];
    expect(c.image).toBe(IMAGE);
    expect(spec.volumes.filter((v: any) => v.hostPath).map((v: any) => v.hostPath.path)).toEqual(['/var/log']);
    expect(c.volumeMounts.filter((m: any) => m.mountPath === '/var/log' || m.name === 'fluent-bit-config').map((m: any) => m.readOnly)).toEqual([true, true]);
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  test('no RBAC at all: the agent reads no API', () => {
    expect(objects.filter((o) => ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].includes(o.kind))).toEqual([]);
    expect(objects.find((o) => o.kind === 'ServiceAccount').metadata.annotations['eks.amazonaws.com/role-arn']).toBe(ROLE);
  });

  test('ships container and audit logs to S3 and counts unexpected Secret reads', () => {
    expect(config.pipeline.inputs.map((i: any) => [i.tag, i.path])).toEqual([
      ['kube.*', '/var/log/containers/*.log'],
      ['audit.*', '/var/log/kubernetes/audit/audit.log'],
    ]);
    expect(config.pipeline.outputs.map((o: any) => [o.name, o.match])).toEqual([['s3', 'kube.*'], ['s3', 'audit.*'], ['prometheus_exporter', 'audit_metrics']]);
    const [copy, metric] = config.pipeline.filters;
    expect([copy.name, copy.match, copy.rule]).toEqual(['rewrite_tag', 'audit.*', '$objectRef[\'resource\'] ^secrets$ audit_secrets true']);
    expect([metric.name, metric.match, metric.metric_namespace, metric.metric_name]).toEqual(['log_to_metrics', 'audit_secrets', 'cdk8s_hardened', 'audit_secret_reads_total']);
    // First match wins in log_to_metrics: the exclusion comes before the one required regex.
    expect(Object.keys(metric).filter((k) => k === 'exclude' || k === 'regex')).toEqual(['exclude', 'regex']);
    expect(metric.regex).toBe('$verb ^(get|list|watch)$');
    expect(metric.exclude).toBe('$user[\'username\'] ^(system:node:.*|system:kube-controller-manager|system:kube-scheduler|system:apiserver|system:serviceaccount:kube-system:.*)$');
  });

  test('Prometheus scrapes both metrics ports through a ServiceMonitor that selects the agent\'s Service', () => {
    const monitor = objects.find((o) => o.kind === 'ServiceMonitor');
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.namespace === 'logging');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels)) expect(service.metadata.labels[k]).toBe(v);
    expect(monitor.spec.endpoints.map((e: any) => [e.port, e.path])).toEqual([['http', '/api/v2/metrics/prometheus'], ['metrics', '/metrics']]);
    expect(service.spec.ports.map((p: any) => p.name)).toEqual(['http', 'metrics']);
  });

  test('OpenSearch and Loki are reached over verified TLS', () => {
    const os = parse(synth({ destination: LogDestination.openSearch({ host: 'search.example.com', aws: { region: 'eu-west-1', roleArn: ROLE } }) })
      .find((o) => o.metadata.name === 'fluent-bit-config').data['fluent-bit.yaml']);
    expect(os.pipeline.outputs[0]).toMatchObject({ 'name': 'opensearch', 'host': 'search.example.com', 'port': 443, 'tls': 'on', 'tls.verify': 'on', 'aws_auth': 'on' });
    const loki = parse(synth({ destination: LogDestination.loki({ host: 'loki.example.com', tenant: 'prod' }), auditLogPath: false })
      .find((o) => o.metadata.name === 'fluent-bit-config').data['fluent-bit.yaml']);
    expect(loki.pipeline.outputs).toEqual([expect.objectContaining({ 'name': 'loki', 'tls': 'on', 'tls.verify': 'on', 'tenant_id': 'prod' })]);
  });

  test('refuses a destination that is not a LogDestination, and bad destination fields', () => {
    expect(refusal({ destination: { kind: 's3' } })).toBe(
      '[test/logs] FluentBitAgent prop \'destination\' is an object, not a LogDestination.\n'
      + 'Fix: use LogDestination.s3(…), .cloudWatch(…), .openSearch(…), .elasticsearch(…) or .loki(…).');
    expect(refusal({ destination: LogDestination.s3({ bucket: 'acme-logs', region: 'eu-west-1', roleArn: 'admin' }) })).toBe(
      '[test/logs] FluentBitAgent prop \'destination.roleArn\' is \'admin\'.\nFix: give e.g. \'arn:aws:iam::123456789012:role/log-shipper\'.');
  });

  test('refuses a wildcard Secret reader, which would silence the alert', () => {
    expect(refusal({ expectedSecretReaders: ['*'] })).toBe(
      '[test/logs] FluentBitAgent prop \'expectedSecretReaders\' holds \'*\', which expects every reader and silences the alert.\n'
      + 'Practice HK-RBAC-005 (Minimal Secret access) refuses it.\nFix: name the subjects that read Secrets.');
  });

  test('refuses no egress and internet egress without an exception', () => {
    expect(refusal({ egressTo: [] })).toBe(
      '[test/logs] FluentBitAgent prop \'egressTo\' is an array, not a non-empty list of CIDRs.\n'
      + 'Fix: give the destination\'s networks, e.g. [\'10.20.0.0/24\'] for a VPC endpoint.');
    expect(refusal({ egressTo: ['0.0.0.0/0'] })).toMatch(/HK-NETWORK-004/);
  });
});
