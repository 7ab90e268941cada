import { AUDIT_PRACTICES } from './checks/audit';
import { BACKUP_PRACTICES } from './checks/backup';
import { CLUSTER_PRACTICES } from './checks/cluster';
import { IMAGE_PRACTICES } from './checks/image';
import { NAMESPACE_PRACTICES } from './checks/namespace';
import { NETWORK_PRACTICES } from './checks/network';
import { RBAC_PRACTICES } from './checks/rbac';
import { SECRETS_PRACTICES } from './checks/secrets';
import { WORKLOAD_PRACTICES } from './checks/workload';
import { Practice } from './practice';
import { HardenedError } from '../errors';

/**
 * Version of the catalogue's meaning. Bump it when a practice is added, retired or judged differently;
 * constructs record it on every object (HK-AUDIT-004).
 */
export const CATALOGUE_VERSION = '1.2.0';

/** Every practice, in the order of practices.md: the single source of truth. */
export const CATALOGUE: readonly Practice[] = [
  ...IMAGE_PRACTICES,
  ...WORKLOAD_PRACTICES,
  ...NETWORK_PRACTICES,
  ...SECRETS_PRACTICES,
  ...RBAC_PRACTICES,
  ...NAMESPACE_PRACTICES,
  ...BACKUP_PRACTICES,
  ...CLUSTER_PRACTICES,
  ...AUDIT_PRACTICES,
];

const BY_ID = new Map(CATALOGUE.map((p) => [p.id, p]));

/** The practice with this id, or undefined. */
export function findPractice(id: string): Practice | undefined {
  return BY_ID.get(id);
}

/** The practice with this id; throws for an id the catalogue does not have (a programming error). */
export function practice(id: string): Practice {
  const p = BY_ID.get(id);
  if (!p) throw new HardenedError({ message: `unknown practice id '${id}'`, fix: 'use an id of the catalogue (see the README practice table)' });
  return p;
}
