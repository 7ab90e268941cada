import { AdmissionMatch } from './admission-rule';
import { HardenedError } from '../../errors';

/**
 * Pods and every controller that carries a pod template (the `POD_KINDS` of the audit). PSA `enforce`, Gatekeeper
 * constraints on Pods and ValidatingAdmissionPolicies have no autogen, so a rule on Pods alone lets a bad
 * Deployment in and only its ReplicaSet's events tell; every pod-spec rule matches all of these.
 */
export const POD_RESOURCES: AdmissionMatch[] = [
  { apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'replicationcontrollers'] },
  { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'] },
  { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['cronjobs', 'jobs'] },
];

/** Services (HK-NETWORK-006). */
export const SERVICE_RESOURCES: AdmissionMatch[] = [
  { apiGroups: [''], apiVersions: ['v1'], resources: ['services'] },
];

/** Ingresses (HK-NETWORK-007). */
export const INGRESS_RESOURCES: AdmissionMatch[] = [
  { apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], resources: ['ingresses'] },
];

/** Gateway API Gateways (HK-NETWORK-012), every served version. */
export const GATEWAY_RESOURCES: AdmissionMatch[] = [
  { apiGroups: ['gateway.networking.k8s.io'], apiVersions: ['v1', 'v1beta1'], resources: ['gateways'] },
];

/** Kind of each resource the rules name, for the engines that match by kind (Kyverno, Gatekeeper). */
const KIND_OF_RESOURCE: Readonly<Record<string, string>> = {
  pods: 'Pod',
  replicationcontrollers: 'ReplicationController',
  daemonsets: 'DaemonSet',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  statefulsets: 'StatefulSet',
  cronjobs: 'CronJob',
  jobs: 'Job',
  services: 'Service',
  ingresses: 'Ingress',
  gateways: 'Gateway',
};

/** A group of kinds, as Gatekeeper's `match.kinds` takes them. */
export interface KindGroup {
  /** API groups, `''` for the core group. */
  readonly apiGroups: string[];
  /** Kind names. */
  readonly kinds: string[];
}

/** The kinds of `match`, grouped by API group. */
export function kindGroupsOf(match: readonly AdmissionMatch[]): KindGroup[] {
  return match.map((m) => ({ apiGroups: [...m.apiGroups], kinds: m.resources.map(kindOfResource) }));
}

/** `Group/Version/Kind` strings (`Deployment`, `apps/v1/Deployment`) for Kyverno's `match.resources.kinds`. */
export function kyvernoKindsOf(match: readonly AdmissionMatch[]): string[] {
  const out: string[] = [];
  for (const m of match) {
    for (const group of m.apiGroups) {
      for (const version of m.apiVersions) {
        for (const resource of m.resources) {
          const kind = kindOfResource(resource);
          out.push(group === '' ? `${version}/${kind}` : `${group}/${version}/${kind}`);
        }
      }
    }
  }
  return out;
}

/** Whether the rule judges pod specs (and so needs the pod variables). */
export function matchesPods(match: readonly AdmissionMatch[]): boolean {
  return match.some((m) => m.resources.includes('pods'));
}

function kindOfResource(resource: string): string {
  const kind = KIND_OF_RESOURCE[resource];
  if (!kind) {
    throw new HardenedError({ message: `admission rule names resource '${resource}', which has no known kind; add it to KIND_OF_RESOURCE`, fix: 'add it to KIND_OF_RESOURCE' });
  }
  return kind;
}
