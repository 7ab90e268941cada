import { AuditReport, Finding } from './audit';
import { HardenedError } from '../errors';

/** Format version of the baseline file; a file of another version is refused rather than misread. */
export const BASELINE_VERSION = 1;

/** One recorded finding: what it is about and what it says; no line, since lines move when files are edited. */
export interface BaselineEntry {
  /** The practice id. */
  readonly practiceId: string;
  /** `apiVersion kind namespace/name` of the object. */
  readonly object: string;
  /** The finding's message. */
  readonly message: string;
}

/** A baseline file: the findings accepted when a scanner is adopted on an existing repository. */
export interface Baseline {
  readonly version: number;
  readonly findings: BaselineEntry[];
}

/** A baseline file that cannot be used. */
export class BaselineError extends HardenedError {
  constructor(file: string, problem: string) {
    super({ message: `baseline ${file} ${problem}; write a new one with --write-baseline`, fix: 'write a new one with --write-baseline' });
    this.name = 'BaselineError';
  }
}

/**
 * Records today's open findings (excepted ones are already accounted for in the manifests), sorted so the file
 * diffs well and is byte-identical for the same findings.
 */
export function renderBaseline(report: AuditReport): string {
  const findings = report.findings.filter((f) => !f.excepted).map(entryOf).sort(compareEntries);
  return JSON.stringify({ version: BASELINE_VERSION, findings }, undefined, 2) + '\n';
}

/** Reads a baseline file's text; refuses anything that is not one. */
export function parseBaseline(text: string, file: string): Baseline {
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new BaselineError(file, 'is not JSON');
  }
  if (doc === null || typeof doc !== 'object' || doc.version !== BASELINE_VERSION || !Array.isArray(doc.findings)) {
    throw new BaselineError(file, `is not a version ${BASELINE_VERSION} baseline ({ "version": ${BASELINE_VERSION}, "findings": [...] })`);
  }
  doc.findings.forEach((e: any, i: number) => {
    if (e === null || typeof e !== 'object' || ['practiceId', 'object', 'message'].some((k) => typeof e[k] !== 'string')) {
      throw new BaselineError(file, `has an entry ${i + 1} without string practiceId, object and message`);
    }
  });
  const findings = doc.findings.map((e: BaselineEntry) => ({ practiceId: e.practiceId, object: e.object, message: e.message }));
  return { version: BASELINE_VERSION, findings };
}

/**
 * Marks the findings the baseline records as baselined: they are reported but do not fail the run. Matching is by
 * practice, object and message, and counts: a finding recorded once covers one finding, so a second copy of the
 * same mistake is new.
 */
export function applyBaseline(report: AuditReport, baseline: Baseline): AuditReport {
  const remaining = new Map<string, number>();
  for (const e of baseline.findings) remaining.set(keyOf(e), (remaining.get(keyOf(e)) ?? 0) + 1);
  const findings = report.findings.map((f): Finding => {
    if (f.excepted) return f;
    const key = keyOf(entryOf(f));
    const left = remaining.get(key) ?? 0;
    if (left === 0) return f;
    remaining.set(key, left - 1);
    return { ...f, baselined: true };
  });
  return { ...report, findings };
}

function entryOf(f: Finding): BaselineEntry {
  const { apiVersion, kind, namespace, name } = f.object;
  return { practiceId: f.practiceId, object: `${apiVersion} ${kind} ${namespace ? `${namespace}/` : ''}${name}`, message: f.message };
}

function keyOf(e: BaselineEntry): string {
  return JSON.stringify([e.practiceId, e.object, e.message]);
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  const ka = keyOf(a);
  const kb = keyOf(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
