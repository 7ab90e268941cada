import { Chart, Testing } from 'cdk8s';
import { REPOSITORY_SECRET_KEY, REPOSITORY_SECRET_NAME } from '../../lib/backup/backup-plan';
import { EncryptedSecret } from '../../lib/secrets/encrypted-secret';
import { SecretValue } from '../../lib/secrets/secret-value';
import { SopsRecipient } from '../../lib/secrets/sops-recipient';

/** A value that must never appear in YAML, errors or snapshots. */
export const PASSWORD_CANARY = 'canary-repo-password-5f2c9e';

/**
 * The data mover's repository password as the library's EncryptedSecret, in an app of its own: it is constructed
 * but never prepared (no KMS call), so it must stay out of the app under test, whose synth would demand encryption.
 */
export function repositoryPassword(overrides: { name?: string; namespace?: string } = {}): EncryptedSecret {
  process.env.BACKUP_TEST_REPO_PASSWORD = PASSWORD_CANARY;
  return new EncryptedSecret(Testing.app(), `repo-password-${overrides.name ?? REPOSITORY_SECRET_NAME}-${overrides.namespace ?? 'velero'}`, {
    name: overrides.name ?? REPOSITORY_SECRET_NAME,
    namespace: overrides.namespace ?? 'velero',
    stringData: { [REPOSITORY_SECRET_KEY]: SecretValue.fromEnv('BACKUP_TEST_REPO_PASSWORD') },
    recipients: [SopsRecipient.kms('arn:aws:kms:eu-west-1:111122223333:alias/gitops')],
  });
}

/** A fresh app with one chart for the constructs under test. */
export function newChart(): { app: ReturnType<typeof Testing.app>; chart: Chart } {
  const app = Testing.app();
  return { app, chart: new Chart(app, 'test') };
}

/** The message of the error `fn` throws; fails the test when it throws nothing. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal, but nothing was thrown');
}
