import { admissionEngine } from './admission-engine';
import { apiserverHardening } from './apiserver-hardening';
import { cisBenchmarkJob } from './cis-benchmark-job';
import { etcdMutualTls } from './etcd-mutual-tls';
import { hardenedNodePool } from './hardened-node-pool';
import { kubeletHardening } from './kubelet-hardening';
import { stableApiVersions } from './stable-api-versions';
import { Practice } from '../../practice';

/** The CLUSTER practices, ordered by id. */
export const CLUSTER_PRACTICES: readonly Practice[] = [
  admissionEngine,
  etcdMutualTls,
  apiserverHardening,
  kubeletHardening,
  cisBenchmarkJob,
  stableApiVersions,
  hardenedNodePool,
];
