import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HostAccessProps, ResolvedHostAccess } from './host-access';
import { boundedCount } from './job-spec';
import { SecureWorkload, SecureWorkloadProps } from './secure-workload';
import * as kube from '../render/kube';

/** Props of SecureDaemonSet. */
export interface SecureDaemonSetProps extends SecureWorkloadProps, HostAccessProps {
  /**
   * Nodes whose agent may be down at once during a rollout (1–100).
   * @default 1
   */
  readonly maxUnavailable?: number;
}

/**
 * A node agent (log shipper, monitoring exporter): one pod per node, restricted by default like every workload of the
 * library. Every host access — read-only host paths, host network, host PID, added capabilities — needs a recorded
 * exception with its reason, and then a namespace whose Pod Security level admits it. A priority class is required,
 * so the agent is not the first pod evicted from a full node; tolerations are explicit; rollouts replace at most
 * `maxUnavailable` pods at a time.
 *
 * @example
 * new SecureDaemonSet(agents, 'log-shipper', {
 *   image: 'registry.example.com/agents/fluent-bit:3.1@sha256:…',
 *   priorityClass: critical,
 *   hostPaths: [{ hostPath: '/var/log' }],
 *   exceptions: [{ practice: 'HK-WORKLOAD-011', reason: 'reads container logs from /var/log on each node (read-only)' }],
 * });
 */
export class SecureDaemonSet extends SecureWorkload {
  /** The DaemonSet (the construct's default child, so `ApiObject.of(this)` patches it). */
  public readonly resource: k8s.KubeDaemonSet;
  private readonly maxUnavailable: number;
  private readonly hostAccess: ResolvedHostAccess;

  constructor(scope: Construct, id: string, props: SecureDaemonSetProps) {
    super(scope, id, props, { construct: 'SecureDaemonSet', lifecycle: 'daemon' });
    if (props.priorityClass === undefined) {
      this._refuse('priorityClass', 'is missing, so the agent is among the first pods evicted from a full node',
        'pass a PriorityClass, e.g. new PriorityClass(chart, \'critical\', { tier: PriorityTier.CRITICAL }).');
    }
    this.maxUnavailable = boundedCount(this._refuse, 'maxUnavailable', props.maxUnavailable, 1, 1, 100);
    this.hostAccess = this._resolveHostAccess(props);
    this.resource = new kube.KubeDaemonSet(this, 'Resource', {
      metadata: this._controllerMeta(),
      spec: Lazy.any({ produce: () => this.renderSpec() }) as unknown as k8s.DaemonSetSpec,
    });
    this.node.defaultChild = this.resource;
    this._stamp();
  }

  private renderSpec(): k8s.DaemonSetSpec {
    const { podSpec, podMetadata } = this._pod({ hostAccess: this.hostAccess });
    return {
      selector: { matchLabels: { ...this.selector } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(this.maxUnavailable), maxSurge: k8s.IntOrString.fromNumber(0) } },
      minReadySeconds: 0,
      revisionHistoryLimit: 10,
      template: { metadata: podMetadata, spec: podSpec },
    };
  }
}
