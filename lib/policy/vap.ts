import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AdmissionPractice } from './admission-practices';
import { PolicyObjectOptions, policyAnnotations, policyName } from './policy-options';
import { effectiveExpression, effectiveMessage, POD_VARIABLES, PolicySettings, settingsVariables } from '../practices/admission/cel';
import { matchesPods } from '../practices/admission/resources';

/**
 * Emits one ValidatingAdmissionPolicy and its Binding per practice (`admissionregistration.k8s.io/v1beta1` for
 * Kubernetes 1.28–1.29, `v1` from 1.30). A policy without a binding does nothing, so both are always emitted.
 */
export function emitValidatingAdmissionPolicies(
  scope: Construct, entries: readonly AdmissionPractice[], settings: PolicySettings, options: PolicyObjectOptions,
): ApiObject[] {
  const apiVersion = `admissionregistration.k8s.io/${settings.targetMinor >= 30 ? 'v1' : 'v1beta1'}`;
  const out: ApiObject[] = [];
  for (const { practice, rule } of entries) {
    const name = policyName(practice);
    const variables = [...settingsVariables(settings), ...(matchesPods(rule.match) ? POD_VARIABLES : [])];
    out.push(new ApiObject(scope, `Vap-${practice.id}`, {
      apiVersion,
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, annotations: policyAnnotations(practice) },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: rule.match.map((m) => ({ ...m, operations: ['CREATE', 'UPDATE'] })),
        },
        variables: variables.map((v) => ({ name: v.name, expression: v.expression })),
        validations: rule.validations.map((v) => ({
          expression: effectiveExpression(practice, v),
          message: effectiveMessage(practice, v),
          reason: 'Forbidden',
        })),
      },
    }));
    out.push(new ApiObject(scope, `VapBinding-${practice.id}`, {
      apiVersion,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, annotations: policyAnnotations(practice) },
      spec: {
        policyName: name,
        // Deny and Warn may not be combined; Warn + Audit is the dry run.
        validationActions: options.enforce ? ['Deny'] : ['Warn', 'Audit'],
        matchResources: { namespaceSelector: options.namespaceSelector },
      },
    }));
  }
  return out;
}
