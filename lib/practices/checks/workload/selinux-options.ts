import { atLeastVersion, nonEmpty } from './util';
import { celStringList } from '../../admission/cel';
import { POD_RESOURCES } from '../../admission/resources';
import { scHas } from '../../admission/rule-helpers';
import { containerLabel, containersOf, podSpecOf, POD_KINDS } from '../../manifest';
import { KubernetesVersion, Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

const SELINUX_TYPES_FROM_31 = ['container_engine_t'];

/** SELinux types PSS baseline admits on every target version (the empty string means the runtime default). */
export const ALLOWED_SELINUX_TYPES: readonly string[] = ['', 'container_t', 'container_init_t', 'container_kvm_t'];

/** Types PSS baseline allows only from a given policy version. */
const SELINUX_TYPES_SINCE: ReadonlyArray<{ readonly type: string; readonly minor: number }> = [{ type: 'container_engine_t', minor: 31 }];

/** The SELinux types allowed for a target version. */
export function allowedSeLinuxTypes(version: KubernetesVersion): string[] {
  return [...ALLOWED_SELINUX_TYPES, ...SELINUX_TYPES_SINCE.filter((t) => atLeastVersion(version, 1, t.minor)).map((t) => t.type)];
}

/** HK-WORKLOAD-015: type restricted (version-aware), user and role empty, level free. */
export const seLinuxOptions: Practice = {
  id: 'HK-WORKLOAD-015',
  group: PracticeGroup.WORKLOAD,
  title: 'SELinux options restricted',
  severity: Severity.MEDIUM,
  why: 'A custom SELinux user or role, or a type like spc_t, lifts the container out of its MAC confinement.',
  criterion: 'seLinuxOptions.type on the pod and every container, init container and ephemeral container is empty, container_t, '
    + 'container_init_t or container_kvm_t (plus container_engine_t from target 1.31); seLinuxOptions.user and .role are empty; '
    + 'level is not restricted.',
  library: 'The constructs refuse a custom SELinux user, role or type and never emit one.',
  fix: 'Remove seLinuxOptions.user, .role and any custom type; keep only level when MCS labels are needed.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Node agents in audited manifests (the Cilium agent, for one, sets type: spc_t); the library never emits a custom type.',
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['baseline/seLinuxOptions'],
    nsa: ['Hardening container environments (tv 1.8, ks C-0055)'],
    polaris: ['linuxHardening'],
    kyverno: ['pod-security/baseline/disallow-selinux'],
    gatekeeper: ['K8sPSPSELinuxV2'],
    kubescape: ['C-0055'],
  },
  admission: {
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
  evaluate: perObject(POD_KINDS, (obj, ctx) => {
    const allowed = allowedSeLinuxTypes(ctx.settings.targetVersion);
    const check = (where: string, opts: any): string[] => {
      if (!opts || typeof opts !== 'object') return [];
      const problems: string[] = [];
      if (opts.type !== undefined && opts.type !== null && !allowed.includes(opts.type)) problems.push(`${where} sets seLinuxOptions.type: ${JSON.stringify(opts.type)}`);
      if (nonEmpty(opts.user)) problems.push(`${where} sets seLinuxOptions.user: ${JSON.stringify(opts.user)}`);
      if (nonEmpty(opts.role)) problems.push(`${where} sets seLinuxOptions.role: ${JSON.stringify(opts.role)}`);
      return problems;
    };
    return [
      ...check('pod securityContext', podSpecOf(obj)?.securityContext?.seLinuxOptions),
      ...containersOf(obj).flatMap((c) => check(containerLabel(c), c.container?.securityContext?.seLinuxOptions)),
    ];
  }),
};
