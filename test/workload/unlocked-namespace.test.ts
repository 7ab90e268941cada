import { App, Chart } from 'cdk8s';
import { image, ready } from './support';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { HardenedAudit } from '../../lib/synth/app-audit';
import { SecureDeployment } from '../../lib/workload/secure-deployment';

function synthWarnings(build: (app: App) => void): string[] {
  const warnings: string[] = [];
  const app = new App({ outdir: '/dev/null' });
  HardenedAudit.enable(app, { warn: (w) => warnings.push(w) });
  build(app);
  // A workload in an unlocked namespace also fails synth (no default-deny is critical); the warning says why first.
  try {
    app.synthYaml();
  } catch (e) {
    if (!(e as Error).message.startsWith('Validation failed')) throw e;
  }
  return warnings;
}

describe('a SecureDeployment outside any locked namespace', () => {
  test('gets one warning naming the namespace practices it lacks and the way out', () => {
    const warnings = synthWarnings((app) => {
      new SecureDeployment(new Chart(app, 'loose', { namespace: 'loose' }), 'api', { image: image(), port: 8080, readinessProbe: ready() });
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0].split('\n').slice(0, 2)).toEqual([
      'cdk8s-hardened: warnings (not failing synth):',
      "  [loose/api] namespace 'loose' is not locked by any LockedNamespace of this app, so nothing here guarantees HK-NETWORK-001 "
        + '(default-deny), HK-NAMESPACE-002 (PSA restricted), HK-NAMESPACE-003 (ResourceQuota) or HK-NAMESPACE-004 (LimitRange). '
        + 'Create the workload inside a LockedNamespace, or adopt one locked elsewhere with LockedNamespace.fromName().',
    ]);
  });

  test('gets no such warning when the namespace is locked elsewhere in the app', () => {
    const warnings = synthWarnings((app) => {
      new LockedNamespace(new Chart(app, 'platform'), 'shop', { owner: 'shop-team' });
      new SecureDeployment(new Chart(app, 'apps', { namespace: 'shop' }), 'api', { image: image(), port: 8080, readinessProbe: ready() });
    });
    expect(warnings.join('\n')).not.toContain('is not locked by any LockedNamespace');
  });

  test('gets no such warning inside a LockedNamespace', () => {
    const warnings = synthWarnings((app) => {
      const shop = new LockedNamespace(new Chart(app, 'shop'), 'shop', { owner: 'shop-team' });
      new SecureDeployment(shop, 'api', { image: image(), port: 8080, readinessProbe: ready() });
    });
    expect(warnings.join('\n')).not.toContain('is not locked by any LockedNamespace');
  });
});
