import { dedicatedNamespace } from './dedicated-namespace';
import { limitRange } from './limit-range';
import { ownerLabels } from './owner-labels';
import { psaRestricted } from './psa-restricted';
import { resourceQuota } from './resource-quota';
import { Practice } from '../../practice';

/** The NAMESPACE practices, ordered by id. */
export const NAMESPACE_PRACTICES: readonly Practice[] = [
  dedicatedNamespace,
  psaRestricted,
  resourceQuota,
  limitRange,
  ownerLabels,
];
