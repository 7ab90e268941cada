import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { objectMeta } from '../cluster/object-meta';
import { ExceptionSet } from '../exceptions/exception-set';
import { DnsLocation, KUBE_DNS, namespaceGuardSpecs, requireNamespaceName } from '../namespace/namespace-guards';
import { reachesPublicSpace } from '../practices/checks/network/util';
import { PracticeException } from '../practices/exceptions';
import { Refuse, refuser } from '../refusal';
import * as kube from '../render/kube';
import { enableAppChecks } from '../synth/app-checks';
import { SynthPass } from '../synth/synth-pass';

const CONSTRUCT = 'VeleroNamespaceLock';

/** Why each egress rule may reach public addresses, recorded as its HK-NETWORK-004 exception when it does. */
const PUBLIC_ENDPOINT_REASONS: Readonly<Record<'apiServer' | 'objectStore', string>> = {
  apiServer: 'the API server endpoint has public addresses (a managed control plane\'s public endpoint); the rule opens only those, on one port',
  objectStore: 'Velero writes backups to an object store reached at public addresses (e.g. the region\'s S3 ranges); the rule opens only those, on one port',
};

/** Addresses and port an egress rule opens. */
export interface EgressEndpoint {
  /** IPv4 CIDRs, as narrow as the endpoint allows (never `0.0.0.0/0`, never wider than /8). */
  readonly cidrs: string[];
  /**
   * TCP port.
   * @default 443
   */
  readonly port?: number;
}

/** Props of VeleroNamespaceLock. */
export interface VeleroNamespaceLockProps {
  /** The namespace Velero runs in. */
  readonly namespace: string;
  /** The API server endpoints (`kubectl get endpoints kubernetes`), usually /32 addresses on port 443 or 6443. */
  readonly apiServer: EgressEndpoint;
  /**
   * The object store endpoint the BackupStorageLocation writes to: the S3-compatible server's addresses, or the
   * region's S3 address ranges.
   */
  readonly objectStore: EgressEndpoint;
  /**
   * Where cluster DNS runs.
   * @default - kube-dns pods in kube-system
   */
  readonly dns?: DnsLocation;
}

/**
 * Locks the Velero namespace, which holds the BackupStorageLocation, the Schedules and the repository password:
 * default-deny in both directions for every pod (Velero's server and node agents), then egress only to cluster DNS,
 * the API server and the object store. Velero needs no ingress; its metrics port stays closed unless another
 * policy opens it. Created by `BackupPlan.lockVeleroNamespace`.
 */
export class VeleroNamespaceLock extends Construct {
  /** The NetworkPolicies, default-deny first. */
  public readonly policies: k8s.KubeNetworkPolicy[];

  private readonly refuse: Refuse = refuser(this, CONSTRUCT);

  constructor(scope: Construct, id: string, props: VeleroNamespaceLockProps) {
    super(scope, id);
    SynthPass.of(this).checkRenderedObjects(this);
    enableAppChecks(this);
    const namespace = requireNamespaceName(this.refuse, 'namespace', props.namespace, 'velero');
    const apiServer = this.endpoint('apiServer', props.apiServer, 24);
    const objectStore = this.endpoint('objectStore', props.objectStore, 8);
    const guards = namespaceGuardSpecs(props.dns ?? KUBE_DNS, {}, { defaultRequest: {}, default: {}, max: {}, maxClaimStorage: '1Gi' });
    const meta = (childId: string, name: string, exceptions: readonly PracticeException[] = []) => objectMeta({
      scope: this, id: childId, name, namespace, appName: 'velero', partOf: namespace, exceptions,
    });
    // An endpoint with public addresses is what the user named; the exception records it (HK-NETWORK-004), and must excuse it.
    const publicEgress = (prop: 'apiServer' | 'objectStore', endpoint: { cidrs: string[] }): PracticeException[] => {
      if (!endpoint.cidrs.some(reachesPublicSpace)) return [];
      const exceptions = [{ practice: 'HK-NETWORK-004', reason: PUBLIC_ENDPOINT_REASONS[prop] }];
      ExceptionSet.builtIn(this, CONSTRUCT, exceptions, () => `${prop}.cidrs`);
      return exceptions;
    };
    const egressTo = (endpoint: { cidrs: string[]; port: number }) => ({
      to: endpoint.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
      ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(endpoint.port) }],
    });
    this.policies = [
      new kube.KubeNetworkPolicy(this, 'DefaultDeny', { metadata: meta('DefaultDeny', 'default-deny'), spec: guards.defaultDeny }),
      new kube.KubeNetworkPolicy(this, 'AllowDns', { metadata: meta('AllowDns', 'allow-dns'), spec: guards.allowDns }),
      new kube.KubeNetworkPolicy(this, 'AllowApiServer', {
        metadata: meta('AllowApiServer', 'allow-api-server', publicEgress('apiServer', apiServer)),
        spec: { podSelector: {}, policyTypes: ['Egress'], egress: [egressTo(apiServer)] },
      }),
      new kube.KubeNetworkPolicy(this, 'AllowObjectStore', {
        metadata: meta('AllowObjectStore', 'allow-object-store', publicEgress('objectStore', objectStore)),
        spec: { podSelector: {}, policyTypes: ['Egress'], egress: [egressTo(objectStore)] },
      }),
    ];
  }

  private endpoint(prop: string, endpoint: EgressEndpoint | undefined, widest: number): { cidrs: string[]; port: number } {
    const cidrs: unknown = endpoint?.cidrs;
    if (!Array.isArray(cidrs) || cidrs.length === 0) {
      this.refuse(`${prop}.cidrs`, `is ${JSON.stringify(cidrs) ?? 'undefined'}, not a list of CIDRs`,
        'list the endpoint addresses, e.g. [\'10.0.0.10/32\'].', 'HK-NETWORK-003');
    }
    for (const cidr of cidrs as unknown[]) {
      const m = typeof cidr === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr) : null;
      if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) < widest || Number(m[5]) > 32) {
        this.refuse(`${prop}.cidrs`, `contains ${JSON.stringify(cidr)}, not an IPv4 CIDR of /${widest} or narrower`,
          `give the endpoint's addresses, /${widest} or narrower, e.g. '10.0.0.10/32'.`, 'HK-NETWORK-004');
      }
      if ((cidr as string).startsWith('169.254.')) {
        this.refuse(`${prop}.cidrs`, `contains '${cidr}', a link-local range that holds the cloud metadata endpoint`,
          'give the endpoint addresses, not link-local ones.', 'HK-NETWORK-010');
      }
    }
    const port = endpoint?.port ?? 443;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      this.refuse(`${prop}.port`, `is ${JSON.stringify(port)}, not a TCP port`, 'give the endpoint\'s port, e.g. 443.', 'HK-NETWORK-003');
    }
    return { cidrs: [...(cidrs as string[])].sort(), port };
  }
}
