import { etcdEncryption } from './etcd-encryption';
import { externalSecretScope } from './external-secret-scope';
import { noCredentialsInConfig } from './no-credentials-in-config';
import { noPlaintextSecret } from './no-plaintext-secret';
import { sealedSecretScope } from './sealed-secret-scope';
import { secretVolumeMode } from './secret-volume-mode';
import { secretsAsFiles } from './secrets-as-files';
import { sopsEnvelope } from './sops-envelope';
import { Practice } from '../../practice';

/** The SECRETS practices, ordered by id. */
export const SECRETS_PRACTICES: readonly Practice[] = [
  noPlaintextSecret,
  sopsEnvelope,
  sealedSecretScope,
  externalSecretScope,
  secretsAsFiles,
  noCredentialsInConfig,
  secretVolumeMode,
  etcdEncryption,
];
