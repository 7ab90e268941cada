import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HostAccessProps, ResolvedHostAccess } from './host-access';
import { CronScheduleProps, CronSettings, cronJobSpec, JobBounds, JobBoundsProps, resolveCronSchedule, resolveJobBounds } from './job-spec';
import { SecureWorkload, SecureWorkloadProps } from './secure-workload';
import * as kube from '../render/kube';

/** Props of SecureCronJob. */
export interface SecureCronJobProps extends SecureWorkloadProps, JobBoundsProps, CronScheduleProps, HostAccessProps {}

/**
 * A scheduled Job, hardened like every workload of the library and bounded (HK-WORKLOAD-022): runs never overlap
 * (concurrencyPolicy Forbid), the time zone is explicit, a missed run has a starting deadline, both history limits
 * are written, and every run has retries and a deadline. No Service, PodDisruptionBudget or required probes.
 *
 * @example
 * const report = new SecureCronJob(ns, 'nightly-report', {
 *   image: 'registry.example.com/shop/report:1.0@sha256:…', schedule: '30 2 * * *', timeZone: 'Europe/Paris',
 * });
 * api.allowFrom(report);
 */
export class SecureCronJob extends SecureWorkload {
  /** The CronJob (the construct's default child, so `ApiObject.of(this)` patches it). */
  public readonly resource: k8s.KubeCronJob;
  private readonly bounds: JobBounds;
  private readonly cron: CronSettings;
  private readonly hostAccess: ResolvedHostAccess;

  constructor(scope: Construct, id: string, props: SecureCronJobProps) {
    super(scope, id, props, { construct: 'SecureCronJob', lifecycle: 'batch' });
    this.cron = resolveCronSchedule(this._refuse, props);
    this.bounds = resolveJobBounds(this._refuse, props);
    this.hostAccess = this._resolveHostAccess(props);
    this.resource = new kube.KubeCronJob(this, 'Resource', {
      metadata: this._controllerMeta(),
      spec: Lazy.any({ produce: () => this.renderSpec() }) as unknown as k8s.CronJobSpec,
    });
    this.node.defaultChild = this.resource;
    this._stamp();
  }

  private renderSpec(): k8s.CronJobSpec {
    const { podSpec, podMetadata } = this._pod({ restartPolicy: this.bounds.restartPolicy, hostAccess: this.hostAccess });
    return cronJobSpec(this.cron, this.bounds, { metadata: podMetadata, spec: podSpec }, podMetadata.labels ?? {});
  }
}
