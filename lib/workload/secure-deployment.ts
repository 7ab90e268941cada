import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AutoscaleOptions } from './autoscaling';
import { boundedCount } from './job-spec';
import { ReplicatedWorkload, ReplicatedWorkloadProps } from './replicated-workload';
import * as kube from '../render/kube';

/**
 * Polaris' own exemption of an autoscaled Deployment from deploymentMissingReplicas. kube-score wants `replicas` unset
 * under an HPA, Polaris wants it written; the catalogue leaves it unset and records the Polaris exemption
 * (practices.md "Where sources disagree": replicas with an HPA).
 */
export const POLARIS_REPLICAS_EXEMPTION = 'polaris.fairwinds.com/deploymentMissingReplicas-exempt';

/** Props of SecureDeployment. */
export interface SecureDeploymentProps extends ReplicatedWorkloadProps {
  /** Pods a rolling update may take down at once (0–100; not 0 together with maxSurge). @default 1 */
  readonly maxUnavailable?: number;
  /** Extra pods a rolling update may start (0–100). @default 1 */
  readonly maxSurge?: number;
}

/**
 * A Deployment whose YAML already follows the catalogue: restricted pod security with every value explicit, pinned
 * images, resources and probes, a dedicated ServiceAccount without a token, a ClusterIP Service, a NetworkPolicy
 * built from `allowFrom` declarations (both sides), a PodDisruptionBudget with spread, and mesh policies when the
 * namespace is meshed.
 *
 * @example
 * const api = new SecureDeployment(chart, 'api', {
 *   image: 'registry.example.com/api:1.4@sha256:…', port: 8080, readinessProbe: HealthCheck.httpGet('/ready'),
 * });
 * api.allowFrom(web);
 * api.autoscale({ maxReplicas: 10 });
 */
export class SecureDeployment extends ReplicatedWorkload {
  /** The Deployment (the construct's default child, so `ApiObject.of(this)` patches it). */
  public readonly resource: k8s.KubeDeployment;
  private readonly maxUnavailable: number;
  private readonly maxSurge: number;

  constructor(scope: Construct, id: string, props: SecureDeploymentProps) {
    super(scope, id, props, { construct: 'SecureDeployment', lifecycle: 'replicated' });
    this.maxUnavailable = boundedCount(this._refuse, 'maxUnavailable', props.maxUnavailable, 1, 0, 100);
    this.maxSurge = boundedCount(this._refuse, 'maxSurge', props.maxSurge, 1, 0, 100);
    if (this.maxUnavailable === 0 && this.maxSurge === 0) {
      this._refuse('maxSurge', 'is 0 while maxUnavailable is 0, so a rolling update can never progress', 'allow one extra pod (maxSurge: 1) or one pod down (maxUnavailable: 1).');
    }
    this.resource = new kube.KubeDeployment(this, 'Resource', {
      metadata: this._controllerMeta(),
      spec: Lazy.any({ produce: () => this.renderSpec() }) as unknown as k8s.DeploymentSpec,
    });
    this.node.defaultChild = this.resource;
    this._stamp();
  }

  /**
   * Scales the workload with an autoscaling/v2 HorizontalPodAutoscaler on CPU (and memory) use. The Deployment then
   * omits `replicas` and records Polaris' deploymentMissingReplicas exemption (`POLARIS_REPLICAS_EXEMPTION`);
   * minReplicas below 2 needs the HK-WORKLOAD-021 exception, and the namespace's pod quota must hold maxReplicas plus
   * the rollout surge.
   *
   * @example
   * api.autoscale({ maxReplicas: 10, cpuUtilization: 70 });
   */
  public autoscale(options: AutoscaleOptions): k8s.KubeHorizontalPodAutoscalerV2 {
    const autoscaler = super.autoscale(options);
    this.resource.metadata.addAnnotation(POLARIS_REPLICAS_EXEMPTION, 'true');
    return autoscaler;
  }

  /** @internal */
  protected _kind(): string {
    return 'Deployment';
  }

  /** @internal */
  protected _surge(): number {
    return this.maxSurge;
  }

  private renderSpec(): k8s.DeploymentSpec {
    const { podSpec, podMetadata } = this._pod();
    return {
      ...this._replicasField(),
      selector: { matchLabels: { ...this.selector } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(this.maxUnavailable), maxSurge: k8s.IntOrString.fromNumber(this.maxSurge) },
      },
      minReadySeconds: this._minReadySeconds,
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: this._revisionHistoryLimit,
      template: { metadata: podMetadata, spec: podSpec },
    };
  }
}
