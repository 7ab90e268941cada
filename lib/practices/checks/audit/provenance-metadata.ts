import { isControlPlaneFile, isRecord, metadataOf, LABEL_VALUE } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

const MANAGED_BY = 'app.kubernetes.io/managed-by';
const REQUIRED_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/part-of'];
const REQUIRED_ANNOTATIONS = ['cdk8s-hardened.io/construct-path', 'cdk8s-hardened.io/catalogue-version'];
/** Keys of ours: `cdk8s-hardened.io/…` and its subdomains (`exceptions.cdk8s-hardened.io/…`). */
const OUR_KEY = /^(?:[a-z0-9.-]+\.)?cdk8s-hardened\.io\//;
/** What every key OUR_KEY matches contains. */
const OUR_DOMAIN = 'cdk8s-hardened.io/';

/** HK-AUDIT-004: control-plane configuration files are not API objects and carry no metadata; they are exempt. */
export const provenanceMetadata: Practice = {
  id: 'HK-AUDIT-004',
  group: PracticeGroup.AUDIT,
  title: 'Provenance metadata on every object',
  severity: Severity.LOW,
  why: 'An auditor must map a live object back to the code, construct and catalogue version that produced it.',
  criterion: 'Every object that claims to come from cdk8s-hardened (label app.kubernetes.io/managed-by: cdk8s-hardened, or any '
    + 'cdk8s-hardened.io/ label or annotation; every object when the audit runs with requireProvenance, as the constructs\' '
    + `self-check does), except control-plane files (EncryptionConfiguration, audit Policy, KubeletConfiguration), has label ${MANAGED_BY}: `
    + `cdk8s-hardened, non-empty labels ${REQUIRED_LABELS.join(' and ')}, non-empty annotations ${REQUIRED_ANNOTATIONS.join(' and ')}, `
    + 'and on every object every label value is valid (at most 63 characters of alphanumerics, "-", "_", ".", starting and ending '
    + 'alphanumeric).',
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
  evaluate: perObject('all', (obj, ctx) => {
    if (isControlPlaneFile(obj)) return [];
    const meta = metadataOf(obj);
    const labels: Record<string, unknown> = isRecord(meta.labels) ? meta.labels : {};
    const annotations: Record<string, unknown> = isRecord(meta.annotations) ? meta.annotations : {};
    const problems = invalidLabelValues(labels);
    // Third-party YAML never promised our metadata: only objects that claim to be ours must carry all of it.
    if (!ctx.settings.requireProvenance && !claimsProvenance(labels, annotations)) return problems;
    const missing: string[] = [];
    if (labels[MANAGED_BY] !== 'cdk8s-hardened') missing.push(`label ${MANAGED_BY}: cdk8s-hardened`);
    for (const key of REQUIRED_LABELS) if (typeof labels[key] !== 'string' || labels[key] === '') missing.push(`label ${key}`);
    for (const key of REQUIRED_ANNOTATIONS) if (typeof annotations[key] !== 'string' || annotations[key] === '') missing.push(`annotation ${key}`);
    // One finding per object for what is missing, so a chart reads as one line per object.
    return missing.length > 0 ? [`lacks ${missing.join(', ')}`, ...problems] : problems;
  }),
};

/** Whether an object says it comes from cdk8s-hardened: our managed-by value, or any label or annotation of ours. */
export function claimsProvenance(labels: Record<string, unknown>, annotations: Record<string, unknown>): boolean {
  return labels[MANAGED_BY] === 'cdk8s-hardened' || hasOurKey(labels) || hasOurKey(annotations);
}

/** Whether a label or annotation map has a key of ours; walked in place, since it is asked of every object. */
function hasOurKey(map: Record<string, unknown>): boolean {
  // The substring test first: almost no key is ours, and it rules them out without running the pattern.
  for (const key in map) if (Object.prototype.hasOwnProperty.call(map, key) && key.includes(OUR_DOMAIN) && OUR_KEY.test(key)) return true;
  return false;
}

function invalidLabelValues(labels: Record<string, unknown>): string[] {
  const out: string[] = [];
  // Own keys in Object.entries order, without building the entries of every object's labels.
  for (const key in labels) {
    if (!Object.prototype.hasOwnProperty.call(labels, key)) continue;
    const value = labels[key];
    if (typeof value !== 'string' || !LABEL_VALUE.test(value)) out.push(`label ${key} has the invalid value ${JSON.stringify(value)} (at most 63 characters, alphanumeric ends)`);
  }
  return out;
}
