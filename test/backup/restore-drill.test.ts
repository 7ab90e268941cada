import { Duration, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { errorOf, newChart, PASSWORD_CANARY, repositoryPassword } from './support';
import { addBackupAndBaseline } from '../../examples/backup';
import { audit } from '../../lib/audit/audit';
import { BackupPlan, BackupPlanProps, VolumeData } from '../../lib/backup/backup-plan';
import { DRILL_EXCLUDED_RESOURCES, RESTORE_DRILL_LABEL, RestoreDrillOptions, RTO_ANNOTATION } from '../../lib/backup/restore-drill';
import { renderControlPlaneFiles } from '../../lib/cluster/control-plane-file';

const KUBECTL = 'registry.k8s.io/kubectl:v1.28.15@sha256:' + 'a'.repeat(64);

const planProps = (overrides: Partial<BackupPlanProps> = {}): BackupPlanProps => ({
  namespaces: ['payments'],
  schedule: '15 * * * *',
  rpo: Duration.hours(1),
  volumes: VolumeData.csiSnapshots({ repositoryPassword: repositoryPassword() }),
  storage: { bucket: 'acme-prod-velero', region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' },
  ...overrides,
});

const drillOptions = (overrides: Partial<RestoreDrillOptions> = {}): RestoreDrillOptions => ({
  schedule: '0 2 * * *',
  rto: Duration.minutes(30),
  image: KUBECTL,
  apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 },
  owner: 'payments-team',
  ...overrides,
});

function synth(plan: Partial<BackupPlanProps> = {}, drill: Partial<RestoreDrillOptions> = {}): any[] {
  const { chart } = newChart();
  new BackupPlan(chart, 'plan', planProps(plan)).addRestoreDrill('drill', drillOptions(drill));
  return Testing.synth(chart);
}

const find = (objs: any[], kind: string, name: string, namespace?: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));

describe('RestoreDrill', () => {
  const objs = synth();
  const cron = find(objs, 'CronJob', 'restore-drill');
  const pod = cron.spec.jobTemplate.spec.template.spec;
  const restore = JSON.parse(find(objs, 'ConfigMap', 'restore-drill-restore').data['restore.json']);

  test('HK-BACKUP-005: the Restore restores the newest backup of the schedule into the drill namespace', () => {
    expect(restore).toEqual({
      apiVersion: 'velero.io/v1',
      kind: 'Restore',
      metadata: { generateName: 'plan-drill-', namespace: 'velero', labels: { [RESTORE_DRILL_LABEL]: 'plan' } },
      spec: {
        scheduleName: 'plan',
        includedNamespaces: ['payments'],
        namespaceMapping: { payments: 'payments-restore-drill' },
        excludedResources: [...DRILL_EXCLUDED_RESOURCES],
        restorePVs: true,
        existingResourcePolicy: 'none',
      },
    });
  });

  test('HK-BACKUP-005: the runner CronJob names the schedule it drills', () => {
    expect(cron.metadata.labels[RESTORE_DRILL_LABEL]).toBe('plan');
    expect(cron.metadata.namespace).toBe('payments-restore-drill');
    expect(cron.metadata.annotations[RTO_ANNOTATION]).toBe('0h30m0s');
  });

  test('the runner CronJob\'s instance label is its name (Polaris metadataAndInstanceMismatched)', () => {
    expect(cron.metadata.labels['app.kubernetes.io/instance']).toBe('restore-drill');
  });

  test('the drill namespace is a LockedNamespace: PSA restricted, default-deny, quota', () => {
    const ns = find(objs, 'Namespace', 'payments-restore-drill');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(find(objs, 'NetworkPolicy', 'default-deny', 'payments-restore-drill')).toBeDefined();
    expect(find(objs, 'ResourceQuota', 'quota', 'payments-restore-drill')).toBeDefined();
  });

  test('HK-NETWORK-004: a public API server endpoint is recorded as the runner egress rule\'s exception; a private one is not', () => {
    const policy = (o: any[]) => find(o, 'NetworkPolicy', 'restore-drill').metadata.annotations['exceptions.cdk8s-hardened.io/HK-NETWORK-004'];
    expect(policy(objs)).toBeUndefined();
    expect(policy(synth({}, { apiServer: { cidrs: ['34.120.7.9/32'] } }))).toBe(
      'the API server endpoint has public addresses (a managed control plane\'s public endpoint); the rule opens only those, on one port');
  });

  test('HK-BACKUP-007: the runner is bounded, with a deadline of RTO plus ten minutes and no retries', () => {
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    expect(cron.spec.startingDeadlineSeconds).toBe(300);
    expect(cron.spec.successfulJobsHistoryLimit).toBe(3);
    expect(cron.spec.failedJobsHistoryLimit).toBe(3);
    expect(cron.spec.jobTemplate.spec.backoffLimit).toBe(0);
    expect(cron.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(1800 + 600);
    expect(cron.spec.jobTemplate.spec.ttlSecondsAfterFinished).toBeUndefined();
  });

  test('the runner pod is restricted and gets only a projected, short-lived API token', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    expect([pod.hostNetwork, pod.hostPID, pod.hostIPC, pod.enableServiceLinks]).toEqual([false, false, false, false]);
    const c = pod.containers[0];
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.securityContext.procMount).toBe('Default');
    const projected = pod.volumes.find((v: any) => v.name === 'api-token').projected;
    expect(projected.defaultMode).toBe(256);
    expect(projected.sources[0].serviceAccountToken).toEqual({ path: 'token', audience: 'https://kubernetes.default.svc.cluster.local', expirationSeconds: 3600 });
    expect(c.volumeMounts).toContainEqual({ name: 'api-token', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
  });

  test('least privilege: restores in the Velero namespace, reads and cleanup in the drill namespace, no get on Secrets', () => {
    expect(find(objs, 'Role', 'payments-restore-drill-restore-drill', 'velero').rules).toEqual([
      { apiGroups: ['velero.io'], resources: ['restores'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
      { apiGroups: ['velero.io'], resources: ['backups'], verbs: ['get', 'list'] },
    ]);
    const rules = find(objs, 'Role', 'restore-drill', 'payments-restore-drill').rules;
    const secretRules = rules.filter((r: any) => r.resources.includes('secrets'));
    expect(secretRules).toEqual([{ apiGroups: [''], resources: ['pods', 'services', 'persistentvolumeclaims', 'configmaps', 'secrets', 'serviceaccounts'], verbs: ['deletecollection'] }]);
    expect(rules).toContainEqual({ apiGroups: [''], resources: ['configmaps'], resourceNames: ['restore-drill-result'], verbs: ['get', 'patch'] });
  });

  test('the runner may reach the API server endpoints only', () => {
    const np = find(objs, 'NetworkPolicy', 'restore-drill');
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }]);
  });

  test('the script waits within the RTO, reports on the result ConfigMap, cleans up and exits non-zero on failure', () => {
    const script: string = pod.containers[0].command[2];
    expect(script).toContain('RTO=1800');
    expect(script).toContain('kubectl -n "$VELERO" create -f /drill/restore.json');
    expect(script).toContain('rollout status "$r" --timeout="${left}s"');
    expect(script).toContain('annotate configmap restore-drill-result --overwrite');
    expect(script).toContain('kubectl delete --raw "/api/v1/namespaces/payments-restore-drill/secrets?labelSelector=velero.io%2Frestore-name%3D$restore"');
    expect(script.endsWith('[ "$result" = passed ]')).toBe(true);
  });

  test('snapshot', () => {
    expect(objs).toMatchSnapshot();
  });
});

describe('RestoreDrill refuses', () => {
  const refusal = (plan: Partial<BackupPlanProps>, drill: Partial<RestoreDrillOptions>) => errorOf(() => synth(plan, drill));

  test('refuses a backup TTL shorter than the drill interval', () => {
    expect(refusal({ ttl: Duration.days(1) }, { schedule: '0 4 * * 1' })).toBe(
      '[test/plan/drill] RestoreDrill prop \'schedule\' is \'0 4 * * 1\', whose longest gap between drills (7d) exceeds the backup ttl (1d), '
      + 'so backups expire without ever being drilled.\n'
      + 'Practice HK-BACKUP-005 (Scheduled restore drills into scratch namespaces) refuses it.\n'
      + 'Fix: drill at least every 1d, or raise the BackupPlan ttl to at least 7d.');
  });

  test('refuses an unparsable drill schedule', () => {
    expect(refusal({}, { schedule: 'daily' })).toBe(
      '[test/plan/drill] RestoreDrill prop \'schedule\' is \'daily\', which has 1 fields, not the 5 of \'minute hour day-of-month month day-of-week\'.\n'
      + 'Practice HK-BACKUP-005 (Scheduled restore drills into scratch namespaces) refuses it.\n'
      + 'Fix: write five cron fields \'minute hour day-of-month month day-of-week\', e.g. \'0 4 * * 1\' for Mondays at 04:00.');
  });

  test('refuses restoring into a protected namespace', () => {
    expect(refusal({ namespaces: ['payments', 'orders'] }, { namespace: 'payments', drillNamespace: 'orders' })).toBe(
      '[test/plan/drill] RestoreDrill prop \'drillNamespace\' is \'orders\', not a scratch namespace of its own.\n'
      + 'Practice HK-BACKUP-005 (Scheduled restore drills into scratch namespaces) refuses it.\n'
      + 'Fix: restore into a dedicated namespace that is neither protected by the plan nor a system namespace, e.g. \'<namespace>-restore-drill\'.');
  });

  test('refuses a runner image pinned only by tag', () => {
    expect(refusal({}, { image: 'registry.k8s.io/kubectl:v1.28.15' })).toBe(
      '[test/plan/drill] RestoreDrill prop \'image\' is \'registry.k8s.io/kubectl:v1.28.15\', not a fully qualified image pinned by digest.\n'
      + 'Practice HK-IMAGE-001 (Pin every image by digest) refuses it.\n'
      + 'Fix: give \'<registry>/<repository>[:tag]@sha256:<64 hex digits>\', e.g. \'registry.k8s.io/etcd:3.6.4-0@sha256:…\'.');
  });

  test('refuses a wide API server range', () => {
    expect(refusal({}, { apiServer: { cidrs: ['10.0.0.0/8'] } })).toBe(
      '[test/plan/drill] RestoreDrill prop \'apiServer.cidrs\' contains \'10.0.0.0/8\', not an IPv4 CIDR of /24 or narrower.\n'
      + 'Practice HK-NETWORK-004 (No blanket allow rules) refuses it.\n'
      + 'Fix: give the API server endpoints as /32 addresses, e.g. \'10.0.0.10/32\'.');
  });
});

describe('the backup example', () => {
  const { app, chart } = newChart();
  addBackupAndBaseline(chart, repositoryPassword());
  const objs = Testing.synth(chart);
  const files = renderControlPlaneFiles(app);
  const all = [...objs, parse(files['encryption-configuration.yaml']), parse(files['audit-policy.yaml'])];

  test('synthesizes a plan for its data namespace, a restore drill and the baseline files', () => {
    expect(objs.filter((o) => o.kind === 'Schedule').map((o) => o.spec.template.includedNamespaces)).toEqual([['payments'], ['cis-benchmark']]);
    expect(objs.filter((o) => o.kind === 'CronJob').map((o) => o.metadata.name).sort()).toEqual(['kube-bench-node', 'restore-drill', 'restore-drill']);
    expect(Object.keys(files).sort()).toEqual(['audit-policy.yaml', 'encryption-configuration.yaml', 'kube-apiserver.flags']);
  });

  test('the audit passes with only recorded exceptions, each with its reason', () => {
    const findings = audit(all).findings;
    expect(findings.filter((f) => !f.excepted)).toEqual([]);
    for (const f of findings) expect(f.exceptionReason!.length).toBeGreaterThanOrEqual(10);
    expect([...new Set(findings.map((f) => `${f.object.kind}/${f.object.name} ${f.practiceId}`))].sort()).toEqual([
      'CronJob/kube-bench-node HK-WORKLOAD-003',
      'CronJob/kube-bench-node HK-WORKLOAD-004',
      'CronJob/kube-bench-node HK-WORKLOAD-010',
      'CronJob/kube-bench-node HK-WORKLOAD-011',
      'Namespace/cis-benchmark HK-NAMESPACE-002',
      // The example's object store is S3 at public addresses: the lock records the egress rule's exception with its reason.
      'NetworkPolicy/allow-object-store HK-NETWORK-004',
      'Role/restore-drill HK-RBAC-005',
    ]);
  });

  test('no secret material reaches the YAML or the control-plane files', () => {
    expect(JSON.stringify(objs) + Object.values(files).join('')).not.toContain(PASSWORD_CANARY);
  });

  test('synth is deterministic', () => {
    const again = newChart();
    addBackupAndBaseline(again.chart, repositoryPassword());
    expect(JSON.stringify(Testing.synth(again.chart))).toBe(JSON.stringify(objs));
  });
});
