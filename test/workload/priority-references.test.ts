import { Testing } from 'cdk8s';
import { image, ready, refusal, shop, synthErrors } from './support';
import { coherenceProblems } from '../../lib/coherence/coherence';
import { PriorityClass, PriorityTier } from '../../lib/workload/priority-class';
import { SecureDeployment } from '../../lib/workload/secure-deployment';

describe('a PriorityClass the app names but does not define', () => {
  test('without a recorded reason: refused at synth, as the API server would refuse the pods', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready(), priorityClass: PriorityClass.fromName('platform-high') });
    expect(synthErrors(chart)).toEqual([
      '[test/shop/api/Resource] Deployment shop/api (test/shop/api/Resource) refers (priorityClassName) to PriorityClass \'platform-high\', which the app '
      + 'does not define; applied alone, it waits or fails at run time. Fix: define it in the app, or record it as created elsewhere (use '
      + 'PriorityClass.fromName(name, reason)), i.e. the annotation cdk8s-hardened.io/external-references: "PriorityClass/platform-high: <who creates it and why>".',
    ]);
  });

  test('with a reason: recorded on the workload as its external reference', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'api', {
      image: image(), port: 8080, readinessProbe: ready(), priorityClass: PriorityClass.fromName('platform-high', 'created by the platform baseline (PLAT-3)'),
    });
    const d = Testing.synth(chart).find((m) => m.kind === 'Deployment')!;
    expect(d.spec.template.spec.priorityClassName).toBe('platform-high');
    expect(d.metadata.annotations['cdk8s-hardened.io/external-references']).toBe('PriorityClass/platform-high: created by the platform baseline (PLAT-3)');
  });

  test('a short reason is refused where it is given', () => {
    const { ns } = shop();
    expect(refusal(() => new SecureDeployment(ns, 'api', {
      image: image(), port: 8080, readinessProbe: ready(), priorityClass: PriorityClass.fromName('platform-high', 'short'),
    }))).toBe('[test/shop/api] SecureDeployment prop \'priorityClass\' is PriorityClass.fromName(\'platform-high\') with the reason "short", shorter than 10 '
      + 'characters.\nPractice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
      + 'Fix: say who creates the class, e.g. PriorityClass.fromName(\'platform-high\', \'created by the platform baseline (PLAT-3)\').');
  });

  test('a class of the app, or a built-in one, needs no reason', () => {
    const { chart, ns } = shop();
    const high = new PriorityClass(chart, 'high', { tier: PriorityTier.HIGH, name: 'shop-high' });
    new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready(), priorityClass: high });
    expect(Testing.synth(chart).find((m) => m.kind === 'Deployment')!.spec.template.spec.priorityClassName).toBe('shop-high');
  });

  test('the classes every cluster has are no missing reference', () => {
    const pod = (priorityClassName: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: priorityClassName, namespace: 'kube-system' },
      spec: { priorityClassName, containers: [{ name: 'c', image: image() }] },
    });
    expect(coherenceProblems([pod('system-node-critical'), pod('system-cluster-critical')])).toEqual([]);
  });
});
