import { AppProblem, PathOf, side } from '../admission-sim/app-problem';
import { EXTERNAL_REFERENCES_ANNOTATION, recordedExternalReferences } from '../practices/external-references';
import { asArray, isControlPlaneFile, isNamespaced, Manifest, podSpecOf } from '../practices/manifest';

export { EXTERNAL_REFERENCES_ANNOTATION } from '../practices/external-references';

/** A reference to an object the app does not define, with who creates it. */
export interface ExternalReference {
  /** `Kind/name`, e.g. `Secret/platform-ca`. */
  readonly ref: string;
  /** Who creates the object and why. */
  readonly reason: string;
}

/**
 * The external-references annotation recording `refs` (one `Kind/name: reason` line each, in the order given), or no
 * annotation when there is none.
 */
export function externalReferencesAnnotation(refs: readonly ExternalReference[]): Record<string, string> {
  if (refs.length === 0) return {};
  // One line per reference: a line break inside a reason would read as a second entry.
  return { [EXTERNAL_REFERENCES_ANNOTATION]: refs.map((r) => `${r.ref}: ${r.reason.trim().replace(/\s+/g, ' ')}`).join('\n') };
}

/** How the library's constructs record a reference of `o` as created elsewhere (the annotation is the raw form). */
function recordedBy(o: Manifest, kind: string): string | undefined {
  switch (kind) {
    case 'Secret': return 'mount an ExistingSecret: new ExistingSecret(scope, id, { name, keys, createdElsewhere })';
    case 'ConfigMap': return 'pass { createdElsewhere } to mountConfigMap';
    case 'PersistentVolumeClaim': return 'pass { createdElsewhere } to mountVolumeClaim';
    case 'PriorityClass': return 'use PriorityClass.fromName(name, reason)';
    case 'StorageClass': return 'use StorageClass.fromName(name, reason)';
    case 'ServiceAccount': return o.kind === 'SecretStore' ? 'give the provider serviceAccount: { name, createdElsewhere }' : undefined;
    default: return undefined;
  }
}

/** The PriorityClasses every cluster has (the API server creates them at start). */
export const BUILT_IN_PRIORITY_CLASSES: readonly string[] = ['system-node-critical', 'system-cluster-critical'];

/** The longest name a truncating name builder produces: a DNS label. Two names cut there may collide. */
const LABEL_MAX = 63;

/**
 * The app as a whole: no two objects the API server would store under one key, every object named, and every
 * reference to a Secret, ConfigMap, ServiceAccount, claim or SecretStore resolving in the app or
 * recorded as external with its reason.
 */
export function coherenceProblems(objects: readonly Manifest[], pathOf: PathOf = () => undefined): AppProblem[] {
  const applied = objects.filter((o) => typeof o?.kind === 'string' && !isControlPlaneFile(o));
  return [...nameProblems(applied, pathOf), ...duplicateProblems(applied, pathOf), ...referenceProblems(applied, pathOf)];
}

function nameProblems(objects: readonly Manifest[], pathOf: PathOf): AppProblem[] {
  return objects
    .filter((o) => typeof o.metadata?.name !== 'string' || o.metadata.name === '')
    .filter((o) => typeof o.metadata?.generateName !== 'string')
    .map((o) => ({
      object: o,
      message: `${side(o, pathOf)} has no metadata.name, which the API server requires; anything that refers to it by a generated name `
        + 'refers to nothing. Fix: give the construct a name.',
    }));
}

/** The key the API server stores an object under: API group, kind, namespace and name. */
function storageKey(o: Manifest): string {
  const group = (o.apiVersion ?? '').includes('/') ? (o.apiVersion ?? '').split('/')[0] : '';
  const ns = isNamespaced(o) ? (o.metadata?.namespace || 'default') : '';
  return `${group}|${o.kind}|${ns}|${o.metadata?.name}`;
}

function duplicateProblems(objects: readonly Manifest[], pathOf: PathOf): AppProblem[] {
  const problems: AppProblem[] = [];
  const seen = new Map<string, Manifest>();
  for (const o of objects) {
    if (typeof o.metadata?.name !== 'string') continue;
    const key = storageKey(o);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, o);
      continue;
    }
    const truncated = o.metadata.name.length === LABEL_MAX
      ? ` The name is ${LABEL_MAX} characters long: a derived name was probably cut there, and two long names collided.` : '';
    problems.push({
      object: o,
      message: `${side(o, pathOf)} has the kind, namespace and name of ${side(first, pathOf)}; applied together, one silently replaces the other.`
        + `${truncated} Fix: give one of them another name (workloadName, name or the construct id).`,
    });
  }
  // Secrets are also produced by controllers: a SealedSecret, an ExternalSecret and a Secret must not target one Secret.
  const producers = new Map<string, Manifest>();
  for (const o of objects) {
    const produced = producedSecret(o);
    if (!produced) continue;
    const first = producers.get(produced);
    if (!first) {
      producers.set(produced, o);
      continue;
    }
    if (first.kind === 'Secret' && o.kind === 'Secret') continue; // reported above as a plain duplicate
    problems.push({
      object: o,
      message: `${side(o, pathOf)} produces Secret ${produced}, which ${side(first, pathOf)} also produces; their controllers overwrite each other. `
        + 'Fix: give one of them another Secret name.',
    });
  }
  return problems;
}

/** `namespace/name` of the Secret an object is or makes. */
function producedSecret(o: Manifest): string | undefined {
  const ns = o.metadata?.namespace || 'default';
  if (o.kind === 'Secret' && o.apiVersion === 'v1') return `${ns}/${o.metadata?.name}`;
  if (o.kind === 'SealedSecret') return `${ns}/${o.spec?.template?.metadata?.name ?? o.metadata?.name}`;
  if (o.kind === 'ExternalSecret') return `${ns}/${o.spec?.target?.name ?? o.metadata?.name}`;
  return undefined;
}

interface Reference {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly where: string;
}

function referencesOf(o: Manifest): Reference[] {
  const refs: Reference[] = [];
  const ns = o.metadata?.namespace || 'default';
  const spec = podSpecOf(o);
  if (spec) {
    const sa = spec.serviceAccountName ?? spec.serviceAccount;
    if (typeof sa === 'string' && sa !== 'default') refs.push({ kind: 'ServiceAccount', name: sa, namespace: ns, where: 'serviceAccountName' });
    // A pod naming a PriorityClass nobody creates is refused by the API server; the two system classes always exist.
    const priority = spec.priorityClassName;
    if (typeof priority === 'string' && !BUILT_IN_PRIORITY_CLASSES.includes(priority)) {
      refs.push({ kind: 'PriorityClass', name: priority, where: 'priorityClassName' });
    }
    for (const s of asArray(spec.imagePullSecrets)) {
      if (typeof s?.name === 'string') refs.push({ kind: 'Secret', name: s.name, namespace: ns, where: 'imagePullSecrets' });
    }
    const claimTemplates = new Set(asArray(o.spec?.volumeClaimTemplates).map((t) => t?.metadata?.name));
    // A claim naming a StorageClass nobody creates stays Pending: no volume is provisioned and the pod never starts.
    for (const t of asArray(o.spec?.volumeClaimTemplates)) {
      const sc = t?.spec?.storageClassName;
      if (typeof sc === 'string' && sc !== '') refs.push({ kind: 'StorageClass', name: sc, where: `volumeClaimTemplates "${t?.metadata?.name}"` });
    }
    for (const v of asArray(spec.volumes)) {
      const where = `volume "${v?.name}"`;
      if (v?.secret?.secretName && v.secret.optional !== true) refs.push({ kind: 'Secret', name: v.secret.secretName, namespace: ns, where });
      if (v?.configMap?.name && v.configMap.optional !== true) refs.push({ kind: 'ConfigMap', name: v.configMap.name, namespace: ns, where });
      if (v?.persistentVolumeClaim?.claimName && !claimTemplates.has(v.name)) {
        refs.push({ kind: 'PersistentVolumeClaim', name: v.persistentVolumeClaim.claimName, namespace: ns, where });
      }
      for (const source of asArray(v?.projected?.sources)) {
        if (source?.secret?.name && source.secret.optional !== true) refs.push({ kind: 'Secret', name: source.secret.name, namespace: ns, where });
        if (source?.configMap?.name && source.configMap.optional !== true && source.configMap.name !== 'kube-root-ca.crt') {
          refs.push({ kind: 'ConfigMap', name: source.configMap.name, namespace: ns, where });
        }
      }
    }
    for (const c of [...asArray(spec.containers), ...asArray(spec.initContainers)]) {
      const where = `container "${c?.name}"`;
      for (const e of asArray(c?.envFrom)) {
        if (e?.secretRef?.name && e.secretRef.optional !== true) refs.push({ kind: 'Secret', name: e.secretRef.name, namespace: ns, where });
        if (e?.configMapRef?.name && e.configMapRef.optional !== true) refs.push({ kind: 'ConfigMap', name: e.configMapRef.name, namespace: ns, where });
      }
      for (const e of asArray(c?.env)) {
        const s = e?.valueFrom?.secretKeyRef;
        if (s?.name && s.optional !== true) refs.push({ kind: 'Secret', name: s.name, namespace: ns, where: `${where} env ${e.name}` });
        const m = e?.valueFrom?.configMapKeyRef;
        if (m?.name && m.optional !== true) refs.push({ kind: 'ConfigMap', name: m.name, namespace: ns, where: `${where} env ${e.name}` });
      }
    }
  }
  if (o.kind === 'PersistentVolumeClaim' && typeof o.spec?.storageClassName === 'string' && o.spec.storageClassName !== '') {
    refs.push({ kind: 'StorageClass', name: o.spec.storageClassName, where: 'spec.storageClassName' });
  }
  if (o.kind === 'ExternalSecret' && o.spec?.secretStoreRef?.name) {
    const kind = o.spec.secretStoreRef.kind ?? 'SecretStore';
    refs.push({ kind, name: o.spec.secretStoreRef.name, namespace: kind === 'SecretStore' ? ns : undefined, where: 'spec.secretStoreRef' });
  }
  if (o.kind === 'SecretStore' || o.kind === 'ClusterSecretStore') {
    for (const sa of serviceAccountRefs(o.spec?.provider)) {
      refs.push({ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace ?? ns, where: 'spec.provider serviceAccountRef' });
    }
  }
  return refs;
}

/** Every `serviceAccountRef` under a SecretStore provider, at any depth (each provider nests it differently). */
function serviceAccountRefs(node: unknown): Array<{ name: string; namespace?: string }> {
  if (!node || typeof node !== 'object') return [];
  const out: Array<{ name: string; namespace?: string }> = [];
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === 'serviceAccountRef' && v && typeof (v as any).name === 'string') out.push({ name: (v as any).name, namespace: (v as any).namespace });
    else out.push(...serviceAccountRefs(v));
  }
  return out;
}

function referenceProblems(objects: readonly Manifest[], pathOf: PathOf): AppProblem[] {
  const defined = new Set<string>();
  for (const o of objects) {
    const ns = isNamespaced(o) ? (o.metadata?.namespace || 'default') : '';
    defined.add(`${o.kind}|${ns}|${o.metadata?.name}`);
    const produced = producedSecret(o);
    if (produced) defined.add(`Secret|${produced.replace('/', '|')}`);
    if (o.kind === 'StatefulSet') {
      for (const t of asArray(o.spec?.volumeClaimTemplates)) defined.add(`PersistentVolumeClaim|${ns}|${t?.metadata?.name}-${o.metadata?.name}`);
    }
  }
  const problems: AppProblem[] = [];
  for (const o of objects) {
    const external = recordedExternalReferences(o);
    for (const ref of referencesOf(o)) {
      const recorded = external.has(`${ref.kind}/${ref.name}`);
      if (defined.has(`${ref.kind}|${ref.namespace ?? ''}|${ref.name}`)) {
        // A record that excuses nothing misleads the reviewer about who owns the object (as an idle exception would).
        if (recorded) {
          problems.push({
            object: o,
            message: `${side(o, pathOf)} records ${ref.kind} '${ref.name}' as created elsewhere (${EXTERNAL_REFERENCES_ANNOTATION}), but the app `
              + `defines it. Fix: drop the createdElsewhere reason and reference the app's ${ref.kind}.`,
          });
        }
        continue;
      }
      if (recorded) continue;
      const where = ref.namespace ? ` in namespace '${ref.namespace}'` : '';
      const how = recordedBy(o, ref.kind);
      const construct = how ? ` (${how})` : '';
      problems.push({
        object: o,
        message: `${side(o, pathOf)} refers (${ref.where}) to ${ref.kind} '${ref.name}'${where}, which the app does not define; `
          + `applied alone, it waits or fails at run time. Fix: define it in the app, or record it as created elsewhere${construct}, i.e. the annotation `
          + `${EXTERNAL_REFERENCES_ANNOTATION}: "${ref.kind}/${ref.name}: <who creates it and why>".`,
      });
    }
  }
  return problems;
}
