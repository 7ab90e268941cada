import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SecureWorkload, SecureWorkloadProps } from './secure-workload';

/** Props of SecureDeployment. */
export interface SecureDeploymentProps extends SecureWorkloadProps {
  /**
   * Replicas; fewer than 2 needs a recorded HK-WORKLOAD-021 exception (singletons).
   * @default 2
   */
  readonly replicas?: number;
}

/**
 * A Deployment whose YAML already follows the catalogue: restricted pod security with every value explicit, pinned
 * images, resources and probes, a dedicated ServiceAccount without a token, a ClusterIP Service, a NetworkPolicy
 * built from `allowFrom` declarations (both sides), a PodDisruptionBudget with spread, and mesh policies when the
 * namespace is meshed.
 *
 * @example
 * const db = new SecureDeployment(chart, 'db', { image: 'registry.example.com/postgres:16@sha256:…', port: 5432 });
 * const api = new SecureDeployment(chart, 'api', { image: 'registry.example.com/api:1.4@sha256:…', port: 8080 });
 * db.allowFrom(api);
 */
export class SecureDeployment extends SecureWorkload {
  /** The Deployment (the construct's default child, so `ApiObject.of(this)` patches it). */
  public readonly resource: k8s.KubeDeployment;
  /** Replica count. */
  public readonly replicas: number;

  constructor(scope: Construct, id: string, props: SecureDeploymentProps) {
    super(scope, id, props, { construct: 'SecureDeployment', lifecycle: 'replicated' });
    const replicas = this.replicas = props.replicas ?? 2;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1) {
      this._refuse('replicas', `is ${JSON.stringify(replicas) ?? 'undefined'}, not a positive whole number`, 'give at least 2 replicas.', 'HK-WORKLOAD-021');
    }
    if (replicas < 2 && !this._exceptions.has('HK-WORKLOAD-021')) {
      this._refuse('replicas', `is ${replicas}, so one node drain takes the workload down`, 'run at least 2 replicas.', 'HK-WORKLOAD-021', true);
    }
    this.resource = new k8s.KubeDeployment(this, 'Resource', {
      metadata: this._controllerMeta(),
      spec: Lazy.any({ produce: () => this.renderSpec() }) as unknown as k8s.DeploymentSpec,
    });
    this.node.defaultChild = this.resource;
    this._stamp();
  }

  private renderSpec(): k8s.DeploymentSpec {
    const { podSpec, podMetadata } = this._pod();
    return {
      replicas: this.replicas,
      selector: { matchLabels: { ...this.selector } },
      // At most one pod down at a time, as the PodDisruptionBudget allows, and one extra while rolling.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1), maxSurge: k8s.IntOrString.fromNumber(1) } },
      minReadySeconds: 0,
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
      template: { metadata: podMetadata, spec: podSpec },
    };
  }
}
