/**
 * The synth-time audit's findings, construct paths and messages, pinned: the plumbing that runs it (how often it
 * renders, when it runs, what it reuses) may change, what it reports may not. Inputs: the insecure fixtures, included
 * into an app, and the example app.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, Include } from 'cdk8s';
import { addBackupAndBaseline } from '../../examples/backup';
import { addLockedNamespace } from '../../examples/locked-namespace';
import { addRbacProfiles } from '../../examples/rbac';
import { addPaymentsSecrets } from '../../examples/secrets';
import { WebApiDbChart } from '../../examples/web-api-db';
import { EncryptedSecret } from '../../lib/secrets/encrypted-secret';
import { SecretValue } from '../../lib/secrets/secret-value';
import { SopsRecipient } from '../../lib/secrets/sops-recipient';
import { HardenedAudit } from '../../lib/synth/app-audit';
import { ageKeyPair, setEnv } from '../secrets/sops/helpers';

let outdirs: string[] = [];
afterEach(() => {
  for (const d of outdirs) rmSync(d, { recursive: true, force: true });
  outdirs = [];
});

function freshApp(): App {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-synth-findings-'));
  outdirs.push(outdir);
  return new App({ outdir });
}

/** The synth error's lines (empty when synth passes) and every finding of the report, excepted ones included. */
function outcome(app: App, synth: () => void): { errors: string[]; findings: unknown[] } {
  let errors: string[] = [];
  try {
    synth();
  } catch (e) {
    errors = (e as Error).message.split('\n');
  }
  return { errors, findings: HardenedAudit.lastReport(app)!.findings };
}

describe('the synth-time audit reports the same findings', () => {
  test.each(['insecure.yaml', 'included-insecure.yaml', 'third-party-rbac.yaml'])('on test/fixtures/%s', (file) => {
    const app = freshApp();
    HardenedAudit.enable(app, { warn: () => undefined });
    new Include(new Chart(app, 'fixture'), 'yaml', { url: join(__dirname, '..', 'fixtures', file) });
    const result = outcome(app, () => app.synth());
    expect(result.errors.length).toBeGreaterThan(1);
    expect(result).toMatchSnapshot();
  });

  test('on the example app', async () => {
    const restore = setEnv({
      VELERO_REPO_PASSWORD: 'test-only-velero-repository',
      SHOP_DB_PASSWORD: 'test-only-shop-database',
      PAYMENTS_PROCESSOR_TOKEN: 'test-only-processor-token',
      SEALING_DERIVATION_KEY: 'test-only-derivation-key-0123456789abcdef',
    });
    try {
      const { identity, recipient } = await ageKeyPair();
      const app = freshApp();
      HardenedAudit.enable(app, { warn: () => undefined });
      const payments = addLockedNamespace(new Chart(app, 'platform'));
      addPaymentsSecrets(payments);
      addRbacProfiles(payments);
      const webApiDb = new WebApiDbChart(app, 'web-api-db');
      const recipients = [SopsRecipient.age(recipient)];
      const db = new EncryptedSecret(app, 'shop-db-credentials', {
        name: 'db-credentials', namespace: 'shop', stringData: { password: SecretValue.fromEnv('SHOP_DB_PASSWORD') }, recipients,
      });
      webApiDb.shop.db.mountSecret(db, '/etc/secrets/db');
      const repository = new EncryptedSecret(app, 'velero-repo-credentials', {
        name: 'velero-repo-credentials', namespace: 'velero', stringData: { 'repository-password': SecretValue.fromEnv('VELERO_REPO_PASSWORD') }, recipients,
      });
      addBackupAndBaseline(new Chart(app, 'backup'), repository);
      await EncryptedSecret.prepareAll(app, { ageIdentities: [identity] });
      const result = outcome(app, () => app.synth());
      expect(result.errors).toEqual([]);
      expect(result).toMatchSnapshot();
    } finally {
      restore();
    }
  });
});
