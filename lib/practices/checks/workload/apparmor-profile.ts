import { nonEmpty } from './util';
import { celRegex } from '../../admission/cel';
import { POD_RESOURCES } from '../../admission/resources';
import { profileOk, regoProfileOk, scHas } from '../../admission/rule-helpers';
import { containerLabel, containersOf, podMetaOf, podSpecOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** The appArmorProfile types the catalogue accepts. */
export const ALLOWED_APPARMOR_TYPES: readonly string[] = ['RuntimeDefault', 'Localhost'];

/** HK-WORKLOAD-014: both forms at every target version, as PSS does (the field itself exists from 1.30). */
export const appArmorProfile: Practice = {
  id: 'HK-WORKLOAD-014',
  group: PracticeGroup.WORKLOAD,
  title: 'AppArmor never unconfined',
  severity: Severity.MEDIUM,
  why: 'Disabling the runtime\'s AppArmor profile removes a mandatory-access layer that blocks many container escapes.',
  criterion: 'Every pod annotation container.apparmor.security.beta.kubernetes.io/<name> is empty, runtime/default or '
    + 'localhost/<profile>; the pod\'s and every container\'s securityContext.appArmorProfile.type is absent, RuntimeDefault or '
    + 'Localhost (Localhost with a localhostProfile).',
  library: 'The constructs never emit unconfined and leave AppArmor unset by default (the runtime default applies where AppArmor is enabled).',
  fix: 'Remove the unconfined annotation or appArmorProfile, or use runtime/default (RuntimeDefault) or a localhost profile.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Node agents in audited manifests (the Cilium agent, for one, ships unconfined); the library never emits it.',
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['baseline/appArmorProfile'],
    nsa: ['Hardening container environments (tv 1.9, ks C-0055)'],
    polaris: ['linuxHardening'],
    kyverno: ['pod-security/baseline/restrict-apparmor-profiles'],
    gatekeeper: ['K8sPSPAppArmor'],
    kubesec: ['ApparmorAny', 'ApparmorUnconfined'],
    kubescape: ['C-0055'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: 'variables.podAnnotations.all(k, !k.startsWith(\'container.apparmor.security.beta.kubernetes.io/\')'
          + ` || variables.podAnnotations[k] == '' || variables.podAnnotations[k] == 'runtime/default' || variables.podAnnotations[k].matches(${celRegex('^localhost/.+')}))`
          + ` && (!has(variables.podSC.appArmorProfile) || ${profileOk('variables.podSC.appArmorProfile', ALLOWED_APPARMOR_TYPES)})`
          + ` && variables.containers.all(c, !(${scHas('appArmorProfile')}) || ${profileOk('c.securityContext.appArmorProfile', ALLOWED_APPARMOR_TYPES)})`,
      message: 'AppArmor must never be unconfined: annotations runtime/default or localhost/<profile>, appArmorProfile RuntimeDefault or Localhost',
    }],
    rego: `${regoProfileOk('apparmor_ok', ALLOWED_APPARMOR_TYPES)}
  
  annotation_ok(v) {
    v == ""
  }
  
  annotation_ok(v) {
    v == "runtime/default"
  }
  
  annotation_ok(v) {
    regex.match("^localhost/.+", v)
  }
  
  problem[msg] {
    v := pod_annotations[k]
    startswith(k, "container.apparmor.security.beta.kubernetes.io/")
    not annotation_ok(v)
    msg := sprintf("pod annotation %v is %v", [k, v])
  }
  
  problem["pod securityContext sets an appArmorProfile that is not RuntimeDefault or Localhost"] {
    p := pod_sc.appArmorProfile
    not apparmor_ok(p)
  }
  
  problem[msg] {
    c := containers[_]
    p := sc(c).appArmorProfile
    not apparmor_ok(p)
    msg := sprintf("container %v sets an appArmorProfile that is not RuntimeDefault or Localhost", [c.name])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj) => {
    const problems: string[] = [];
    for (const [key, value] of Object.entries<unknown>(podMetaOf(obj)?.annotations ?? {})) {
      if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
      const ok = value === '' || value === 'runtime/default' || (typeof value === 'string' && /^localhost\/.+/.test(value));
      if (!ok) problems.push(`pod annotation ${key} is ${JSON.stringify(value)}`);
    }
    problems.push(...profileProblems('pod securityContext', podSpecOf(obj)?.securityContext?.appArmorProfile));
    for (const c of containersOf(obj)) problems.push(...profileProblems(containerLabel(c), c.container?.securityContext?.appArmorProfile));
    return problems;
  }),
};

function profileProblems(where: string, profile: any): string[] {
  const type = profile?.type;
  if (type === undefined || type === null) return [];
  if (!ALLOWED_APPARMOR_TYPES.includes(type)) return [`${where} sets appArmorProfile.type: ${JSON.stringify(type)}`];
  if (type === 'Localhost' && !nonEmpty(profile.localhostProfile)) return [`${where} sets appArmorProfile.type: Localhost without a localhostProfile`];
  return [];
}
