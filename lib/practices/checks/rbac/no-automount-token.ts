import { asArray, podSpecOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** Longest lifetime of a projected ServiceAccount token, in seconds. */
const MAX_TOKEN_SECONDS = 3600;

function projectedTokenProblems(volumes: unknown): string[] {
  const problems: string[] = [];
  for (const volume of asArray(volumes)) {
    for (const source of asArray(volume?.projected?.sources)) {
      const token = source?.serviceAccountToken;
      if (!token) continue;
      const label = `projected token volume "${volume?.name ?? '?'}"`;
      const expiry = token.expirationSeconds;
      if (expiry !== undefined && !(typeof expiry === 'number' && expiry <= MAX_TOKEN_SECONDS)) {
        problems.push(`${label} sets expirationSeconds ${JSON.stringify(expiry)}, above ${MAX_TOKEN_SECONDS}`);
      }
      if (typeof token.audience !== 'string' || token.audience === '') problems.push(`${label} sets no audience`);
    }
  }
  return problems;
}

/** HK-RBAC-002: judged on ServiceAccounts and pod specs; projected tokens are the way to reach the API. */
export const noAutomountToken: Practice = {
  id: 'HK-RBAC-002',
  group: PracticeGroup.RBAC,
  title: 'No automatic API token mount',
  severity: Severity.HIGH,
  why: 'Most apps never call the API server; a mounted token is free lateral movement after compromise.',
  criterion: 'Every ServiceAccount sets automountServiceAccountToken: false and every pod spec sets automountServiceAccountToken: '
    + 'false; every projected serviceAccountToken source sets a non-empty audience and an expirationSeconds of at most 3600 '
    + '(unset means the API default of 3600).',
  library: 'Sets both to false (cdk8s-plus already defaults them); a workload that needs the API gets a projected token volume.',
  fix: 'Set automountServiceAccountToken: false on the ServiceAccount and the pod spec; if the workload calls the API, mount a '
    + 'projected serviceAccountToken with audience and expirationSeconds <= 3600 instead.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Workloads that call the API server; the projected token is generated for them.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Protecting Pod service account tokens (ks C-0034; tv 1.11)'],
    cis: ['5.1.6'],
    polaris: ['automountServiceAccountToken'],
    kyverno: ['other/restrict-automount-sa-token', 'other/restrict-sa-automount-sa-token', 'other/disable-automountserviceaccounttoken'],
    gatekeeper: ['K8sPSPAutomountServiceAccountTokenPod'],
    kubesec: ['AutomountServiceAccountToken'],
    checkov: ['CKV_K8S_38'],
    kubescape: ['C-0034', 'C-0053', 'C-0190', 'C-0261'],
  },
  evaluate: perObject(['ServiceAccount', ...POD_KINDS], (obj) => {
    if (obj.kind === 'ServiceAccount') {
      return obj.automountServiceAccountToken === false ? [] : ['does not set automountServiceAccountToken: false'];
    }
    const spec = podSpecOf(obj);
    if (!spec) return [];
    const problems = spec.automountServiceAccountToken === false ? [] : ['pod spec does not set automountServiceAccountToken: false'];
    return [...problems, ...projectedTokenProblems(spec.volumes)];
  }),
};
