import { DISASTER_RECOVERY_ROLE, isVelero, STORAGE_ROLE_LABEL } from './util';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/**
 * HK-BACKUP-004: which BackupStorageLocation belongs to a DR cluster is not in Velero's schema, so a BSL declares it
 * with the label `cdk8s-hardened.io/role: disaster-recovery`; unlabelled BSLs are primary and not judged.
 */
export const readOnlyDr: Practice = {
  id: 'HK-BACKUP-004',
  group: PracticeGroup.BACKUP,
  title: 'DR cluster mounts backups read-only',
  severity: Severity.MEDIUM,
  why: 'A restoring cluster that can write could delete or overwrite the only good copy.',
  criterion: `Every BackupStorageLocation labelled ${STORAGE_ROLE_LABEL}: ${DISASTER_RECOVERY_ROLE} sets spec.accessMode: ReadOnly. `
    + 'Unlabelled BackupStorageLocations are the primary side (ReadWrite) and are not judged.',
  library: 'Generates both sides, labelling the DR one.',
  fix: `Set spec.accessMode: ReadOnly on the DR cluster's BackupStorageLocation (labelled ${STORAGE_ROLE_LABEL}: ${DISASTER_RECOVERY_ROLE}).`,
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'A writable DR mount can destroy the backups it exists to restore.',
  checkability: Checkability.MANIFESTS,
  sources: {
    other: ['field notes (disaster recovery)', 'Velero BSL accessMode (ReadOnly|ReadWrite)'],
  },
  evaluate: perObject(['BackupStorageLocation'], (bsl) => {
    if (!isVelero(bsl, 'BackupStorageLocation') || bsl.metadata?.labels?.[STORAGE_ROLE_LABEL] !== DISASTER_RECOVERY_ROLE) return [];
    const mode = bsl.spec?.accessMode;
    return mode === 'ReadOnly' ? [] : [`is the disaster-recovery location but spec.accessMode is ${mode ?? 'unset (ReadWrite)'}, not ReadOnly`];
  }),
};
