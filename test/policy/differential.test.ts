import * as fc from 'fast-check';
import { CEL_ENGINES, celAdmits } from './cel-harness';
import { audit } from '../../lib/audit/audit';
import { admissionPractices, AdmissionPractice } from '../../lib/policy/admission-practices';
import { normaliseRegistryEntry } from '../../lib/practices/admission/cel';
import { Manifest } from '../../lib/practices/manifest';

const DIGEST = `sha256:${'a1'.repeat(32)}`;
const IMAGES = [
  `registry.example.com/shop/api@${DIGEST}`, `registry.example.com/shop/api:1.4.2@${DIGEST}`, 'registry.example.com/shop/api:1.4.2',
  'registry.example.com/shopping/api:1', 'Registry.Example.com/Shop/API:2', 'registry.example.com.evil.io/shop/api:1',
  'nginx', 'nginx:latest', 'nginx:LaTeSt', `nginx@${DIGEST}`, 'docker.io/library/nginx:1.27', 'index.docker.io/nginx:1', 'docker.io/nginx:1',
  'bitnami/redis:7', 'registry:5000/app', 'registry:5000/app:1', 'localhost/app:1', 'localhost:5000/team/app:2',
  'k8s.gcr.io/pause:3.9', 'eu.k8s.gcr.io/pause:3.9', 'k8s.gcr.io:443/pause:3.9', 'registry.k8s.io/pause:3.9', 'ghcr.io/org/app:v1',
  'bad image', 'a//b:1', '/app:1', 'app:', 'app@sha256:abc', `a@b@${DIGEST}`, 'app:1:2', 'host.io/a:b/c:1', 'APP:1',
];
const IMAGE_CHARS = ['a', 'b', 'A', '1', '.', ':', '/', '@', '-', '_', 'l', 't', 'e', 's', ' '];
const REGISTRY_LISTS = [[], ['registry.example.com'], ['registry.example.com/shop/'], ['docker.io'], ['Registry.Example.com/*', 'ghcr.io/org'],
  ['index.docker.io/library'], ['localhost:5000'], ['registry:5000']];
const MINORS = [28, 29, 30, 31, 32];

const profile = (types: string[]) => fc.constantFrom(...types.map((type) => ({ type })), { type: 'Localhost', localhostProfile: 'profiles/app.json' });
const seLinux = fc.constantFrom({ type: 'container_t' }, { type: 'spc_t' }, { user: 'system_u' }, { role: 'r' }, { type: 'container_engine_t' },
  { level: 's0:c1' }, { type: '' }, { user: '' });

const securityContext = fc.record({
  privileged: fc.boolean(),
  allowPrivilegeEscalation: fc.boolean(),
  runAsNonRoot: fc.boolean(),
  runAsUser: fc.constantFrom(0, 1000, 10000, 10001, 65532),
  runAsGroup: fc.constantFrom(0, 1000, 10001, 65532),
  capabilities: fc.constantFrom({ drop: ['ALL'] }, { drop: ['all'] }, { drop: [] }, { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
    { add: ['SYS_ADMIN'], drop: ['ALL'] }, { add: ['NET_BIND_SERVICE', 'NET_RAW'] }, {}),
  seccompProfile: profile(['RuntimeDefault', 'Localhost', 'Unconfined']),
  readOnlyRootFilesystem: fc.boolean(),
  procMount: fc.constantFrom('Default', 'Unmasked'),
  windowsOptions: fc.constantFrom({ hostProcess: true }, { hostProcess: false }, { gmsaCredentialSpecName: 'x' }),
  appArmorProfile: profile(['RuntimeDefault', 'Localhost', 'Unconfined']),
  seLinuxOptions: seLinux,
}, { requiredKeys: [] });

const resources = fc.constantFrom(
  { requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' }, limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '128Mi' } },
  { requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' }, limits: { 'memory': '256Mi', 'ephemeral-storage': '128Mi' } },
  { requests: { cpu: '100m' }, limits: { cpu: '1', memory: '1Gi' } },
  { limits: { 'cpu': 1, 'memory': '1Gi', 'ephemeral-storage': '1Gi' } },
  {},
);

const imageArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...IMAGES) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...IMAGE_CHARS), maxLength: 14 }) });

const container = (name: string, app: boolean) => fc.record({
  name: fc.constant(name),
  image: imageArb,
  imagePullPolicy: fc.constantFrom('Always', 'IfNotPresent', 'Never'),
  securityContext,
  env: fc.constantFrom([{ name: 'MODE', value: 'x' }], [{ name: 'PASSWORD_FILE', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
    [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]),
  envFrom: fc.constantFrom([{ secretRef: { name: 's' } }], [{ configMapRef: { name: 'c' } }]),
  ...(app ? {
    ports: fc.constantFrom([{ containerPort: 8080 }], [{ containerPort: 8080, hostPort: 8080 }], [{ containerPort: 80, hostPort: 0 }]),
    resources,
  } : {}),
}, { requiredKeys: ['name'] });

const SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_rmem', 'net.core.somaxconn'];
const VOLUMES = [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }, { name: 'scratch', emptyDir: {} }, { name: 'root', hostPath: { path: '/' } },
  { name: 'cfg', configMap: { name: 'c' } }, { name: 'nfs', nfs: { server: 'nfs', path: '/' } }, { name: 'img', image: { reference: 'x' } },
  { name: 'proj', projected: { sources: [] } }, { name: 'data', persistentVolumeClaim: { claimName: 'd' } }];

const podSecurityContext = fc.record({
  runAsNonRoot: fc.boolean(),
  runAsUser: fc.constantFrom(0, 1000, 65532),
  runAsGroup: fc.constantFrom(0, 65532),
  fsGroup: fc.constantFrom(0, 65532),
  supplementalGroups: fc.constantFrom([0], [65532], []),
  seccompProfile: profile(['RuntimeDefault', 'Localhost', 'Unconfined']),
  appArmorProfile: profile(['RuntimeDefault', 'Unconfined']),
  seLinuxOptions: seLinux,
  sysctls: fc.subarray(SYSCTLS.map((name) => ({ name, value: '1' })), { minLength: 1 }),
  windowsOptions: fc.constantFrom({ hostProcess: true }, { hostProcess: false }),
}, { requiredKeys: [] });

const podSpec = fc.record({
  containers: fc.array(container('app', true), { minLength: 1, maxLength: 2 }).map((cs) => cs.map((c, i) => ({ ...c, name: `app${i}` }))),
  initContainers: fc.array(container('init', true), { maxLength: 1 }),
  ephemeralContainers: fc.array(container('debug', false), { maxLength: 1 }),
  securityContext: podSecurityContext,
  hostNetwork: fc.boolean(),
  hostPID: fc.boolean(),
  hostIPC: fc.boolean(),
  os: fc.constantFrom({ name: 'windows' }, { name: 'linux' }),
  volumes: fc.subarray(VOLUMES),
}, { requiredKeys: ['containers'] });

const podAnnotations = fc.dictionary(
  fc.constantFrom('container.apparmor.security.beta.kubernetes.io/app0', 'seccomp.security.alpha.kubernetes.io/pod',
    'container.seccomp.security.alpha.kubernetes.io/app0', 'team'),
  fc.constantFrom('unconfined', 'runtime/default', 'localhost/profile', 'localhost/', ''),
  { maxKeys: 2 });

const ENTRIES = admissionPractices();
const exceptionAnnotations = fc.dictionary(
  fc.constantFrom(...ENTRIES.map((e) => `exceptions.cdk8s-hardened.io/${e.practice.id}`)),
  fc.constantFrom('too short', 'legacy image needs it (TICKET-412)', '   padded    '),
  { maxKeys: 4 });

const KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'];
const API = { Pod: 'v1', ReplicationController: 'v1', Job: 'batch/v1', CronJob: 'batch/v1' } as Record<string, string>;

function wrap(kind: string, spec: any, podMeta: Record<string, unknown>, annotations: Record<string, string>): Manifest {
  const metadata = { name: 'w', namespace: 'payments', ...(Object.keys(annotations).length ? { annotations } : {}) };
  const template = { metadata: { labels: { app: 'w' }, ...podMeta }, spec };
  const apiVersion = API[kind] ?? 'apps/v1';
  if (kind === 'Pod') return { apiVersion, kind, metadata: { ...metadata, ...podMeta, annotations: { ...(podMeta.annotations as object ?? {}), ...annotations } }, spec };
  if (kind === 'CronJob') return { apiVersion, kind, metadata, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template } } } };
  return { apiVersion, kind, metadata, spec: { selector: { matchLabels: { app: 'w' } }, template } };
}

const workload = fc.record({
  kind: fc.constantFrom(...KINDS),
  spec: podSpec,
  podAnnotations,
  exceptions: exceptionAnnotations,
}).map(({ kind, spec, podAnnotations: pa, exceptions }) => wrap(kind, spec, Object.keys(pa).length ? { annotations: pa } : {}, exceptions));

const service = fc.record({
  type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'),
  externalIPs: fc.constantFrom([], ['203.0.113.7']),
  ports: fc.constantFrom([{ port: 80 }], [{ port: 80, nodePort: 30080 }]),
  clusterIP: fc.constant('None'),
}, { requiredKeys: [] }).chain((spec) => exceptionAnnotations.map((annotations) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 's', namespace: 'payments', ...(Object.keys(annotations).length ? { annotations } : {}) },
  spec,
}) as Manifest));

const host = fc.constantFrom('shop.example.com', '*.example.com', '', undefined);
const ingress = fc.record({
  rules: fc.array(host.map((h) => ({ ...(h === undefined ? {} : { host: h }), http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } })), { maxLength: 2 }),
  tls: fc.array(fc.record({ hosts: fc.constantFrom(['shop.example.com'], ['*.example.com'], []), secretName: fc.constantFrom('shop-tls', '') }, { requiredKeys: ['hosts'] }), { maxLength: 2 }),
  defaultBackend: fc.constant({ service: { name: 'web', port: { number: 80 } } }),
}, { requiredKeys: ['rules'] }).chain((spec) => fc.record({
  exceptions: exceptionAnnotations,
  issuer: fc.constantFrom({}, { 'cert-manager.io/cluster-issuer': 'letsencrypt' }, { 'cert-manager.io/issuer': '' }),
}).map(({ exceptions, issuer }) => {
  const annotations = { ...exceptions, ...issuer };
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'payments', ...(Object.keys(annotations).length ? { annotations } : {}) }, spec } as Manifest;
}));

const allowedRoutes = fc.constantFrom(undefined, {}, { namespaces: {} }, { namespaces: { from: 'Same' } }, { namespaces: { from: 'All' } },
  { namespaces: { from: 'Selector' } }, { namespaces: { from: 'Selector', selector: {} } },
  { namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } } },
  { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' } } } },
  { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] }] } } },
  { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['shop'] }] } } });
const gateway = fc.record({
  listeners: fc.array(allowedRoutes.map((a): Record<string, unknown> => ({ port: 443, protocol: 'HTTPS', ...(a === undefined ? {} : { allowedRoutes: a }) })), { minLength: 1, maxLength: 2 }),
  exceptions: exceptionAnnotations,
}).map(({ listeners, exceptions }) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'public', namespace: 'edge', ...(Object.keys(exceptions).length ? { annotations: exceptions } : {}) },
  spec: { gatewayClassName: 'istio', listeners: listeners.map((l, i) => ({ ...l, name: `l${i}`, hostname: `h${i}.example.com` })) },
}) as Manifest);

/** A compliant object of each non-pod kind the rules match. */
const GOOD_BY_RESOURCE: Record<string, Manifest> = {
  services: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'p' }, spec: { ports: [{ port: 80 }] } },
  ingresses: {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'p' },
    spec: { tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }], rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
  },
  gateways: {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'public', namespace: 'edge' },
    spec: { gatewayClassName: 'istio', listeners: [{ name: 'shop', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] }] } } } }] },
  },
};

/** The corpus for the resources a rule matches. */
function corpusFor(entry: AdmissionPractice): fc.Arbitrary<Manifest> {
  const matched = entry.rule.match.flatMap((m) => m.resources);
  if (matched.includes('services')) return service;
  if (matched.includes('ingresses')) return ingress;
  if (matched.includes('gateways')) return gateway;
  return workload;
}

/** A compliant Deployment, as SecureDeployment renders one. */
const GOOD: Manifest = wrap('Deployment', {
  securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{
    name: 'api',
    image: `registry.example.com/shop/api:1.4.2@${DIGEST}`,
    imagePullPolicy: 'Always',
    securityContext: {
      privileged: false,
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ports: [{ containerPort: 8080 }],
    resources: { requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' }, limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '128Mi' } },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  }],
  volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
}, {}, {});

function auditRefuses(entry: AdmissionPractice, obj: Manifest, minor: number, registries: string[], namespace?: Manifest): boolean {
  const report = audit(namespace ? [namespace, obj] : [obj], { practices: [entry.practice], targetVersion: `1.${minor}`, allowedRegistries: registries });
  return report.findings.some((f) => !f.excepted && f.object.kind === obj.kind);
}

/** The audit's verdict and each engine's, as emitted: admitted (true) or refused. */
function judge(entry: AdmissionPractice, obj: Manifest, minor: number, registries: string[], namespace?: Manifest): Record<string, boolean> {
  const settings = { targetMinor: minor, allowedRegistries: registries.map(normaliseRegistryEntry) };
  const verdict: Record<string, boolean> = { audit: !auditRefuses(entry, obj, minor, registries, namespace) };
  for (const engine of CEL_ENGINES) verdict[engine] = celAdmits(engine, ENTRIES, entry, obj, settings, namespace ?? null);
  return verdict;
}

/** Every engine agreeing with the audit's `admitted`. */
function agreeing(admitted: boolean): Record<string, boolean> {
  return Object.fromEntries([['audit', admitted], ...CEL_ENGINES.map((e) => [e, admitted])]);
}

const seen = new Map<string, { admitted: number; refused: number }>();

describe.each(ENTRIES.map((e) => [e.practice.id, e] as const))('%s: the CEL of every engine (VAP, Kyverno, Gatekeeper) agrees with the audit', (id, entry) => {
  const objects = corpusFor(entry);

  test('on the compliant workload', () => {
    const other = entry.rule.match.flatMap((m) => m.resources).find((r) => GOOD_BY_RESOURCE[r]);
    if (other) {
      expect(judge(entry, GOOD_BY_RESOURCE[other], 28, [])).toEqual(agreeing(true));
    } else {
      expect(judge(entry, GOOD, 28, ['registry.example.com'])).toEqual(agreeing(true));
    }
  });

  test('over a generated corpus of good and bad objects', () => {
    const counts = { admitted: 0, refused: 0 };
    fc.assert(fc.property(objects, fc.constantFrom(...MINORS), fc.constantFrom(...REGISTRY_LISTS), (obj, minor, registries) => {
      const verdict = judge(entry, obj, minor, registries);
      if (verdict.audit) counts.admitted++; else counts.refused++;
      expect(verdict).toEqual(agreeing(verdict.audit));
    }), { numRuns: 250, seed: 20240501 });
    seen.set(id, counts);
    // A corpus that never exercises both outcomes proves nothing.
    expect(counts.admitted).toBeGreaterThan(0);
    expect(counts.refused).toBeGreaterThan(0);
  });
});

describe('namespace allow-lists', () => {
  const registries = ENTRIES.find((e) => e.practice.id === 'HK-IMAGE-003')!;
  const ns = (value: string): Manifest => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments', annotations: { 'cdk8s-hardened.io/allowed-registries': value } } });
  const pod = (image: string): Manifest => wrap('Pod', { containers: [{ name: 'a', image }] }, {}, {});

  test.each([
    ['registry.example.com', 'registry.example.com/shop/api:1', true],
    ['registry.example.com/shop', 'registry.example.com/shopping/api:1', false],
    [' Registry.Example.com/shop/* , ghcr.io', 'ghcr.io/org/app:1', true],
    ['ghcr.io', 'docker.io/library/nginx:1', false],
  ])('annotation %j admits %s: %s', (value, image, admitted) => {
    expect(judge(registries, pod(image), 28, [], ns(value))).toEqual(agreeing(admitted));
  });
});
