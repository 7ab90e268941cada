/**
 * Every Velero object BackupPlan and RestoreDrill generate (Schedule, BackupStorageLocation, and the Restore the drill
 * creates at run time from its ConfigMap template) validates against the upstream CRD's openAPIV3Schema in
 * ../shared/crds/velero. A Backup built from each Schedule's template validates against the Backup CRD too. Fails
 * loudly when ../shared is missing: a skipped conformance run proves nothing.
 */
import { existsSync, readFileSync, readdirSync } from 'fs';
import { join, resolve } from 'path';
import Ajv from 'ajv';
import { Duration, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { addBackupAndBaseline } from '../../examples/backup';
import { BackupPlan, VolumeData } from '../../lib/backup/backup-plan';
import { newChart, repositoryPassword } from '../backup/support';

const VELERO_CRDS = resolve(__dirname, '..', '..', '..', 'shared', 'crds', 'velero');

if (!existsSync(VELERO_CRDS)) {
  throw new Error(`conformance tests need the Velero CRDs at ${VELERO_CRDS}; clone the project beside ../shared or run only \`npm test\``);
}

const schemas = new Map<string, any>();
for (const file of readdirSync(VELERO_CRDS).filter((f) => f.endsWith('.yaml'))) {
  const crd = parse(readFileSync(join(VELERO_CRDS, file), 'utf8'));
  for (const v of crd.spec.versions) {
    if (v.served) schemas.set(`${crd.spec.group}/${v.name} ${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
  }
}
// CRD schemas carry x-kubernetes-* keywords and Kubernetes formats that Ajv does not know.
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });

function errorsOf(obj: any): string[] {
  const key = `${obj.apiVersion} ${obj.kind}`;
  const schema = schemas.get(key);
  if (!schema) throw new Error(`no served Velero CRD for ${key} in ${VELERO_CRDS}`);
  const validate = ajv.compile(schema);
  return validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

function veleroObjects(): any[] {
  const { chart } = newChart();
  addBackupAndBaseline(chart, repositoryPassword());
  new BackupPlan(chart, 'everything', {
    namespaces: ['orders', 'billing'],
    schedule: 'CRON_TZ=Etc/UTC 0 */2 * * *',
    rpo: Duration.hours(2),
    ttl: Duration.days(14),
    volumes: VolumeData.fileSystemBackup(repositoryPassword()),
    storage: {
      bucket: 'acme-minio',
      region: 'us-east-1',
      kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      s3Url: 'https://minio.storage.svc:9000',
      caCert: { secretName: 'minio-ca', key: 'ca.crt' },
      credential: { secretName: 'minio-credentials', key: 'cloud' },
    },
    hooks: [{ name: 'flush', podLabels: { app: 'db' }, container: 'db', pre: ['/bin/flush'], post: ['/bin/thaw'], failBackupOnError: false }],
  });
  const objs = Testing.synth(chart);
  const restores = objs.filter((o) => o.kind === 'ConfigMap' && o.data?.['restore.json']).map((o) => JSON.parse(o.data['restore.json']));
  const backups = objs.filter((o) => o.kind === 'Schedule').map((s) => ({
    apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name: `${s.metadata.name}-20260101000000`, namespace: s.metadata.namespace }, spec: s.spec.template,
  }));
  return [...objs.filter((o) => o.apiVersion === 'velero.io/v1'), ...restores, ...backups];
}

const OBJECTS = veleroObjects();

describe('Velero objects validate against their CRD schemas', () => {
  test('every kind is covered', () => {
    expect([...new Set(OBJECTS.map((o) => o.kind))].sort()).toEqual(['Backup', 'BackupStorageLocation', 'Restore', 'Schedule']);
  });

  test.each(OBJECTS.map((o) => [`${o.kind} ${o.metadata.name ?? o.metadata.generateName}`, o]))('%s', (_name, obj) => {
    expect(errorsOf(obj)).toEqual([]);
  });

  test('the schema check can fail: a BackupStorageLocation with a non-string config value is refused', () => {
    const bsl = OBJECTS.find((o) => o.kind === 'BackupStorageLocation');
    expect(errorsOf({ ...bsl, spec: { ...bsl.spec, config: { ...bsl.spec.config, s3ForcePathStyle: true } } })).toEqual(['/spec/config/s3ForcePathStyle must be string']);
  });
});
