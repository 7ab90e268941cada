import { backupSpecOf, isVelero } from './util';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-BACKUP-002: judged on Schedules (their template) and on standalone Backups. */
export const volumeData: Practice = {
  id: 'HK-BACKUP-002',
  group: PracticeGroup.BACKUP,
  title: 'Volume data included in backups',
  severity: Severity.HIGH,
  why: 'A backup of manifests without PV contents restores empty databases.',
  criterion: 'Every Velero Schedule\'s spec.template (and every Backup\'s spec) sets snapshotVolumes: true (CSI snapshots) or '
    + 'defaultVolumesToFsBackup: true; the deprecated defaultVolumesToRestic does not count. Whether snapshotMoveData is needed '
    + 'depends on where the snapshots live and is not judged.',
  library: 'BackupPlan sets snapshotVolumes (CSI) or defaultVolumesToFsBackup on its Schedule.',
  fix: 'Set snapshotVolumes: true (with snapshotMoveData: true when snapshots must leave the cluster\'s storage) or '
    + 'defaultVolumesToFsBackup: true.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Stateless namespaces.',
  checkability: Checkability.MANIFESTS,
  sources: {
    kyverno: ['velero/backup-all-volumes'],
    other: ['field notes'],
  },
  evaluate: perObject(['Schedule', 'Backup'], (obj) => {
    if (!isVelero(obj, obj.kind!)) return [];
    const spec = backupSpecOf(obj);
    if (spec.snapshotVolumes === true || spec.defaultVolumesToFsBackup === true) return [];
    const where = obj.kind === 'Schedule' ? 'spec.template' : 'spec';
    const restic = spec.defaultVolumesToRestic !== undefined ? ' (defaultVolumesToRestic is deprecated and no longer used)' : '';
    return [`${where} sets neither snapshotVolumes: true nor defaultVolumesToFsBackup: true, so volume contents are not backed up${restic}`];
  }),
};
