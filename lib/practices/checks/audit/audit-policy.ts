import { apiVersionOf, asArray, Manifest } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

type Match = 'all' | 'some' | 'none';

/** A kind of request the policy must log at a given level: verbs on one resource of one group. */
interface Probe {
  readonly group: string;
  readonly resource: string;
  readonly verbs: readonly string[];
}

const BODY_LEVELS = ['Request', 'RequestResponse'];
const WRITE_VERBS = ['create', 'update', 'patch', 'delete'];
const ALL_VERBS = ['get', 'list', 'watch', ...WRITE_VERBS];

/** Credentials travel in these bodies: Metadata only. */
const METADATA_ONLY: readonly Probe[] = [
  { group: '', resource: 'secrets', verbs: ALL_VERBS },
  { group: '', resource: 'configmaps', verbs: ALL_VERBS },
  { group: '', resource: 'serviceaccounts/token', verbs: ['create'] },
  { group: 'authentication.k8s.io', resource: 'tokenreviews', verbs: ['create'] },
];

/** Interactive access: at least Metadata (the command is in the request URI). */
const AT_LEAST_METADATA: readonly Probe[] = ['pods/exec', 'pods/attach', 'pods/portforward'].map((resource) => ({ group: '', resource, verbs: ['create', 'get'] }));

/** RBAC changes: full bodies, so the granted rules are on record. */
const REQUEST_RESPONSE: readonly Probe[] = ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']
  .map((resource) => ({ group: 'rbac.authorization.k8s.io', resource, verbs: WRITE_VERBS }));

function resourceMatches(entry: string, resource: string): boolean {
  if (entry === '*' || entry === resource) return true;
  if (entry.endsWith('/*')) return resource.startsWith(entry.slice(0, -1));
  return entry.startsWith('*/') && resource.includes('/') && resource.endsWith(entry.slice(1));
}

/** Whether a rule matches every request of the probe verb (`all`), only some (users, namespaces, names), or none. */
function ruleMatch(rule: any, group: string, resource: string, verb: string): Match {
  if (asArray(rule?.nonResourceURLs).length > 0) return 'none';
  const verbs = asArray(rule?.verbs);
  if (verbs.length > 0 && !verbs.includes(verb)) return 'none';
  let partial = ['users', 'userGroups', 'namespaces'].some((f) => asArray(rule?.[f]).length > 0);
  const entries = asArray(rule?.resources);
  if (entries.length > 0) {
    const entry = entries.find((e) => (e?.group ?? '') === group
      && (asArray(e?.resources).length === 0 || asArray(e?.resources).some((r) => resourceMatches(String(r), resource))));
    if (!entry) return 'none';
    partial = partial || asArray(entry.resourceNames).length > 0;
  }
  return partial ? 'some' : 'all';
}

/** The rules, in order, that apply to one verb of a probe: partial matches, then the first full match (if any). */
function applicable(rules: readonly any[], p: Probe, verb: string): { partial: { rule: any; index: number }[]; full?: { rule: any; index: number } } {
  const partial: { rule: any; index: number }[] = [];
  for (let index = 0; index < rules.length; index++) {
    const m = ruleMatch(rules[index], p.group, p.resource, verb);
    if (m === 'some') partial.push({ rule: rules[index], index });
    if (m === 'all') return { partial, full: { rule: rules[index], index } };
  }
  return { partial };
}

/**
 * The level at which an audit Policy's rules log every request of one verb on one resource (first full match
 * wins; `None` when no rule matches). Partial matches (rules limited to some users, namespaces or names) log only
 * some requests, so they do not count: what every request is logged at is what an alert can rely on.
 */
export function loggedLevel(rules: readonly any[], group: string, resource: string, verb: string): string {
  return applicable(rules, { group, resource, verbs: [verb] }, verb).full?.rule?.level ?? 'None';
}

function label(p: Probe): string {
  return p.group ? `${p.resource}.${p.group}` : p.resource;
}

function probeProblems(probes: readonly Probe[], check: (p: Probe, verb: string) => string | undefined): string[] {
  const out = new Set<string>();
  for (const p of probes) {
    for (const verb of p.verbs) {
      const problem = check(p, verb);
      if (problem) out.add(problem);
    }
  }
  return [...out];
}

function policyProblems(policy: Manifest): string[] {
  if (policy.apiVersion !== 'audit.k8s.io/v1') return [`apiVersion is ${policy.apiVersion}, not audit.k8s.io/v1`];
  const rules = asArray(policy.rules);
  if (rules.length === 0) return ['rules is empty'];
  const problems: string[] = [];
  if (!asArray(policy.omitStages).includes('RequestReceived')) problems.push('omitStages does not include RequestReceived');
  problems.push(...probeProblems(METADATA_ONLY, (p, verb) => {
    const { partial, full } = applicable(rules, p, verb);
    const leak = [...partial, ...full ? [full] : []].find((r) => BODY_LEVELS.includes(r.rule?.level));
    if (leak) return `rule ${leak.index} logs ${label(p)} at ${leak.rule.level}, writing credentials into the log; log it at Metadata only`;
    if (full?.rule?.level !== 'Metadata') return `${label(p)} is logged at ${full?.rule?.level ?? 'None (no rule matches)'}, not Metadata`;
    return undefined;
  }));
  problems.push(...probeProblems(AT_LEAST_METADATA, (p, verb) => {
    const level = applicable(rules, p, verb).full?.rule?.level;
    return !level || level === 'None' ? `${label(p)} is not logged (level ${level ?? 'None: no rule matches'}); log it at Metadata or higher` : undefined;
  }));
  problems.push(...probeProblems(REQUEST_RESPONSE, (p, verb) => {
    const level = applicable(rules, p, verb).full?.rule?.level;
    return level !== 'RequestResponse' ? `writes to ${label(p)} are logged at ${level ?? 'None (no rule matches)'}, not RequestResponse` : undefined;
  }));
  const last = rules[rules.length - 1];
  const catchAll = ['verbs', 'resources', 'nonResourceURLs', 'users', 'userGroups', 'namespaces'].every((f) => asArray(last?.[f]).length === 0);
  if (!catchAll || last?.level !== 'Metadata') problems.push('the last rule is not a catch-all at level Metadata');
  return problems;
}

/** HK-AUDIT-002: first matching rule wins, so each required request kind is traced through the rules in order. */
export const auditPolicy: Practice = {
  id: 'HK-AUDIT-002',
  group: PracticeGroup.AUDIT,
  title: 'Audit policy covers security events, never logs secret payloads',
  severity: Severity.HIGH,
  why: 'A minimal policy misses escalation; a verbose one writes Secret bodies into log storage.',
  criterion: 'Every audit.k8s.io Policy is audit.k8s.io/v1 with omitStages including RequestReceived; taking the first matching rule '
    + 'per verb: secrets, configmaps, serviceaccounts/token and authentication.k8s.io tokenreviews resolve to Metadata and no rule '
    + 'before (even one limited to some users, namespaces or names) logs them at Request or RequestResponse; pods/exec, '
    + 'pods/attach and pods/portforward resolve to Metadata or higher; create/update/patch/delete on roles, rolebindings, '
    + 'clusterroles and clusterrolebindings resolve to RequestResponse; the last rule is a catch-all at Metadata.',
  library: 'Generates the Policy.',
  fix: 'Put a Metadata rule for secrets, configmaps, serviceaccounts/token and tokenreviews first, a RequestResponse rule for RBAC '
    + 'writes, a Metadata rule for pods/exec, attach and portforward, omitStages [RequestReceived], and end with "- level: Metadata".',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'The audit Policy is a control-plane file; it carries no annotations.',
  checkability: Checkability.CONTROL_PLANE,
  sources: {
    nsa: ['Logging', 'its audit Policy example'],
    cis: ['3.2.1', '3.2.2'],
    kyverno: ['other/audit-event-on-exec (event-based complement)'],
    kubescape: ['C-0160', 'C-0161'],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    for (const object of ctx.ofKind('Policy')) {
      if (!apiVersionOf(object).startsWith('audit.k8s.io/')) continue;
      out.push(...policyProblems(object).map((message) => ({ object, message })));
    }
    return out;
  },
};
