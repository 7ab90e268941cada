/**
 * kube-score, the judge we did not write: its data rules (test/support/kube-score.ts, ported from zegl/kube-score)
 * proved on kube-score's own expectations (../shared/peers-data/kube-score/expectations.json), then
 * 1. our audit graded against kube-score on kube-score's testdata, for every check a practice claims as a peer;
 * 2. the judge run over the example and unseen applications.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { audit } from '../../lib/audit/audit';
import { exampleObjects } from '../support/example-objects';
import { checkId, GRADE, hygieneRules, KUBE_SCORE_DATA, KUBE_SCORE_RULES, OPTIONAL_CHECKS, runKubeScore } from '../support/kube-score';
import { failing, judgeKubeScore, KUBE_SCORE_DIVERGENCES, KUBE_SCORE_JUDGED, KUBE_SCORE_TARGET_RULES, PRACTICES_OF_KUBE_SCORE_CHECK } from '../support/peer-judges';
import { readObjects } from '../support/polaris';
import { unseenApps } from '../support/unseen-apps';

if (!existsSync(KUBE_SCORE_DATA)) {
  throw new Error(`kube-score data not found at ${KUBE_SCORE_DATA}: the conformance tests need ../shared/peers-data beside the project root.`);
}

interface Expectation {
  readonly file: string;
  readonly check: string;
  readonly grade: number;
}

const EXPECTATIONS: readonly Expectation[] = JSON.parse(readFileSync(join(KUBE_SCORE_DATA, 'expectations.json'), 'utf8')).cases;
const objectsOf = (file: string): any[] => readObjects(join(KUBE_SCORE_DATA, 'testdata', file));

const PRACTICES_OF_CHECK = PRACTICES_OF_KUBE_SCORE_CHECK;

describe('the kube-score judge agrees with kube-score\'s own expectations', () => {
  // kube-score's expectations run at Kubernetes 1.18.
  const rules = { ...KUBE_SCORE_RULES, ...hygieneRules(18) };

  test('the expectations are there, and the judge has a rule for every check they grade', () => {
    expect(EXPECTATIONS.length).toBeGreaterThan(140);
    expect(EXPECTATIONS.filter((e) => !rules[e.check]).map((e) => e.check)).toEqual([]);
  });

  test.each(EXPECTATIONS.map((e) => [`${e.check} on ${e.file}`, e] as const))('%s', (_name, e) => {
    const grades = runKubeScore(objectsOf(e.file), [e.check], rules).map((r) => r.grade);
    expect(grades.length).toBeGreaterThan(0);
    // The file's graded object: the worst grade kube-score set (0 when it skipped without one).
    const graded = grades.filter((g) => g !== GRADE.SKIPPED);
    expect(graded.length > 0 ? Math.min(...graded) : GRADE.SKIPPED).toBe(e.grade);
  });
});

/** Reasons our audit reports a practice where kube-score grades its check OK: the practice asks for more. */
const STRICTER = {
  disruption: 'HK-WORKLOAD-021 asks for the whole disruption set — at least 2 replicas, a policy/v1 PodDisruptionBudget that lets a pod '
    + 'go and sets unhealthyPodEvictionPolicy, hostname anti-affinity and spread — where kube-score grades one piece of it.',
  cronJob: 'HK-WORKLOAD-022 bounds a CronJob completely (concurrencyPolicy Forbid, history limits, backoffLimit, activeDeadlineSeconds, '
    + 'startingDeadlineSeconds, restartPolicy); kube-score grades the deadline and the restartPolicy separately.',
  ingressHost: 'HK-NETWORK-007 wants every Ingress rule to name a host covered by TLS with a certificate source; kube-score only checks '
    + 'that the backend Service exists.',
  defaultDeny: 'HK-NETWORK-001 wants a namespace-wide default-deny policy and HK-NETWORK-003 a per-workload allow policy that names its '
    + 'peers; kube-score is satisfied by any policy selecting the pod in both directions.',
  probes: 'HK-WORKLOAD-020 wants a readiness probe on every long-running container whether or not a Service selects it (kube-score skips '
    + 'pods no Service targets), and probe ports declared in the container\'s ports.',
  ephemeral: 'HK-WORKLOAD-019 also bounds ephemeral-storage (kube-score grades that in a check of its own).',
  pullPolicy: 'HK-IMAGE-004 wants imagePullPolicy: Always written; kube-score accepts it unset when the API would default it to Always '
    + '(an untagged or :latest image, which HK-IMAGE-001/002 refuse anyway).',
  version: 'HK-CLUSTER-006 judges API versions against the target release: batch/v1 CronJob is served from 1.21, and kube-score\'s '
    + 'expectations run at 1.18; kube-score only knows deprecated beta groups.',
  bareSpread: 'HK-WORKLOAD-021 judges spread on replicated controllers; kube-score also grades the topologySpreadConstraints of a bare Pod, '
    + 'whose invalid values here (maxSkew 0, minDomains 0, no topologyKey, unknown whenUnsatisfiable) the API server refuses anyway.',
} as const;

/** Every case where our audit and kube-score disagree, with why; anything else must agree. */
const DOCUMENTED: Record<string, string> = {
  'deployment-host-antiaffinity-1-replica.yaml | Deployment has host PodAntiAffinity': STRICTER.disruption,
  'deployment-host-antiaffinity-preffered-selector-expression.yaml | Deployment has host PodAntiAffinity': STRICTER.disruption,
  'deployment-host-antiaffinity-preffered.yaml | Deployment has host PodAntiAffinity': STRICTER.disruption,
  'deployment-host-antiaffinity-required.yaml | Deployment has host PodAntiAffinity': STRICTER.disruption,
  'statefulset-host-antiaffinity-1-replica.yaml | StatefulSet has host PodAntiAffinity': STRICTER.disruption,
  'statefulset-host-antiaffinity-preffered.yaml | StatefulSet has host PodAntiAffinity': STRICTER.disruption,
  'statefulset-host-antiaffinity-required.yaml | StatefulSet has host PodAntiAffinity': STRICTER.disruption,
  'deployment-with-hpa-not-has-replicas.yaml | Deployment targeted by HPA does not have replicas configured': STRICTER.disruption,
  'cronjob-batchv1beta1-deadline-set.yaml | CronJob has deadline': STRICTER.cronJob,
  'cronjob-batchv1-deadline-set.yaml | CronJob has deadline': STRICTER.cronJob,
  'cronjob-batchv1beta1-restartpolicy-valid.yaml | CronJob RestartPolicy': STRICTER.cronJob,
  'cronjob-batchv1-restartpolicy-valid.yaml | CronJob RestartPolicy': STRICTER.cronJob,
  'service-target-deployment.yaml | Deployment Replicas': STRICTER.disruption,
  'hpa-min-replicas-ok.yaml | HorizontalPodAutoscaler Replicas': STRICTER.disruption,
  'ingress-targets-service.yaml | Ingress targets Service': STRICTER.ingressHost,
  'ingress-networkingv1beta1-targets-service.yaml | Ingress targets Service': STRICTER.ingressHost,
  'ingress-networkingv1-targets-service.yaml | Ingress targets Service': STRICTER.ingressHost,
  'ingress_issue388.yaml | Ingress targets Service': STRICTER.ingressHost,
  'networkpolicy-matching.yaml | Pod NetworkPolicy': STRICTER.defaultDeny,
  'networkpolicy-targets-pod.yaml | NetworkPolicy targets Pod': STRICTER.defaultDeny,
  'networkpolicy-targets-pod-deployment.yaml | NetworkPolicy targets Pod': STRICTER.defaultDeny,
  'networkpolicy-deployment-matching.yaml | Pod NetworkPolicy': STRICTER.defaultDeny,
  'networkpolicy-statefulset-matching.yaml | Pod NetworkPolicy': STRICTER.defaultDeny,
  'networkpolicy-cronjob-matching.yaml | Pod NetworkPolicy': STRICTER.defaultDeny,
  'networkpolicy-targets-all-pods.yaml | NetworkPolicy targets Pod': STRICTER.defaultDeny,
  'networkpolicy-targets-all-pods.yaml | Pod NetworkPolicy': STRICTER.defaultDeny,
  'statefulset-poddisruptionbudget-v1beta1-matches.yaml | StatefulSet has PodDisruptionBudget': STRICTER.disruption,
  'statefulset-poddisruptionbudget-v1beta1-expression-matches.yaml | StatefulSet has PodDisruptionBudget': STRICTER.disruption,
  'deployment-poddisruptionbudget-v1beta1-matches.yaml | Deployment has PodDisruptionBudget': STRICTER.disruption,
  'deployment-poddisruptionbudget-v1beta1-expression-matches.yaml | Deployment has PodDisruptionBudget': STRICTER.disruption,
  'deployment-poddisruptionbudget-v1-matches.yaml | Deployment has PodDisruptionBudget': STRICTER.disruption,
  'pod-topology-spread-constraints-no-labelselector.yaml | Pod Topology Spread Constraints': STRICTER.bareSpread,
  'pod-topology-spread-constraints-invalid-maxskew.yaml | Pod Topology Spread Constraints': STRICTER.bareSpread,
  'pod-topology-spread-constraints-invalid-mindomains.yaml | Pod Topology Spread Constraints': STRICTER.bareSpread,
  'pod-topology-spread-constraints-no-topologykey.yaml | Pod Topology Spread Constraints': STRICTER.bareSpread,
  'pod-topology-spread-constraints-invalid-whenunsatisfiable.yaml | Pod Topology Spread Constraints': STRICTER.bareSpread,
  'pod-probes-targeted-by-service-different-namespace.yaml | Pod Probes': STRICTER.probes,
  'pod-probes-not-targeted-by-service.yaml | Pod Probes': STRICTER.probes,
  'pod-probes-not-targeted-by-service-multi-labels.yaml | Pod Probes': STRICTER.probes,
  'pod-probes-on-different-containers.yaml | Pod Probes': STRICTER.probes,
  'pod-probes-on-different-containers-init.yaml | Pod Probes': STRICTER.probes,
  'pod-test-resources-limits-and-requests.yaml | Container Resources': STRICTER.ephemeral,
  'pod-image-pullpolicy-undefined-latest-tag.yaml | Container Image Pull Policy': STRICTER.pullPolicy,
  'pod-image-pullpolicy-undefined-no-tag.yaml | Container Image Pull Policy': STRICTER.pullPolicy,
  'cronjob-batchv1.yaml | Stable version': STRICTER.version,
};

describe('our audit agrees with kube-score on its testdata, for every check a practice claims', () => {
  const claimed = EXPECTATIONS.filter((e) => PRACTICES_OF_CHECK.has(checkId(e.check)));
  const outcome = claimed.map((e) => {
    const practices = PRACTICES_OF_CHECK.get(checkId(e.check))!;
    // kube-score's expectations run at Kubernetes 1.18.
    const reported = audit(objectsOf(e.file), { targetVersion: '1.18' }).findings.some((f) => practices.includes(f.practiceId));
    return { key: `${e.file} | ${e.check}`, agrees: reported === failing(e.grade), kubeScoreFails: failing(e.grade), reported };
  });

  test('the claimed checks have expectations to compare with', () => {
    expect(claimed.length).toBeGreaterThan(100);
  });

  test('every disagreement is documented, with its reason, and every documented one still happens', () => {
    expect(outcome.filter((o) => !o.agrees).map((o) => o.key).sort()).toEqual(Object.keys(DOCUMENTED).sort());
  });

  test('where kube-score finds a problem, we do too, except bare-Pod spread constraints', () => {
    const missed = outcome.filter((o) => o.kubeScoreFails && !o.reported).map((o) => DOCUMENTED[o.key]);
    expect(new Set(missed)).toEqual(new Set([STRICTER.bareSpread]));
  });
});

describe('kube-score judges our output', () => {
  const apps = [{ name: 'the example (npm run synth)', objects: exampleObjects() }, ...unseenApps()];
  const judged = KUBE_SCORE_JUDGED;
  const rules = KUBE_SCORE_TARGET_RULES;
  const hit = new Set<string>();

  test('every check it runs is one kube-score runs by default or one a practice claims', () => {
    expect(judged.filter((c) => OPTIONAL_CHECKS.includes(c))).toEqual(['Container Seccomp Profile']);
  });

  test.each(apps.map((a) => [a.name, a] as const))('%s: no CRITICAL or WARNING unless recorded or documented', (_name, app) => {
    const { findings, divergences, judgedWorkloads } = judgeKubeScore(app.objects);
    expect(judgedWorkloads).toBeGreaterThan(0);
    for (const d of divergences) hit.add(d);
    expect(findings).toEqual([]);
  });

  test('every documented divergence still occurs', () => {
    expect([...hit].sort()).toEqual(KUBE_SCORE_DIVERGENCES.map((d) => d.check).sort());
  });

  test('the judge fails a workload without our defaults', () => {
    const bare = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bare', namespace: 'shop' },
      spec: { template: { metadata: { labels: { app: 'bare' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } },
    };
    const failed = runKubeScore([bare], judged, rules).filter((r) => failing(r.grade)).map((r) => checkId(r.check));
    for (const c of ['container-resources', 'container-security-context-user-group-id', 'container-security-context-readonlyrootfilesystem',
      'container-image-pull-policy', 'pod-networkpolicy', 'deployment-has-poddisruptionbudget']) expect(failed).toContain(c);
  });
});
