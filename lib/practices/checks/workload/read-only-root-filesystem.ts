import { isEmptyDirVolume, volumesOf } from './util';
import { POD_RESOURCES } from '../../admission/resources';
import { scHas } from '../../admission/rule-helpers';
import { containerLabel, containersOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/**
 * HK-WORKLOAD-009: which paths an app writes is not visible in a manifest, so the check is the two halves it can
 * see: a read-only root everywhere, and a size limit on every scratch volume (a source-less volume is an emptyDir).
 */
export const readOnlyRootFilesystem: Practice = {
  id: 'HK-WORKLOAD-009',
  group: PracticeGroup.WORKLOAD,
  title: 'Read-only root filesystem, bounded scratch volumes',
  severity: Severity.MEDIUM,
  why: 'A writable root lets an intruder drop tools or modify binaries on PATH; an unbounded emptyDir can fill the node disk.',
  criterion: 'Every container, init container and ephemeral container sets securityContext.readOnlyRootFilesystem: true, and every '
    + 'emptyDir volume (including a volume with no source, which the API defaults to emptyDir) sets sizeLimit; writable paths are '
    + 'such emptyDir volumes or PVCs.',
  library: 'SecureDeployment sets readOnlyRootFilesystem: true and mounts a 64Mi emptyDir at /tmp.',
  fix: 'Set readOnlyRootFilesystem: true and mount a sized emptyDir (sizeLimit) or a PVC at every path the application writes.',
  exception: ExceptionPolicy.RECORDABLE,
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Immutable container file systems (ks C-0017, tv 1.1)'],
    cis: ['5.7.3'],
    kubeScore: ['container-security-context-readonlyrootfilesystem'],
    polaris: ['notReadOnlyRootFilesystem'],
    kubeLinter: ['no-read-only-root-fs'],
    kyverno: ['best-practices/require-ro-rootfs', 'other/add-emptydir-sizelimit', 'other/require-emptydir-requests-limits'],
    gatekeeper: ['K8sPSPReadOnlyRootFilesystem'],
    kubesec: ['ReadOnlyRootFilesystem'],
    checkov: ['CKV_K8S_22'],
    kubescape: ['C-0017'],
  },
  admission: {
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
  evaluate: perObject(POD_KINDS, (obj) => {
    const problems: string[] = [];
    for (const c of containersOf(obj)) {
      const value = c.container?.securityContext?.readOnlyRootFilesystem;
      if (value !== true) {
        problems.push(value === undefined
          ? `${containerLabel(c)} does not set securityContext.readOnlyRootFilesystem: true`
          : `${containerLabel(c)} sets securityContext.readOnlyRootFilesystem: ${JSON.stringify(value)}`);
      }
    }
    for (const v of volumesOf(obj)) {
      const limit = v?.emptyDir?.sizeLimit;
      if (isEmptyDirVolume(v) && (limit === undefined || limit === null || limit === '')) {
        problems.push(`emptyDir volume "${v?.name ?? '?'}" has no sizeLimit`);
      }
    }
    return problems;
  }),
};
