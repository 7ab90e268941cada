import { atLeastVersion, volumeSourcesOf, volumesOf } from './util';
import { POD_RESOURCES } from '../../admission/resources';
import { POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** Volume sources PSS restricted admits on every target version. */
export const RESTRICTED_VOLUME_SOURCES: readonly string[] = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
];

/**
 * HK-WORKLOAD-011: `image` volumes are admitted by PSS at every policy version but exist only from Kubernetes 1.31,
 * so they pass from target 1.31 and are reported as unknown to the target before; a source-less volume is an emptyDir.
 */
export const restrictedVolumeTypes: Practice = {
  id: 'HK-WORKLOAD-011',
  group: PracticeGroup.WORKLOAD,
  title: 'No hostPath; restricted volume types only',
  severity: Severity.CRITICAL,
  why: 'hostPath mounts (docker/containerd socket, /proc, /etc, /var/lib/kubelet) are direct node takeovers; exotic in-tree volume '
    + 'types bypass storage policy.',
  criterion: 'Each pod volume uses exactly one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, '
    + 'secret (image too from target 1.31; a volume with no source is defaulted to emptyDir); never hostPath, nfs, flexVolume, '
    + 'gitRepo, cloud-disk types or any other source.',
  library: 'SecureDeployment refuses any other volume type.',
  fix: 'Replace hostPath and in-tree volume types with a PersistentVolumeClaim (CSI-backed), a projected/configMap/secret volume or a sized emptyDir.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'The reason names each host path and whether it is writable: HK-BACKUP-006 (etcd PKI, read-only) and HK-CLUSTER-005 '
    + '(node configuration, read-only) pre-record theirs; Velero\'s node agent (HK-BACKUP-002) mounts /var/lib/kubelet/pods.',
  checkability: Checkability.MANIFESTS,
  sources: {
    pss: ['baseline/hostPathVolumes', 'restricted/restrictedVolumes'],
    nsa: ['Kubernetes Pod security (host filesystem access)'],
    cis: ['5.2.12'],
    polaris: ['hostPathSet'],
    kubeLinter: ['sensitive-host-mounts', 'writable-host-mount', 'docker-sock'],
    kyverno: ['pod-security/baseline/disallow-host-path', 'pod-security/restricted/restrict-volume-types', 'best-practices/disallow-cri-sock-mount'],
    gatekeeper: ['K8sPSPHostFilesystem', 'K8sPSPVolumeTypes', 'K8sPSPFlexVolumes'],
    kubesec: ['DockerSock', 'ProcMount'],
    checkov: ['CKV_K8S_27'],
    kubescape: ['C-0045', 'C-0048', 'C-0074', 'C-0203'],
  },
  admission: {
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
  evaluate: perObject(POD_KINDS, (obj, ctx) => {
    const allowed = atLeastVersion(ctx.settings.targetVersion, 1, 31) ? [...RESTRICTED_VOLUME_SOURCES, 'image'] : RESTRICTED_VOLUME_SOURCES;
    const problems: string[] = [];
    for (const v of volumesOf(obj)) {
      const name = `volume "${v?.name ?? '?'}"`;
      const sources = volumeSourcesOf(v);
      for (const source of sources.filter((s) => !allowed.includes(s))) {
        problems.push(source === 'hostPath'
          ? `${name} is a hostPath of ${JSON.stringify(v.hostPath?.path ?? '?')}`
          : source === 'image'
            ? `${name} is an image volume, which Kubernetes ${ctx.settings.targetVersion.major}.${ctx.settings.targetVersion.minor} does not know (from 1.31)`
            : `${name} uses the disallowed volume type ${source}`);
      }
      if (sources.length > 1) problems.push(`${name} declares more than one source (${sources.join(', ')})`);
    }
    return problems;
  }),
};
