import { integerAbove, origin, resolveSecurityField } from './util';
import { POD_RESOURCES } from '../../admission/resources';
import { scHas } from '../../admission/rule-helpers';
import { containerLabel, containersOf, podSpecOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** Lowest UID the catalogue accepts is one above this (kube-score, Checkov and kubesec all pass above it). */
export const MIN_UID_EXCLUSIVE = 10000;

/**
 * HK-WORKLOAD-004: the effective value (container, else pod) is judged; a pod-level runAsUser: 0 fails even when
 * every container overrides it, as PSS restricted `runAsUser` does.
 */
export const highUid: Practice = {
  id: 'HK-WORKLOAD-004',
  group: PracticeGroup.WORKLOAD,
  title: 'Numeric, high, non-zero UID',
  severity: Severity.HIGH,
  why: 'A UID that collides with a host account (0-9999 are typical host ranges) gains that account\'s file access after an escape; '
    + 'a numeric UID also makes HK-WORKLOAD-003 verifiable.',
  criterion: 'Every container, init container and ephemeral container resolves runAsUser (its own securityContext value, else the '
    + 'pod\'s) to an integer above 10000, and no pod or container securityContext sets runAsUser: 0.',
  library: 'SecureDeployment sets runAsUser: 65532 at pod level (and at container level when overridden) and validates the prop.',
  fix: 'Set securityContext.runAsUser to a numeric UID above 10000 (65532 by default); an image that needs a lower fixed UID needs a '
    + 'recorded exception naming the image.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'An image with a lower, fixed UID.',
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['restricted/runAsUser'],
    nsa: ['Non-root containers and rootless container engines (ks C-0013, tv 1.0)'],
    cis: ['5.2.7'],
    kubeScore: ['container-security-context-user-group-id'],
    polaris: ['runAsRootAllowed'],
    kubeLinter: ['run-as-non-root'],
    kyverno: ['pod-security/restricted/require-run-as-non-root-user'],
    gatekeeper: ['K8sPSPAllowedUsers'],
    kubesec: ['RunAsUser'],
    checkov: ['CKV_K8S_40'],
    kubescape: ['C-0013'],
    other: ['cdk8s-team/cdk8s-plus#1339', 'cdk8s-team/cdk8s-plus PR #1437'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: '!(has(variables.podSC.runAsUser) && variables.podSC.runAsUser == 0)'
          + ` && variables.containers.all(c, (${scHas('runAsUser')}) ? c.securityContext.runAsUser > ${MIN_UID_EXCLUSIVE}`
          + ` : (has(variables.podSC.runAsUser) && variables.podSC.runAsUser > ${MIN_UID_EXCLUSIVE}))`,
      message: `every container must resolve securityContext.runAsUser to a UID above ${MIN_UID_EXCLUSIVE}, and none may set 0`,
    }],
    rego: `problem["pod securityContext sets runAsUser: 0"] {
    pod_sc.runAsUser == 0
  }
  
  problem[msg] {
    c := containers[_]
    not integer_above(resolved(c, "runAsUser"), ${MIN_UID_EXCLUSIVE})
    msg := sprintf("container %v does not resolve runAsUser to an integer above ${MIN_UID_EXCLUSIVE}", [c.name])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj) => {
    const problems: string[] = [];
    if (podSpecOf(obj)?.securityContext?.runAsUser === 0) problems.push('pod securityContext sets runAsUser: 0');
    for (const c of containersOf(obj)) {
      const r = resolveSecurityField(obj, c, 'runAsUser');
      if (r.value === undefined) {
        problems.push(`${containerLabel(c)} resolves no runAsUser (neither container nor pod sets one)`);
      } else if (!integerAbove(r.value, MIN_UID_EXCLUSIVE)) {
        problems.push(`${containerLabel(c)} resolves runAsUser to ${JSON.stringify(r.value)}${origin(r)}; it must be an integer above ${MIN_UID_EXCLUSIVE}`);
      }
    }
    return problems;
  }),
};
