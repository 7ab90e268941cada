import { isExemptWindowsPod, nonEmpty } from './util';
import { POD_RESOURCES } from '../../admission/resources';
import { profileOk, regoProfileOk, scHas } from '../../admission/rule-helpers';
import { containerLabel, containersOf, podMetaOf, podSpecOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** The seccomp profile types the catalogue accepts. */
export const ALLOWED_SECCOMP_TYPES: readonly string[] = ['RuntimeDefault', 'Localhost'];

const LEGACY_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const LEGACY_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/**
 * HK-WORKLOAD-008: resolved container-then-pod as PSS restricted does; any level naming another type fails even when
 * overridden; the legacy alpha annotations are reported as dead configuration because the fields decide.
 */
export const seccompProfile: Practice = {
  id: 'HK-WORKLOAD-008',
  group: PracticeGroup.WORKLOAD,
  title: 'Seccomp RuntimeDefault (or Localhost)',
  severity: Severity.HIGH,
  why: 'Without a seccomp filter the container can reach the whole syscall table, including the rarely used calls most kernel exploits need.',
  criterion: 'Every container, init container and ephemeral container resolves seccompProfile.type (its own, else the pod\'s) to '
    + 'RuntimeDefault or Localhost; no pod or container securityContext sets any other type; Localhost names a localhostProfile. '
    + 'Pods with spec.os.name: windows need not resolve a type from target 1.25 but still may not set another one. The legacy '
    + 'seccomp.security.alpha.kubernetes.io/pod and container.seccomp.security.alpha.kubernetes.io/* pod annotations are reported '
    + 'as dead configuration.',
  library: 'SecureDeployment sets seccompProfile.type: RuntimeDefault at pod and container level.',
  fix: 'Set securityContext.seccompProfile.type: RuntimeDefault at pod and container level and delete the legacy seccomp annotations.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'For Localhost profiles only (Checkov CKV_K8S_31 passes only RuntimeDefault, so it needs a Checkov skip too); Unconfined never.',
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['restricted/seccompProfile_restricted', 'baseline/seccompProfile_baseline'],
    nsa: ['Hardening container environments (tv 1.10, ks C-0055)'],
    cis: ['5.7.2'],
    kubeScore: ['container-seccomp-profile'],
    polaris: ['linuxHardening'],
    kyverno: ['pod-security/restricted/restrict-seccomp-strict', 'pod-security/baseline/restrict-seccomp'],
    gatekeeper: ['K8sPSPSeccomp', 'K8sPSPSeccompV2'],
    kubesec: ['SeccompAny', 'SeccompUnconfined'],
    checkov: ['CKV_K8S_31', 'CKV_K8S_32'],
    kubescape: ['C-0210', 'C-0055'],
    other: ['kubescape/kubescape#2296', 'zegl/kube-score#146'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: `(!has(variables.podSC.seccompProfile) || ${profileOk('variables.podSC.seccompProfile', ALLOWED_SECCOMP_TYPES)})`
          + ` && variables.containers.all(c, (${scHas('seccompProfile')}) ? ${profileOk('c.securityContext.seccompProfile', ALLOWED_SECCOMP_TYPES)}`
          + ' : (variables.windowsExempt || has(variables.podSC.seccompProfile)))'
          + ' && !variables.podAnnotations.exists(k, k == \'seccomp.security.alpha.kubernetes.io/pod\''
          + ' || k.startsWith(\'container.seccomp.security.alpha.kubernetes.io/\'))',
      message: 'every container must resolve seccompProfile.type to RuntimeDefault or Localhost (with a profile), and no legacy seccomp annotation may remain',
    }],
    rego: `${regoProfileOk('seccomp_ok', ALLOWED_SECCOMP_TYPES)}
  
  problem["pod securityContext sets a seccompProfile that is not RuntimeDefault or Localhost"] {
    p := pod_sc.seccompProfile
    not seccomp_ok(p)
  }
  
  problem[msg] {
    c := containers[_]
    p := sc(c).seccompProfile
    not seccomp_ok(p)
    msg := sprintf("container %v sets a seccompProfile that is not RuntimeDefault or Localhost", [c.name])
  }
  
  problem[msg] {
    not windows_exempt
    c := containers[_]
    not sc(c).seccompProfile
    not pod_sc.seccompProfile
    msg := sprintf("container %v resolves no seccompProfile.type", [c.name])
  }
  
  problem[msg] {
    pod_annotations[k]
    legacy_seccomp(k)
    msg := sprintf("pod annotation %v is dead configuration; the seccompProfile fields decide", [k])
  }
  
  legacy_seccomp(k) {
    k == "seccomp.security.alpha.kubernetes.io/pod"
  }
  
  legacy_seccomp(k) {
    startswith(k, "container.seccomp.security.alpha.kubernetes.io/")
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj, ctx) => {
    const problems: string[] = [];
    const podProfile = podSpecOf(obj)?.securityContext?.seccompProfile;
    problems.push(...profileProblems('pod securityContext', podProfile));
    const windows = isExemptWindowsPod(obj, ctx.settings.targetVersion);
    for (const c of containersOf(obj)) {
      const own = c.container?.securityContext?.seccompProfile;
      problems.push(...profileProblems(containerLabel(c), own));
      if (!windows && own?.type === undefined && podProfile?.type === undefined) {
        problems.push(`${containerLabel(c)} resolves no seccompProfile.type (neither container nor pod sets one)`);
      }
    }
    for (const key of Object.keys(podMetaOf(obj)?.annotations ?? {})) {
      if (key === LEGACY_POD_ANNOTATION || key.startsWith(LEGACY_CONTAINER_PREFIX)) {
        problems.push(`pod annotation ${key} is dead configuration (Kubernetes 1.28 no longer honours it; the seccompProfile fields decide)`);
      }
    }
    return problems;
  }),
};

function profileProblems(where: string, profile: any): string[] {
  const type = profile?.type;
  if (type === undefined || type === null) return [];
  if (!ALLOWED_SECCOMP_TYPES.includes(type)) return [`${where} sets seccompProfile.type: ${JSON.stringify(type)}`];
  if (type === 'Localhost' && !nonEmpty(profile.localhostProfile)) return [`${where} sets seccompProfile.type: Localhost without a localhostProfile`];
  return [];
}
