import { findPractice } from './catalogue';
import { exceptionAnnotations, PracticeException } from './exceptions';

/** The kube-score annotation listing the checks it skips for the object (comma-separated). */
export const KUBE_SCORE_IGNORE_ANNOTATION = 'kube-score/ignore';

/**
 * The peers' own exemption annotations for recorded exceptions, so Polaris, kube-score and kube-linter run on the
 * output agree with the audit: a practice excepted on an object exempts that object from the peer checks the
 * practice names as its own (`sources.polaris`, `sources.kubeScore`, `sources.kubeLinter`), and from nothing else.
 * Sorted for deterministic output.
 */
export function peerExemptions(exceptions: readonly PracticeException[]): Record<string, string> {
  const polaris = new Set<string>();
  const kubeScore = new Set<string>();
  const kubeLinter = new Map<string, string>();
  for (const e of [...exceptions].sort((a, b) => a.practice.localeCompare(b.practice))) {
    const sources = findPractice(e.practice)?.sources;
    for (const check of sources?.polaris ?? []) polaris.add(check);
    for (const check of sources?.kubeScore ?? []) kubeScore.add(check);
    for (const check of sources?.kubeLinter ?? []) if (!kubeLinter.has(check)) kubeLinter.set(check, `${e.practice}: ${e.reason}`);
  }
  const out: Record<string, string> = {};
  for (const check of [...polaris].sort()) out[`polaris.fairwinds.com/${check}-exempt`] = 'true';
  if (kubeScore.size > 0) out[KUBE_SCORE_IGNORE_ANNOTATION] = [...kubeScore].sort().join(',');
  for (const check of [...kubeLinter.keys()].sort()) out[`ignore-check.kube-linter.io/${check}`] = kubeLinter.get(check)!;
  return out;
}

/** The annotations that record `exceptions`: ours (`exceptions.cdk8s-hardened.io/<ID>`) and the peers' mirrors. */
export function recordedExceptionAnnotations(exceptions: readonly PracticeException[]): Record<string, string> {
  return { ...exceptionAnnotations(exceptions), ...peerExemptions(exceptions) };
}
