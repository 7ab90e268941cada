import { namespaceOf, podSpecOf, POD_KINDS } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';

/** HK-RBAC-001: judged on every pod-bearing object against the ServiceAccounts of the same set. */
export const dedicatedServiceAccount: Practice = {
  id: 'HK-RBAC-001',
  group: PracticeGroup.RBAC,
  title: 'Dedicated ServiceAccount per workload',
  severity: Severity.HIGH,
  why: 'The default ServiceAccount is shared by everything in the namespace; any grant to it is a grant to all pods.',
  criterion: 'Every pod spec sets serviceAccountName, not "default"; a ServiceAccount of that name exists in the same namespace in '
    + 'the audited set; the deprecated serviceAccount field is not set.',
  library: 'Generates one ServiceAccount per workload.',
  fix: 'Create a ServiceAccount for the workload in its namespace and set serviceAccountName to it; remove the deprecated '
    + 'serviceAccount field.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'A ServiceAccount costs nothing; sharing default shares every grant.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Protecting Pod service account tokens'],
    cis: ['5.1.5'],
    kubeLinter: ['default-service-account', 'non-existent-service-account', 'deprecated-service-account-field'],
    kyverno: ['other/restrict-service-account (adjacent sample: maps allowed images per ServiceAccount through a ConfigMap)'],
    kubesec: ['ServiceAccountName'],
    checkov: ['CKV_K8S_41', 'CKV_K8S_42'],
    kubescape: ['C-0189', 'C-0307', 'C-0294'],
  },
  evaluate: (ctx: AuditContext) => {
    const accounts = new Set(ctx.ofKind('ServiceAccount').map((sa) => `${namespaceOf(sa)}/${sa.metadata?.name ?? ''}`));
    const out: Violation[] = [];
    for (const object of ctx.ofKind(...POD_KINDS)) {
      const spec = podSpecOf(object);
      if (!spec) continue;
      const name = spec.serviceAccountName;
      if (spec.serviceAccount !== undefined) {
        out.push({ object, message: `sets the deprecated serviceAccount field (${JSON.stringify(spec.serviceAccount)}); use serviceAccountName` });
      }
      if (typeof name !== 'string' || name === '') {
        out.push({ object, message: 'sets no serviceAccountName, so its pods run as the namespace\'s default ServiceAccount' });
      } else if (name === 'default') {
        out.push({ object, message: 'runs as the namespace\'s default ServiceAccount, which every pod of the namespace shares' });
      } else if (!accounts.has(`${namespaceOf(object)}/${name}`)) {
        out.push({ object, message: `names ServiceAccount "${name}", which the set does not contain in namespace "${namespaceOf(object)}"` });
      }
    }
    return out;
  },
};
