import { JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { partOfFor } from '../namespace/enclosing-namespace';
import { DNS_SUBDOMAIN } from '../practices/manifest';
import { stampProvenance } from '../provenance';
import { refuser } from '../refusal';
import * as kube from '../render/kube';
import { SynthPass } from '../synth/synth-pass';

/** Anything pods can name as their `priorityClassName`. */
export interface IPriorityClass {
  /** The PriorityClass's name. */
  readonly priorityClassName: string;
  /**
   * Who creates the class, for one the app does not define (`PriorityClass.fromName`); the workloads that use it
   * record it as their `cdk8s-hardened.io/external-references` annotation.
   * @default - none: the class is defined in the app, or built into Kubernetes
   */
  readonly createdElsewhere?: string;
}

/**
 * How urgently the scheduler places a tier's pods and whom they may evict. The values leave room between tiers and
 * stay far below the 1,000,000,000 the system classes start at.
 */
export class PriorityTier {
  /** Node agents and the entry point: schedule first, preempt lower tiers. */
  public static readonly CRITICAL = new PriorityTier('critical', 100000, 'PreemptLowerPriority',
    'Node agents and entry points: scheduled first, may preempt lower tiers.');
  /** User-facing services. */
  public static readonly HIGH = new PriorityTier('high', 10000, 'PreemptLowerPriority', 'User-facing services.');
  /** Internal services. */
  public static readonly STANDARD = new PriorityTier('standard', 1000, 'PreemptLowerPriority', 'Internal services.');
  /** Batch and scheduled jobs: wait for room, never evict anyone. */
  public static readonly BATCH = new PriorityTier('batch', 100, 'Never', 'Batch and scheduled jobs: wait for capacity, never preempt.');

  private constructor(
    /** Short name of the tier, used in the default class name. */
    public readonly name: string,
    /** The priority value. */
    public readonly value: number,
    /** `PreemptLowerPriority` or `Never`. */
    public readonly preemptionPolicy: string,
    /** What the tier is for. */
    public readonly description: string,
  ) {}
}

/** Props of PriorityClass. */
export interface PriorityClassProps {
  /** The tier. */
  readonly tier: PriorityTier;
  /**
   * Name of the PriorityClass (a DNS subdomain, never `system-…`, which Kubernetes reserves).
   * @default - `<part-of>-<tier>`, e.g. `shop-critical`
   */
  readonly name?: string;
}

/**
 * A cluster-wide PriorityClass of one tier, never the global default (which would change every pod of the cluster).
 * Pass it to a workload's `priorityClass` prop; Polaris' priorityClassNotSet warns on every pod without one.
 *
 * @example
 * const critical = new PriorityClass(chart, 'critical', { tier: PriorityTier.CRITICAL });
 * new SecureDaemonSet(agents, 'log-shipper', { image, priorityClass: critical, ... });
 */
export class PriorityClass extends Construct implements IPriorityClass {
  /**
   * A PriorityClass defined elsewhere: one built into Kubernetes (`system-node-critical`, `system-cluster-critical`,
   * admitted in kube-system only), or one the platform creates, which needs `reason` (who creates it, at least 10
   * characters): a pod naming a class nobody creates is refused by the API server, so synth refuses it first.
   * @param name the class's name
   * @param reason who creates the class and where, e.g. 'created by the platform baseline (PLAT-3)'
   */
  public static fromName(name: string, reason?: string): IPriorityClass {
    return { priorityClassName: name, ...(reason === undefined ? {} : { createdElsewhere: reason }) };
  }

  /** The PriorityClass's name. */
  public readonly priorityClassName: string;
  /** The tier. */
  public readonly tier: PriorityTier;
  /** The PriorityClass object. */
  public readonly resource: k8s.KubePriorityClass;

  constructor(scope: Construct, id: string, props: PriorityClassProps) {
    super(scope, id);
    SynthPass.of(this).checkRenderedObjects(this);
    const refuse = refuser(this, 'PriorityClass');
    if (props === null || typeof props !== 'object') refuse('props', `are ${String(props)}`, 'pass { tier: PriorityTier.HIGH }.');
    if (!(props.tier instanceof PriorityTier)) {
      refuse('tier', `is ${JSON.stringify(props.tier) ?? 'undefined'}, not a PriorityTier`, 'use PriorityTier.CRITICAL, .HIGH, .STANDARD or .BATCH.');
    }
    this.tier = props.tier;
    const partOf = partOfFor(this);
    const name = props.name ?? `${partOf}-${props.tier.name}`;
    if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      refuse('name', `is ${JSON.stringify(name)}, not a DNS subdomain`, 'use lower-case letters, digits, \'-\' and \'.\'.');
    }
    if (name.startsWith('system-')) {
      refuse('name', `is '${name}', a prefix Kubernetes reserves for its own classes`, 'choose a name without the \'system-\' prefix.');
    }
    this.priorityClassName = name;
    this.resource = new kube.KubePriorityClass(this, 'Resource', {
      metadata: { name },
      value: props.tier.value,
      globalDefault: false,
      preemptionPolicy: props.tier.preemptionPolicy,
      description: props.tier.description,
    });
    // cdk8s gives every object of a chart the chart's namespace; a PriorityClass is cluster-scoped.
    if (this.resource.metadata.namespace !== undefined) this.resource.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    this.node.defaultChild = this.resource;
    stampProvenance(this.resource, { name, partOf });
  }
}
