import { Manifest } from '../../../lib/practices/manifest';
import { clone, compliantSet, containerOf, NS, plus, podOf, provenance, withDeployment } from '../fixtures';
import { PracticeCases } from './types';

/** Base64 of `n` bytes with a recognisable pattern, for SOPS envelopes (values are fake, only their shape matters). */
function b64(n: number, seed = 7): string {
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256)).toString('base64');
}

/** A well-formed SOPS value: 32-byte IV and 16-byte tag, as sops writes them. */
function enc(plainLength = 12, type = 'str'): string {
  return `ENC[AES256_GCM,data:${b64(plainLength)},iv:${b64(32, 3)},tag:${b64(16, 5)},type:${type}]`;
}

/** A SOPS-encrypted Secret with a KMS master key; `mutate` breaks one thing. */
function sopsSecret(mutate: (s: any) => void = () => undefined): Manifest {
  const secret: any = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: NS, ...provenance('db', 'test/db') },
    type: 'Opaque',
    stringData: { password: enc(), username: enc(5) },
    sops: {
      kms: [{ arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', created_at: '2025-01-01T00:00:00Z', enc: b64(184), aws_profile: '' }],
      lastmodified: '2025-01-01T00:00:00Z',
      mac: enc(64),
      encrypted_regex: '^(data|stringData)$',
      version: '3.10.2',
    },
  };
  mutate(secret);
  return secret;
}

/** A plaintext Secret. */
function plainSecret(field: 'data' | 'stringData', values: Record<string, string>): Manifest {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: NS, ...provenance('db', 'test/db') }, [field]: values };
}

/** A strict-scope SealedSecret; `mutate` changes it. */
function sealedSecret(mutate: (s: any) => void = () => undefined): Manifest {
  const s: any = {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'db', namespace: NS, ...provenance('db', 'test/db') },
    spec: { encryptedData: { password: b64(300) }, template: { metadata: { name: 'db', namespace: NS }, type: 'Opaque' } },
  };
  mutate(s);
  return s;
}

/** An ExternalSecret and its namespaced SecretStore with workload identity; `mutate` changes both. */
function externalSecret(mutate: (es: any, store: any) => void = () => undefined): Manifest[] {
  const store: any = {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'SecretStore',
    metadata: { name: 'aws', namespace: NS, ...provenance('aws', 'test/aws') },
    spec: { provider: { aws: { service: 'SecretsManager', region: 'eu-west-1', auth: { jwt: { serviceAccountRef: { name: 'api' } } } } } },
  };
  const es: any = {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    metadata: { name: 'db', namespace: NS, ...provenance('db', 'test/db') },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'SecretStore', name: 'aws' },
      target: { name: 'db', creationPolicy: 'Owner' },
      data: [{ secretKey: 'password', remoteRef: { key: 'shop/db', property: 'password' } }],
    },
  };
  mutate(es, store);
  return [es, store];
}

/** A ConfigMap with the given data. */
function configMap(data: Record<string, string>, binaryData?: Record<string, string>): Manifest {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: NS, ...provenance('cfg', 'test/cfg') }, data, ...(binaryData ? { binaryData } : {}) };
}

/** The Deployment with a Secret mounted the compliant way; `mutate` receives the volume and the mount. */
function withSecretVolume(mutate: (volume: any, mount: any) => void = () => undefined): Manifest[] {
  return withDeployment((d) => {
    const volume: any = { name: 'db', secret: { secretName: 'db', defaultMode: 256 } };
    const mount: any = { name: 'db', mountPath: '/var/run/secrets/db', readOnly: true };
    mutate(volume, mount);
    podOf(d).volumes.push(volume);
    containerOf(d).volumeMounts.push(mount);
  });
}

/** A literal env var on the compliant container. */
const withEnv = (env: any) => withDeployment((d) => { containerOf(d).env = [env]; });

/** A PEM private key header and body shape; the body is filler, never a real key. */
const PEM = ['-----BEGIN', 'RSA PRIVATE KEY-----\nMIIEfiller\n-----END RSA PRIVATE KEY-----'].join(' ');

/** An EncryptionConfiguration file; `providers` for the secrets entry. */
function encryptionConfig(providers: any[], resources: string[] = ['secrets', 'configmaps']): Manifest {
  return { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: [{ resources, providers }] };
}

const kmsV2 = { kms: { apiVersion: 'v2', name: 'aws-kms-prod', endpoint: 'unix:///var/run/kmsplugin/socket.sock', timeout: '3s' } };
const secretbox = { secretbox: { keys: [{ name: 'legacy', secret: b64(32) }] } };

export const SECRETS_CASES: PracticeCases = {
  'HK-SECRETS-001': {
    pass: [
      { name: 'no Secret in the set', objects: compliantSet() },
      { name: 'SOPS-encrypted Secret', objects: plus(sopsSecret()) },
      { name: 'Secret without data (e.g. a token Secret filled by the API server)', objects: plus(plainSecret('data', {})) },
      { name: 'empty value, which sops leaves unencrypted', objects: plus(sopsSecret((s) => { s.stringData.note = ''; })) },
    ],
    fail: [
      { name: 'plaintext stringData', objects: plus(plainSecret('stringData', { password: 'canary-not-a-secret' })) },
      { name: 'base64 data', objects: plus(plainSecret('data', { password: Buffer.from('canary').toString('base64') })) },
      { name: 'ENC-looking values without a sops block', objects: plus(sopsSecret((s) => { delete s.sops; })) },
      { name: 'sops block beside a plaintext value', objects: plus(sopsSecret((s) => { s.stringData.token = 'canary-not-a-secret'; })) },
    ],
  },
  'HK-SECRETS-002': {
    pass: [
      { name: 'well-formed envelope with KMS', objects: plus(sopsSecret()) },
      {
        name: 'age recipient instead of KMS',
        objects: plus(sopsSecret((s) => { s.sops.kms = []; s.sops.age = [{ recipient: 'age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29', enc: '-----BEGIN AGE ENCRYPTED FILE-----\nx\n-----END AGE ENCRYPTED FILE-----\n' }]; })),
      },
      { name: 'plaintext Secret is HK-SECRETS-001\'s concern', objects: plus(plainSecret('stringData', { password: 'canary-not-a-secret' })) },
    ],
    fail: [
      { name: 'no mac', objects: plus(sopsSecret((s) => { delete s.sops.mac; })) },
      { name: 'value without iv', objects: plus(sopsSecret((s) => { s.stringData.password = `ENC[AES256_GCM,data:${b64(12)},tag:${b64(16)},type:str]`; })) },
      { name: 'value with a 12-byte iv', objects: plus(sopsSecret((s) => { s.stringData.password = `ENC[AES256_GCM,data:${b64(12)},iv:${b64(12)},tag:${b64(16)},type:str]`; })) },
      { name: 'wrong encrypted_regex (metadata encrypted)', objects: plus(sopsSecret((s) => { s.sops.encrypted_regex = '^data$'; })) },
      { name: 'second encryption rule', objects: plus(sopsSecret((s) => { s.sops.unencrypted_suffix = '_unencrypted'; })) },
      { name: 'no master key', objects: plus(sopsSecret((s) => { s.sops.kms = []; })) },
      { name: 'bare KMS key id instead of an ARN', objects: plus(sopsSecret((s) => { s.sops.kms[0].arn = '1234abcd-12ab-34cd-56ef-1234567890ab'; })) },
      { name: 'lastmodified not a timestamp', objects: plus(sopsSecret((s) => { s.sops.lastmodified = 'yesterday'; })) },
      { name: 'version not semver', objects: plus(sopsSecret((s) => { s.sops.version = '3.10'; })) },
      { name: 'plaintext value beside a sops block', objects: plus(sopsSecret((s) => { s.stringData.token = 'canary-not-a-secret'; })) },
    ],
  },
  'HK-SECRETS-003': {
    pass: [
      { name: 'strict scope', objects: plus(sealedSecret()) },
      { name: 'scope annotation set to "false"', objects: plus(sealedSecret((s) => { s.metadata.annotations['sealedsecrets.bitnami.com/namespace-wide'] = 'false'; })) },
    ],
    fail: [
      { name: 'cluster-wide', objects: plus(sealedSecret((s) => { s.metadata.annotations['sealedsecrets.bitnami.com/cluster-wide'] = 'true'; })) },
      { name: 'namespace-wide', objects: plus(sealedSecret((s) => { s.metadata.annotations['sealedsecrets.bitnami.com/namespace-wide'] = 'true'; })) },
      { name: 'scope annotation only on the template', objects: plus(sealedSecret((s) => { s.spec.template.metadata.annotations = { 'sealedsecrets.bitnami.com/cluster-wide': 'true' }; })) },
      { name: 'no encryptedData', objects: plus(sealedSecret((s) => { s.spec.encryptedData = {}; })) },
      { name: 'legacy spec.data', objects: plus(sealedSecret((s) => { s.spec.data = b64(300); })) },
    ],
  },
  'HK-SECRETS-004': {
    pass: [
      { name: 'namespaced store with workload identity, owned target, 1h refresh', objects: plus(...externalSecret()) },
      { name: 'creationPolicy absent (operator default Owner), 15m refresh', objects: plus(...externalSecret((es) => { delete es.spec.target.creationPolicy; es.spec.refreshInterval = '15m0s'; })) },
      { name: 'kind omitted defaults to SecretStore', objects: plus(...externalSecret((es) => { delete es.spec.secretStoreRef.kind; })) },
    ],
    fail: [
      { name: 'ClusterSecretStore', objects: plus(...externalSecret((es) => { es.spec.secretStoreRef.kind = 'ClusterSecretStore'; })) },
      { name: 'creationPolicy Merge', objects: plus(...externalSecret((es) => { es.spec.target.creationPolicy = 'Merge'; })) },
      { name: 'refreshInterval missing', objects: plus(...externalSecret((es) => { delete es.spec.refreshInterval; })) },
      { name: 'refreshInterval 24h', objects: plus(...externalSecret((es) => { es.spec.refreshInterval = '24h'; })) },
      { name: 'refreshInterval 1h1s', objects: plus(...externalSecret((es) => { es.spec.refreshInterval = '1h0m1s'; })) },
      { name: 'refreshInterval 0 never refreshes', objects: plus(...externalSecret((es) => { es.spec.refreshInterval = '0'; })) },
      {
        name: 'store authenticates with static access keys',
        objects: plus(...externalSecret((_es, store) => {
          store.spec.provider.aws.auth = { secretRef: { accessKeyIDSecretRef: { name: 'aws', key: 'id' }, secretAccessKeySecretRef: { name: 'aws', key: 'secret' } } };
        })),
      },
      {
        name: 'Vault store with a static token',
        objects: plus(...externalSecret((_es, store) => {
          store.spec.provider = { vault: { server: 'https://vault.example.com', path: 'kv', auth: { tokenSecretRef: { name: 'vault', key: 'token' } } } };
        })),
      },
    ],
  },
  'HK-SECRETS-005': {
    pass: [
      { name: 'no env from Secrets', objects: compliantSet() },
      { name: 'Secret mounted as a file', objects: withSecretVolume() },
      { name: 'env from a ConfigMap', objects: withEnv({ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }) },
    ],
    fail: [
      { name: 'secretKeyRef', objects: withEnv({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }) },
      { name: 'envFrom secretRef', objects: withDeployment((d) => { containerOf(d).envFrom = [{ secretRef: { name: 'db' } }]; }) },
      {
        name: 'secretKeyRef in an init container',
        objects: withDeployment((d) => {
          podOf(d).initContainers = [{ ...clone(containerOf(d)), name: 'migrate', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] }];
        }),
      },
    ],
  },
  'HK-SECRETS-006': {
    pass: [
      { name: 'no env literals or ConfigMaps', objects: compliantSet() },
      { name: 'harmless literal and ConfigMap', objects: [...withEnv({ name: 'LOG_LEVEL', value: 'info' }), configMap({ 'log-level': 'info' })] },
      { name: 'sensitive name read from a Secret (HK-SECRETS-005\'s concern)', objects: withEnv({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }) },
    ],
    fail: [
      { name: 'literal password', objects: withEnv({ name: 'DB_PASSWORD', value: 'canary-not-a-secret' }) },
      { name: 'literal API_KEY', objects: withEnv({ name: 'STRIPE_API_KEY', value: 'canary-not-a-secret' }) },
      { name: 'AZURE_…KEY', objects: withEnv({ name: 'AZURE_STORAGE_KEY', value: 'canary-not-a-secret' }) },
      { name: 'PEM private key in an innocently named env var', objects: withEnv({ name: 'CERT_DATA', value: PEM }) },
      { name: 'ConfigMap key named like a credential', objects: plus(configMap({ 'db-password': 'canary-not-a-secret' })) },
      { name: 'ConfigMap value holds a PEM private key', objects: plus(configMap({ 'tls.pem': PEM })) },
      { name: 'ConfigMap value holds an AWS access key id', objects: plus(configMap({ 'settings.ini': `aws_access_key_id = ${['AKIA', 'ABCDEFGHIJKLMNOP'].join('')}` })) },
      { name: 'ConfigMap binaryData holds a PEM private key', objects: plus(configMap({}, { 'key.der': Buffer.from(PEM).toString('base64') })) },
    ],
  },
  'HK-SECRETS-007': {
    pass: [
      { name: 'no secret volumes', objects: compliantSet() },
      { name: 'read-only mount, defaultMode 256', objects: withSecretVolume() },
      { name: 'defaultMode 288 for an fsGroup reader', objects: withSecretVolume((v) => { v.secret.defaultMode = 288; }) },
      {
        name: 'projected secret with defaultMode 256',
        objects: withSecretVolume((v) => { delete v.secret; v.projected = { defaultMode: 256, sources: [{ secret: { name: 'db' } }] }; }),
      },
    ],
    fail: [
      { name: 'mount not read-only', objects: withSecretVolume((_v, m) => { delete m.readOnly; }) },
      { name: 'defaultMode unset (0644)', objects: withSecretVolume((v) => { delete v.secret.defaultMode; }) },
      { name: 'defaultMode 400 (a YAML 1.2 reading of 0400, i.e. 0620)', objects: withSecretVolume((v) => { v.secret.defaultMode = 400; }) },
      { name: 'defaultMode as the string "0400"', objects: withSecretVolume((v) => { v.secret.defaultMode = '0400'; }) },
      { name: 'item mode 0644', objects: withSecretVolume((v) => { v.secret.items = [{ key: 'password', path: 'password', mode: 420 }]; }) },
      {
        name: 'projected mount writable',
        objects: withSecretVolume((v, m) => { delete v.secret; v.projected = { defaultMode: 256, sources: [{ secret: { name: 'db' } }] }; m.readOnly = false; }),
      },
    ],
  },
  'HK-SECRETS-008': {
    pass: [
      { name: 'no EncryptionConfiguration in the set', objects: compliantSet() },
      { name: 'KMS v2 first, legacy secretbox, identity last', objects: plus(encryptionConfig([kmsV2, secretbox, { identity: {} }])) },
      { name: 'secretbox with a 32-byte key', objects: plus(encryptionConfig([secretbox])) },
      { name: 'wildcard *.* covers secrets', objects: plus(encryptionConfig([kmsV2], ['*.*'])) },
    ],
    fail: [
      { name: 'identity first', objects: plus(encryptionConfig([{ identity: {} }, kmsV2])) },
      { name: 'identity in the middle', objects: plus(encryptionConfig([kmsV2, { identity: {} }, secretbox])) },
      { name: 'KMS v1', objects: plus(encryptionConfig([{ kms: { name: 'old', endpoint: 'unix:///var/run/kms.sock', timeout: '3s' } }])) },
      { name: 'KMS over TCP', objects: plus(encryptionConfig([{ kms: { ...kmsV2.kms, endpoint: 'tcp://10.0.0.1:8080' } }])) },
      { name: 'secrets not covered', objects: plus(encryptionConfig([kmsV2], ['configmaps'])) },
      { name: 'aescbc with a 16-byte key', objects: plus(encryptionConfig([{ aescbc: { keys: [{ name: 'k1', secret: b64(16) }] } }])) },
      { name: 'legacy apiVersion', objects: plus({ ...encryptionConfig([kmsV2]), apiVersion: 'v1' }) },
    ],
  },
};
