import { DIGEST_PINNED_IMAGE } from './util';
import { parseGoDuration } from '../../../units/duration';
import { Manifest } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

/** The Trivy Operator's settings ConfigMaps (names fixed by the operator). */
const OPERATOR_CONFIG = 'trivy-operator-config';
const TRIVY_CONFIG = 'trivy-operator-trivy-config';

/** Longest acceptable time between two scans of a running image. */
const MAX_RESCAN_SECONDS = 7 * 24 * 3600;

function configMaps(ctx: AuditContext, name: string): Manifest[] {
  return ctx.ofKind('ConfigMap').filter((c) => c.apiVersion === 'v1' && c.metadata?.name === name);
}

function operatorProblems(cm: Manifest): string[] {
  const data = cm.data ?? {};
  const problems: string[] = [];
  if (data.OPERATOR_VULNERABILITY_SCANNER_ENABLED === 'false') problems.push('OPERATOR_VULNERABILITY_SCANNER_ENABLED is "false": running images are never scanned');
  const ttl = data.OPERATOR_SCANNER_REPORT_TTL;
  const seconds = typeof ttl === 'string' ? parseGoDuration(ttl) : undefined;
  if (seconds === undefined || seconds <= 0 || seconds > MAX_RESCAN_SECONDS) {
    problems.push(`OPERATOR_SCANNER_REPORT_TTL is ${JSON.stringify(ttl ?? null)}: reports must expire within 168h so running images are rescanned`);
  }
  if (data.OPERATOR_METRICS_FINDINGS_ENABLED !== 'true') {
    problems.push('OPERATOR_METRICS_FINDINGS_ENABLED is not "true": no trivy_image_vulnerabilities metric to alert on');
  }
  return problems;
}

function trivyProblems(cm: Manifest): string[] {
  const data = cm.data ?? {};
  const problems: string[] = [];
  const image = `${data['trivy.repository'] ?? ''}:${data['trivy.tag'] ?? ''}`;
  if (!DIGEST_PINNED_IMAGE.test(image)) problems.push(`the scanner image "${image}" (trivy.repository:trivy.tag) is not pinned by digest`);
  const severities = String(data['trivy.severity'] ?? 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL').toUpperCase().split(',').map((s) => s.trim());
  if (!severities.includes('CRITICAL')) problems.push(`trivy.severity "${data['trivy.severity']}" does not record CRITICAL findings`);
  if (data['trivy.ignoreUnfixed'] === 'true') problems.push('trivy.ignoreUnfixed is "true": critical vulnerabilities without a fix are hidden');
  return problems;
}

/**
 * HK-IMAGE-007: judged when the set carries the Trivy Operator's configuration (its ConfigMaps); whether a cluster
 * runs a scanner at all is not visible in manifests.
 */
export const runningImagesRescanned: Practice = {
  id: 'HK-IMAGE-007',
  group: PracticeGroup.IMAGE,
  title: 'Running images rescanned in the cluster, critical findings alerted',
  severity: Severity.HIGH,
  why: 'An image clean at build time turns vulnerable when a CVE is published; only a scan of what runs, repeated, finds it.',
  criterion: `When the set contains the Trivy Operator's ConfigMaps: ${OPERATOR_CONFIG} does not disable the vulnerability scanner, sets `
    + 'OPERATOR_SCANNER_REPORT_TTL to a Go duration of at most 168h (expired reports are rescanned) and OPERATOR_METRICS_FINDINGS_ENABLED '
    + `"true"; ${TRIVY_CONFIG} pins the scanner image by digest (trivy.repository:trivy.tag), records CRITICAL findings (trivy.severity) `
    + 'and does not set trivy.ignoreUnfixed "true".',
  library: 'TrivyOperatorConfig generates the three ConfigMaps (rescan every 24h by default, scanner pinned by digest, hardened scan jobs); '
    + 'SecurityAlerts alerts on trivy_image_vulnerabilities{severity="Critical"}.',
  fix: 'Enable the vulnerability scanner, set OPERATOR_SCANNER_REPORT_TTL: "24h", OPERATOR_METRICS_FINDINGS_ENABLED: "true", pin '
    + 'trivy.tag as "<tag>@sha256:<digest>", and keep CRITICAL in trivy.severity.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'A scanner other than Trivy watches running images; name it in the reason.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Executive summary: scan containers and Pods for vulnerabilities or misconfigurations'],
    kubescape: ['C-0083', 'C-0084', 'C-0085'],
    other: ['Trivy Operator configuration (trivy-operator-config, trivy-operator-trivy-config)'],
  },
  evaluate: (ctx) => {
    const out: Violation[] = [];
    for (const cm of configMaps(ctx, OPERATOR_CONFIG)) out.push(...operatorProblems(cm).map((message) => ({ object: cm, message })));
    for (const cm of configMaps(ctx, TRIVY_CONFIG)) out.push(...trivyProblems(cm).map((message) => ({ object: cm, message })));
    return out;
  },
};
