import { Testing } from 'cdk8s';
import { AdmissionPolicies, AdmissionPoliciesProps, PolicyEngine, PolicyMode } from '../../lib/policy/admission-policies';
import { admissionPractices } from '../../lib/policy/admission-practices';
import { regoModule } from '../../lib/policy/rego';
import { findPractice } from '../../lib/practices/catalogue';
import { KubernetesTarget } from '../../lib/target/kubernetes-target';

function synth(props: AdmissionPoliciesProps): any[] {
  const chart = Testing.chart();
  // The prop may only restate the app's target, in either spelling it accepts.
  if (props.targetVersion) KubernetesTarget.set(chart, props.targetVersion.replace(/^v/, ''));
  new AdmissionPolicies(chart, 'policies', props);
  return Testing.synth(chart);
}

function refusal(props: AdmissionPoliciesProps): string {
  try {
    new AdmissionPolicies(Testing.chart(), 'policies', props);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

const IDS = admissionPractices().map((e) => e.practice.id);
const CONTROLLERS = ['Pod', 'ReplicationController', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'CronJob', 'Job'];

describe('ValidatingAdmissionPolicy', () => {
  const v128 = synth({ engines: [PolicyEngine.VALIDATING_ADMISSION_POLICY] });

  test('uses admissionregistration.k8s.io/v1beta1 for 1.28 and 1.29', () => {
    expect(new Set(v128.map((o) => o.apiVersion))).toEqual(new Set(['admissionregistration.k8s.io/v1beta1']));
    expect(new Set(synth({ engines: [PolicyEngine.VALIDATING_ADMISSION_POLICY], targetVersion: '1.29' }).map((o) => o.apiVersion)))
      .toEqual(new Set(['admissionregistration.k8s.io/v1beta1']));
  });

  test('uses admissionregistration.k8s.io/v1 from 1.30', () => {
    expect(new Set(synth({ engines: [PolicyEngine.VALIDATING_ADMISSION_POLICY], targetVersion: 'v1.30' }).map((o) => o.apiVersion)))
      .toEqual(new Set(['admissionregistration.k8s.io/v1']));
  });

  test('emits a policy and a binding per admission-checkable practice, annotated with its id', () => {
    const policies = v128.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
    const bindings = v128.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(policies.map((p) => p.metadata.annotations['cdk8s-hardened.io/practices'])).toEqual(IDS);
    expect(bindings.map((b) => b.spec.policyName)).toEqual(policies.map((p) => p.metadata.name));
  });

  test('pod rules match Pods and every controller', () => {
    const nonRoot = v128.find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === 'hardened-hk-workload-003');
    expect(nonRoot.spec.matchConstraints.resourceRules.flatMap((r: any) => r.resources))
      .toEqual(['pods', 'replicationcontrollers', 'daemonsets', 'deployments', 'replicasets', 'statefulsets', 'cronjobs', 'jobs']);
    expect(nonRoot.spec.variables.map((v: any) => v.name)).toContain('podSpec');
  });

  test('enforce mode binds with Deny, audit mode with Warn and Audit', () => {
    const enforce = v128.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(enforce.spec.validationActions).toEqual(['Deny']);
    const audit = synth({ engines: [PolicyEngine.VALIDATING_ADMISSION_POLICY], mode: PolicyMode.AUDIT }).find((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(audit.spec.validationActions).toEqual(['Warn', 'Audit']);
  });

  test('selects locked namespaces by default, or the named ones', () => {
    const binding = v128.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(binding.spec.matchResources.namespaceSelector).toEqual({ matchLabels: { 'cdk8s-hardened.io/locked': 'true' } });
    const named = synth({ engines: [PolicyEngine.VALIDATING_ADMISSION_POLICY], namespaces: ['payments'] })
      .find((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(named.spec.matchResources.namespaceSelector).toEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['payments'] }] });
  });

  test('honours recorded exceptions only for recordable practices', () => {
    const expr = (name: string) => v128.find((o) => o.metadata.name === name && o.kind === 'ValidatingAdmissionPolicy').spec.validations.map((v: any) => v.expression);
    expect(expr('hardened-hk-workload-003')[0]).toContain('\'exceptions.cdk8s-hardened.io/HK-WORKLOAD-003\' in object.metadata.annotations');
    expect(expr('hardened-hk-image-002')[0]).not.toContain('exceptions.cdk8s-hardened.io');
    const resources = expr('hardened-hk-workload-019');
    expect(resources.map((e: string) => e.includes('exceptions.cdk8s-hardened.io/HK-WORKLOAD-019'))).toEqual([false, false, true]);
  });

  test('bakes the allow-list and target version into variables', () => {
    const registries = synth({ engines: [PolicyEngine.VALIDATING_ADMISSION_POLICY], allowedRegistries: ['Registry.Example.com/Shop/'], targetVersion: '1.31' })
      .find((o) => o.metadata.name === 'hardened-hk-image-003' && o.kind === 'ValidatingAdmissionPolicy');
    const vars = Object.fromEntries(registries.spec.variables.map((v: any) => [v.name, v.expression]));
    expect(vars.targetMinor).toBe('31');
    expect(vars.allowedRegistries.startsWith('[\'registry.example.com/shop\'] + (')).toBe(true);
  });
});

describe('Kyverno', () => {
  const policies = synth({ engines: [PolicyEngine.KYVERNO] });

  test('sets failureAction per rule and never the deprecated spec.validationFailureAction', () => {
    for (const p of policies) {
      expect(p.spec.validationFailureAction).toBeUndefined();
      expect(p.spec.rules.map((r: any) => r.validate.failureAction)).toEqual(['Enforce']);
    }
    const audit = synth({ engines: [PolicyEngine.KYVERNO], mode: PolicyMode.AUDIT });
    expect(new Set(audit.flatMap((p) => p.spec.rules.map((r: any) => r.validate.failureAction)))).toEqual(new Set(['Audit']));
  });

  test('one ClusterPolicy per practice, annotated, matching Pods and controllers', () => {
    expect(policies.map((p) => p.metadata.annotations['cdk8s-hardened.io/practices'])).toEqual(IDS);
    const nonRoot = policies.find((p) => p.metadata.name === 'hardened-hk-workload-003');
    expect(nonRoot.apiVersion).toBe('kyverno.io/v1');
    expect(nonRoot.spec.rules[0].match.any[0].resources.kinds).toEqual(CONTROLLERS);
    expect(nonRoot.spec.rules[0].validate.cel.expressions[0].message).toBe(
      'HK-WORKLOAD-003 (Must run as non-root): every container must resolve securityContext.runAsNonRoot to true, and none may set it to false');
  });

  test('verifyImages with a cosign key: signature and scan attestation, each with its own failureAction', () => {
    const out = synth({
      engines: [PolicyEngine.KYVERNO],
      allowedRegistries: ['registry.example.com/payments'],
      imageVerification: { signer: { publicKey: 'k8s://kyverno/payments-cosign' } },
    });
    const verify = out.find((p) => p.metadata.name === 'hardened-hk-image-005');
    expect(verify.spec.validationFailureAction).toBeUndefined();
    expect(verify.spec.background).toBe(false);
    const [signature, scan] = verify.spec.rules[0].verifyImages;
    expect(signature).toMatchObject({
      imageReferences: ['registry.example.com/payments/*'],
      failureAction: 'Enforce',
      mutateDigest: false,
      attestors: [{ count: 1, entries: [{ keys: { publicKeys: 'k8s://kyverno/payments-cosign' } }] }],
    });
    expect(scan.failureAction).toBe('Enforce');
    expect(scan.attestations[0].type).toBe('https://cosign.sigstore.dev/attestation/vuln/v1');
    expect(scan.attestations[0].conditions[0].all[0].value).toBe('168h');
  });

  test('verifyImages with a keyless identity', () => {
    const out = synth({
      engines: [PolicyEngine.KYVERNO],
      imageVerification: {
        signer: { keyless: { issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/org/app/.github/workflows/release.yml@refs/heads/main' } },
        imageReferences: ['ghcr.io/org/*'],
        maxScanAgeHours: 0,
      },
    });
    const verify = out.find((p) => p.metadata.name === 'hardened-hk-image-005');
    expect(verify.spec.rules[0].verifyImages).toHaveLength(1);
    expect(verify.spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless.issuer).toBe('https://token.actions.githubusercontent.com');
  });
});

describe('Gatekeeper', () => {
  const objects = synth({ engines: [PolicyEngine.GATEKEEPER], allowedRegistries: ['registry.example.com'] });
  const templates = objects.filter((o) => o.kind === 'ConstraintTemplate');
  const constraints = objects.filter((o) => o.apiVersion === 'constraints.gatekeeper.sh/v1beta1');

  test('each template is named the lower case of its constraint kind', () => {
    expect(templates).toHaveLength(IDS.length);
    for (const t of templates) {
      expect(t.apiVersion).toBe('templates.gatekeeper.sh/v1');
      expect(t.metadata.name).toBe(t.spec.crd.spec.names.kind.toLowerCase());
      expect(t.spec.crd.spec.validation.openAPIV3Schema.properties.targetMinor).toEqual({ type: 'integer' });
    }
  });

  test('constraints cover Pods and every controller, with deny and the parameters', () => {
    const nonRoot = constraints.find((c) => c.kind === 'HkWorkload003');
    expect(nonRoot.spec.match.kinds.flatMap((k: any) => k.kinds)).toEqual(CONTROLLERS);
    expect(nonRoot.spec.enforcementAction).toBe('deny');
    expect(nonRoot.spec.parameters).toEqual({ targetMinor: 28, allowedRegistries: ['registry.example.com'] });
    expect(synth({ engines: [PolicyEngine.GATEKEEPER], mode: PolicyMode.AUDIT }).find((o) => o.kind === 'HkWorkload003').spec.enforcementAction).toBe('warn');
  });

  test('each template carries the practice\'s CEL as a K8sNativeValidation engine beside the Rego', () => {
    const vap = synth({ engines: [PolicyEngine.VALIDATING_ADMISSION_POLICY], allowedRegistries: ['registry.example.com'] })
      .filter((o) => o.kind === 'ValidatingAdmissionPolicy');
    for (const t of templates) {
      const [target] = t.spec.targets;
      expect(target.code.map((c: any) => c.engine)).toEqual(['K8sNativeValidation']);
      expect(target.rego).toMatch(new RegExp(`^package ${t.metadata.name}\n`));
      // The same validations, exception wrapper and messages as the ValidatingAdmissionPolicy of the practice.
      const policy = vap.find((p) => p.metadata.annotations['cdk8s-hardened.io/practices'] === t.metadata.annotations['cdk8s-hardened.io/practices']);
      expect(target.code[0].source.validations).toEqual(policy.spec.validations.map((v: any) => ({ expression: v.expression, message: v.message })));
    }
    const nonRoot = templates.find((t) => t.metadata.name === 'hkworkload003').spec.targets[0].code[0].source;
    expect(nonRoot.variables.slice(0, 2)).toEqual([
      { name: 'targetMinor', expression: 'variables.params.targetMinor' },
      { name: 'allowedRegistries', expression: expect.stringMatching(/^\(has\(variables\.params\.allowedRegistries\) \? variables\.params\.allowedRegistries : \[\]\) \+ /) },
    ]);
    expect(nonRoot.variables.map((v: any) => v.name)).toContain('podSpec');
  });

  test('Rego: exception wrapper only for recordable practices, unexceptable problems never wrapped', () => {
    const entry = (id: string) => admissionPractices().find((e) => e.practice.id === id)!;
    const recordable = regoModule(entry('HK-WORKLOAD-003').practice, entry('HK-WORKLOAD-003').rule);
    expect(recordable).toContain('reason := obj.metadata.annotations["exceptions.cdk8s-hardened.io/HK-WORKLOAD-003"]');
    expect(recordable).toContain('problem[p]\n  not excepted');
    const none = regoModule(entry('HK-IMAGE-002').practice, entry('HK-IMAGE-002').rule);
    expect(none).not.toContain('excepted');
    const resources = regoModule(entry('HK-WORKLOAD-019').practice, entry('HK-WORKLOAD-019').rule);
    expect(resources).toContain('violation[{"msg": msg}] {\n  hard_problem[p]\n  msg :=');
  });
});

describe('AdmissionPolicies refusals', () => {
  test('refuses an empty engine list', () => {
    // The CLUSTER group may still be missing from the catalogue; the title then drops out of the message.
    const title = findPractice('HK-CLUSTER-001') ? ' (Admission policy engine enforces this catalogue)' : '';
    expect(refusal({ engines: [] })).toBe('[test/policies] AdmissionPolicies prop \'engines\' is empty.\n'
      + `Practice HK-CLUSTER-001${title} refuses it.\n`
      + 'Fix: name at least one engine, e.g. [PolicyEngine.KYVERNO].');
  });

  test('refuses a target version older than 1.28', () => {
    expect(refusal({ targetVersion: '1.27' })).toMatch(/^\[test\/policies\] AdmissionPolicies prop 'targetVersion' is '1\.27', older than the library's floor 1\.28\.\n/);
  });

  test('refuses a target version that is not one', () => {
    expect(refusal({ targetVersion: 'latest' })).toMatch(/^\[test\/policies\] AdmissionPolicies prop 'targetVersion' is 'latest', which is not a Kubernetes version\.\n/);
  });

  test('refuses a practice that has no admission rule', () => {
    expect(refusal({ practices: ['HK-RBAC-003'] })).toMatch(/^\[test\/policies\] AdmissionPolicies prop 'practices' names 'HK-RBAC-003', which is not an admission-checkable practice\.\n/);
  });

  test('refuses namespaces together with namespaceSelector', () => {
    expect(refusal({ namespaces: ['a'], namespaceSelector: { matchLabels: { a: 'b' } } }))
      .toMatch(/^\[test\/policies\] AdmissionPolicies prop 'namespaces' is given together with namespaceSelector\.\n/);
  });

  test('refuses a signer with both a key and a keyless identity', () => {
    expect(refusal({ imageVerification: { signer: { publicKey: 'k', keyless: { issuer: 'i', subject: 's' } }, imageReferences: ['x/*'] } })).toBe(
      '[test/policies] AdmissionPolicies prop \'imageVerification.signer\' must name exactly one of publicKey and keyless.\n'
      + 'Practice HK-IMAGE-005 (Admit only scanned and signed images) refuses it.\n'
      + 'Fix: give a cosign publicKey (PEM or k8s://<ns>/<secret>) or a keyless { issuer, subject }.');
  });

  test('refuses image verification without Kyverno', () => {
    expect(refusal({ engines: [PolicyEngine.GATEKEEPER], imageVerification: { signer: { publicKey: 'k' }, imageReferences: ['x/*'] } }))
      .toMatch(/^\[test\/policies\] AdmissionPolicies prop 'imageVerification' needs Kyverno, which engines does not include\.\n/);
  });

  test('refuses a bad registry host', () => {
    expect(refusal({ allowedRegistries: ['registry.example.com:http'] }))
      .toMatch(/^\[test\/policies\] AdmissionPolicies prop 'allowedRegistries' holds 'registry\.example\.com:http', which is not a registry host/);
  });
});
