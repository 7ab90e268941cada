import { Chart, Size, Testing } from 'cdk8s';
import { audit } from '../../lib/audit/audit';
import { EXTERNAL_REFERENCES_ANNOTATION } from '../../lib/coherence/coherence';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import {
  ReclaimPolicy, STORAGE_ENCRYPTION_ANNOTATION, StorageClass, StorageClassProps, StorageProvisioner, VolumeBindingMode,
} from '../../lib/storage/storage-class';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureStatefulSet } from '../../lib/workload/secure-stateful-set';
import { image, refusal } from '../workload/support';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** The StorageClass object a chart with one StorageClass of `props` renders. */
function rendered(props: StorageClassProps, id = 'encrypted-ssd'): any {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  new StorageClass(chart, id, props);
  return Testing.synth(chart).find((o) => o.kind === 'StorageClass');
}

describe('StorageClass', () => {
  test('encrypted, kept when the claim goes, expandable, bound where the pod lands, never the default, cluster-scoped', () => {
    expect(rendered({ provisioner: StorageProvisioner.awsEbs({ kmsKeyArn: KEY }) })).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: 'encrypted-ssd',
        annotations: {
          [STORAGE_ENCRYPTION_ANNOTATION]: `EBS encryption with KMS key ${KEY}`,
          'cdk8s-hardened.io/catalogue-version': expect.any(String),
          'cdk8s-hardened.io/construct-path': 'test/encrypted-ssd/Resource',
        },
        labels: { 'app.kubernetes.io/managed-by': 'cdk8s-hardened', 'app.kubernetes.io/name': 'encrypted-ssd', 'app.kubernetes.io/part-of': 'test' },
      },
      provisioner: 'ebs.csi.aws.com',
      parameters: { 'type': 'gp3', 'encrypted': 'true', 'kmsKeyId': KEY, 'csi.storage.k8s.io/fstype': 'ext4' },
      reclaimPolicy: 'Retain',
      allowVolumeExpansion: true,
      volumeBindingMode: 'WaitForFirstConsumer',
    });
  });

  test('the cloud drivers, each with its encryption written out', () => {
    const ebs = rendered({ provisioner: StorageProvisioner.awsEbs() });
    expect([ebs.parameters, ebs.metadata.annotations[STORAGE_ENCRYPTION_ANNOTATION]]).toEqual([
      { 'type': 'gp3', 'encrypted': 'true', 'csi.storage.k8s.io/fstype': 'ext4' }, 'EBS encryption with the account\'s default key (aws/ebs)',
    ]);
    const gceKey = 'projects/acme/locations/europe-west1/keyRings/k8s/cryptoKeys/volumes';
    const gce = rendered({ provisioner: StorageProvisioner.gcePersistentDisk({ diskType: 'pd-ssd', kmsKey: gceKey }) });
    expect([gce.provisioner, gce.parameters, gce.metadata.annotations[STORAGE_ENCRYPTION_ANNOTATION]]).toEqual([
      'pd.csi.storage.gke.io', { 'type': 'pd-ssd', 'disk-encryption-kms-key': gceKey }, `persistent disks encrypted by Cloud KMS key ${gceKey}`,
    ]);
    const des = '/subscriptions/0000/resourceGroups/aks/providers/Microsoft.Compute/diskEncryptionSets/volumes';
    const azure = rendered({ provisioner: StorageProvisioner.azureDisk({ diskEncryptionSetId: des }) });
    expect([azure.provisioner, azure.parameters, azure.metadata.annotations[STORAGE_ENCRYPTION_ANNOTATION]]).toEqual([
      'disk.csi.azure.com', { skuName: 'StandardSSD_ZRS', diskEncryptionSetID: des }, `managed disks encrypted by the customer-managed key of ${des}`,
    ]);
    const ceph = rendered({
      provisioner: StorageProvisioner.of('rook-ceph.rbd.csi.ceph.com', { parameters: { clusterID: 'rook-ceph', encrypted: 'true' }, encryption: 'LUKS, keys in Vault (STO-4)' }),
    });
    expect([ceph.provisioner, ceph.parameters, ceph.metadata.annotations[STORAGE_ENCRYPTION_ANNOTATION]]).toEqual([
      'rook-ceph.rbd.csi.ceph.com', { clusterID: 'rook-ceph', encrypted: 'true' }, 'LUKS, keys in Vault (STO-4)',
    ]);
  });

  test('reclaim policy, expansion and binding mode are props', () => {
    const sc = rendered({
      provisioner: StorageProvisioner.awsEbs(),
      name: 'scratch',
      reclaimPolicy: ReclaimPolicy.DELETE,
      allowVolumeExpansion: false,
      volumeBindingMode: VolumeBindingMode.IMMEDIATE,
    });
    expect([sc.metadata.name, sc.reclaimPolicy, sc.allowVolumeExpansion, sc.volumeBindingMode]).toEqual(['scratch', 'Delete', false, 'Immediate']);
  });

  test('claims naming a StorageClass of the app resolve, record nothing, and the app audits clean', () => {
    const chart = new Chart(Testing.app(), 'test');
    const ssd = new StorageClass(chart, 'encrypted-ssd', { provisioner: StorageProvisioner.awsEbs({ kmsKeyArn: KEY }) });
    const ns = new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'], storageClass: ssd });
    new SecureStatefulSet(ns, 'db', {
      image: image('postgres'),
      port: 5432,
      readinessProbe: HealthCheck.exec(['pg_isready']),
      replicas: 2,
      volumeClaims: [{ name: 'data', mountPath: '/data', size: Size.gibibytes(1) }, { name: 'wal', mountPath: '/wal', size: Size.gibibytes(1), storageClass: ssd }],
    });
    const objects = Testing.synth(chart);
    const sts = objects.find((o) => o.kind === 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates.map((t: any) => t.spec.storageClassName)).toEqual(['encrypted-ssd', 'encrypted-ssd']);
    expect(sts.metadata.annotations[EXTERNAL_REFERENCES_ANNOTATION]).toBeUndefined();
    expect(objects.find((o) => o.kind === 'StorageClass').metadata.namespace).toBeUndefined();
    expect(audit(objects).findings.filter((f) => !f.excepted && f.object?.kind === 'StorageClass')).toEqual([]);
  });

  test.each([
    ['props that are not an object', null,
      '[test/encrypted-ssd] StorageClass prop \'props\' are null.\nFix: pass { provisioner: StorageProvisioner.awsEbs() }.'],
    ['a provisioner given as a string', { provisioner: 'ebs.csi.aws.com' },
      '[test/encrypted-ssd] StorageClass prop \'provisioner\' is "ebs.csi.aws.com", not a StorageProvisioner.\nFix: use StorageProvisioner.awsEbs(), '
      + '.gcePersistentDisk(), .azureDisk() or .of(\'<csi driver>\', { encryption: \'<how it encrypts>\' }).'],
    ['an EBS key given as an alias name', { provisioner: StorageProvisioner.awsEbs({ kmsKeyArn: 'alias/volumes' }) },
      '[test/encrypted-ssd] StorageClass prop \'provisioner\' is StorageProvisioner.awsEbs with kmsKeyArn "alias/volumes", not a KMS key or alias ARN.\n'
      + 'Fix: give the full ARN, e.g. \'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\' (the EBS driver takes no bare alias).'],
    ['an EBS volume type that does not exist', { provisioner: StorageProvisioner.awsEbs({ volumeType: 'gp4' }) },
      '[test/encrypted-ssd] StorageClass prop \'provisioner\' is StorageProvisioner.awsEbs with volumeType "gp4", not an EBS volume type.\n'
      + 'Fix: use gp3, gp2, io1, io2, st1 or sc1.'],
    ['a Cloud KMS key that is no key name', { provisioner: StorageProvisioner.gcePersistentDisk({ kmsKey: 'volumes' }) },
      '[test/encrypted-ssd] StorageClass prop \'provisioner\' is StorageProvisioner.gcePersistentDisk with kmsKey "volumes", not a Cloud KMS key name.\n'
      + 'Fix: give \'projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>\'.'],
    ['an Azure disk encryption set that is no resource id', { provisioner: StorageProvisioner.azureDisk({ diskEncryptionSetId: 'volumes' }) },
      '[test/encrypted-ssd] StorageClass prop \'provisioner\' is StorageProvisioner.azureDisk with diskEncryptionSetId "volumes", not a disk encryption set '
      + 'resource id.\nFix: give \'/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Compute/diskEncryptionSets/<name>\'.'],
    ['another driver without its encryption', { provisioner: StorageProvisioner.of('rook-ceph.rbd.csi.ceph.com', { encryption: 'yes' }) },
      '[test/encrypted-ssd] StorageClass prop \'provisioner\' is StorageProvisioner.of(\'rook-ceph.rbd.csi.ceph.com\') whose encryption is "yes", shorter '
      + 'than 10 characters.\nPractice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
      + 'Fix: say how the driver encrypts the volumes at rest, e.g. \'Ceph RBD with encrypted: "true" (LUKS), keys in Vault (STO-4)\'.'],
    ['an in-tree provisioner', { provisioner: StorageProvisioner.of('kubernetes.io/aws-ebs', { encryption: 'EBS default encryption' }) },
      '[test/encrypted-ssd] StorageClass prop \'provisioner\' is StorageProvisioner.of("kubernetes.io/aws-ebs"), not the name of a CSI driver.\n'
      + 'Fix: give the driver\'s name, e.g. \'rook-ceph.rbd.csi.ceph.com\' (in-tree kubernetes.io/ provisioners are removed or migrated to CSI).'],
    ['parameters that are not strings', { provisioner: StorageProvisioner.of('rook-ceph.rbd.csi.ceph.com', { parameters: { encrypted: true } as any, encryption: 'LUKS, keys in Vault (STO-4)' }) },
      '[test/encrypted-ssd] StorageClass prop \'provisioner\' is StorageProvisioner.of(\'rook-ceph.rbd.csi.ceph.com\') with parameters that are not a map '
      + 'of keys to strings.\nFix: give { key: \'value\' } with the driver\'s parameter names.'],
    ['a name that is no DNS subdomain', { provisioner: StorageProvisioner.awsEbs(), name: 'Encrypted_SSD' },
      '[test/encrypted-ssd] StorageClass prop \'name\' is "Encrypted_SSD", not a DNS subdomain.\nFix: use lower-case letters, digits, \'-\' and \'.\', e.g. \'encrypted-ssd\'.'],
    // The API server refuses an empty label between dots.
    ['a name with an empty label', { provisioner: StorageProvisioner.awsEbs(), name: 'encrypted..ssd' },
      '[test/encrypted-ssd] StorageClass prop \'name\' is "encrypted..ssd", not a DNS subdomain.\nFix: use lower-case letters, digits, \'-\' and \'.\', e.g. \'encrypted-ssd\'.'],
    ['a reclaim policy that does not exist', { provisioner: StorageProvisioner.awsEbs(), reclaimPolicy: 'Recycle' },
      '[test/encrypted-ssd] StorageClass prop \'reclaimPolicy\' is "Recycle".\nFix: use ReclaimPolicy.RETAIN or ReclaimPolicy.DELETE.'],
    ['a binding mode that does not exist', { provisioner: StorageProvisioner.awsEbs(), volumeBindingMode: 'Later' },
      '[test/encrypted-ssd] StorageClass prop \'volumeBindingMode\' is "Later".\nFix: use VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER or VolumeBindingMode.IMMEDIATE.'],
    ['expansion as a string', { provisioner: StorageProvisioner.awsEbs(), allowVolumeExpansion: 'yes' },
      '[test/encrypted-ssd] StorageClass prop \'allowVolumeExpansion\' is "yes".\nFix: give true or false.'],
  ])('refuses %s', (_, props, message) => {
    expect(refusal(() => new StorageClass(Testing.chart(), 'encrypted-ssd', props as any))).toBe(message);
  });
});
