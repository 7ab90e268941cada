/**
 * Polaris, the judge we did not write: its own check data (../shared/peers-data/polaris) run by test/support/polaris.ts.
 * First the evaluator is proved on Polaris' upstream fixtures; then our output is judged.
 */
import { existsSync } from 'fs';
import { CATALOGUE, findPractice } from '../../lib/practices/catalogue';
import { recordedExceptions } from '../../lib/practices/exceptions';
import { POLARIS_REPLICAS_EXEMPTION } from '../../lib/workload/secure-deployment';
import { exampleObjects } from '../support/example-objects';
import { defaultPolarisConfig, POLARIS_DATA, PolarisResult, polarisFixtures, readObjects, runPolaris } from '../support/polaris';
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

/**
 * Polaris checks whose findings on our output are deliberate, each with the catalogue's reason, and a test of the
 * finding that proves it is that case and not another (so a new finding of the same check still fails).
 */
interface Divergence {
  readonly check: string;
  readonly reason: string;
  readonly applies: (result: PolarisResult, objects: readonly any[]) => boolean;
}

const DIVERGENCES: readonly Divergence[] = [
  {
    check: 'missingNetworkPolicy',
    reason: 'Polaris wants one policy with at least one ingress AND one egress rule (FairwindsOps/polaris#1088); a pod that nothing may '
      + 'reach is selected by a policy that lists Ingress with no ingress rule, i.e. denies all ingress — stricter than an allow rule '
      + '(practices.md "Where sources disagree": deny-only NetworkPolicy).',
    applies: (r, objects) => isolatedFromIngress(r.object, objects),
  },
  {
    check: 'priorityClassNotSet',
    reason: 'Out of scope in the catalogue (hygiene, no security effect): a PriorityClass is the cluster\'s scheduling policy, so the '
      + 'constructs take one (`priorityClass`) and never invent one; a pod naming a class that does not exist is refused by admission.',
    applies: (r) => podSpecOfController(r.object)?.priorityClassName === undefined,
  },
  {
    check: 'topologySpreadConstraint',
    reason: 'A DaemonSet places exactly one pod per eligible node, so a spread constraint says nothing (and with DoNotSchedule it could '
      + 'keep the node\'s own pod off it); HK-WORKLOAD-021 spreads replicated workloads only.',
    applies: (r) => r.object.kind === 'DaemonSet',
  },
];

/** The Polaris checks each practice names as a peer (practices' sources.polaris), from the catalogue. */
const PRACTICES_OF_CHECK = new Map<string, string[]>();
for (const p of CATALOGUE) {
  for (const check of p.sources.polaris ?? []) PRACTICES_OF_CHECK.set(check, [...(PRACTICES_OF_CHECK.get(check) ?? []), p.id]);
}

/** A failing warning or danger result, unless the object records an exception to a practice that names the check. */
function unexcused(results: readonly PolarisResult[]): PolarisResult[] {
  return results.filter((r) => !r.success && (r.severity === 'danger' || r.severity === 'warning'))
    .filter((r) => !(PRACTICES_OF_CHECK.get(r.check) ?? []).some((id) => recordedExceptions(r.object).has(id)));
}

interface Finding {
  readonly check: string;
  readonly severity: string;
  readonly object: string;
}

function label(r: PolarisResult): Finding {
  const m = r.object.metadata;
  return { check: r.check, severity: r.severity, object: `${r.object.kind} ${m.namespace ?? ''}/${m.name}${r.container ? ` container ${r.container}` : ''}` };
}

/** Judges one application: findings that are neither excepted nor a documented divergence, and the divergences hit. */
function judge(objects: readonly any[]): { findings: Finding[]; divergences: Set<string> } {
  const divergences = new Set<string>();
  const findings: Finding[] = [];
  for (const r of unexcused(runPolaris(objects, config))) {
    const d = DIVERGENCES.find((x) => x.check === r.check && x.applies(r, objects));
    if (d) divergences.add(d.check);
    else findings.push(label(r));
  }
  return { findings, divergences };
}

function podSpecOfController(obj: any): any {
  return obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template?.spec : obj.spec?.template?.spec;
}

function podLabelsOf(obj: any): Record<string, string> {
  return (obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template?.metadata?.labels : obj.spec?.template?.metadata?.labels) ?? {};
}

/** Whether a NetworkPolicy of the pod's namespace selects it by matchLabels, isolates both directions and lets nothing in. */
function isolatedFromIngress(obj: any, objects: readonly any[]): boolean {
  const labels = podLabelsOf(obj);
  const selecting = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata?.namespace === obj.metadata?.namespace)
    .filter((np) => Object.entries(np.spec?.podSelector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v));
  const named = selecting.filter((np) => Object.keys(np.spec?.podSelector?.matchLabels ?? {}).length > 0);
  return named.length > 0
    && selecting.every((np) => (np.spec?.ingress ?? []).length === 0)
    && named.some((np) => ['Ingress', 'Egress'].every((t) => (np.spec?.policyTypes ?? []).includes(t)));
}

describe('Polaris judges our output', () => {
  const apps = [{ name: 'the example (npm run synth)', objects: exampleObjects() }, ...unseenApps()];
  const hit = new Set<string>();

  test.each(apps.map((a) => [a.name, a] as const))('%s: no danger or warning unless recorded or documented', (_name, app) => {
    const { findings, divergences } = judge(app.objects);
    for (const d of divergences) hit.add(d);
    expect(findings).toEqual([]);
    // Polaris ran on the workloads: the judge is not vacuous.
    expect(runPolaris(app.objects, config).filter((r) => r.container !== undefined).length).toBeGreaterThan(0);
  });

  test('every documented divergence still occurs (none outlives its cause)', () => {
    expect([...hit].sort()).toEqual(DIVERGENCES.map((d) => d.check).sort());
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
    const checks = new Set(judge([bare]).findings.map((f) => f.check));
    for (const c of ['runAsRootAllowed', 'privilegeEscalationAllowed', 'tagNotSpecified', 'notReadOnlyRootFilesystem', 'pullPolicyNotAlways']) expect(checks).toContain(c);
  });
});
