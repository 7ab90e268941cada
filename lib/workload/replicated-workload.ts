import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AutoscaleOptions, hpaSpec, ResolvedAutoscaling, resolveAutoscaling } from './autoscaling';
import { boundedCount, boundedSeconds } from './job-spec';
import { SecureWorkload, SecureWorkloadProps, WorkloadShape } from './secure-workload';
import { LockedNamespace } from '../namespace/locked-namespace';
import * as kube from '../render/kube';

/** Props of a replicated workload (SecureDeployment, SecureStatefulSet). */
export interface ReplicatedWorkloadProps extends SecureWorkloadProps {
  /**
   * Replicas; fewer than 2 needs a recorded HK-WORKLOAD-021 exception (singletons). Not written once `autoscale()`
   * is called, so a GitOps sync does not fight the autoscaler.
   * @default 2
   */
  readonly replicas?: number;
  /** Old revisions kept for rollback (0–100). @default 10 */
  readonly revisionHistoryLimit?: number;
  /** How long a new pod must be ready before it counts as available. @default Duration.seconds(0) */
  readonly minReady?: Duration;
}

/**
 * A long-running, replicated workload: replica count (or an autoscaler), rollout history and readiness delay, on top
 * of everything a SecureWorkload emits.
 */
export abstract class ReplicatedWorkload extends SecureWorkload {
  /** Replica count (the autoscaler's minimum once `autoscale()` is called). */
  public readonly replicas: number;
  /** The HorizontalPodAutoscaler, once `autoscale()` is called. */
  public autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** @internal */
  protected readonly _revisionHistoryLimit: number;
  /** @internal */
  protected readonly _minReadySeconds: number;
  /** @internal */
  protected _autoscaling?: ResolvedAutoscaling;

  protected constructor(scope: Construct, id: string, props: ReplicatedWorkloadProps, shape: WorkloadShape) {
    super(scope, id, props, shape);
    const replicas = this.replicas = props.replicas ?? 2;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1) {
      this._refuse('replicas', `is ${JSON.stringify(replicas) ?? 'undefined'}, not a positive whole number`, 'give at least 2 replicas.', 'HK-WORKLOAD-021');
    }
    if (replicas < 2 && !this._exceptions.excuses('HK-WORKLOAD-021')) {
      this._refuse('replicas', `is ${replicas}, so one node drain takes the workload down`, 'run at least 2 replicas.', 'HK-WORKLOAD-021', true);
    }
    this._revisionHistoryLimit = boundedCount(this._refuse, 'revisionHistoryLimit', props.revisionHistoryLimit, 10, 0, 100);
    this._minReadySeconds = boundedSeconds(this._refuse, 'minReady', props.minReady, 0, 0, 3600);
  }

  /**
   * Scales the workload with an autoscaling/v2 HorizontalPodAutoscaler on CPU (and memory) use. The controller then
   * omits `replicas`; minReplicas below 2 needs the HK-WORKLOAD-021 exception, and the namespace's pod quota must
   * hold maxReplicas plus the rollout surge.
   *
   * @example
   * api.autoscale({ maxReplicas: 10, cpuUtilization: 70 });
   */
  public autoscale(options: AutoscaleOptions): k8s.KubeHorizontalPodAutoscalerV2 {
    if (this.autoscaler) this._refuse('autoscale()', 'is called twice', 'call it once with every option.', 'HK-WORKLOAD-021');
    const a = resolveAutoscaling(this._refuse, this._exceptions, options);
    const locked = LockedNamespace.of(this);
    const quota = locked?.name === this.namespace ? locked.podQuota : undefined;
    if (quota !== undefined && a.maxReplicas + this._surge() > quota) {
      this._refuse('autoscale(options.maxReplicas)', `is ${a.maxReplicas}, and with ${this._surge()} pod(s) of rollout surge more than the ${quota} pods the quota of namespace '${this.namespace}' admits`,
        `lower maxReplicas to at most ${quota - this._surge()}, or raise the LockedNamespace quota.pods.`, 'HK-NAMESPACE-003');
    }
    this._autoscaling = a;
    this.autoscaler = new kube.KubeHorizontalPodAutoscalerV2(this, 'HorizontalPodAutoscaler', {
      metadata: this.meta(['HK-WORKLOAD-021', 'HK-NAMESPACE-001']),
      spec: hpaSpec(this._kind(), this.name, a),
    });
    this._stamp();
    return this.autoscaler;
  }

  /** `replicas` as the controller writes it: absent when an autoscaler owns the count. @internal */
  protected _replicasField(): { replicas?: number } {
    return this._autoscaling ? {} : { replicas: this.replicas };
  }

  /** The controller kind the autoscaler targets. @internal */
  protected abstract _kind(): string;

  /** Extra pods a rollout runs beyond the replica count. @internal */
  protected abstract _surge(): number;
}
