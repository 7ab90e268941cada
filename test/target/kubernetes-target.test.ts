import { Chart, Duration, Testing } from 'cdk8s';
import { BackupPlan, VolumeData } from '../../lib/backup/backup-plan';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { AdmissionPolicies, PolicyEngine } from '../../lib/policy/admission-policies';
import { HardenedAudit } from '../../lib/synth/app-audit';
import { DEFAULT_KUBERNETES_TARGET, KubernetesTarget } from '../../lib/target/kubernetes-target';
import { errorOf, repositoryPassword } from '../backup/support';

const KUBECTL = 'registry.k8s.io/kubectl:v1.30.4@sha256:' + 'a'.repeat(64);

const psaVersions = (objects: any[]) => [...new Set(objects.filter((o) => o.kind === 'Namespace')
  .flatMap((o) => ['enforce', 'audit', 'warn'].map((m) => o.metadata.labels[`pod-security.kubernetes.io/${m}-version`])))];

describe('KubernetesTarget', () => {
  test('defaults to 1.28 and pins every LockedNamespace to it', () => {
    const chart = Testing.chart();
    expect(KubernetesTarget.of(chart)).toBe(DEFAULT_KUBERNETES_TARGET);
    new LockedNamespace(chart, 'payments', { owner: 'payments-team' });
    expect(psaVersions(Testing.synth(chart))).toEqual(['v1.28']);
  });

  test('an app targeting 1.30 with a restore drill synthesizes, audited against 1.30, every namespace at v1.30', () => {
    const app = Testing.app();
    const warnings: string[] = [];
    HardenedAudit.enable(app, { targetVersion: '1.30', warn: (s) => warnings.push(s) });
    const chart = new Chart(app, 'prod');
    new BackupPlan(chart, 'plan', {
      namespaces: ['payments'],
      schedule: '15 * * * *',
      rpo: Duration.hours(1),
      volumes: VolumeData.csiSnapshots({ repositoryPassword: repositoryPassword() }),
      storage: { bucket: 'acme-prod-velero', region: 'eu-west-1', kmsKeyId: 'alias/velero-backups' },
    }).addRestoreDrill('drill', {
      schedule: '0 2 * * *',
      rto: Duration.minutes(30),
      image: KUBECTL,
      apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 },
      owner: 'payments-team',
    });
    new AdmissionPolicies(chart, 'admission', { engines: [PolicyEngine.VALIDATING_ADMISSION_POLICY] });
    const objects = Testing.synth(chart);
    expect(HardenedAudit.lastReport(app)!.targetVersion).toBe('1.30');
    expect(psaVersions(objects)).toEqual(['v1.30']);
    expect(new Set(objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy').map((o) => o.apiVersion)))
      .toEqual(new Set(['admissionregistration.k8s.io/v1']));
    expect(warnings.join('\n')).not.toMatch(/HK-CLUSTER-006/);
  });

  test('setting the same target twice is harmless', () => {
    const app = Testing.app();
    KubernetesTarget.set(app, '1.31');
    KubernetesTarget.set(app, '1.31');
    expect(KubernetesTarget.of(app)).toBe('1.31');
  });

  test('refuses the v-prefixed spelling: one format for the whole app', () => {
    expect(errorOf(() => KubernetesTarget.set(Testing.app(), 'v1.30'))).toBe(
      '[] KubernetesTarget prop \'version\' is \'v1.30\', not a Kubernetes minor written 1.<minor>.\n'
      + 'Practice HK-CLUSTER-006 refuses it.\n'
      + 'Fix: write it as \'1.30\': one format for the whole app; Pod Security labels get their \'v\' prefix by themselves.');
  });

  test('refuses a minor older than the floor', () => {
    expect(errorOf(() => KubernetesTarget.set(Testing.app(), '1.27'))).toBe(
      '[] KubernetesTarget prop \'version\' is \'1.27\', older than the library\'s floor 1.28.\n'
      + 'Practice HK-CLUSTER-006 refuses it.\n'
      + 'Fix: target Kubernetes 1.28 or newer.');
  });

  test('refuses a change after a construct read the default', () => {
    const chart = Testing.chart();
    new LockedNamespace(chart, 'payments', { owner: 'payments-team' });
    expect(errorOf(() => KubernetesTarget.set(chart, '1.30'))).toBe(
      '[test] KubernetesTarget prop \'version\' is \'1.30\', but the app\'s target is already \'1.28\' and read by test/payments.\n'
      + 'Practice HK-CLUSTER-006 refuses it.\n'
      + 'Fix: set the target once, before creating any construct.');
  });

  test('refuses a wrong-typed version with a HardenedError', () => {
    expect(errorOf(() => KubernetesTarget.set(Testing.app(), 130 as unknown as string))).toBe(
      '[] KubernetesTarget prop \'version\' is \'130\', not a Kubernetes minor written 1.<minor>.\n'
      + 'Practice HK-CLUSTER-006 refuses it.\n'
      + 'Fix: write it as \'1.28\': one format for the whole app; Pod Security labels get their \'v\' prefix by themselves.');
  });

  test('refuses an AdmissionPolicies targetVersion that differs from the app\'s', () => {
    const chart = Testing.chart();
    KubernetesTarget.set(chart, '1.30');
    expect(errorOf(() => new AdmissionPolicies(chart, 'admission', { targetVersion: '1.29' }))).toBe(
      '[test/admission] AdmissionPolicies prop \'targetVersion\' is \'1.29\', but the app targets Kubernetes 1.30 (KubernetesTarget).\n'
      + 'Practice HK-CLUSTER-006 refuses it.\n'
      + 'Fix: drop \'targetVersion\' and set the version once for the whole app: KubernetesTarget.set(app, \'1.29\') before creating constructs.');
  });
});
