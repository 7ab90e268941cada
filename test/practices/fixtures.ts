/**
 * Manifest builders for the table-driven catalogue tests. `compliantSet()` is a namespace with one workload that
 * follows every practice; cases copy it and break one thing, so a failing case isolates its practice.
 */
import { Manifest } from '../../lib/practices/manifest';

export const NS = 'shop';
export const DIGEST = 'sha256:' + 'a'.repeat(64);
export const IMAGE = `registry.example.com/shop/api:1.4.2@${DIGEST}`;

/** A deep copy, so cases can mutate freely. */
export function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x));
}

/** A container with every container-level practice applied. */
export function secureContainer(name = 'app'): any {
  return {
    name,
    image: IMAGE,
    imagePullPolicy: 'Always',
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    resources: {
      requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
      limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '128Mi' },
    },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5, failureThreshold: 3 },
    livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10, failureThreshold: 6 },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

/** Labels every object of the compliant set carries (HK-AUDIT-004, HK-NAMESPACE-005). */
export function provenance(name: string, path: string): { labels: Record<string, string>; annotations: Record<string, string> } {
  return {
    labels: {
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'cdk8s-hardened',
    },
    annotations: {
      'cdk8s-hardened.io/construct-path': path,
      'cdk8s-hardened.io/catalogue-version': '1.0.0',
    },
  };
}

/** A Deployment with every pod-level and container-level practice applied. */
export function secureDeployment(name = 'api'): any {
  const meta = provenance(name, `test/${name}`);
  const podLabels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/managed-by': 'cdk8s-hardened' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, ...meta },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } },
      template: {
        metadata: { labels: podLabels },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          hostNetwork: false,
          hostPID: false,
          hostIPC: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            fsGroup: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [secureContainer()],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{
                weight: 100,
                podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': name } } },
              }],
            },
          },
          topologySpreadConstraints: [{
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
          }],
        },
      },
    },
  };
}

/** A namespace locked as LockedNamespace will lock it. */
export function lockedNamespace(name = NS): Manifest[] {
  const meta = provenance(name, `test/${name}`);
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: {
          ...meta.labels,
          'owner': 'team-shop',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.28',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': 'v1.28',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'v1.28',
        },
        annotations: { ...meta.annotations, 'cdk8s-hardened.io/allowed-registries': 'registry.example.com' },
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: name, ...provenance('default-deny', `test/${name}/default-deny`) },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-dns', namespace: name, ...provenance('allow-dns', `test/${name}/allow-dns`) },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'quota', namespace: name, ...provenance('quota', `test/${name}/quota`) },
      spec: {
        hard: {
          'requests.cpu': '8',
          'requests.memory': '16Gi',
          'limits.cpu': '16',
          'limits.memory': '32Gi',
          'requests.ephemeral-storage': '20Gi',
          'pods': '50',
          'services.loadbalancers': '0',
          'services.nodeports': '0',
          'count/secrets': '50',
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'limits', namespace: name, ...provenance('limits', `test/${name}/limits`) },
      spec: {
        limits: [
          {
            type: 'Container',
            default: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '256Mi' },
            defaultRequest: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
            max: { 'cpu': '2', 'memory': '2Gi', 'ephemeral-storage': '1Gi' },
          },
          { type: 'PersistentVolumeClaim', max: { storage: '50Gi' } },
        ],
      },
    },
  ];
}

/** The objects that go with a secure Deployment: its ServiceAccount, Service, NetworkPolicy and PDB. */
export function workloadCompanions(name = 'api'): Manifest[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: NS, ...provenance(name, `test/${name}/sa`) },
      automountServiceAccountToken: false,
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: NS, ...provenance(name, `test/${name}/service`) },
      spec: {
        type: 'ClusterIP',
        selector: { 'app.kubernetes.io/name': name },
        ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: NS, ...provenance(name, `test/${name}/policy`) },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        }],
        egress: [{
          to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db' } } }],
          ports: [{ protocol: 'TCP', port: 5432 }],
        }],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace: NS, ...provenance(name, `test/${name}/pdb`) },
      spec: {
        maxUnavailable: 1,
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      },
    },
  ];
}

/** A namespace and one workload that together follow every practice. */
export function compliantSet(): Manifest[] {
  return clone([...lockedNamespace(), secureDeployment(), ...workloadCompanions()]);
}

/** The compliant set with the Deployment replaced by `mutate(deployment)`'s changes. */
export function withDeployment(mutate: (d: any) => void): Manifest[] {
  const set = compliantSet() as any[];
  mutate(set.find((o) => o.kind === 'Deployment'));
  return set;
}

/** The compliant set with the first object of `kind` changed by `mutate`. */
export function withObject(kind: string, mutate: (o: any) => void): Manifest[] {
  const set = compliantSet() as any[];
  const obj = set.find((o) => o.kind === kind);
  if (!obj) throw new Error(`compliant set has no ${kind}`);
  mutate(obj);
  return set;
}

/** The compliant set plus extra objects. */
export function plus(...extra: Manifest[]): Manifest[] {
  return [...compliantSet(), ...clone(extra)];
}

/** The pod spec of the compliant Deployment, for mutations. */
export function podOf(d: any): any {
  return d.spec.template.spec;
}

/** The first container of the compliant Deployment, for mutations. */
export function containerOf(d: any): any {
  return d.spec.template.spec.containers[0];
}
