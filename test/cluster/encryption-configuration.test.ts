import { Duration, Testing } from 'cdk8s';
import { audit } from '../../lib/audit/audit';
import { EncryptionConfiguration, EncryptionConfigurationProps } from '../../lib/cluster/encryption-configuration';
import { practice } from '../../lib/practices/catalogue';
import { errorOf, newChart } from '../backup/support';

const KMS = { name: 'aws-kms-prod', endpoint: 'unix:///var/run/kmsplugin/socket.sock' };

function build(props: Partial<EncryptionConfigurationProps> = {}): { file: EncryptionConfiguration; objs: any[] } {
  const { chart } = newChart();
  const file = new EncryptionConfiguration(chart, 'enc', { kmsProviders: [KMS], ...props });
  return { file, objs: Testing.synth(chart) };
}

describe('EncryptionConfiguration', () => {
  test('HK-SECRETS-008: KMS v2 first for secrets, no identity by default', () => {
    expect(build().file.toJson()).toEqual({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'EncryptionConfiguration',
      resources: [{ resources: ['secrets'], providers: [{ kms: { apiVersion: 'v2', name: 'aws-kms-prod', endpoint: 'unix:///var/run/kmsplugin/socket.sock', timeout: '3s' } }] }],
    });
  });

  test('identity comes last, and only while migrating; a second KMS key only decrypts', () => {
    const providers = build({ migrating: true, kmsProviders: [KMS, { name: 'aws-kms-old', endpoint: 'unix:///var/run/kmsplugin/old.sock', timeout: Duration.seconds(5) }] })
      .file.toJson().resources[0].providers;
    expect(providers.map((p: any) => Object.keys(p)[0])).toEqual(['kms', 'kms', 'identity']);
    expect(providers[1].kms).toEqual({ apiVersion: 'v2', name: 'aws-kms-old', endpoint: 'unix:///var/run/kmsplugin/old.sock', timeout: '5s' });
  });

  test('it is a file for the API server, never an object in the chart', () => {
    expect(build().objs).toEqual([]);
  });

  test('the flags point the API server at the file', () => {
    expect(build().file.apiServerFlags()).toEqual([
      '--encryption-provider-config=/etc/kubernetes/enc/encryption-configuration.yaml',
      '--encryption-provider-config-automatic-reload=true',
    ]);
  });

  test('passes its practice in the audit', () => {
    expect(audit([build({ migrating: true }).file.toJson()], { practices: [practice('HK-SECRETS-008')] }).findings).toEqual([]);
  });

  test('snapshot', () => {
    expect(build({ resources: ['secrets', 'configmaps'] }).file.toJson()).toMatchSnapshot();
  });
});

describe('EncryptionConfiguration refuses', () => {
  const refusal = (props: Partial<EncryptionConfigurationProps>) => errorOf(() => build(props));

  test('refuses a configuration without an encryption key', () => {
    expect(refusal({ kmsProviders: [] })).toBe(
      '[test/enc] EncryptionConfiguration prop \'kmsProviders\' is empty, so Secrets would be stored in etcd without an encryption key.\n'
      + 'Practice HK-SECRETS-008 (etcd encryption at rest via EncryptionConfiguration) refuses it.\n'
      + 'Fix: give at least one KMS v2 plugin, e.g. [{ name: \'aws-kms-prod\', endpoint: \'unix:///var/run/kmsplugin/socket.sock\' }].');
  });

  test('refuses a plugin that is not on a UNIX socket', () => {
    expect(refusal({ kmsProviders: [{ name: 'kms', endpoint: 'tcp://10.0.0.5:8080' }] })).toBe(
      '[test/enc] EncryptionConfiguration prop \'kmsProviders[0].endpoint\' is \'tcp://10.0.0.5:8080\', not a unix:/// socket.\n'
      + 'Practice HK-SECRETS-008 (etcd encryption at rest via EncryptionConfiguration) refuses it.\n'
      + 'Fix: give the plugin socket on the node, e.g. \'unix:///var/run/kmsplugin/socket.sock\'.');
  });

  test('refuses leaving Secrets out', () => {
    expect(refusal({ resources: ['configmaps'] })).toBe(
      '[test/enc] EncryptionConfiguration prop \'resources\' is [configmaps], which leaves Secrets unencrypted.\n'
      + 'Practice HK-SECRETS-008 (etcd encryption at rest via EncryptionConfiguration) refuses it.\n'
      + 'Fix: keep \'secrets\' in the list and add others beside it.');
  });
});
