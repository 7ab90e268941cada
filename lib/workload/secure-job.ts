import { Duration, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HostAccessProps, ResolvedHostAccess } from './host-access';
import { boundedSeconds, JobBounds, JobBoundsProps, jobSpec, resolveJobBounds } from './job-spec';
import { SecureWorkload, SecureWorkloadProps } from './secure-workload';
import * as kube from '../render/kube';

/** Props of SecureJob. */
export interface SecureJobProps extends SecureWorkloadProps, JobBoundsProps, HostAccessProps {
  /**
   * How long a finished Job (and its pods, with their mounted credentials) is kept before it is deleted.
   * @default Duration.days(1)
   */
  readonly ttlAfterFinished?: Duration;
}

/**
 * A run-to-completion Job, hardened like every workload of the library and bounded (HK-WORKLOAD-022): retries,
 * a deadline and a time-to-live are always written. It gets a ServiceAccount and a NetworkPolicy (egress only
 * to what it declares; no ingress unless declared), but no Service, PodDisruptionBudget or required probes.
 *
 * @example
 * const migrate = new SecureJob(ns, 'migrate', { image: 'registry.example.com/shop/migrate:1.0@sha256:…', command: ['/migrate'] });
 * db.allowFrom(migrate);
 */
export class SecureJob extends SecureWorkload {
  /** The Job (the construct's default child, so `ApiObject.of(this)` patches it). */
  public readonly resource: k8s.KubeJob;
  private readonly bounds: JobBounds;
  private readonly hostAccess: ResolvedHostAccess;

  constructor(scope: Construct, id: string, props: SecureJobProps) {
    super(scope, id, props, { construct: 'SecureJob', lifecycle: 'batch' });
    this.bounds = resolveJobBounds(this._refuse, props);
    const ttl = boundedSeconds(this._refuse, 'ttlAfterFinished', props.ttlAfterFinished, 86400, 0, 30 * 86400, 'HK-WORKLOAD-022');
    this.hostAccess = this._resolveHostAccess(props);
    this.resource = new kube.KubeJob(this, 'Resource', {
      metadata: this._controllerMeta(),
      spec: Lazy.any({ produce: () => this.renderSpec(ttl) }) as unknown as k8s.JobSpec,
    });
    this.node.defaultChild = this.resource;
    this._stamp();
  }

  private renderSpec(ttl: number): k8s.JobSpec {
    const { podSpec, podMetadata } = this._pod({ restartPolicy: this.bounds.restartPolicy, hostAccess: this.hostAccess });
    return jobSpec(this.bounds, { metadata: podMetadata, spec: podSpec }, ttl);
  }
}
