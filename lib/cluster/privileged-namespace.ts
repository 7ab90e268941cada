import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { objectMeta } from './object-meta';
import { ExceptionSet } from '../exceptions/exception-set';
import { adoptNamespacedChildren } from '../namespace/adoption';
import { KUBE_DNS, namespaceGuardSpecs, requireOwner } from '../namespace/namespace-guards';
import { INamespaceScope, markNamespaceScope } from '../namespace/namespace-scope';
import { isReservedNamespace } from '../practices/checks/namespace/dedicated-namespace';
import { isAcceptableReason, MIN_REASON_LENGTH } from '../practices/exceptions';
import { DNS_LABEL } from '../practices/manifest';
import { isText, quoted, Refuse, refuser } from '../refusal';
import * as kube from '../render/kube';
import { enableAppChecks } from '../synth/app-checks';
import { SynthPass } from '../synth/synth-pass';
import { KubernetesTarget } from '../target/kubernetes-target';
import { parseQuantity } from '../units/quantity';

/** Props of PrivilegedNamespace. */
export interface PrivilegedNamespaceProps {
  /** The namespace name (a DNS label; never `default` or `kube-*`). */
  readonly name: string;
  /** The owning team (`owner` label, HK-NAMESPACE-005). */
  readonly owner: string;
  /** Why the namespace's jobs need host access; recorded as the HK-NAMESPACE-002 exception (at least 10 characters). */
  readonly reason: string;
  /**
   * Pod Security version the labels are pinned to; it may only restate the app's KubernetesTarget.
   * @default - the app's KubernetesTarget (1.28 unless set), e.g. 'v1.28'
   */
  readonly podSecurityVersion?: string;
  /**
   * Largest PersistentVolumeClaim the namespace admits, and its storage quota.
   * @default '50Gi'
   */
  readonly maxClaimStorage?: string;
}

/**
 * A dedicated namespace for the few jobs that need host access (etcd snapshots, the CIS benchmark). It is NOT a
 * LockedNamespace — those relax Pod Security to `baseline` at the lowest. PSA enforces `privileged` (the only level that admits hostPath,
 * hostNetwork and hostPID) while audit and warn stay `restricted`, so every admitted pod still shows its
 * violations; the relaxation is recorded as an HK-NAMESPACE-002 exception with its reason. Everything else a
 * LockedNamespace has is kept: default-deny NetworkPolicy, DNS-only egress, quota with zero NodePorts and
 * LoadBalancers, LimitRange, owner labels. The namespace carries no `locked` label, so the library's admission
 * policies leave it to PSA.
 */
export class PrivilegedNamespace extends Construct implements INamespaceScope {
  /** The namespace name. */
  public readonly name: string;
  /** The application the namespace belongs to: the namespace itself. */
  public readonly partOf: string;
  /** The Namespace object. */
  public readonly namespace: k8s.KubeNamespace;

  private readonly refuse: Refuse = refuser(this, 'PrivilegedNamespace');

  constructor(scope: Construct, id: string, props: PrivilegedNamespaceProps) {
    super(scope, id);
    SynthPass.of(this).checkRenderedObjects(this);
    enableAppChecks(this);
    this.name = props.name;
    this.partOf = props.name;
    // Node agents and jobs created under it land in it (SecureDaemonSet, SecureJob, SecureCronJob).
    markNamespaceScope(this);
    if (!isText(props.name, DNS_LABEL) || props.name.length > 63 || isReservedNamespace(props.name)) {
      this.refuse('name', `is ${quoted(props.name)}, not a DNS label of its own (never default or kube-*)`,
        'give the job its own namespace, e.g. \'etcd-backup\' or \'cis-benchmark\'.', 'HK-NAMESPACE-001');
    }
    const owner = requireOwner(this.refuse, props.owner);
    if (!isAcceptableReason(props.reason)) {
      this.refuse('reason', `is ${quoted(props.reason)}, not a reason of at least ${MIN_REASON_LENGTH} characters`,
        'say why the namespace\'s jobs need host access, e.g. \'etcd snapshot pods read the etcd PKI through a hostPath\'.', 'HK-NAMESPACE-002');
    }
    const exceptions = [{ practice: 'HK-NAMESPACE-002', reason: props.reason }];
    ExceptionSet.builtIn(this, 'PrivilegedNamespace', exceptions, () => 'reason');
    const version = props.podSecurityVersion ?? KubernetesTarget.podSecurityVersion(this);
    if (!isText(version, /^v1\.(0|[1-9][0-9]*)$/)) {
      this.refuse('podSecurityVersion', `is ${quoted(version)}, not a pinned Pod Security version (v1.<minor>)`,
        'write it as \'v1.28\'.', 'HK-NAMESPACE-002');
    }
    KubernetesTarget.agree(this, 'PrivilegedNamespace', 'podSecurityVersion', version);
    const maxClaim = props.maxClaimStorage ?? '50Gi';
    if (typeof maxClaim !== 'string' || parseQuantity(maxClaim) === undefined) {
      this.refuse('maxClaimStorage', `is ${quoted(maxClaim)}, not a Kubernetes quantity`, 'write e.g. \'20Gi\'.', 'HK-NAMESPACE-004');
    }
    const meta = (childId: string, name: string) => objectMeta({
      scope: this, id: childId, name, namespace: this.name, appName: this.name, partOf: this.name,
    });
    this.namespace = new kube.KubeNamespace(this, 'Resource', {
      metadata: objectMeta({
        scope: this,
        id: 'Resource',
        name: this.name,
        appName: this.name,
        partOf: this.name,
        labels: {
          owner,
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/enforce-version': version,
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': version,
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': version,
        },
        exceptions,
      }),
    });
    const guards = namespaceGuardSpecs(KUBE_DNS, {
      'requests.cpu': '2',
      'requests.memory': '4Gi',
      'limits.cpu': '4',
      'limits.memory': '8Gi',
      'requests.ephemeral-storage': '4Gi',
      'limits.ephemeral-storage': '8Gi',
      'requests.storage': maxClaim,
      'pods': '10',
      'count/secrets': '10',
    }, {
      defaultRequest: { 'cpu': '50m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
      default: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '256Mi' },
      max: { 'cpu': '2', 'memory': '2Gi', 'ephemeral-storage': '2Gi' },
      maxClaimStorage: maxClaim,
    });
    new kube.KubeNetworkPolicy(this, 'DefaultDeny', { metadata: meta('DefaultDeny', 'default-deny'), spec: guards.defaultDeny });
    new kube.KubeNetworkPolicy(this, 'AllowDns', { metadata: meta('AllowDns', 'allow-dns'), spec: guards.allowDns });
    new kube.KubeResourceQuota(this, 'Quota', { metadata: meta('Quota', 'quota'), spec: guards.quota });
    new kube.KubeLimitRange(this, 'Limits', { metadata: meta('Limits', 'limits'), spec: guards.limitRange });
    // What is created inside lands in it, as in a LockedNamespace: a ConfigMap or Secret of its agents included.
    adoptNamespacedChildren(this, 'PrivilegedNamespace', this.name, this.namespace);
  }
}
