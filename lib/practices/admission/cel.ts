import { CelValidation } from './admission-rule';
import { HardenedError } from '../../errors';
import { ALLOWED_REGISTRIES_ANNOTATION } from '../checks/image/util';
import { EXCEPTION_ANNOTATION_PREFIX, MIN_REASON_LENGTH } from '../exceptions';
import { ExceptionPolicy, Practice } from '../practice';

/** A named CEL expression, as in ValidatingAdmissionPolicy `spec.variables` and Kyverno `validate.cel.variables`. */
export interface CelVariable {
  /** Name; other expressions read it as `variables.<name>`. */
  readonly name: string;
  /** The CEL expression. */
  readonly expression: string;
}

/** What the generated policies are parameterised with. */
export interface PolicySettings {
  /** Minor version of the target Kubernetes (1.x); version-dependent rules read it as `variables.targetMinor`. */
  readonly targetMinor: number;
  /** Allow-list entries, already normalised by `normaliseRegistryEntry`. */
  readonly allowedRegistries: readonly string[];
}

/** A CEL string literal (single-quoted, escaped). */
export function celString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, '\\\'')}'`;
}

/** A CEL list of string literals. */
export function celStringList(items: readonly string[]): string {
  return `[${items.map(celString).join(', ')}]`;
}

/** A CEL raw-string literal holding a regular expression (RE2 and JavaScript agree on the subset used). */
export function celRegex(source: string): string {
  if (source.includes('\'')) {
    throw new HardenedError({ message: `regular expression ${source} contains a quote; it cannot be a raw CEL string`, fix: 'write the quote as \\x27' });
  }
  return `r'${source}'`;
}

/**
 * Normalises an allow-list entry as the audit compares it (HK-IMAGE-003): trimmed, lower case, a trailing `/*`
 * and trailing slashes dropped, `index.docker.io` folded into `docker.io`.
 */
export function normaliseRegistryEntry(entry: string): string {
  const e = entry.trim().toLowerCase().replace(/\/\*$/, '').replace(/\/+$/, '');
  return e === 'index.docker.io' || e.startsWith('index.docker.io/') ? `docker.io${e.slice('index.docker.io'.length)}` : e;
}

/** The Namespace annotation entries, normalised in CEL the way `normaliseRegistryEntry` does for the static list. */
const NAMESPACE_REGISTRIES = 'namespaceObject != null && has(namespaceObject.metadata.annotations)'
  + ` && ${celString(ALLOWED_REGISTRIES_ANNOTATION)} in namespaceObject.metadata.annotations`
  + ` ? namespaceObject.metadata.annotations[${celString(ALLOWED_REGISTRIES_ANNOTATION)}].split(',')`
  + '.map(e, e.trim().lowerAscii())'
  + '.map(e, e.endsWith(\'/*\') ? e.substring(0, e.size() - 2) : e)'
  + '.map(e, e.endsWith(\'/\') ? e.substring(0, e.size() - 1) : e)'
  + '.filter(e, e != \'\')'
  + '.map(e, e == \'index.docker.io\' || e.startsWith(\'index.docker.io/\') ? \'docker.io\' + e.substring(15) : e)'
  + ' : []';

/**
 * The settings as a Gatekeeper CEL engine reads them: from its constraint's `spec.parameters` (`variables.params`),
 * the way the template's Rego reads `input.parameters`, plus the Namespace annotation entries as in every CEL engine.
 */
export const GATEKEEPER_SETTINGS_VARIABLES: readonly CelVariable[] = [
  { name: 'targetMinor', expression: 'variables.params.targetMinor' },
  {
    name: 'allowedRegistries',
    expression: `(has(variables.params.allowedRegistries) ? variables.params.allowedRegistries : []) + (${NAMESPACE_REGISTRIES})`,
  },
];

/** Variables every generated rule gets: the settings, so one expression serves every target version and allow-list. */
export function settingsVariables(settings: PolicySettings): CelVariable[] {
  return [
    { name: 'targetMinor', expression: String(settings.targetMinor) },
    { name: 'allowedRegistries', expression: `${celStringList(settings.allowedRegistries)} + (${NAMESPACE_REGISTRIES})` },
  ];
}

/**
 * The image reference grammar the audit accepts (`parseImageReference`): path segments without whitespace or `@`,
 * an optional tag on the last segment, an optional digest.
 */
export const VALID_IMAGE_REGEX = '^([^\\s@/]+/)*([^\\s@/:]+|[^\\s@/]+:[\\w][\\w.-]{0,127})(@[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,})?$';

/** A reference whose first segment is a registry host: it contains `.` or `:`, or is `localhost`, and a path follows. */
export const HOST_PREFIX_REGEX = '^([^/]*[.:][^/]*|localhost)/';

/** A frozen registry host (`k8s.gcr.io`, its regional mirrors), with an optional port. */
export const FROZEN_REGISTRY_REGEX = '^([^/]*\\.)?k8s\\.gcr\\.io(:[0-9]+)?$';

/**
 * Where the pod spec of Pods and of every controller lives (`podSpecOf` of the audit), and the lists the pod-spec
 * practices read. Written once, so each practice's expression stays small and covers controllers too.
 */
export const POD_VARIABLES: readonly CelVariable[] = [
  {
    name: 'podSpec',
    expression: 'object.kind == \'Pod\' ? object.spec : (object.kind == \'CronJob\' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)',
  },
  {
    name: 'podMeta',
    expression: 'object.kind == \'Pod\' ? object.metadata : (object.kind == \'CronJob\''
      + ' ? (has(object.spec.jobTemplate.spec.template.metadata) ? object.spec.jobTemplate.spec.template.metadata : {})'
      + ' : (has(object.spec.template.metadata) ? object.spec.template.metadata : {}))',
  },
  { name: 'podAnnotations', expression: 'has(variables.podMeta.annotations) ? variables.podMeta.annotations : {}' },
  { name: 'podSC', expression: 'has(variables.podSpec.securityContext) ? variables.podSpec.securityContext : {}' },
  {
    name: 'containers',
    expression: '(has(variables.podSpec.containers) ? variables.podSpec.containers : [])'
      + ' + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])'
      + ' + (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])',
  },
  {
    name: 'appContainers',
    expression: '(has(variables.podSpec.containers) ? variables.podSpec.containers : [])'
      + ' + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])',
  },
  { name: 'volumes', expression: 'has(variables.podSpec.volumes) ? variables.podSpec.volumes : []' },
  {
    name: 'windowsExempt',
    expression: 'variables.targetMinor >= 25 && has(variables.podSpec.os) && variables.podSpec.os.name == \'windows\'',
  },
  {
    // Each container's image as `registry/repository`, lower case, as parseImageReference resolves it ('' when
    // the reference is invalid). Chained maps stand in for let-bindings, which CEL on 1.28 lacks.
    name: 'imageRefs',
    expression: `variables.containers.map(c, has(c.image) && c.image.matches(${celRegex(VALID_IMAGE_REGEX)}) ? c.image.split('@')[0] : '')`
      + `.map(n, n == '' || n.matches(${celRegex(HOST_PREFIX_REGEX)}) ? n : 'docker.io/' + n)`
      + '.map(n, n.lastIndexOf(\':\') > n.lastIndexOf(\'/\') ? n.substring(0, n.lastIndexOf(\':\')) : n)'
      + '.map(n, n.lowerAscii())'
      + '.map(n, n.startsWith(\'index.docker.io/\') ? n.substring(6) : n)'
      + '.map(n, n.startsWith(\'docker.io/\') && n.split(\'/\').size() == 2 ? \'docker.io/library/\' + n.substring(10) : n)',
  },
];

/** The annotation that records an exception to `practice`. */
function exceptionKey(practice: Practice): string {
  return `${EXCEPTION_ANNOTATION_PREFIX}${practice.id}`;
}

/** Whether a recorded exception may lift `validation`: the practice is RECORDABLE and the validation exceptable. */
export function isExceptable(practice: Practice, validation: CelValidation): boolean {
  return practice.exception === ExceptionPolicy.RECORDABLE && validation.exceptable !== false;
}

/**
 * The expression the engines evaluate: the practice's own, or'ed with a recorded exception (reason of at least
 * ten characters after trimming) when the practice's exception policy allows one. Generated here, once, for
 * every practice — never written per practice.
 */
export function effectiveExpression(practice: Practice, validation: CelValidation): string {
  if (!isExceptable(practice, validation)) return validation.expression;
  const key = celString(exceptionKey(practice));
  return `(${validation.expression}) || (has(object.metadata.annotations) && ${key} in object.metadata.annotations`
    + ` && object.metadata.annotations[${key}].trim().size() >= ${MIN_REASON_LENGTH})`;
}

/** The message the engines show: practice id and title, then the rule's message. */
export function effectiveMessage(practice: Practice, validation: CelValidation): string {
  return `${practice.id} (${practice.title}): ${validation.message}`;
}
