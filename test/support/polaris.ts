/**
 * A Polaris evaluator driven by Polaris' own check data (../shared/peers-data/polaris: the built-in checks'
 * JSON Schemas and Go templates, default.yaml's severities and exemptions), following FairwindsOps/polaris
 * pkg/validator/schema.go and pkg/kube/resource.go (commit c0e23a23, the one PROVENANCE.md names):
 * - every object is a resource; one with a pod spec (found as Polaris finds it: through jobTemplate, spec, template
 *   down to a map with `containers`) is a controller and gets the Controller, PodSpec/PodTemplate and Container
 *   checks, init containers included unless a check excludes them; every object gets the checks whose target names
 *   its kind (`group/Kind`);
 * - a check's schema and additional schemas are Go templates rendered with the object plus `Polaris.PodSpec`,
 *   `Polaris.PodTemplate`, `Polaris.Container`; an additional schema (e.g. `networking.k8s.io/NetworkPolicy`) passes
 *   when some object of that kind in the same namespace (or without one) validates;
 * - pod specs and containers are judged as Go's typed structs serialize them: nulls dropped, resource quantities as
 *   strings, a zero hostPort omitted;
 * - schemas are draft 2019-09 (ajv), with Go's `(?i)` regex flag and Polaris' resourceMinimum/resourceMaximum
 *   keywords; the one Go-coded check (pdbMinAvailableGreaterThanHPAMinReplicas) is ported from
 *   pkg/validator/pdb_hpa_validator.go;
 * - exemptions: default.yaml's (namespace, controller-name prefixes, rules) and the
 *   `polaris.fairwinds.com/exempt` / `polaris.fairwinds.com/<check>-exempt` annotations.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import Ajv2019 from 'ajv/dist/2019';
import type { ValidateFunction } from 'ajv/dist/2019';
import type { RegExpEngine } from 'ajv/dist/types';
import { parse, parseAllDocuments } from 'yaml';
import { renderGoTemplate } from './go-template';
import { parseQuantity } from '../../lib/units/quantity';

/** ../shared/peers-data/polaris, beside the project root. */
export const POLARIS_DATA = join(__dirname, '..', '..', '..', 'shared', 'peers-data', 'polaris');

export type Severity = 'danger' | 'warning' | 'ignore';
type Target = 'Controller' | 'Container' | 'PodSpec' | 'PodTemplate' | '';

/** One check as Polaris reads it from checks/<id>.yaml. */
export interface PolarisCheck {
  readonly id: string;
  readonly target: string;
  readonly schemaTarget?: string;
  readonly controllers: { include: string[]; exclude: string[] };
  readonly containers: { include: string[]; exclude: string[] };
  /** The schema as a template: schemaString, or the schema map as Go marshals it to JSON. */
  readonly schemaString: string;
  readonly additionalSchemaStrings: Record<string, string>;
}

export interface Exemption {
  readonly namespace?: string;
  readonly controllerNames?: string[];
  readonly containerNames?: string[];
  readonly rules?: string[];
}

export interface PolarisConfig {
  readonly checks: Record<string, Severity>;
  readonly exemptions: readonly Exemption[];
  readonly definitions: Record<string, PolarisCheck>;
}

/** One result: a check run on an object (and container), passing or not. */
export interface PolarisResult {
  readonly check: string;
  readonly severity: Severity;
  readonly success: boolean;
  /** The object the result is reported on. */
  readonly object: any;
  readonly container?: string;
}

/** Reads one check definition (a built-in check file, or a test-checks check.yaml). */
export function readCheck(id: string, file: string): PolarisCheck {
  const raw = parse(readFileSync(file, 'utf8')) ?? {};
  const additional: Record<string, string> = { ...(raw.additionalSchemaStrings ?? {}) };
  for (const [kind, schema] of Object.entries(raw.additionalSchemas ?? {})) additional[kind] = goJson(schema);
  return {
    id,
    target: raw.target ?? '',
    schemaTarget: raw.schemaTarget,
    controllers: { include: raw.controllers?.include ?? [], exclude: raw.controllers?.exclude ?? [] },
    containers: { include: raw.containers?.include ?? [], exclude: raw.containers?.exclude ?? [] },
    schemaString: raw.schemaString ?? (raw.schema ? goJson(raw.schema) : ''),
    additionalSchemaStrings: additional,
  };
}

/** The built-in checks, and default.yaml's severities and exemptions. */
export function defaultPolarisConfig(): PolarisConfig {
  const definitions: Record<string, PolarisCheck> = {};
  for (const f of readdirSync(join(POLARIS_DATA, 'checks')).filter((n) => n.endsWith('.yaml'))) {
    const id = f.replace(/\.yaml$/, '');
    definitions[id] = readCheck(id, join(POLARIS_DATA, 'checks', f));
  }
  const config = parse(readFileSync(join(POLARIS_DATA, 'default.yaml'), 'utf8'));
  return { checks: config.checks, exemptions: config.exemptions ?? [], definitions };
}

/** One upstream fixture file: the check it tests, whether that check must fail on it, and the config to run. */
export interface PolarisFixture {
  readonly check: string;
  readonly file: string;
  readonly failure: boolean;
  readonly config: PolarisConfig;
}

/** The upstream fixtures: test-checks/<check>/{success,failure}*.yaml, with the check's own config as Polaris' test builds it. */
export function polarisFixtures(builtIn: Record<string, PolarisCheck>): PolarisFixture[] {
  const root = join(POLARIS_DATA, 'test-checks');
  const out: PolarisFixture[] = [];
  for (const check of readdirSync(root).sort()) {
    if (check.startsWith('_')) continue;
    const custom = join(root, check, 'check.yaml');
    const definition = existsSync(custom) ? readCheck(check, custom) : builtIn[check];
    if (!definition) throw new Error(`polaris: no check definition for test-checks/${check}`);
    const config: PolarisConfig = { checks: { [check]: 'danger' }, exemptions: [], definitions: { [check]: definition } };
    for (const file of readdirSync(join(root, check)).sort()) {
      if (file === 'check.yaml' || file.includes('mutated')) continue;
      out.push({ check, file: join(root, check, file), failure: file.includes('failure'), config });
    }
  }
  return out;
}

/** The objects of a multi-document YAML file. */
export function readObjects(file: string): any[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJSON()).filter((o) => o && typeof o === 'object');
}

/** Runs every configured check over `objects`, as `polaris audit` over a folder of YAML does. */
export function runPolaris(objects: readonly any[], config: PolarisConfig): PolarisResult[] {
  const provider = new Map<string, any[]>();
  for (const obj of objects) {
    const key = groupKind(obj);
    provider.set(key, [...(provider.get(key) ?? []), obj]);
  }
  const results: PolarisResult[] = [];
  for (const obj of objects) {
    if (!obj?.kind || !obj?.metadata?.name) continue;
    const podSpecRaw = podSpecOf(obj);
    const ctx: Context = { obj, provider, config, results };
    if (podSpecRaw === undefined) {
      applyAll(ctx, '', {});
      continue;
    }
    const podSpec = typedPodSpec(podSpecRaw);
    const podTemplate = obj.kind === 'Pod' ? obj : podTemplateOf(obj);
    applyAll(ctx, 'Controller', {});
    applyAll(ctx, '', {});
    applyAll(ctx, 'PodSpec', { podSpec, podTemplate });
    for (const c of podSpec.initContainers ?? []) applyAll(ctx, 'Container', { podSpec, podTemplate, container: c, isInit: true });
    for (const c of podSpec.containers ?? []) applyAll(ctx, 'Container', { podSpec, podTemplate, container: c, isInit: false });
  }
  return results;
}

interface Context {
  readonly obj: any;
  readonly provider: Map<string, any[]>;
  readonly config: PolarisConfig;
  readonly results: PolarisResult[];
}

interface Pod {
  readonly podSpec?: any;
  readonly podTemplate?: any;
  readonly container?: any;
  readonly isInit?: boolean;
}

function applyAll(ctx: Context, target: Target, pod: Pod): void {
  for (const id of Object.keys(ctx.config.checks).sort()) {
    const check = ctx.config.definitions[id];
    if (!check) throw new Error(`polaris: check ${id} not found`);
    const severity = ctx.config.checks[id];
    if (severity === 'ignore' || annotationExempt(ctx.obj, id) || configExempt(ctx.config, id, ctx.obj, pod.container?.name ?? '')) continue;
    if (!actionable(check, target, ctx.obj.kind, pod.isInit === true)) continue;
    const success = applyCheck(ctx, check, target, pod);
    ctx.results.push({ check: id, severity, success, object: ctx.obj, container: pod.container?.name });
  }
}

function applyCheck(ctx: Context, check: PolarisCheck, target: Target, pod: Pod): boolean {
  const input = target === 'PodSpec' || target === 'Container'
    ? { ...ctx.obj, Polaris: { PodSpec: pod.podSpec, PodTemplate: pod.podTemplate, ...(pod.container ? { Container: pod.container } : {}) } }
    : ctx.obj;
  const rendered = renderGoTemplate(check.schemaString, input);
  const schema = rendered.trim() === '' ? undefined : schemaFrom(rendered);
  let passes: boolean;
  if (check.schemaTarget) {
    if (check.schemaTarget !== 'PodSpec' || check.target !== 'Container') throw new Error(`polaris: ${check.id}: unknown schemaTarget ${check.schemaTarget}`);
    passes = validate(schema, { ...pod.podSpec, initContainers: [], containers: [pod.container] });
  } else if (check.target === 'PodSpec') {
    passes = validate(schema, pod.podSpec);
  } else if (check.target === 'PodTemplate') {
    passes = validate(schema, pod.podTemplate);
  } else if (check.target === 'Container') {
    passes = validate(schema, pod.container);
  } else if (schema !== undefined) {
    passes = validate(schema, ctx.obj);
  } else if (GO_CHECKS[check.id]) {
    passes = GO_CHECKS[check.id](ctx);
  } else {
    passes = true;
  }
  for (const [kind, text] of Object.entries(check.additionalSchemaStrings)) {
    if (!passes) break;
    const renderedAdditional = renderGoTemplate(text, input);
    if (renderedAdditional.trim() === '') continue;
    const additional = schemaFrom(renderedAdditional);
    const namespace = ctx.obj.kind === 'Namespace' ? ctx.obj.metadata.name : ctx.obj.metadata?.namespace ?? '';
    const candidates = (ctx.provider.get(kind) ?? []).filter((o) => (o.metadata?.namespace ?? '') === '' || o.metadata?.namespace === namespace);
    passes = candidates.some((o) => validate(additional, o));
  }
  return passes;
}

/** The pod-spec map Polaris finds: it follows jobTemplate, spec, template (the first present) down to a map with containers. */
function podSpecOf(obj: any): any {
  for (const child of ['jobTemplate', 'spec', 'template']) {
    if (obj && typeof obj === 'object' && child in obj) return isMap(obj[child]) ? podSpecOf(obj[child]) : undefined;
  }
  return isMap(obj) && 'containers' in obj ? obj : undefined;
}

/** The pod template Polaris finds: the first map, down jobTemplate, spec, template, whose spec has containers. */
function podTemplateOf(obj: any): any {
  if (isMap(obj?.spec) && 'containers' in obj.spec) return obj;
  for (const child of ['jobTemplate', 'spec', 'template']) {
    if (isMap(obj) && child in obj) return isMap(obj[child]) ? podTemplateOf(obj[child]) : undefined;
  }
  return undefined;
}

/** The fields of corev1.PodSecurityContext: Go's typed decoding drops any other (e.g. a pod-level `privileged`). */
const POD_SECURITY_CONTEXT_FIELDS = ['seLinuxOptions', 'windowsOptions', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'supplementalGroups',
  'supplementalGroupsPolicy', 'fsGroup', 'sysctls', 'fsGroupChangePolicy', 'seccompProfile', 'appArmorProfile', 'seLinuxChangePolicy'];

/** A pod spec as Go's corev1.PodSpec marshals it back: no nulls or unknown security fields, quantities as strings, no zero hostPort. */
function typedPodSpec(spec: any): any {
  const clean = dropNulls(spec);
  if (isMap(clean.securityContext)) {
    clean.securityContext = Object.fromEntries(Object.entries(clean.securityContext).filter(([k]) => POD_SECURITY_CONTEXT_FIELDS.includes(k)));
  }
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    if (Array.isArray(clean[list])) clean[list] = clean[list].map(typedContainer);
  }
  return clean;
}

function typedContainer(container: any): any {
  const c = { ...container };
  if (isMap(c.resources)) {
    c.resources = { ...c.resources };
    for (const field of ['limits', 'requests']) {
      if (isMap(c.resources[field])) {
        c.resources[field] = Object.fromEntries(Object.entries(c.resources[field]).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]));
      }
    }
  }
  if (Array.isArray(c.ports)) c.ports = c.ports.map((p: any) => (p?.hostPort === 0 ? Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'hostPort')) : p));
  return c;
}

function dropNulls(v: any, keep: readonly string[] = []): any {
  if (Array.isArray(v)) return v.map((x) => dropNulls(x, keep));
  if (!isMap(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([k, x]) => x !== null || keep.includes(k)).map(([k, x]) => [k, dropNulls(x, keep)]));
}

function groupKind(obj: any): string {
  const apiVersion = String(obj?.apiVersion ?? '');
  return apiVersion.includes('/') ? `${apiVersion.split('/')[0]}/${obj?.kind}` : String(obj?.kind);
}

function actionable(check: PolarisCheck, target: Target, kind: string, isInit: boolean): boolean {
  if (target !== '') {
    if (!(check.target === 'PodTemplate' && target === 'PodSpec') && check.target !== target) return false;
  } else if (check.target !== kind && !check.target.endsWith(`/${kind}`)) {
    return false;
  }
  if (check.controllers.include.length > 0 && !check.controllers.include.includes(kind)) return false;
  if (check.controllers.exclude.includes(kind)) return false;
  if (check.target === 'Container') {
    const matches = (list: string[]): boolean => list.some((l) => (l === 'initContainer' && isInit) || (l === 'container' && !isInit));
    if (check.containers.include.length > 0 && !matches(check.containers.include)) return false;
    if (matches(check.containers.exclude)) return false;
  }
  return true;
}

function annotationExempt(obj: any, id: string): boolean {
  const annotations = obj.metadata?.annotations ?? {};
  return String(annotations['polaris.fairwinds.com/exempt']).toLowerCase() === 'true'
    || String(annotations[`polaris.fairwinds.com/${id}-exempt`]).toLowerCase() === 'true';
}

function configExempt(config: PolarisConfig, id: string, obj: any, container: string): boolean {
  const prefixed = (list: string[] | undefined, name: string): boolean => !list?.length || list.some((p) => name.startsWith(p));
  return config.exemptions.some((e) => (!e.namespace || e.namespace === (obj.metadata?.namespace ?? ''))
    && (!e.rules?.length || e.rules.includes(id))
    && prefixed(e.controllerNames, obj.metadata?.name ?? '')
    && prefixed(e.containerNames, container));
}

/** The checks Polaris codes in Go instead of a schema. */
const GO_CHECKS: Record<string, (ctx: Context) => boolean> = {
  pdbMinAvailableGreaterThanHPAMinReplicas: (ctx) => {
    const deployment = ctx.obj;
    const labels = deployment.spec?.template?.metadata?.labels ?? {};
    const pdb = (ctx.provider.get('policy/PodDisruptionBudget') ?? []).find((p) => isMap(p.spec?.selector)
      && Object.entries(p.spec.selector.matchLabels ?? {}).some(([k, v]) => labels[k] === v));
    const hpa = (ctx.provider.get('autoscaling/HorizontalPodAutoscaler') ?? [])
      .find((h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec?.scaleTargetRef?.name === deployment.metadata?.name);
    if (!pdb || !hpa) return true;
    const minAvailable = pdb.spec.minAvailable;
    if (minAvailable === undefined || minAvailable === null) return true;
    const minReplicas = hpa.spec.minReplicas;
    let floor: number;
    if (typeof minAvailable === 'number') {
      floor = minAvailable;
    } else {
      const m = /^(\d+)%$/.exec(String(minAvailable));
      if (!m || minReplicas === undefined) return true;
      floor = Math.ceil((Number(m[1]) * minReplicas) / 100);
    }
    return !(minReplicas !== undefined && floor > minReplicas);
  },
};

/** Go's encoding/json for a schema map: the template text Polaris renders for checks written as `schema:`. */
function goJson(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: any): any {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isMap(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
}

/** Go's regexp `(?i)` (case-insensitive from there on) becomes JavaScript's `i` flag. */
const goRegExp: RegExpEngine = Object.assign((pattern: string, u: string) => {
  const insensitive = /^\^?\(\?i\)/.test(pattern);
  const source = pattern.replace(/^(\^?)\(\?i\)/, '$1');
  if (source.includes('(?')) throw new Error(`polaris: regex flags inside ${pattern} are not supported`);
  return new RegExp(source, u + (insensitive ? 'i' : ''));
}, { code: 'goRegExp' });

const ajv = new Ajv2019({ strict: false, validateSchema: false, allErrors: false, code: { regExp: goRegExp } });
for (const [keyword, minimum] of [['resourceMinimum', true], ['resourceMaximum', false]] as const) {
  ajv.addKeyword({
    keyword,
    schemaType: 'string',
    validate: (limit: string, data: unknown) => {
      const bound = parseQuantity(limit);
      const actual = parseQuantity(typeof data === 'number' ? String(data) : String(data));
      if (bound === undefined || actual === undefined) return false;
      return minimum ? actual >= bound : actual <= bound;
    },
  });
}

const compiled = new Map<string, ValidateFunction>();

/**
 * A rendered schema (YAML or JSON): null keywords dropped (Go reads `required:` with no list as none) except `const:
 * null`, which is a real constraint; no $schema (ajv would look the meta-schema up).
 */
function schemaFrom(text: string): any {
  const docs = parseAllDocuments(text).map((d) => d.toJSON()).filter((d) => d !== null && d !== undefined);
  const schema = dropNulls(Object.assign({}, ...docs), ['const']);
  delete schema.$schema;
  return schema;
}

function validate(schema: any, data: unknown): boolean {
  if (schema === undefined) return true;
  const key = JSON.stringify(schema);
  let fn = compiled.get(key);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(key, fn);
  }
  return fn(data === undefined ? null : data) as boolean;
}

function isMap(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
