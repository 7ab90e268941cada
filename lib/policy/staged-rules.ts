import { AdmissionRule } from './admission-rule';
import { celRegex, celStringList, FROZEN_REGISTRY_REGEX, HOST_PREFIX_REGEX, VALID_IMAGE_REGEX } from './cel';
import { POD_RESOURCES, SERVICE_RESOURCES } from './resources';
import { DIGEST_PINNED_IMAGE } from '../practices/checks/image/util';
import { ALLOWED_APPARMOR_TYPES } from '../practices/checks/workload/apparmor-profile';
import { MIN_UID_EXCLUSIVE } from '../practices/checks/workload/high-uid';
import { ALLOWED_ADDED_CAPABILITIES } from '../practices/checks/workload/limited-added-capabilities';
import { MIN_GID_EXCLUSIVE } from '../practices/checks/workload/non-root-groups';
import { RESTRICTED_VOLUME_SOURCES } from '../practices/checks/workload/restricted-volume-types';
import { SAFE_SYSCTLS } from '../practices/checks/workload/safe-sysctls';
import { ALLOWED_SECCOMP_TYPES } from '../practices/checks/workload/seccomp-profile';
import { ALLOWED_SELINUX_TYPES } from '../practices/checks/workload/selinux-options';

/** A Rego string literal. */
const rq = (text: string): string => JSON.stringify(text);

/** CEL: `c.securityContext.<field>` is present. */
const scHas = (field: string): string => `has(c.securityContext) && has(c.securityContext.${field})`;

/** CEL: a seccomp/AppArmor profile `p` of an allowed type, Localhost with a profile name. */
const profileOk = (p: string, types: readonly string[]): string =>
  `(${p}.type in ${celStringList(types.filter((t) => t !== 'Localhost'))} || (${p}.type == 'Localhost' && has(${p}.localhostProfile) && ${p}.localhostProfile != ''))`;

/** Rego: a profile object `p` of an allowed type. */
const regoProfileOk = (name: string, types: readonly string[]): string => `${name}(p) {
  p.type == ${rq(types.filter((t) => t !== 'Localhost')[0])}
}

${name}(p) {
  p.type == "Localhost"
  object.get(p, "localhostProfile", "") != ""
}`;

const SELINUX_TYPES_FROM_31 = ['container_engine_t'];

/** The image reference normalisation of HK-IMAGE-003 in Rego: `registry/repository`, lower case. */
const REGO_IMAGE_REF = `with_host(n) := n {
  regex.match(${rq(HOST_PREFIX_REGEX)}, n)
}

with_host(n) := concat("", ["docker.io/", n]) {
  not regex.match(${rq(HOST_PREFIX_REGEX)}, n)
}

image_ref(image) := ref {
  regex.match(${rq(VALID_IMAGE_REGEX)}, image)
  no_tag := regex.replace(with_host(split(image, "@")[0]), ":[^/:]*$", "")
  folded := regex.replace(lower(no_tag), "^index\\\\.docker\\\\.io/", "docker.io/")
  ref := regex.replace(folded, "^docker\\\\.io/([^/]+)$", "docker.io/library/$1")
}

admitted(ref) {
  e := allowed_registries[_]
  not contains(e, "/")
  split(ref, "/")[0] == e
}

admitted(ref) {
  e := allowed_registries[_]
  contains(e, "/")
  ref == e
}

admitted(ref) {
  e := allowed_registries[_]
  contains(e, "/")
  startswith(ref, concat("", [e, "/"]))
}`;

const SAFE_SYSCTL_MAP = `{${SAFE_SYSCTLS.map((s) => `'${s.name}': ${s.since.minor}`).join(', ')}}`;

/**
 * Admission rules of the practices a single-object admission check judges faithfully, keyed by practice id.
 * Staged here while the practice files are being written; each moves into its practice as the `admission` field.
 */
export const STAGED_RULES: Readonly<Record<string, AdmissionRule>> = {
  'HK-IMAGE-001': {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.containers.all(c, has(c.image) && c.image.matches(${celRegex(DIGEST_PINNED_IMAGE.source)}))`,
      message: 'every container image must be pinned by an @sha256 digest',
    }],
    rego: `problem[msg] {
  c := containers[_]
  not regex.match(${rq(DIGEST_PINNED_IMAGE.source)}, object.get(c, "image", ""))
  msg := sprintf("container %v image %v is not pinned by an @sha256 digest", [c.name, object.get(c, "image", "")])
}`,
  },
  'HK-IMAGE-002': {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.containers.all(c, has(c.image) && c.image.matches(${celRegex(VALID_IMAGE_REGEX)}) && (c.image.contains('@')`
        + ` || (c.image.matches(${celRegex(':[^/]*$')}) && !c.image.matches(${celRegex(':[Ll][Aa][Tt][Ee][Ss][Tt]$')}))))`,
      message: 'every container image must be a valid reference with a digest or a tag other than latest',
    }],
    rego: `tag_ok(image) {
  regex.match(${rq(VALID_IMAGE_REGEX)}, image)
  contains(image, "@")
}

tag_ok(image) {
  regex.match(${rq(VALID_IMAGE_REGEX)}, image)
  not contains(image, "@")
  regex.match(":[^/]*$", image)
  not regex.match(":[Ll][Aa][Tt][Ee][Ss][Tt]$", image)
}

problem[msg] {
  c := containers[_]
  not tag_ok(object.get(c, "image", ""))
  msg := sprintf("container %v image %v has neither digest nor tag, is tagged latest, or is not a valid reference", [c.name, object.get(c, "image", "")])
}`,
  },
  'HK-IMAGE-003': {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.imageRefs.all(r, r != '' && !r.split('/')[0].matches(${celRegex(FROZEN_REGISTRY_REGEX)})`
        + ' && (variables.allowedRegistries.size() == 0 || variables.allowedRegistries.exists(e,'
        + ' e.contains(\'/\') ? (r == e || r.startsWith(e + \'/\')) : r.split(\'/\')[0] == e)))',
      message: 'every container image must come from an allowed registry, and never from the frozen k8s.gcr.io',
    }],
    rego: `${REGO_IMAGE_REF}

problem[msg] {
  c := containers[_]
  image := object.get(c, "image", "")
  not image_ref(image)
  msg := sprintf("container %v image %v is not a valid image reference", [c.name, image])
}

problem[msg] {
  c := containers[_]
  ref := image_ref(object.get(c, "image", ""))
  regex.match(${rq(FROZEN_REGISTRY_REGEX)}, split(ref, "/")[0])
  msg := sprintf("container %v pulls from the frozen registry %v; use registry.k8s.io", [c.name, split(ref, "/")[0]])
}

problem[msg] {
  c := containers[_]
  ref := image_ref(object.get(c, "image", ""))
  count(allowed_registries) > 0
  not admitted(ref)
  msg := sprintf("container %v pulls %v, which is not in the allow-list %v", [c.name, ref, allowed_registries])
}`,
  },
  'HK-IMAGE-004': {
    match: POD_RESOURCES,
    validations: [{
      expression: 'variables.containers.all(c, has(c.imagePullPolicy) && c.imagePullPolicy == \'Always\')',
      message: 'every container must set imagePullPolicy: Always',
    }],
    rego: `problem[msg] {
  c := containers[_]
  object.get(c, "imagePullPolicy", "") != "Always"
  msg := sprintf("container %v does not set imagePullPolicy: Always", [c.name])
}`,
  },
  'HK-WORKLOAD-001': {
    match: POD_RESOURCES,
    validations: [{
      expression: `!variables.containers.exists(c, ${scHas('privileged')} && c.securityContext.privileged == true)`,
      message: 'no container may set securityContext.privileged: true',
    }],
    rego: `problem[msg] {
  c := containers[_]
  sc(c).privileged == true
  msg := sprintf("container %v sets securityContext.privileged: true", [c.name])
}`,
  },
  'HK-WORKLOAD-002': {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.windowsExempt || variables.containers.all(c, ${scHas('allowPrivilegeEscalation')} && c.securityContext.allowPrivilegeEscalation == false)`,
      message: 'every container must set securityContext.allowPrivilegeEscalation: false',
    }],
    rego: `problem[msg] {
  not windows_exempt
  c := containers[_]
  object.get(sc(c), "allowPrivilegeEscalation", null) != false
  msg := sprintf("container %v does not set securityContext.allowPrivilegeEscalation: false", [c.name])
}`,
  },
  'HK-WORKLOAD-003': {
    match: POD_RESOURCES,
    validations: [{
      expression: '!(has(variables.podSC.runAsNonRoot) && variables.podSC.runAsNonRoot == false)'
        + ` && variables.containers.all(c, (${scHas('runAsNonRoot')}) ? c.securityContext.runAsNonRoot == true`
        + ' : (has(variables.podSC.runAsNonRoot) && variables.podSC.runAsNonRoot == true))',
      message: 'every container must resolve securityContext.runAsNonRoot to true, and none may set it to false',
    }],
    rego: `problem["pod securityContext sets runAsNonRoot: false"] {
  pod_sc.runAsNonRoot == false
}

problem[msg] {
  c := containers[_]
  resolved(c, "runAsNonRoot") != true
  msg := sprintf("container %v does not resolve securityContext.runAsNonRoot to true", [c.name])
}`,
  },
  'HK-WORKLOAD-004': {
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
  'HK-WORKLOAD-005': {
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
  'HK-WORKLOAD-006': {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.windowsExempt || variables.containers.all(c, ${scHas('capabilities')} && has(c.securityContext.capabilities.drop)`
        + ' && \'ALL\' in c.securityContext.capabilities.drop)',
      message: 'every container must drop the capability "ALL" (upper case)',
    }],
    rego: `drops_all(c) {
  object.get(object.get(sc(c), "capabilities", {}), "drop", [])[_] == "ALL"
}

problem[msg] {
  not windows_exempt
  c := containers[_]
  not drops_all(c)
  msg := sprintf("container %v does not drop ALL capabilities", [c.name])
}`,
  },
  'HK-WORKLOAD-007': {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.containers.all(c, !(${scHas('capabilities')} && has(c.securityContext.capabilities.add))`
        + ` || c.securityContext.capabilities.add.all(a, a in ${celStringList(ALLOWED_ADDED_CAPABILITIES)}))`,
      message: `containers may add back no capability but ${ALLOWED_ADDED_CAPABILITIES.join(', ')}`,
    }],
    rego: `allowed_capability(cap) {
  cap == ${JSON.stringify(ALLOWED_ADDED_CAPABILITIES)}[_]
}

problem[msg] {
  c := containers[_]
  cap := object.get(object.get(sc(c), "capabilities", {}), "add", [])[_]
  not allowed_capability(cap)
  msg := sprintf("container %v adds capability %v", [c.name, cap])
}`,
  },
  'HK-WORKLOAD-008': {
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
  'HK-WORKLOAD-009': {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.containers.all(c, ${scHas('readOnlyRootFilesystem')} && c.securityContext.readOnlyRootFilesystem == true)`
        + ' && variables.volumes.all(v, !has(v.emptyDir) || has(v.emptyDir.sizeLimit))',
      message: 'every container must set securityContext.readOnlyRootFilesystem: true and every emptyDir a sizeLimit',
    }],
    rego: `problem[msg] {
  c := containers[_]
  object.get(sc(c), "readOnlyRootFilesystem", false) != true
  msg := sprintf("container %v does not set securityContext.readOnlyRootFilesystem: true", [c.name])
}

problem[msg] {
  v := volumes[_]
  v.emptyDir
  not v.emptyDir.sizeLimit
  msg := sprintf("emptyDir volume %v has no sizeLimit", [v.name])
}`,
  },
  'HK-WORKLOAD-010': {
    match: POD_RESOURCES,
    validations: ['hostNetwork', 'hostPID', 'hostIPC'].map((f) => ({
      expression: `!(has(variables.podSpec.${f}) && variables.podSpec.${f} == true)`,
      message: `the pod may not set ${f}: true`,
    })),
    rego: `problem[msg] {
  f := ["hostNetwork", "hostPID", "hostIPC"][_]
  pod_spec[f] == true
  msg := sprintf("pod spec sets %v: true", [f])
}`,
  },
  'HK-WORKLOAD-011': {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.volumes.all(v, ${RESTRICTED_VOLUME_SOURCES.map((s) => `has(v.${s})`).join(' || ')} || (variables.targetMinor >= 31 && has(v.image)))`,
      message: `every volume must be one of ${RESTRICTED_VOLUME_SOURCES.join(', ')} (image from 1.31); never hostPath`,
    }],
    rego: `allowed_source(v) {
  s := ${JSON.stringify(RESTRICTED_VOLUME_SOURCES)}[_]
  v[s]
}

allowed_source(v) {
  target_minor >= 31
  v.image
}

problem[msg] {
  v := volumes[_]
  not allowed_source(v)
  msg := sprintf("volume %v uses a disallowed volume type", [v.name])
}`,
  },
  'HK-WORKLOAD-012': {
    match: POD_RESOURCES,
    validations: [{
      expression: 'variables.appContainers.all(c, !has(c.ports) || c.ports.all(p, !(has(p.hostPort) && p.hostPort != 0)'
        + ' && !(has(variables.podSpec.hostNetwork) && variables.podSpec.hostNetwork == true)))',
      message: 'no container port may be a host port (hostPort, or any port of a hostNetwork pod)',
    }],
    rego: `problem[msg] {
  c := app_containers[_]
  p := object.get(c, "ports", [])[_]
  object.get(p, "hostPort", 0) != 0
  msg := sprintf("container %v port %v sets hostPort %v", [c.name, p.containerPort, p.hostPort])
}

problem[msg] {
  pod_spec.hostNetwork == true
  c := app_containers[_]
  p := object.get(c, "ports", [])[_]
  msg := sprintf("container %v port %v is a host port, because the pod uses hostNetwork", [c.name, p.containerPort])
}`,
  },
  'HK-WORKLOAD-013': {
    match: POD_RESOURCES,
    validations: [{
      expression: '!(has(variables.podSC.windowsOptions) && has(variables.podSC.windowsOptions.hostProcess) && variables.podSC.windowsOptions.hostProcess == true)'
        + ` && !variables.containers.exists(c, ${scHas('windowsOptions')} && has(c.securityContext.windowsOptions.hostProcess)`
        + ' && c.securityContext.windowsOptions.hostProcess == true)',
      message: 'neither the pod nor any container may set windowsOptions.hostProcess: true',
    }],
    rego: `problem["pod securityContext sets windowsOptions.hostProcess: true"] {
  pod_sc.windowsOptions.hostProcess == true
}

problem[msg] {
  c := containers[_]
  sc(c).windowsOptions.hostProcess == true
  msg := sprintf("container %v sets securityContext.windowsOptions.hostProcess: true", [c.name])
}`,
  },
  'HK-WORKLOAD-014': {
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
  'HK-WORKLOAD-015': {
    match: POD_RESOURCES,
    validations: [{
      expression: `([variables.podSC].map(s, has(s.seLinuxOptions) ? [s.seLinuxOptions] : []) + variables.containers.map(c, ${scHas('seLinuxOptions')} ? [c.securityContext.seLinuxOptions] : []))`
        + '.all(l, l.all(o, (!has(o.type) || o.type in '
        + `${celStringList(ALLOWED_SELINUX_TYPES)} || (variables.targetMinor >= 31 && o.type in ${celStringList(SELINUX_TYPES_FROM_31)}))`
        + ' && (!has(o.user) || o.user == \'\') && (!has(o.role) || o.role == \'\')))',
      message: `seLinuxOptions.type must be one of ${ALLOWED_SELINUX_TYPES.filter((t) => t).join(', ')} (container_engine_t from 1.31), and user and role empty`,
    }],
    rego: `type_ok(o) {
  not o.type
}

type_ok(o) {
  o.type == ${JSON.stringify(ALLOWED_SELINUX_TYPES)}[_]
}

type_ok(o) {
  target_minor >= 31
  o.type == ${JSON.stringify(SELINUX_TYPES_FROM_31)}[_]
}

selinux_ok(o) {
  type_ok(o)
  object.get(o, "user", "") == ""
  object.get(o, "role", "") == ""
}

problem["pod securityContext sets restricted seLinuxOptions"] {
  p := pod_sc.seLinuxOptions
  not selinux_ok(p)
}

problem[msg] {
  c := containers[_]
  p := sc(c).seLinuxOptions
  not selinux_ok(p)
  msg := sprintf("container %v sets restricted seLinuxOptions", [c.name])
}`,
  },
  'HK-WORKLOAD-016': {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.containers.all(c, !(${scHas('procMount')}) || c.securityContext.procMount == 'Default')`,
      message: 'no container may set securityContext.procMount other than Default',
    }],
    rego: `problem[msg] {
  c := containers[_]
  object.get(sc(c), "procMount", "Default") != "Default"
  msg := sprintf("container %v sets securityContext.procMount: %v", [c.name, sc(c).procMount])
}`,
  },
  'HK-WORKLOAD-017': {
    match: POD_RESOURCES,
    validations: [{
      expression: `!has(variables.podSC.sysctls) || variables.podSC.sysctls.all(s, s.name in ${SAFE_SYSCTL_MAP} && ${SAFE_SYSCTL_MAP}[s.name] <= variables.targetMinor)`,
      message: 'the pod may set only the sysctls Pod Security Standards call safe on the target version',
    }],
    rego: `safe := ${JSON.stringify(Object.fromEntries(SAFE_SYSCTLS.map((s) => [s.name, s.since.minor])))}

problem[msg] {
  s := object.get(pod_sc, "sysctls", [])[_]
  not safe_on_target(s.name)
  msg := sprintf("pod securityContext sets sysctl %v, which is not safe on the target version", [s.name])
}

safe_on_target(name) {
  safe[name] <= target_minor
}`,
  },
  'HK-WORKLOAD-019': {
    match: POD_RESOURCES,
    validations: [
      {
        expression: 'variables.appContainers.all(c, has(c.resources) && has(c.resources.requests)'
          + ' && [\'cpu\', \'memory\', \'ephemeral-storage\'].all(r, r in c.resources.requests))',
        message: 'every container must request cpu, memory and ephemeral-storage',
        exceptable: false,
      },
      {
        expression: 'variables.appContainers.all(c, has(c.resources) && has(c.resources.limits)'
          + ' && [\'memory\', \'ephemeral-storage\'].all(r, r in c.resources.limits))',
        message: 'every container must limit memory and ephemeral-storage',
        exceptable: false,
      },
      {
        expression: 'variables.appContainers.all(c, has(c.resources) && has(c.resources.limits) && \'cpu\' in c.resources.limits)',
        message: 'every container must limit cpu, unless an exception records why the cpu limit is omitted',
      },
    ],
    rego: `problem[msg] {
  c := app_containers[_]
  not object.get(object.get(c, "resources", {}), "limits", {}).cpu
  msg := sprintf("container %v sets no resources.limits.cpu", [c.name])
}`,
    regoUnexceptable: `hard_problem[msg] {
  c := app_containers[_]
  r := ["cpu", "memory", "ephemeral-storage"][_]
  not object.get(object.get(c, "resources", {}), "requests", {})[r]
  msg := sprintf("container %v sets no resources.requests.%v", [c.name, r])
}

hard_problem[msg] {
  c := app_containers[_]
  r := ["memory", "ephemeral-storage"][_]
  not object.get(object.get(c, "resources", {}), "limits", {})[r]
  msg := sprintf("container %v sets no resources.limits.%v", [c.name, r])
}`,
  },
  'HK-NETWORK-006': {
    match: SERVICE_RESOURCES,
    validations: [
      { expression: '!has(object.spec.type) || object.spec.type == \'ClusterIP\'', message: 'spec.type must be ClusterIP (no NodePort, LoadBalancer or ExternalName)' },
      { expression: '!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0', message: 'spec.externalIPs must not be set' },
      { expression: '!has(object.spec.ports) || object.spec.ports.all(p, !has(p.nodePort))', message: 'no port may set a nodePort' },
    ],
    rego: `problem[msg] {
  t := object.get(obj.spec, "type", "ClusterIP")
  t != "ClusterIP"
  msg := sprintf("spec.type is %v", [t])
}

problem["spec.externalIPs is set"] {
  count(object.get(obj.spec, "externalIPs", [])) > 0
}

problem[msg] {
  p := object.get(obj.spec, "ports", [])[_]
  p.nodePort
  msg := sprintf("port %v sets nodePort %v", [object.get(p, "port", "?"), p.nodePort])
}`,
  },
  'HK-SECRETS-005': {
    match: POD_RESOURCES,
    validations: [{
      expression: 'variables.containers.all(c, (!has(c.env) || c.env.all(e, !(has(e.valueFrom) && has(e.valueFrom.secretKeyRef))))'
        + ' && (!has(c.envFrom) || c.envFrom.all(f, !has(f.secretRef))))',
      message: 'containers must read Secrets from mounted files, not through env secretKeyRef or envFrom secretRef',
    }],
    rego: `problem[msg] {
  c := containers[_]
  e := object.get(c, "env", [])[_]
  e.valueFrom.secretKeyRef
  msg := sprintf("container %v env %v reads a Secret through secretKeyRef", [c.name, e.name])
}

problem[msg] {
  c := containers[_]
  f := object.get(c, "envFrom", [])[_]
  f.secretRef
  msg := sprintf("container %v envFrom loads a Secret into the environment", [c.name])
}`,
  },
};
