import { boundedBackupJobs } from './bounded-backup-jobs';
import { encryptedStorage } from './encrypted-storage';
import { etcdSnapshots } from './etcd-snapshots';
import { readOnlyDr } from './read-only-dr';
import { restoreDrills } from './restore-drills';
import { scheduledBackup } from './scheduled-backup';
import { volumeData } from './volume-data';
import { Practice } from '../../practice';

/** The BACKUP practices, ordered by id. */
export const BACKUP_PRACTICES: readonly Practice[] = [
  scheduledBackup,
  volumeData,
  encryptedStorage,
  readOnlyDr,
  restoreDrills,
  etcdSnapshots,
  boundedBackupJobs,
];
