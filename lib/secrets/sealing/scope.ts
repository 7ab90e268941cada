import { KeyLike } from 'crypto';
import { unsealValue } from './hybrid';
import { SealingError } from './sealing-error';

/** Annotation that selects namespace-wide scope on a SealedSecret's own metadata. */
export const NAMESPACE_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/namespace-wide';
/** Annotation that selects cluster-wide scope on a SealedSecret's own metadata. */
export const CLUSTER_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/cluster-wide';

/** The three scopes of the controller, narrowest first. */
export type ScopeKind = 'strict' | 'namespace-wide' | 'cluster-wide';

/** The RSA-OAEP label of a scope: `namespace/name`, `namespace`, or empty. */
export function scopeLabel(scope: ScopeKind, namespace: string, name: string): Buffer {
  switch (scope) {
    case 'strict': return Buffer.from(`${namespace}/${name}`, 'utf8');
    case 'namespace-wide': return Buffer.from(namespace, 'utf8');
    case 'cluster-wide': return Buffer.alloc(0);
  }
}

/**
 * The scope the controller reads from a SealedSecret's own `metadata.annotations` (never the template's): the
 * value must be the string `"true"`, and cluster-wide wins over namespace-wide.
 */
export function scopeOfAnnotations(annotations: Record<string, unknown> | undefined): ScopeKind {
  if (annotations?.[CLUSTER_WIDE_ANNOTATION] === 'true') return 'cluster-wide';
  if (annotations?.[NAMESPACE_WIDE_ANNOTATION] === 'true') return 'namespace-wide';
  return 'strict';
}

/** A SealedSecret manifest as far as unsealing reads it. */
export interface SealedSecretManifest {
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly annotations?: Record<string, unknown> };
  readonly spec?: { readonly encryptedData?: Record<string, unknown> };
}

/**
 * Unseals every `spec.encryptedData` value the way the controller does (`kubeseal --recovery-unseal`): label from
 * the object's own name, namespace and scope annotations. `appliedNamespace` stands in for a missing
 * `metadata.namespace`, as the namespace the object is applied to would.
 */
export function unsealManifest(manifest: SealedSecretManifest, privateKey: KeyLike, appliedNamespace?: string): Record<string, Buffer> {
  const meta = manifest.metadata ?? {};
  for (const [key, value] of Object.entries(meta.annotations ?? {})) {
    if ([CLUSTER_WIDE_ANNOTATION, NAMESPACE_WIDE_ANNOTATION].includes(key) && typeof value !== 'string') {
      throw new SealingError(`has annotation ${key} of type ${typeof value}`, 'quote it: annotation values are strings (the API server rejects others)');
    }
  }
  const namespace = meta.namespace ?? appliedNamespace ?? '';
  const label = scopeLabel(scopeOfAnnotations(meta.annotations), namespace, meta.name ?? '');
  const out: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(manifest.spec?.encryptedData ?? {})) {
    if (typeof value !== 'string') throw new SealingError(`has encryptedData key '${key}' that is not a string`, 're-seal the value');
    try {
      out[key] = unsealValue(privateKey, label, value);
    } catch (e) {
      if (SealingError.isSealingError(e)) throw new SealingError(`encryptedData key '${key}' ${e.problem}`, e.fix);
      throw e;
    }
  }
  return out;
}
