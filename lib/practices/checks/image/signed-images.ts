import { wildcardMatches } from './util';
import { apiVersionOf, asArray, containerLabel, containersOf, describe, Manifest, POD_KINDS } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

/** One `verifyImages[]` entry of a Kyverno policy, with where it sits. */
interface VerifyEntry {
  readonly policy: Manifest;
  readonly rule: string;
  readonly index: number;
  readonly entry: any;
}

/**
 * HK-IMAGE-005: judged when the set carries Kyverno `verifyImages` rules — without one, whether the cluster runs
 * such a policy is a question for HK-CLUSTER-001, not for this set. Then every entry must enforce, every workload
 * image must be covered by an enforcing entry, and no PolicyException may exempt a verify rule.
 */
export const signedImages: Practice = {
  id: 'HK-IMAGE-005',
  group: PracticeGroup.IMAGE,
  title: 'Admit only scanned and signed images',
  severity: Severity.HIGH,
  why: 'Images with known critical CVEs, or not built by our pipeline, are the cheapest foothold into a cluster.',
  criterion: 'When the set contains Kyverno ClusterPolicy/Policy rules with verifyImages: every entry sets failureAction Enforce '
    + '(its own value, else the policy\'s validationFailureAction, Kyverno\'s default being Audit), keeps required and verifyDigest '
    + 'true, and names attestors or attestations; every container, init container and ephemeral container image of the set matches '
    + 'an enforcing entry\'s imageReferences and none of its skipImageReferences; no Kyverno PolicyException exempts a verifyImages '
    + 'rule. The vulnerability scan itself runs in CI before synth and is outside manifest scope.',
  library: 'LockedNamespace generates the Kyverno verifyImages policy (signature from the configured key or identity for every '
    + 'allowed registry, optionally a fresh vulnerability-scan attestation), with mutateDigest: false and verifyDigest: true.',
  fix: 'Set failureAction: Enforce on every verifyImages entry, give it attestors, widen imageReferences to every allowed registry, '
    + 'and remove PolicyExceptions that exempt image verification; sign images in CI (cosign) after the scan passes.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Per registry: a registry whose images cannot be signed yet, named in the reason.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Executive summary: scan containers and Pods for vulnerabilities or misconfigurations', 'Building secure container images'],
    cis: ['5.5.1'],
    kyverno: ['other/verify-image', 'other/require-vulnerability-scan', 'other/verify-image-*'],
    kubescape: ['C-0236', 'C-0237', 'C-0083', 'C-0084', 'C-0085'],
  },
  evaluate: (ctx) => {
    const entries = verifyEntriesOf(ctx);
    if (entries.length === 0) return [];
    const out: Violation[] = [];
    for (const e of entries) {
      for (const message of entryProblems(e)) out.push({ object: e.policy, message });
    }
    const enforcing = entries.filter((e) => entryProblems(e).length === 0);
    for (const obj of ctx.ofKind(...POD_KINDS)) {
      for (const c of containersOf(obj)) {
        const image = c.container?.image;
        if (typeof image !== 'string') continue;
        if (!enforcing.some((e) => covers(e.entry, image))) {
          out.push({ object: obj, message: `${containerLabel(c)} image "${image}" is not covered by any enforcing verifyImages entry` });
        }
      }
    }
    out.push(...exemptions(ctx, entries));
    return out;
  },
};

function verifyEntriesOf(ctx: AuditContext): VerifyEntry[] {
  const out: VerifyEntry[] = [];
  for (const policy of ctx.ofKind('ClusterPolicy', 'Policy')) {
    if (!apiVersionOf(policy).startsWith('kyverno.io/')) continue;
    for (const rule of asArray(policy.spec?.rules)) {
      asArray(rule?.verifyImages).forEach((entry, index) => out.push({ policy, rule: String(rule?.name ?? '?'), index, entry }));
    }
  }
  return out;
}

function entryProblems(e: VerifyEntry): string[] {
  const where = `rule "${e.rule}" verifyImages[${e.index}]`;
  const problems: string[] = [];
  const action = e.entry?.failureAction ?? e.policy.spec?.validationFailureAction ?? 'Audit';
  if (String(action).toLowerCase() !== 'enforce') problems.push(`${where} resolves failureAction to ${action}, not Enforce`);
  if (e.entry?.required === false) problems.push(`${where} sets required: false`);
  if (e.entry?.verifyDigest === false) problems.push(`${where} sets verifyDigest: false`);
  const hasAttestors = asArray(e.entry?.attestors).some((a) => asArray(a?.entries).length > 0);
  if (!hasAttestors && asArray(e.entry?.attestations).length === 0) problems.push(`${where} names no attestors or attestations`);
  if (asArray(e.entry?.imageReferences).length === 0) problems.push(`${where} names no imageReferences`);
  return problems;
}

function covers(entry: any, image: string): boolean {
  const refs = asArray<string>(entry?.imageReferences).filter((r) => typeof r === 'string');
  const skips = asArray<string>(entry?.skipImageReferences).filter((r) => typeof r === 'string');
  return refs.some((r) => wildcardMatches(r, image)) && !skips.some((r) => wildcardMatches(r, image));
}

/** Kyverno names auto-generated controller rules `autogen-<rule>` and `autogen-cronjob-<rule>`. */
function exemptions(ctx: AuditContext, entries: readonly VerifyEntry[]): Violation[] {
  const out: Violation[] = [];
  for (const exc of ctx.ofKind('PolicyException')) {
    if (!apiVersionOf(exc).startsWith('kyverno.io/')) continue;
    for (const item of asArray(exc.spec?.exceptions)) {
      const names = asArray<string>(item?.ruleNames);
      const hit = entries.find((e) => policyRef(e.policy) === item?.policyName
        && names.some((n) => n === '*' || n === e.rule || n === `autogen-${e.rule}` || n === `autogen-cronjob-${e.rule}`));
      if (hit) out.push({ object: exc, message: `exempts image verification rule "${hit.rule}" of ${describe(hit.policy)}` });
    }
  }
  return out;
}

/** How a PolicyException names a policy: `name` for a ClusterPolicy, `namespace/name` for a Policy. */
function policyRef(policy: Manifest): string {
  return policy.kind === 'Policy' ? `${policy.metadata?.namespace ?? 'default'}/${policy.metadata?.name}` : String(policy.metadata?.name);
}
