import { join } from 'path';
import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ExternalSecret, LockedNamespace, partOfFor, SealedSecret, SealingCertificate, SecretStore, SecretStoreProvider, SecretValue, stampProvenance } from 'cdk8s-hardened';

/** What `addPaymentsSecrets` created: both mount into a SecureDeployment as read-only files. */
export interface PaymentsSecrets {
  /** The card processor's API token, sealed for the in-cluster controller. */
  readonly processorToken: SealedSecret;
  /** The ledger database credentials, synced from AWS Secrets Manager. */
  readonly ledgerCredentials: ExternalSecret;
}

/**
 * Adds the Sealed Secrets and External Secrets modes to `scope` (a LockedNamespace): a SealedSecret sealed with the
 * development controller certificate in examples/ (its private key was discarded: nothing here can unseal it), and
 * an ExternalSecret read from AWS Secrets Manager through the `payments-eso` ServiceAccount (IRSA).
 * The plaintext and the derivation key come from the environment (PAYMENTS_PROCESSOR_TOKEN,
 * SEALING_DERIVATION_KEY), never from program text.
 */
export function addPaymentsSecrets(scope: Construct): PaymentsSecrets {
  const processorToken = new SealedSecret(scope, 'processor-token', {
    name: 'processor-token',
    certificate: SealingCertificate.fromFile(join(__dirname, 'dev-sealed-secrets.cert.pem')),
    data: { token: SecretValue.fromEnv('PAYMENTS_PROCESSOR_TOKEN') },
    derivationKey: SecretValue.fromEnv('SEALING_DERIVATION_KEY'),
  });
  // The operator authenticates as this ServiceAccount (IRSA): its own, holding only this application's AWS role.
  const eso = new k8s.KubeServiceAccount(scope, 'payments-eso', {
    metadata: { name: 'payments-eso', namespace: LockedNamespace.of(scope)?.name, annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/payments-eso' } },
    automountServiceAccountToken: false,
  });
  stampProvenance(eso, { name: 'payments-eso', partOf: partOfFor(scope) });
  const store = new SecretStore(scope, 'aws-secrets', {
    name: 'aws-secrets',
    provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-west-1', serviceAccount: { name: 'payments-eso' } }),
  });
  const ledgerCredentials = new ExternalSecret(scope, 'ledger-credentials', {
    name: 'ledger-credentials',
    store,
    data: {
      username: { key: 'payments/ledger', property: 'username' },
      password: { key: 'payments/ledger', property: 'password' },
    },
    refreshInterval: Duration.minutes(30),
  });
  return { processorToken, ledgerCredentials };
}
