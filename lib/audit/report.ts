import { existsSync, readFileSync } from 'fs';
import { dirname, isAbsolute, join } from 'path';
import { pathToFileURL } from 'url';
import { AuditReport, failingFindings, Finding, SourceLocation } from './audit';
import { InputProblem, STDIN_NAME } from './load';
import { HardenedError } from '../errors';
import { CATALOGUE } from '../practices/catalogue';
import { ObjectRef } from '../practices/manifest';
import { Practice, PracticeSources, Severity, SEVERITY_ORDER } from '../practices/practice';

/** Name the tool reports under (SARIF `tool.driver.name`). */
export const TOOL_NAME = 'cdk8s-hardened';

/** Where users learn about the tool and its practices (SARIF `informationUri`). */
export const INFORMATION_URI = 'https://www.npmjs.com/package/cdk8s-hardened';

/** Options of `renderText`. */
export interface TextReportOptions {
  /**
   * When given, a last line says whether the report fails at this threshold and with how many findings.
   * @default - no verdict line
   */
  readonly failOn?: Severity | 'none';
  /**
   * Problems with the input. With an error among them, or no object at all, the verdict line never says PASS:
   * part of the input was not judged (the CLI exits 2).
   * @default - none
   */
  readonly inputProblems?: readonly InputProblem[];
}

/** Options of `renderJson` and `renderSarif`. */
export interface MachineReportOptions {
  /**
   * Problems with the input, listed beside the findings (JSON `inputProblems`, SARIF tool execution notifications).
   * @default - none
   */
  readonly inputProblems?: readonly InputProblem[];
  /**
   * Version written as the tool's version.
   * @default - the version in this package's package.json
   */
  readonly toolVersion?: string;
}

/** `Kind namespace/name` (or `Kind name` for cluster-scoped objects). */
export function objectLabel(ref: ObjectRef): string {
  return `${ref.kind || '?'} ${ref.namespace ? ref.namespace + '/' : ''}${ref.name || '?'}`;
}

/** `file:line`, or the file alone when the line is unknown. */
export function locationLabel(location: SourceLocation): string {
  return location.line ? `${location.file}:${location.line}` : location.file;
}

/**
 * The human report: findings grouped by object (ordered by file, line, construct path, then kind, namespace and
 * name), each object's findings from most to least severe, then one summary line.
 */
export function renderText(report: AuditReport, options: TextReportOptions = {}): string {
  const lines: string[] = [];
  for (const group of groupByObject(report.findings)) {
    const where = [group.constructPath, group.location ? locationLabel(group.location) : undefined].filter((x) => x);
    lines.push(`${objectLabel(group.object)}${where.length > 0 ? ` (${where.join(', ')})` : ''}`);
    for (const f of group.findings) {
      lines.push(`  [${f.severity}] ${f.practiceId} ${f.title}: ${f.message}`);
      lines.push(f.excepted ? `    excepted: ${f.exceptionReason}` : f.baselined ? `    baselined (recorded in the baseline file); fix: ${f.fix}` : `    fix: ${f.fix}`);
    }
    lines.push('');
  }
  lines.push(summaryLine(report));
  if (options.failOn !== undefined) lines.push(verdictLine(report, options.failOn, options.inputProblems ?? []));
  return lines.join('\n') + '\n';
}

/**
 * `12 objects, 5 findings (1 critical, 3 high, 1 low), 2 excepted, 1 baselined`; excepted and baselined findings are
 * not counted as findings.
 */
export function summaryLine(report: AuditReport): string {
  const { open, excepted, baselined, bySeverity: counts } = tally(report.findings);
  const bySeverity = SEVERITY_ORDER
    .map((s) => [s, counts.get(s)!] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return `${plural(report.objectCount, 'object')}, ${plural(open, 'finding')}`
    + (bySeverity.length > 0 ? ` (${bySeverity.join(', ')})` : '')
    + (excepted > 0 ? `, ${excepted} excepted` : '')
    + (baselined > 0 ? `, ${baselined} baselined` : '');
}

/** How many findings a report has: open ones (neither excepted nor baselined) by severity, excepted, baselined. */
interface Tally {
  readonly open: number;
  readonly excepted: number;
  readonly baselined: number;
  /** Open findings of each severity of SEVERITY_ORDER (0 included). */
  readonly bySeverity: ReadonlyMap<Severity, number>;
}

/** The counts of the summary line and the JSON summary, in one pass (a large report has tens of thousands). */
function tally(findings: readonly Finding[]): Tally {
  const bySeverity = new Map<Severity, number>(SEVERITY_ORDER.map((s) => [s, 0]));
  let open = 0;
  let excepted = 0;
  let baselined = 0;
  for (const f of findings) {
    if (f.excepted) excepted++;
    if (f.baselined) baselined++;
    if (!f.excepted && !f.baselined) {
      open++;
      const n = bySeverity.get(f.severity);
      if (n !== undefined) bySeverity.set(f.severity, n + 1);
    }
  }
  return { open, excepted, baselined, bySeverity };
}

/** The findings that fail the run at `failOn` (never excepted ones); none for `none`. */
export function failingAt(report: AuditReport, failOn: Severity | 'none'): Finding[] {
  return failOn === 'none' ? [] : failingFindings(report, failOn);
}

/** The report as JSON with a fixed key order and 2-space indentation; findings in the report's order. */
export function renderJson(report: AuditReport, options: MachineReportOptions = {}): string {
  return [...renderJsonChunks(report, options)].join('');
}

/** Findings rendered per piece of `renderJsonChunks`. */
const FINDINGS_PER_CHUNK = 2000;

/** What JSON.stringify puts around the findings of a piece, `{ f: [...] }` indented by 2. */
const WRAPPED_HEAD = '{\n  "f": [\n';
const WRAPPED_TAIL = '\n  ]\n}';

/** Stands for the findings array while the rest of the JSON report is rendered around it. */
const FINDINGS_SLOT = '__cdk8s_hardened_findings__';

/**
 * `renderJson` in pieces whose concatenation is exactly its text: the findings are rendered a few thousand at a
 * time, so a writer can send a report of hundreds of thousands of findings without holding all of it at once.
 */
export function* renderJsonChunks(report: AuditReport, options: MachineReportOptions = {}): Generator<string> {
  const { open, excepted, baselined, bySeverity } = tally(report.findings);
  const frame = JSON.stringify({
    tool: { name: TOOL_NAME, version: options.toolVersion ?? packageVersion() },
    catalogueVersion: report.catalogueVersion,
    targetVersion: report.targetVersion,
    objectCount: report.objectCount,
    summary: {
      findings: open,
      excepted,
      ...(baselined > 0 ? { baselined } : {}),
      bySeverity: Object.fromEntries(SEVERITY_ORDER.map((s) => [s, bySeverity.get(s)])),
    },
    findings: FINDINGS_SLOT,
    ...(options.inputProblems && options.inputProblems.length > 0
      ? { inputProblems: options.inputProblems.map(problemJson) }
      : {}),
  }, undefined, 2) + '\n';
  // Everything before the slot is ours (names, versions, counts), so its first occurrence is the slot.
  const slot = frame.indexOf(`"${FINDINGS_SLOT}"`);
  const findings = report.findings;
  if (findings.length === 0) {
    yield frame.slice(0, slot) + '[]' + frame.slice(slot + FINDINGS_SLOT.length + 2);
    return;
  }
  yield frame.slice(0, slot) + '[\n';
  for (let from = 0; from < findings.length; from += FINDINGS_PER_CHUNK) {
    const to = Math.min(from + FINDINGS_PER_CHUNK, findings.length);
    // Rendered where they sit in the report, in an array one level down, so that they are indented as they must be.
    const wrapped = JSON.stringify({ f: findings.slice(from, to).map(findingJson) }, undefined, 2);
    yield wrapped.slice(WRAPPED_HEAD.length, wrapped.length - WRAPPED_TAIL.length) + (to < findings.length ? ',\n' : '\n');
  }
  yield '  ]' + frame.slice(slot + FINDINGS_SLOT.length + 2);
}

/**
 * One finding of the JSON report, keys in their fixed order. Built field by field (a large report has tens of
 * thousands); a key whose value is undefined is left out by JSON.stringify, as it was when spread in.
 */
function findingJson(f: Finding): object {
  const object: Record<string, unknown> = { apiVersion: f.object.apiVersion, kind: f.object.kind };
  if (f.object.namespace) object.namespace = f.object.namespace;
  object.name = f.object.name;
  const json: Record<string, unknown> = { practiceId: f.practiceId, title: f.title, severity: f.severity, object };
  if (f.constructPath) json.constructPath = f.constructPath;
  if (f.location) json.location = { file: f.location.file, line: f.location.line };
  json.message = f.message;
  json.fix = f.fix;
  json.excepted = f.excepted;
  if (f.excepted) json.exceptionReason = f.exceptionReason;
  if (f.baselined) json.baselined = true;
  return json;
}

/**
 * The report as SARIF 2.1.0: every practice of the catalogue is a rule (so a rule index never depends on what
 * was found), every finding a result; excepted findings are results with an in-source suppression and the reason.
 */
export function renderSarif(report: AuditReport, options: MachineReportOptions = {}): string {
  const ruleIndex = new Map(CATALOGUE.map((p, i) => [p.id, i]));
  const problems = options.inputProblems ?? [];
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: TOOL_NAME,
          version: options.toolVersion ?? packageVersion(),
          informationUri: INFORMATION_URI,
          rules: CATALOGUE.map(sarifRule),
        },
      },
      invocations: [{
        executionSuccessful: !problems.some((p) => p.level === 'error'),
        toolExecutionNotifications: problems.map(sarifNotification),
      }],
      results: report.findings.map((f) => sarifResult(f, ruleIndex.get(f.practiceId))),
      properties: {
        catalogueVersion: report.catalogueVersion,
        targetVersion: report.targetVersion,
        objectCount: report.objectCount,
      },
    }],
  };
  return JSON.stringify(log, undefined, 2) + '\n';
}

/** SARIF `level` of a severity: critical and high fail a build, medium warns, low is a note. */
export function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  switch (severity) {
    case Severity.CRITICAL:
    case Severity.HIGH:
      return 'error';
    case Severity.MEDIUM:
      return 'warning';
    default:
      return 'note';
  }
}

/** GitHub code scanning's `security-severity` score (critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low < 4.0). */
export function securitySeverity(severity: Severity): string {
  switch (severity) {
    case Severity.CRITICAL: return '9.5';
    case Severity.HIGH: return '8.0';
    case Severity.MEDIUM: return '5.5';
    default: return '2.0';
  }
}

/** Labels of the source keys in help texts, in the order of practices.md. */
const SOURCE_LABELS: ReadonlyArray<[keyof PracticeSources, string]> = [
  ['pss', 'Pod Security Standards'],
  ['nsa', 'NSA/CISA Kubernetes Hardening Guidance'],
  ['cis', 'CIS Kubernetes Benchmark'],
  ['kubeScore', 'kube-score'],
  ['polaris', 'Polaris'],
  ['kubeLinter', 'kube-linter'],
  ['kyverno', 'Kyverno policies'],
  ['gatekeeper', 'Gatekeeper library'],
  ['kubesec', 'kubesec'],
  ['checkov', 'Checkov'],
  ['kubescape', 'Kubescape'],
  ['other', 'Other'],
];

function sarifRule(p: Practice) {
  const sources = SOURCE_LABELS.filter(([key]) => (p.sources[key] ?? []).length > 0).map(([key, label]) => [label, p.sources[key]!] as const);
  const text = [
    `Criterion: ${p.criterion}`,
    `Fix: ${p.fix}`,
    `Exception: ${p.exception}${p.exceptionNote ? ` (${p.exceptionNote})` : ''}`,
    ...(sources.length > 0 ? [`Sources: ${sources.map(([label, ids]) => `${label} ${ids.join(', ')}`).join('; ')}`] : []),
  ].join('\n');
  const markdown = [
    `**Criterion:** ${p.criterion}`,
    '',
    `**Fix:** ${p.fix}`,
    '',
    `**Exception:** ${p.exception}${p.exceptionNote ? ` (${p.exceptionNote})` : ''}`,
    ...(sources.length > 0 ? ['', '**Sources:**', '', ...sources.map(([label, ids]) => `- ${label}: ${ids.map((id) => `\`${id}\``).join(', ')}`)] : []),
  ].join('\n');
  return {
    id: p.id,
    name: ruleName(p.title),
    shortDescription: { text: p.title },
    fullDescription: { text: p.why },
    help: { text, markdown },
    defaultConfiguration: { level: sarifLevel(p.severity) },
    properties: {
      'tags': ['security', 'kubernetes', p.group.toLowerCase()],
      'security-severity': securitySeverity(p.severity),
      'precision': 'high',
      'problem.severity': sarifLevel(p.severity) === 'note' ? 'recommendation' : sarifLevel(p.severity),
      'checkability': p.checkability,
      'exception': p.exception,
    },
  };
}

/** SARIF wants an identifier-like rule name: `NoPrivilegedContainers` from `No privileged containers`. */
function ruleName(title: string): string {
  return title
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function sarifResult(f: Finding, ruleIndex: number | undefined) {
  const objectName = objectLabel(f.object);
  const logicalLocations: object[] = [{ name: f.object.name, fullyQualifiedName: objectName, kind: 'resource' }];
  if (f.constructPath) {
    logicalLocations.push({ name: f.constructPath.split('/').pop(), fullyQualifiedName: f.constructPath, kind: 'module' });
  }
  const physical = f.location && f.location.file !== STDIN_NAME ? physicalLocation(f.location) : undefined;
  return {
    ruleId: f.practiceId,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: sarifLevel(f.severity),
    message: { text: `${objectName}: ${f.message}. Fix: ${f.fix}` },
    locations: [{ ...(physical ? { physicalLocation: physical } : {}), logicalLocations }],
    partialFingerprints: { 'objectFinding/v1': [f.practiceId, f.object.kind, f.object.namespace ?? '', f.object.name, f.message].join('|') },
    ...(f.excepted ? { suppressions: [{ kind: 'inSource', status: 'accepted', justification: f.exceptionReason }] } : {}),
    ...(f.baselined ? { suppressions: [{ kind: 'external', status: 'accepted', justification: 'recorded in the baseline file' }] } : {}),
    properties: {
      severity: f.severity,
      object: f.object,
      ...(f.constructPath ? { constructPath: f.constructPath } : {}),
    },
  };
}

function physicalLocation(location: SourceLocation) {
  return {
    artifactLocation: artifactLocation(location.file),
    ...(location.line ? { region: { startLine: location.line } } : {}),
  };
}

/** A relative path becomes a relative URI against the source root; an absolute one a `file://` URI. */
function artifactLocation(file: string) {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  const uri = file.split(/[\\/]+/).filter((s) => s !== '.').map(encodeURIComponent).join('/');
  return { uri, uriBaseId: '%SRCROOT%' };
}

function sarifNotification(p: InputProblem) {
  const physical = p.file !== STDIN_NAME ? {
    artifactLocation: artifactLocation(p.file),
    ...(p.line ? { region: { startLine: p.line, ...(p.column ? { startColumn: p.column } : {}) } } : {}),
  } : undefined;
  return {
    level: p.level,
    message: { text: `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}` },
    ...(physical ? { locations: [{ physicalLocation: physical }] } : {}),
  };
}

function problemJson(p: InputProblem) {
  return {
    file: p.file,
    ...(p.line ? { line: p.line } : {}),
    ...(p.column ? { column: p.column } : {}),
    level: p.level,
    message: p.message,
  };
}

interface ObjectGroup {
  readonly object: ObjectRef;
  readonly constructPath?: string;
  readonly location?: SourceLocation;
  readonly findings: Finding[];
}

function groupByObject(findings: readonly Finding[]): ObjectGroup[] {
  const groups = new Map<string, ObjectGroup>();
  for (const f of findings) {
    const { apiVersion, kind, namespace, name } = f.object;
    const key = JSON.stringify([f.location?.file, f.location?.line, f.constructPath, apiVersion, kind, namespace, name]);
    let group = groups.get(key);
    if (!group) {
      group = { object: f.object, constructPath: f.constructPath, location: f.location, findings: [] };
      groups.set(key, group);
    }
    group.findings.push(f);
  }
  const sorted = [...groups.values()].sort(compareGroups);
  // Array.prototype.sort is stable, so findings of equal severity keep the catalogue order of the report.
  for (const g of sorted) g.findings.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  return sorted;
}

function compareGroups(a: ObjectGroup, b: ObjectGroup): number {
  return compareStrings(a.location?.file ?? '', b.location?.file ?? '')
    || (a.location?.line ?? 0) - (b.location?.line ?? 0)
    || compareStrings(a.constructPath ?? '', b.constructPath ?? '')
    || compareStrings(a.object.kind, b.object.kind)
    || compareStrings(a.object.namespace ?? '', b.object.namespace ?? '')
    || compareStrings(a.object.name, b.object.name)
    || compareStrings(a.object.apiVersion, b.object.apiVersion);
}

/** Code-unit order: unlike localeCompare it does not depend on the machine's locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function verdictLine(report: AuditReport, failOn: Severity | 'none', problems: readonly InputProblem[]): string {
  if (report.objectCount === 0 && !problems.some((p) => p.level === 'error')) {
    return 'result: NO INPUT, no Kubernetes object was found, so nothing was judged';
  }
  if (problems.some((p) => p.level === 'error')) {
    const n = problems.filter((p) => p.level === 'error').length;
    return `result: INCOMPLETE, ${plural(n, 'input error')}: part of the input was not judged (see the errors above)`;
  }
  if (failOn === 'none') return 'result: not failing (--fail-on none)';
  const failing = failingAt(report, failOn).length;
  return failing > 0
    ? `result: FAIL, ${plural(failing, 'finding')} at or above ${failOn}`
    : `result: PASS, no finding at or above ${failOn}`;
}

let cachedVersion: string | undefined;

/**
 * The version in this package's package.json: the nearest one above this file, which is lib/audit/ in a checkout
 * and dist/ in the bundled entry points.
 */
export function packageVersion(): string {
  for (let dir = __dirname; cachedVersion === undefined; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      cachedVersion = String(JSON.parse(readFileSync(file, 'utf8')).version);
    } else if (dirname(dir) === dir) {
      const fix = 'reinstall cdk8s-hardened: its package.json is missing';
      throw new HardenedError({ message: `cdk8s-hardened: no package.json above ${__dirname}; ${fix}`, fix });
    }
  }
  return cachedVersion;
}
