/**
 * Every custom resource AdmissionPolicies and LockedNamespace generate validates against the upstream CRD's
 * openAPIV3Schema in ../shared/crds. Fails loudly when ../shared is missing: a skipped conformance run proves nothing.
 */
import { existsSync, readFileSync, readdirSync } from 'fs';
import { join, resolve } from 'path';
import Ajv from 'ajv';
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { LockedNamespace, NamespaceMesh } from '../../lib/namespace/locked-namespace';
import { AdmissionPolicies, PolicyEngine } from '../../lib/policy/admission-policies';

const CRDS = resolve(__dirname, '..', '..', '..', 'shared', 'crds');

if (!existsSync(CRDS)) {
  throw new Error(`conformance tests need the shared CRDs at ${CRDS}; clone the project beside ../shared or run only \`npm test\``);
}

interface Served { readonly group: string; readonly kind: string; readonly version: string; readonly schema: any }

function loadCrds(): Served[] {
  const out: Served[] = [];
  for (const dir of readdirSync(CRDS, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(CRDS, dir.name)).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(readFileSync(join(CRDS, dir.name, file), 'utf8'))) {
        const crd = doc.toJS();
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const v of crd.spec.versions ?? []) {
          if (!v.served || !v.schema?.openAPIV3Schema) continue;
          out.push({ group: crd.spec.group, kind: crd.spec.names.kind, version: v.name, schema: v.schema.openAPIV3Schema });
        }
      }
    }
  }
  return out;
}

const served = loadCrds();
// CRD schemas carry x-kubernetes-* keywords and Kubernetes formats (int-or-string, …) that Ajv does not know.
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });

function validatorFor(apiVersion: string, kind: string) {
  const [group, version] = apiVersion.split('/');
  const crd = served.find((c) => c.group === group && c.version === version && c.kind === kind);
  if (!crd) throw new Error(`no served CRD for ${apiVersion} ${kind} in ${CRDS}`);
  return ajv.compile(crd.schema);
}

function generated(): any[] {
  const chart = Testing.chart();
  new LockedNamespace(chart, 'payments', { owner: 'payments-team', mesh: NamespaceMesh.ISTIO, allowedRegistries: ['registry.example.com/payments'] });
  new AdmissionPolicies(chart, 'policies', {
    engines: [PolicyEngine.KYVERNO, PolicyEngine.GATEKEEPER],
    allowedRegistries: ['registry.example.com/payments'],
    imageVerification: { signer: { publicKey: 'k8s://kyverno/payments-cosign' } },
  });
  return Testing.synth(chart);
}

const CUSTOM = generated().filter((o) => ['kyverno.io', 'templates.gatekeeper.sh', 'security.istio.io'].includes(o.apiVersion.split('/')[0]));

test('the generated set holds Kyverno, Gatekeeper and Istio objects', () => {
  expect(new Set(CUSTOM.map((o) => o.kind))).toEqual(new Set(['ClusterPolicy', 'ConstraintTemplate', 'PeerAuthentication', 'AuthorizationPolicy']));
});

test.each(CUSTOM.map((o) => [`${o.kind} ${o.metadata.name}`, o]))('%s validates against its CRD schema', (_name, obj) => {
  const validate = validatorFor(obj.apiVersion, obj.kind);
  const ok = validate(obj);
  expect(ok ? [] : validate.errors).toEqual([]);
});
