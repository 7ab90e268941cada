/**
 * Validation of built-in Kubernetes objects against the Kubernetes OpenAPI schemas that the `kubernetes-models`
 * package ships (precompiled Ajv validators, one per kind). Custom resources are validated against their CRD's
 * openAPIV3Schema in the conformance suite (test/conformance/crd-schemas.test.ts), where ../shared/crds is available.
 *
 * The OpenAPI of Kubernetes declares no `additionalProperties: false`, so unknown fields pass here as they would
 * pass the schema; the API server's strict field validation is not simulated.
 */
import { existsSync } from 'fs';
import { dirname, join } from 'path';
import { Manifest } from '../../lib/practices/manifest';

const PACKAGE_ROOT = dirname(require.resolve('kubernetes-models/package.json'));

/** Built-in API versions the library emits whose schema the package lacks, with the version whose schema is identical. */
const SAME_SCHEMA_AS: Readonly<Record<string, string>> = {
  // ValidatingAdmissionPolicy and its binding in v1beta1 (the library's choice for 1.28 and 1.29) have the fields of
  // v1 (1.30), which the package models; the package has no v1beta1 of them.
  'admissionregistration.k8s.io/v1beta1': 'admissionregistration.k8s.io/v1',
};

/** Whether the API group is one the package models, i.e. built into Kubernetes. */
export function isBuiltIn(obj: Manifest): boolean {
  const apiVersion = obj.apiVersion ?? '';
  if (!apiVersion.includes('/')) return true;
  return existsSync(join(PACKAGE_ROOT, apiVersion.split('/')[0]));
}

/** The schema errors of a built-in object (empty when valid); throws when no schema covers its kind, so nothing passes unjudged. */
export function kubernetesSchemaErrors(obj: Manifest): string[] {
  const apiVersion = SAME_SCHEMA_AS[obj.apiVersion ?? ''] ?? obj.apiVersion ?? '';
  let models: Record<string, any>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    models = require(`kubernetes-models/${apiVersion}`);
  } catch {
    throw new Error(`no Kubernetes schema for ${obj.apiVersion} ${obj.kind} in kubernetes-models`);
  }
  const Model = models[obj.kind ?? ''];
  if (typeof Model !== 'function') throw new Error(`no Kubernetes schema for ${obj.apiVersion} ${obj.kind} in kubernetes-models`);
  try {
    // A version judged with the schema of another is judged as that version: the apiVersion enum is not the question.
    new Model(apiVersion === obj.apiVersion ? obj : { ...obj, apiVersion }).validate();
    return [];
  } catch (e) {
    return String((e as Error).message).split(', ');
  }
}

/** `Kind ns/name: error` for every schema error of every built-in object of a set. */
export function schemaErrorsOf(objects: readonly Manifest[]): string[] {
  return objects.filter(isBuiltIn).flatMap((o) => kubernetesSchemaErrors(o)
    .map((e) => `${o.kind} ${o.metadata?.namespace ? o.metadata.namespace + '/' : ''}${o.metadata?.name}: ${e}`));
}
