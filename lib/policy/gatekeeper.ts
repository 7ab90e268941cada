import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AdmissionPractice } from './admission-practices';
import { PolicyObjectOptions, policyAnnotations, policyName } from './policy-options';
import { regoModule, gatekeeperKind } from './rego';
import * as gk from '../imports/gatekeeper-constrainttemplate-templates.gatekeeper.sh';
import { effectiveExpression, effectiveMessage, GATEKEEPER_SETTINGS_VARIABLES, POD_VARIABLES, PolicySettings } from '../practices/admission/cel';
import { kindGroupsOf, matchesPods } from '../practices/admission/resources';

/** The structural schema of every constraint's `spec.parameters` (required by `templates.gatekeeper.sh/v1`). */
const PARAMETERS_SCHEMA = {
  type: 'object',
  properties: {
    targetMinor: { type: 'integer' },
    allowedRegistries: { type: 'array', items: { type: 'string' } },
  },
};

/** The engine name of Gatekeeper's CEL driver in `spec.targets[].code`. */
export const GATEKEEPER_CEL_ENGINE = 'K8sNativeValidation';

/**
 * Emits, per practice, a ConstraintTemplate (name = lower-case kind) and its constraint
 * (`constraints.gatekeeper.sh/v1beta1`) matching Pods and every controller, never Pods alone. The template carries
 * the practice's CEL as a `K8sNativeValidation` engine (the same expressions, exception wrapper and messages as the
 * ValidatingAdmissionPolicy) and its Rego in `rego`: Gatekeeper evaluates the CEL where its CEL driver is on
 * (v3.17 and later by default, v3.16 behind a flag) and the Rego everywhere else.
 */
export function emitGatekeeperPolicies(
  scope: Construct, entries: readonly AdmissionPractice[], settings: PolicySettings, options: PolicyObjectOptions,
): ApiObject[] {
  const out: ApiObject[] = [];
  for (const { practice, rule } of entries) {
    const kind = gatekeeperKind(practice);
    out.push(new gk.ConstraintTemplate(scope, `Template-${practice.id}`, {
      metadata: {
        name: kind.toLowerCase(),
        annotations: {
          ...policyAnnotations(practice),
          'metadata.gatekeeper.sh/title': practice.title,
          'description': practice.why,
        },
      },
      spec: {
        crd: { spec: { names: { kind }, validation: { openApiv3Schema: PARAMETERS_SCHEMA } } },
        targets: [{
          target: 'admission.k8s.gatekeeper.sh',
          code: [{
            engine: GATEKEEPER_CEL_ENGINE,
            source: {
              variables: [...GATEKEEPER_SETTINGS_VARIABLES, ...(matchesPods(rule.match) ? POD_VARIABLES : [])]
                .map((v) => ({ name: v.name, expression: v.expression })),
              validations: rule.validations.map((v) => ({ expression: effectiveExpression(practice, v), message: effectiveMessage(practice, v) })),
            },
          }],
          rego: regoModule(practice, rule),
        }],
      },
    }));
    out.push(new ApiObject(scope, `Constraint-${practice.id}`, {
      apiVersion: 'constraints.gatekeeper.sh/v1beta1',
      kind,
      metadata: { name: policyName(practice), annotations: policyAnnotations(practice) },
      spec: {
        enforcementAction: options.enforce ? 'deny' : 'warn',
        match: {
          kinds: kindGroupsOf(rule.match),
          scope: 'Namespaced',
          namespaceSelector: options.namespaceSelector,
        },
        parameters: { targetMinor: settings.targetMinor, allowedRegistries: [...settings.allowedRegistries] },
      },
    }));
  }
  return out;
}
