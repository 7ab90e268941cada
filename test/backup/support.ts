import { Chart, Testing } from 'cdk8s';
import { REPOSITORY_SECRET_KEY, REPOSITORY_SECRET_NAME } from '../../lib/backup/backup-plan';
import { EtcdSnapshotProps } from '../../lib/backup/etcd-snapshot';
import { EncryptedSecret } from '../../lib/secrets/encrypted-secret';
import { SecretValue } from '../../lib/secrets/secret-value';
import { SopsRecipient } from '../../lib/secrets/sops-recipient';
import { StorageClass } from '../../lib/storage/storage-class';

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

/** The age recipient the etcd snapshots are encrypted to in tests. */
export const ETCD_SNAPSHOT_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

/**
 * Props of an EtcdSnapshot the library accepts: images pinned by digest, an age recipient, and an encrypted
 * StorageClass recorded as created elsewhere; `overrides` replace or add props.
 */
export function etcdSnapshotProps(overrides: Partial<EtcdSnapshotProps> = {}): EtcdSnapshotProps {
  return {
    selfManagedControlPlane: true,
    owner: 'platform-team',
    etcdImage: `registry.k8s.io/etcd:3.6.4-0@sha256:${'b'.repeat(64)}`,
    encryptImage: `registry.example.com/tools/age:1.2.1@sha256:${'c'.repeat(64)}`,
    recipient: ETCD_SNAPSHOT_RECIPIENT,
    storageClass: StorageClass.fromName('efs-encrypted', 'created by the platform baseline: EFS, encrypted at rest (PLAT-9)'),
    ...overrides,
  };
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
