/**
 * Polaris, the judge we did not write: its own check data (../shared/peers-data/polaris) run by test/support/polaris.ts.
 * First the evaluator is proved on Polaris' upstream fixtures; then our output is judged.
 */
import { existsSync } from 'fs';
import { findPractice } from '../../lib/practices/catalogue';
import { recordedExceptions } from '../../lib/practices/exceptions';
import { POLARIS_REPLICAS_EXEMPTION } from '../../lib/workload/secure-deployment';
import { exampleObjects } from '../support/example-objects';
import { judgePolaris, POLARIS_DIVERGENCES } from '../support/peer-judges';
import { defaultPolarisConfig, POLARIS_DATA, polarisFixtures, readObjects, runPolaris } from '../support/polaris';
import { unseenApps } from '../support/unseen-apps';

if (!existsSync(POLARIS_DATA)) {
  throw new Error(`Polaris data not found at ${POLARIS_DATA}: the conformance tests need ../shared/peers-data beside the project root.`);
}

const config = defaultPolarisConfig();
const fixtures = polarisFixtures(config.definitions);

describe('the Polaris evaluator agrees with every upstream fixture', () => {
  test('the fixtures are there', () => {
    expect(fixtures.length).toBeGreaterThan(300);
  });

  test.each(fixtures.map((f) => [`${f.check}/${f.file.split('/').pop()}`, f] as const))('%s', (_name, f) => {
    const results = runPolaris(readObjects(f.file), f.config).filter((r) => r.check === f.check);
    expect(results.length).toBeGreaterThan(0);
    const failed = results.filter((r) => !r.success).length;
    if (f.failure) expect(failed).toBeGreaterThan(0);
    else expect(failed).toBe(0);
  });
});

describe('Polaris judges our output', () => {
  const apps = [{ name: 'the example (npm run synth)', objects: exampleObjects() }, ...unseenApps()];
  const hit = new Set<string>();

  test.each(apps.map((a) => [a.name, a] as const))('%s: no danger or warning unless recorded or documented', (_name, app) => {
    const { findings, divergences, judgedWorkloads } = judgePolaris(app.objects);
    for (const d of divergences) hit.add(d);
    expect(findings).toEqual([]);
    // Polaris ran on the workloads: the judge is not vacuous.
    expect(judgedWorkloads).toBeGreaterThan(0);
  });

  test('every documented divergence still occurs (none outlives its cause)', () => {
    expect([...hit].sort()).toEqual(POLARIS_DIVERGENCES.map((d) => d.check).sort());
  });

  test('every Polaris exemption we write is one the catalogue decides: deploymentMissingReplicas on an autoscaled Deployment, '
    + 'or the mirror of a recorded exception whose practice names the check', () => {
    const exemptions = apps.flatMap((a) => a.objects.flatMap((o) => Object.keys(o.metadata?.annotations ?? {})
      .filter((k) => k.startsWith('polaris.fairwinds.com/'))
      .map((k) => ({
        key: k,
        kind: o.kind,
        autoscaled: a.objects.some((h) => h.kind === 'HorizontalPodAutoscaler' && h.metadata.namespace === o.metadata.namespace
        && h.spec.scaleTargetRef.kind === o.kind && h.spec.scaleTargetRef.name === o.metadata.name),
        mirrored: [...recordedExceptions(o).keys()].some((id) => (findPractice(id)?.sources.polaris ?? [])
          .some((check) => k === `polaris.fairwinds.com/${check}-exempt`)),
      }))));
    expect(exemptions.filter((e) => e.key === POLARIS_REPLICAS_EXEMPTION && e.autoscaled).length).toBeGreaterThan(0);
    expect(exemptions.filter((e) => e.mirrored).length).toBeGreaterThan(0);
    expect(exemptions.filter((e) => !(e.key === POLARIS_REPLICAS_EXEMPTION && e.kind === 'Deployment' && e.autoscaled) && !e.mirrored)).toEqual([]);
  });

  test('the judge fails a workload without our defaults: a bare Deployment breaks the security checks', () => {
    const bare = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bare', namespace: 'shop' },
      spec: { replicas: 2, template: { metadata: { labels: { app: 'bare' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    };
    const checks = new Set(judgePolaris([bare]).findings.map((f) => f.check));
    for (const c of ['runAsRootAllowed', 'privilegeEscalationAllowed', 'tagNotSpecified', 'notReadOnlyRootFilesystem', 'pullPolicyNotAlways']) expect(checks).toContain(c);
  });
});
