import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { objectMeta, requirePinnedImage } from './object-meta';
import { PrivilegedNamespace } from './privileged-namespace';
import { ExceptionSet } from '../exceptions/exception-set';
import { requireOwner } from '../namespace/namespace-guards';
import { PracticeException } from '../practices/exceptions';
import { isText, quoted, Refuse, refuser } from '../refusal';
import * as kube from '../render/kube';
import { resolveStorageClass, IStorageClass, storageClassAnnotations } from '../storage/storage-class';
import { enableAppChecks } from '../synth/app-checks';
import { SynthPass } from '../synth/synth-pass';
import { KubernetesTarget } from '../target/kubernetes-target';
import { isCronProblem, parseCron } from '../units/cron';
import { systemJobPodSpec } from '../workload/system-job-pod';

const CONSTRUCT = 'CisBenchmark';

/** The relaxations a kube-bench pod needs, each with the reason recorded on its CronJob (HK-AUDIT-003). */
export const CIS_BENCHMARK_EXCEPTIONS: readonly PracticeException[] = [
  { practice: 'HK-WORKLOAD-003', reason: 'kube-bench reads root-owned node configuration files, so it runs as UID 0 (all capabilities dropped)' },
  { practice: 'HK-WORKLOAD-004', reason: 'runs as UID 0 for the same reason as HK-WORKLOAD-003: node configuration files are root-owned' },
  { practice: 'HK-WORKLOAD-010', reason: 'kube-bench inspects the command lines of host processes (kubelet, API server) through hostPID' },
  { practice: 'HK-WORKLOAD-011', reason: 'kube-bench reads node and control-plane configuration through read-only hostPath mounts' },
];

/** Host directories kube-bench reads (upstream `job.yaml`), all mounted read-only; `/usr/bin` is not needed with `--benchmark`. */
const HOST_PATHS: ReadonlyArray<[string, string]> = [
  ['etc-kubernetes', '/etc/kubernetes'],
  ['var-lib-kubelet', '/var/lib/kubelet'],
  ['var-lib-etcd', '/var/lib/etcd'],
  ['var-lib-kube-scheduler', '/var/lib/kube-scheduler'],
  ['var-lib-kube-controller-manager', '/var/lib/kube-controller-manager'],
  ['etc-systemd', '/etc/systemd'],
  ['lib-systemd', '/lib/systemd'],
  ['srv-kubernetes', '/srv/kubernetes'],
  ['etc-cni-netd', '/etc/cni/net.d'],
  ['opt-cni-bin', '/opt/cni/bin'],
  ['var-lib-cni', '/var/lib/cni'],
];

/** The kube-bench benchmark for a Kubernetes minor version (`cfg/config.yaml` `version_mapping`), or undefined. */
export function benchmarkFor(version: string): string | undefined {
  const m = /^v?1\.(\d+)(\.\d+)?$/.exec(version.trim());
  if (!m) return undefined;
  const minor = Number(m[1]);
  if (minor === 28) return 'cis-1.10';
  if (minor >= 29 && minor <= 31) return 'cis-1.11';
  if (minor >= 32 && minor <= 34) return 'cis-1.12';
  return undefined;
}

/** Props of CisBenchmark. */
export interface CisBenchmarkProps {
  /** Team that owns the benchmark namespace. */
  readonly owner: string;
  /** kube-bench image pinned by digest, e.g. `docker.io/aquasec/kube-bench:v0.15.6@sha256:…` (it needs `/bin/sh`). */
  readonly image: string;
  /**
   * Kubernetes version of the cluster; picks the benchmark. It may only restate the app's KubernetesTarget.
   * @default - the app's KubernetesTarget (1.28 unless set)
   */
  readonly kubernetesVersion?: string;
  /**
   * kube-bench benchmark id, when the version mapping does not cover the cluster (e.g. `eks-1.5.0`).
   * @default - derived from kubernetesVersion
   */
  readonly benchmark?: string;
  /**
   * Cron schedule.
   * @default '0 3 * * 0' — Sundays at 03:00
   */
  readonly schedule?: string;
  /**
   * Also benchmark a control-plane node (`--targets master,controlplane,etcd`); off for managed control planes.
   * @default false
   */
  readonly controlPlane?: boolean;
  /**
   * StorageClass of the result volumes: one the app defines, or `StorageClass.fromName(name, reason)` for one created
   * elsewhere (recorded on the claims).
   * @default - the cluster's default StorageClass (the results hold benchmark findings, no secrets)
   */
  readonly storageClass?: IStorageClass;
  /**
   * Days a result file is kept.
   * @default 90
   */
  readonly retentionDays?: number;
  /**
   * Namespace of the benchmark jobs: a dedicated PrivilegedNamespace (never `kube-*`).
   * @default 'cis-benchmark'
   */
  readonly namespace?: string;
}

/**
 * A scheduled CIS benchmark (HK-CLUSTER-005): kube-bench, pinned by digest, as a CronJob per target (worker node,
 * optionally a control-plane node) with hostPID and read-only hostPath mounts, in its own PrivilegedNamespace with
 * each relaxation recorded. `--benchmark` is pinned, so the pod needs neither an API token nor any egress. Results
 * are JSON files named by run time on a PersistentVolumeClaim per target (`cis-results-<target>`), where an
 * operator finds them with `kubectl cp` or a debug pod.
 */
export class CisBenchmark extends Construct {
  /** The dedicated namespace. */
  public readonly namespace: PrivilegedNamespace;
  /** The CronJobs, per target. */
  public readonly cronJobs: k8s.KubeCronJob[] = [];

  private readonly refuse: Refuse = refuser(this, CONSTRUCT);

  constructor(scope: Construct, id: string, props: CisBenchmarkProps) {
    super(scope, id);
    SynthPass.of(this).checkRenderedObjects(this);
    enableAppChecks(this);
    requireOwner(this.refuse, props.owner);
    ExceptionSet.builtIn(this, CONSTRUCT, CIS_BENCHMARK_EXCEPTIONS, (i) => `CIS_BENCHMARK_EXCEPTIONS[${i}]`);
    const image = requirePinnedImage(this, CONSTRUCT, 'image', props.image);
    const version = KubernetesTarget.agree(this, CONSTRUCT, 'kubernetesVersion', props.kubernetesVersion);
    const benchmark = props.benchmark ?? benchmarkFor(version);
    if (benchmark === undefined) {
      this.refuse('kubernetesVersion', `is '${version}', which the kube-bench version mapping does not cover`,
        'give benchmark explicitly (a directory under kube-bench cfg/, e.g. \'cis-1.12\' or \'eks-1.5.0\').', 'HK-CLUSTER-005');
    }
    if (!isText(benchmark, /^[a-z]+-[0-9][0-9.]*$/)) {
      this.refuse('benchmark', `is ${quoted(benchmark)}, not a kube-bench benchmark id`, 'give e.g. \'cis-1.10\'.', 'HK-CLUSTER-005');
    }
    const cron = props.schedule ?? '0 3 * * 0';
    const parsed = parseCron(cron);
    if (isCronProblem(parsed)) {
      this.refuse('schedule', `is '${cron}', which ${parsed.problem}`, 'write five cron fields, e.g. \'0 3 * * 0\'.', 'HK-CLUSTER-005');
    }
    const retention = props.retentionDays ?? 90;
    if (!Number.isInteger(retention) || retention < 1) {
      this.refuse('retentionDays', `is ${retention}, not a whole number of days of at least 1`, 'keep results e.g. 90 days.', 'HK-CLUSTER-005');
    }
    // The former prop, from plain JavaScript, would otherwise be ignored and the claims silently take the default class.
    if ((props as { storageClassName?: unknown }).storageClassName !== undefined) {
      this.refuse('storageClassName', `is given, but a ${CONSTRUCT} takes a storageClass`,
        'write storageClass: StorageClass.fromName(\'<name>\', \'<who creates it>\') or a StorageClass of the app.');
    }
    const storageClass = props.storageClass === undefined ? undefined : resolveStorageClass(this.refuse, 'storageClass', props.storageClass);
    const nsName = props.namespace ?? 'cis-benchmark';
    this.namespace = new PrivilegedNamespace(this, 'Namespace', {
      name: nsName,
      owner: props.owner,
      reason: 'CIS benchmark pods need hostPID and read-only hostPath mounts, which only the privileged PSA level admits',
      maxClaimStorage: '2Gi',
    });
    const name = 'kube-bench';
    const meta = (childId: string, objName: string, labels: Record<string, string>, exceptions: readonly PracticeException[] = []) => objectMeta({
      scope: this, id: childId, name: objName, namespace: nsName, appName: name, partOf: nsName, labels, exceptions,
    });
    const sa = new kube.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: meta('ServiceAccount', name, { 'app.kubernetes.io/component': 'cis-benchmark' }),
      automountServiceAccountToken: false,
    });

    const targets: Array<{ id: string; name: string; kubeBenchTargets: string; controlPlane: boolean }> = [
      { id: 'Node', name: 'node', kubeBenchTargets: 'node', controlPlane: false },
      ...(props.controlPlane ? [{ id: 'ControlPlane', name: 'control-plane', kubeBenchTargets: 'master,controlplane,etcd', controlPlane: true }] : []),
    ];
    for (const t of targets) {
      const labels = { 'app.kubernetes.io/component': `cis-benchmark-${t.name}` };
      const podLabels = { 'app.kubernetes.io/name': name, ...labels };
      const claim = new kube.KubePersistentVolumeClaim(this, `${t.id}Results`, {
        metadata: objectMeta({
          scope: this,
          id: `${t.id}Results`,
          name: `cis-results-${t.name}`,
          namespace: nsName,
          appName: name,
          partOf: nsName,
          labels,
          annotations: storageClass === undefined ? {} : storageClassAnnotations([storageClass]),
        }),
        spec: {
          accessModes: ['ReadWriteOnce'],
          ...(storageClass?.storageClassName === undefined ? {} : { storageClassName: storageClass.storageClassName }),
          resources: { requests: { storage: k8s.Quantity.fromString('1Gi') } },
        },
      });
      new kube.KubeNetworkPolicy(this, `${t.id}NetworkPolicy`, {
        metadata: meta(`${t.id}NetworkPolicy`, `kube-bench-${t.name}`, labels),
        spec: { podSelector: { matchLabels: podLabels }, policyTypes: ['Ingress', 'Egress'] },
      });
      const script = [
        'set -u',
        `f="/results/${t.name}-$(date -u +%Y%m%dT%H%M%SZ).json"`,
        `kube-bench run --targets ${t.kubeBenchTargets} --benchmark ${benchmark} --json --outputfile "$f"`,
        'rc=$?',
        `find /results -name '${t.name}-*.json' -mtime +${retention} -delete`,
        'echo "kube-bench exit $rc, results in $f"',
        'exit $rc',
      ].join('\n');
      const cronMeta = meta(t.id, `kube-bench-${t.name}`, labels, CIS_BENCHMARK_EXCEPTIONS);
      this.cronJobs.push(new kube.KubeCronJob(this, t.id, {
        // The controller's instance label equals its name, as on every workload (Polaris metadataAndInstanceMismatched).
        metadata: { ...cronMeta, labels: { ...cronMeta.labels, 'app.kubernetes.io/instance': cronMeta.name } },
        spec: {
          schedule: cron,
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 3600,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            spec: {
              backoffLimit: 0,
              activeDeadlineSeconds: 1800,
              template: {
                metadata: { labels: { ...podLabels, 'app.kubernetes.io/part-of': nsName } },
                spec: systemJobPodSpec(this.refuse, {
                  serviceAccountName: sa.name,
                  runAsRoot: true,
                  hostPid: true,
                  ...(t.controlPlane ? {
                    nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
                    tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
                  } : {}),
                  containers: [{
                    name: 'kube-bench',
                    image,
                    command: ['/bin/sh', '-c', script],
                    volumeMounts: [
                      ...HOST_PATHS.map(([volume, mountPath]) => ({ name: volume, mountPath, readOnly: true })),
                      { name: 'results', mountPath: '/results' },
                    ],
                    resources: { cpuRequest: '50m', cpuLimit: '500m', memory: '256Mi', ephemeralStorage: '64Mi' },
                  }],
                  volumes: [
                    ...HOST_PATHS.map(([volume, hostPath]) => ({ name: volume, hostPath: { path: hostPath } })),
                    { name: 'results', persistentVolumeClaim: { claimName: claim.name } },
                  ],
                }, CIS_BENCHMARK_EXCEPTIONS),
              },
            },
          },
        },
      }));
    }
  }
}
