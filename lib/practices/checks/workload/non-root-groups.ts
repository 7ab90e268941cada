import { integerAbove, origin, resolveSecurityField } from './util';
import { POD_RESOURCES } from '../../admission/resources';
import { scHas } from '../../admission/rule-helpers';
import { asArray, containerLabel, containersOf, podSpecOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** Lowest GID the catalogue accepts is one above this, like the UID (HK-WORKLOAD-004). */
export const MIN_GID_EXCLUSIVE = 10000;

/** HK-WORKLOAD-005: runAsGroup resolved container-then-pod; fsGroup and supplementalGroups are pod-only fields. */
export const nonRootGroups: Practice = {
  id: 'HK-WORKLOAD-005',
  group: PracticeGroup.WORKLOAD,
  title: 'Non-root primary, fs and supplementary groups',
  severity: Severity.MEDIUM,
  why: 'GID 0 gives read/write on every root-group-writable file in the image and on shared volumes; an unset runAsGroup falls back '
    + 'to the image\'s group, often 0.',
  criterion: 'Every container, init container and ephemeral container resolves runAsGroup (its own value, else the pod\'s) to an '
    + 'integer above 10000; the pod securityContext sets fsGroup to a value other than 0; its supplementalGroups contain no 0.',
  library: 'SecureDeployment sets runAsGroup and fsGroup to 65532.',
  fix: 'Set securityContext.runAsGroup above 10000 (65532) and pod securityContext.fsGroup (65532); remove 0 from supplementalGroups.',
  exception: ExceptionPolicy.RECORDABLE,
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Run with root group membership (tv 1.6)'],
    kubeScore: ['container-security-context-user-group-id'],
    kubeLinter: ['run-as-non-root'],
    kyverno: ['other/require-non-root-groups'],
    gatekeeper: ['K8sPSPAllowedUsers', 'K8sPSPFSGroup'],
    kubesec: ['RunAsGroup'],
    kubescape: ['C-0013'],
    other: ['kubescape/helm-charts#912 (Kubescape resolves an unset runAsGroup to 0)'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.containers.all(c, (${scHas('runAsGroup')}) ? c.securityContext.runAsGroup > ${MIN_GID_EXCLUSIVE}`
          + ` : (has(variables.podSC.runAsGroup) && variables.podSC.runAsGroup > ${MIN_GID_EXCLUSIVE}))`
          + ' && has(variables.podSC.fsGroup) && variables.podSC.fsGroup != 0'
          + ' && !(has(variables.podSC.supplementalGroups) && 0 in variables.podSC.supplementalGroups)',
      message: `every container must resolve runAsGroup above ${MIN_GID_EXCLUSIVE}; the pod must set a non-zero fsGroup and no supplemental group 0`,
    }],
    rego: `problem[msg] {
    c := containers[_]
    not integer_above(resolved(c, "runAsGroup"), ${MIN_GID_EXCLUSIVE})
    msg := sprintf("container %v does not resolve runAsGroup to an integer above ${MIN_GID_EXCLUSIVE}", [c.name])
  }
  
  problem["pod securityContext does not set a non-zero fsGroup"] {
    object.get(pod_sc, "fsGroup", 0) == 0
  }
  
  problem["pod securityContext.supplementalGroups contains 0"] {
    object.get(pod_sc, "supplementalGroups", [])[_] == 0
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj) => {
    const problems: string[] = [];
    for (const c of containersOf(obj)) {
      const r = resolveSecurityField(obj, c, 'runAsGroup');
      if (r.value === undefined) {
        problems.push(`${containerLabel(c)} resolves no runAsGroup (neither container nor pod sets one)`);
      } else if (!integerAbove(r.value, MIN_GID_EXCLUSIVE)) {
        problems.push(`${containerLabel(c)} resolves runAsGroup to ${JSON.stringify(r.value)}${origin(r)}; it must be an integer above ${MIN_GID_EXCLUSIVE}`);
      }
    }
    const psc = podSpecOf(obj)?.securityContext;
    if (psc?.fsGroup === undefined || psc?.fsGroup === null) problems.push('pod securityContext does not set fsGroup');
    else if (psc.fsGroup === 0) problems.push('pod securityContext sets fsGroup: 0');
    if (asArray(psc?.supplementalGroups).includes(0)) problems.push('pod securityContext.supplementalGroups contains 0');
    return problems;
  }),
};
