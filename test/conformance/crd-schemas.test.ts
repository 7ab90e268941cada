/**
 * Every custom resource of the example app validates against its CRD's openAPIV3Schema in ../shared/crds, whatever
 * the CRD (Velero, Sealed Secrets, External Secrets, Istio, Linkerd, Kyverno, Gatekeeper, …); a custom resource
 * whose CRD is missing fails, so nothing passes unjudged. Built-in objects are judged in `npm test`
 * (test/schema/example-schema.test.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join, resolve } from 'path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { exampleObjects } from '../support/example-objects';
import { isBuiltIn } from '../support/k8s-schema';

const CRDS = resolve(__dirname, '..', '..', '..', 'shared', 'crds');
if (!existsSync(CRDS)) throw new Error(`conformance tests need the CRDs at ${CRDS}; clone the project beside ../shared or run only \`npm test\``);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = join(dir, f);
    return statSync(full).isDirectory() ? yamlFiles(full) : /\.ya?ml$/.test(f) ? [full] : [];
  });
}

const schemas = new Map<string, any>();
for (const file of yamlFiles(CRDS)) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const crd = doc.toJSON();
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    for (const v of crd.spec?.versions ?? []) {
      if (v.served && v.schema?.openAPIV3Schema) schemas.set(`${crd.spec.group}/${v.name} ${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
    }
  }
}
// CRD schemas carry x-kubernetes-* keywords and Kubernetes formats that Ajv does not know.
/** CRD patterns are Go RE2: its inline `(?i)` flag (Prometheus Operator CRDs) becomes JavaScript's `i` flag. */
function re2(pattern: string, flags: string): RegExp {
  return pattern.includes('(?i)') ? new RegExp(pattern.replace(/\(\?i\)/g, ''), `${flags}i`) : new RegExp(pattern, flags);
}
const regExp = Object.assign(re2, { code: 're2' });
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true, code: { regExp } });

describe('the example\'s custom resources against their CRDs', () => {
  const custom = exampleObjects().filter((o) => !isBuiltIn(o));

  test('the example writes custom resources of several CRDs', () => {
    expect(new Set(custom.map((o) => o.apiVersion.split('/')[0])).size).toBeGreaterThan(3);
  });

  test('every custom resource has a served CRD version and validates against its schema', () => {
    const problems = custom.flatMap((o) => {
      const schema = schemas.get(`${o.apiVersion} ${o.kind}`);
      if (!schema) return [`${o.apiVersion} ${o.kind} ${o.metadata?.name}: no served CRD version in ${CRDS}`];
      const validate = ajv.compile(schema);
      return validate(o) ? [] : (validate.errors ?? []).map((e) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}${e.instancePath} ${e.message}`);
    });
    expect(problems).toEqual([]);
  });
});
