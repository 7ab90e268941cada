import { Manifest } from '../../../lib/practices/manifest';

/** One named input set for a practice. */
export interface PracticeCase {
  /** What the case shows, e.g. 'container sets runAsNonRoot: false'. */
  readonly name: string;
  /** The objects audited together. */
  readonly objects: Manifest[];
  /** Target Kubernetes version for the case. */
  readonly targetVersion?: string;
  /** App-wide registry allow-list for the case (HK-IMAGE-003). */
  readonly allowedRegistries?: string[];
}

/** Passing and failing sets for one practice. Every checkable practice needs at least one of each. */
export interface PracticeCaseTable {
  readonly pass: PracticeCase[];
  readonly fail: PracticeCase[];
}

/** Cases keyed by practice id. */
export type PracticeCases = Record<string, PracticeCaseTable>;
