import { isControlPlaneFile } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

const MANAGED_BY = 'app.kubernetes.io/managed-by';
const REQUIRED_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/part-of'];
const REQUIRED_ANNOTATIONS = ['cdk8s-hardened.io/construct-path', 'cdk8s-hardened.io/catalogue-version'];
/** A label value: empty, or up to 63 characters of alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric. */
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** HK-AUDIT-004: control-plane configuration files are not API objects and carry no metadata; they are exempt. */
export const provenanceMetadata: Practice = {
  id: 'HK-AUDIT-004',
  group: PracticeGroup.AUDIT,
  title: 'Provenance metadata on every object',
  severity: Severity.LOW,
  why: 'An auditor must map a live object back to the code, construct and catalogue version that produced it.',
  criterion: `Every object except control-plane files (EncryptionConfiguration, audit Policy, KubeletConfiguration) has label ${MANAGED_BY}: `
    + `cdk8s-hardened, non-empty labels ${REQUIRED_LABELS.join(' and ')}, non-empty annotations ${REQUIRED_ANNOTATIONS.join(' and ')}, `
    + 'and every label value is valid (at most 63 characters of alphanumerics, "-", "_", ".", starting and ending alphanumeric).',
  library: 'Sets them deterministically on every object the constructs emit.',
  fix: `Create the object through a cdk8s-hardened construct, or add ${MANAGED_BY}, ${REQUIRED_LABELS.join(', ')} and `
    + `${REQUIRED_ANNOTATIONS.join(', ')}; shorten or clean invalid label values.`,
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'Metadata costs nothing.',
  checkability: Checkability.MANIFESTS,
  sources: {
    kubeScore: ['label-values'],
    kubeLinter: ['required-label-owner', 'required-annotation-email'],
    kubescape: ['C-0076', 'C-0077'],
    other: ['cdk8s validation report\'s constructPath (cdk8s-team/cdk8s-cli src/plugins/validation.ts, which records no object metadata yet)'],
  },
  evaluate: perObject('all', (obj) => {
    if (isControlPlaneFile(obj)) return [];
    const labels: Record<string, unknown> = obj.metadata?.labels ?? {};
    const annotations: Record<string, unknown> = obj.metadata?.annotations ?? {};
    const missing: string[] = [];
    if (labels[MANAGED_BY] !== 'cdk8s-hardened') missing.push(`label ${MANAGED_BY}: cdk8s-hardened`);
    for (const key of REQUIRED_LABELS) if (typeof labels[key] !== 'string' || labels[key] === '') missing.push(`label ${key}`);
    for (const key of REQUIRED_ANNOTATIONS) if (typeof annotations[key] !== 'string' || annotations[key] === '') missing.push(`annotation ${key}`);
    // One finding per object for what is missing, so a third-party chart reads as one line per object.
    const problems = missing.length > 0 ? [`lacks ${missing.join(', ')}`] : [];
    for (const [key, value] of Object.entries(labels)) {
      if (typeof value !== 'string' || !LABEL_VALUE.test(value)) problems.push(`label ${key} has the invalid value ${JSON.stringify(value)} (at most 63 characters, alphanumeric ends)`);
    }
    return problems;
  }),
};
