import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { HardenedError } from '../errors';
import { findPractice } from '../practices/catalogue';
import { formatNodePoolRequirement, NODE_POOL_ANNOTATION } from '../practices/checks/cluster/hardened-node-pool';

const CONSTRUCT = 'HardenedNodePool';

const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** A node label: key and value. */
export interface NodeLabel {
  readonly key: string;
  readonly value: string;
}

/** A taint the pool's nodes carry so only pods that tolerate it land there. */
export interface NodePoolTaint {
  readonly key: string;
  readonly value: string;
  /**
   * The taint's effect.
   * @default 'NoSchedule'
   */
  readonly effect?: 'NoSchedule' | 'NoExecute';
}

/** Props of HardenedNodePool. */
export interface HardenedNodePoolProps {
  /** The label every node of the pool carries, e.g. `{ key: 'node.example.com/image', value: 'bottlerocket-cis' }`. */
  readonly nodeLabel: NodeLabel;
  /**
   * The taint the pool's nodes carry, keeping other pods off them (and theirs off other nodes with the label).
   * @default - no taint: pods are pinned by the label only
   */
  readonly taint?: NodePoolTaint;
}

/** A toleration in the shape the workload constructs take. */
export interface NodePoolToleration {
  readonly key: string;
  readonly operator: 'Equal';
  readonly value: string;
  readonly effect: 'NoSchedule' | 'NoExecute';
}

/** A namespace construct whose Namespace object can carry the requirement (LockedNamespace, PrivilegedNamespace). */
export interface INamespaceObject {
  /** The Namespace object. */
  readonly namespace: ApiObject;
}

/**
 * A pool of nodes built from a hardened image (a CIS-hardened AMI, Bottlerocket, Talos), named by the label and
 * taint you give its nodes. It emits nothing itself: pin workloads with `nodeSelector` and `tolerations`, and make a
 * namespace require the pool with `requireIn(ns)`, which the audit then judges (HK-CLUSTER-007).
 *
 * @example
 * const pool = new HardenedNodePool(chart, 'cis-ami', { nodeLabel: { key: 'node.example.com/image', value: 'cis-al2023' },
 *   taint: { key: 'node.example.com/hardened', value: 'true' } });
 * pool.requireIn(payments);
 * new SecureDeployment(payments, 'api', { ..., nodeSelector: pool.nodeSelector, tolerations: pool.tolerations });
 */
export class HardenedNodePool extends Construct {
  /** The node selector that pins pods to the pool. */
  public readonly nodeSelector: Readonly<Record<string, string>>;
  /** The toleration of the pool's taint (empty without one); a fresh copy each time, so it fits a workload's `tolerations` prop. */
  public get tolerations(): NodePoolToleration[] {
    return this._tolerations.map((t) => ({ ...t }));
  }

  private readonly _tolerations: readonly NodePoolToleration[];
  /** The `key=value` requirement written on namespaces. */
  public readonly requirement: string;

  constructor(scope: Construct, id: string, props: HardenedNodePoolProps) {
    super(scope, id);
    const label = this.pair('nodeLabel', props?.nodeLabel, 'give { key: \'node.example.com/image\', value: \'cis-al2023\' }.');
    this.nodeSelector = { [label.key]: label.value };
    this.requirement = formatNodePoolRequirement(label.key, label.value);
    if (props.taint === undefined) {
      this._tolerations = [];
    } else {
      const taint = this.pair('taint', props.taint, 'give { key: \'node.example.com/hardened\', value: \'true\' }.');
      const effect = props.taint.effect ?? 'NoSchedule';
      if (effect !== 'NoSchedule' && effect !== 'NoExecute') {
        this.refuse('taint.effect', `is ${JSON.stringify(effect)}, not NoSchedule or NoExecute`, 'use NoSchedule (or NoExecute to evict pods already running).');
      }
      this._tolerations = [{ key: taint.key, operator: 'Equal', value: taint.value, effect }];
    }
  }

  /** Makes the namespace require this pool: the audit then refuses its workloads that are not pinned to it. */
  public requireIn(ns: INamespaceObject): void {
    const obj = ns?.namespace;
    if (!obj || !ApiObject.isApiObject(obj) || obj.kind !== 'Namespace') {
      this.refuse('requireIn(ns)', 'is not a namespace construct', 'pass a LockedNamespace or PrivilegedNamespace.');
    }
    const existing: string | undefined = obj.metadata.toJson().annotations?.[NODE_POOL_ANNOTATION];
    if (existing !== undefined && existing !== this.requirement) {
      this.refuse('requireIn(ns)', `names namespace '${obj.name}', which already requires node pool '${existing}'`, 'require one pool per namespace.', 'HK-CLUSTER-007');
    }
    obj.metadata.addAnnotation(NODE_POOL_ANNOTATION, this.requirement);
  }

  private pair(prop: string, value: unknown, fix: string): NodeLabel {
    const v = value as NodeLabel | undefined;
    if (typeof v !== 'object' || v === null || typeof v.key !== 'string' || typeof v.value !== 'string') {
      this.refuse(prop, `is ${value === null ? 'null' : typeof value === 'object' ? JSON.stringify(value) : String(value)}, not { key, value }`, fix);
    }
    if (!QUALIFIED_NAME.test(v.key) || v.key.length > 316) this.refuse(`${prop}.key`, `is '${v.key}', not a label key`, fix);
    if (!LABEL_VALUE.test(v.value)) this.refuse(`${prop}.value`, `is '${v.value}', not a non-empty label value`, fix);
    return v;
  }

  private refuse(prop: string, problem: string, fix: string, practiceId?: string): never {
    const practiceTitle = practiceId ? findPractice(practiceId)?.title : undefined;
    throw new HardenedError({ scope: this, construct: CONSTRUCT, prop, problem, practiceId, practiceTitle, fix });
  }
}
