import { LABEL_VALUE, QUALIFIED_KEY } from '../practices/manifest';
import { Refuse } from '../refusal';

/** Validated pod-template labels, annotations and pull secrets. */
export interface PodExtras {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly imagePullSecrets: string[];
}


/**
 * Keys the library writes itself, whose values relax security (seccomp, AppArmor, mesh injection), or that silence a
 * peer scanner (Polaris, kube-score, kube-linter, Checkov exemptions, which recorded exceptions write): props set them,
 * so a label or annotation cannot override them behind the audit's back.
 */
const RESERVED_PREFIXES = [
  'app.kubernetes.io/', 'cdk8s-hardened.io/', 'exceptions.cdk8s-hardened.io/', 'sidecar.istio.io/', 'istio.io/', 'linkerd.io/',
  'config.linkerd.io/', 'seccomp.security.alpha.kubernetes.io/', 'container.apparmor.security.beta.kubernetes.io/', 'kubernetes.io/', 'k8s.io/',
  'polaris.fairwinds.com/', 'kube-score/', 'ignore-check.kube-linter.io/', 'checkov.io/',
];

function reserved(key: string): boolean {
  return RESERVED_PREFIXES.some((p) => key.startsWith(p) || key.includes(`.${p}`));
}

function map(refuse: Refuse, prop: string, given: unknown, label: boolean): Record<string, string> {
  if (given === undefined) return {};
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    refuse(prop, `is ${JSON.stringify(given)}, not a map of keys to values`, `give { 'team': 'shop' }${label ? '' : ' or { \'prometheus.io/scrape\': \'true\' }'}.`);
  }
  const out: Record<string, string> = {};
  for (const key of Object.keys(given).sort()) {
    const value = (given as Record<string, unknown>)[key];
    if (!QUALIFIED_KEY.test(key) || key.length > 316) refuse(`${prop}.${key}`, 'is not a valid key', 'use an optional DNS prefix and a name, e.g. \'prometheus.io/port\'.');
    if (reserved(key)) {
      refuse(`${prop}.${key}`, 'is a key the library sets itself, or one that relaxes security (seccomp, AppArmor, mesh) or silences a scanner',
        'use the workload\'s props (exceptions, mesh, seccompProfile) instead; a recorded exception writes the scanners\' exemptions; '
        + 'choose another key for your own metadata.');
    }
    if (typeof value !== 'string') refuse(`${prop}.${key}`, `is ${JSON.stringify(value) ?? 'undefined'}, not a string`, 'give the value as a string, e.g. \'true\'.');
    if (label && !LABEL_VALUE.test(value)) refuse(`${prop}.${key}`, `is '${value}', not a label value`, 'give at most 63 letters, digits, \'-\', \'_\' or \'.\'.');
    out[key] = value;
  }
  return out;
}

/** Validates `podLabels`, `podAnnotations` and `imagePullSecrets`. */
export function resolvePodExtras(refuse: Refuse, props: { podLabels?: unknown; podAnnotations?: unknown; imagePullSecrets?: unknown }): PodExtras {
  const secrets = props.imagePullSecrets ?? [];
  if (!Array.isArray(secrets)) refuse('imagePullSecrets', `is ${JSON.stringify(secrets)}, not a list`, 'give Secret names, e.g. [\'registry-credentials\'].');
  secrets.forEach((name: unknown, i: number) => {
    if (typeof name !== 'string' || name.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
      refuse(`imagePullSecrets[${i}]`, `is ${JSON.stringify(name) ?? 'undefined'}, not a Secret name`, 'give the name of a kubernetes.io/dockerconfigjson Secret of the namespace.');
    }
  });
  return {
    labels: map(refuse, 'podLabels', props.podLabels, true),
    annotations: map(refuse, 'podAnnotations', props.podAnnotations, false),
    imagePullSecrets: [...new Set(secrets as string[])].sort(),
  };
}
