/**
 * The example app: `npm run synth` runs it through `cdk8s synth` (see cdk8s.yaml) and audits cdk8s.out/.
 *
 * Secrets: the database password is read from SHOP_DB_PASSWORD (`npm run synth` supplies a development-only value
 * when it is unset) and encrypted with SOPS to the development age key in examples/dev-age-key.txt, and also to
 * AWS KMS when SOPS_KMS_KEY_ARN names a key. Re-synthesizing reuses the previous file's data key and IVs, read from
 * CDK8S_HARDENED_PREVIOUS_DIR (the synth task copies the last output there, as a GitOps checkout would hold it).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import { addBackupAndBaseline } from './backup';
import { addLockedNamespace } from './locked-namespace';
import { addRbacProfiles } from './rbac';
import { addRuntimeDefense } from './runtime-defense';
import { addPaymentsSecrets } from './secrets';
import { WebApiDbChart } from './web-api-db';
import { EncryptedSecret, HardenedAudit, SecretValue, SopsRecipient, writeControlPlaneFiles } from 'cdk8s-hardened';

/** Public half of examples/dev-age-key.txt: DEVELOPMENT ONLY, anyone with this repository can decrypt. */
const DEV_AGE_RECIPIENT = 'age1a0q56e4anpdpdjpe95we73hl36upgg6ptavtknqgf8pcv9uy9c2smrdgh6';

function recipients(): SopsRecipient[] {
  const kmsArn = process.env.SOPS_KMS_KEY_ARN;
  return [SopsRecipient.age(DEV_AGE_RECIPIENT), ...(kmsArn ? [SopsRecipient.kms(kmsArn)] : [])];
}

async function main(): Promise<void> {
  const app = new App();
  HardenedAudit.enable(app);

  const platform = new Chart(app, 'platform');
  const payments = addLockedNamespace(platform);
  addPaymentsSecrets(payments);
  addRbacProfiles(payments);

  const webApiDb = new WebApiDbChart(app, 'web-api-db');
  const dbCredentials = new EncryptedSecret(app, 'shop-db-credentials', {
    name: 'db-credentials',
    namespace: 'shop',
    labels: { 'app.kubernetes.io/part-of': 'shop' },
    stringData: { password: SecretValue.fromEnv('SHOP_DB_PASSWORD') },
    recipients: recipients(),
  });
  webApiDb.shop.db.mountSecret(dbCredentials, '/etc/secrets/db');

  const repositoryPassword = new EncryptedSecret(app, 'velero-repo-credentials', {
    name: 'velero-repo-credentials',
    namespace: 'velero',
    stringData: { 'repository-password': SecretValue.fromEnv('VELERO_REPO_PASSWORD') },
    recipients: recipients(),
  });
  const backup = new Chart(app, 'backup');
  addBackupAndBaseline(backup, repositoryPassword);

  addRuntimeDefense(new Chart(app, 'runtime-defense'), payments);

  await EncryptedSecret.prepareAll(app, {
    previousDir: process.env.CDK8S_HARDENED_PREVIOUS_DIR,
    ageIdentities: readFileSync(join(__dirname, 'dev-age-key.txt'), 'utf8').split('\n').filter((l) => l.startsWith('AGE-SECRET-KEY-')),
  });
  app.synth();
  writeControlPlaneFiles(app, join(app.outdir, 'control-plane'));
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 1;
});
