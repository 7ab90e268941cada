/**
 * Mesh edges decided at synth (lib/mesh/mesh-edge.ts): one test per boundary case, each asserting the exact refusal or
 * the exact policy the mesh will honour.
 */
import { Chart, Testing } from 'cdk8s';
import { audit } from '../../lib/audit/audit';
import { IngressController } from '../../lib/ingress/ingress-controller';
import { IngressPathType, SecureIngress } from '../../lib/ingress/secure-ingress';
import { CertIssuer, TlsSource } from '../../lib/ingress/tls';
import { LockedNamespace, NamespaceMesh } from '../../lib/namespace/locked-namespace';
import { Manifest } from '../../lib/practices/manifest';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { image, ready, refusal } from '../workload/support';

const EXCEPTION = { practice: 'HK-NETWORK-008', reason: 'batch importer is not meshed yet (TICKET-77)' };

/** Two namespaces, 'shop' (the target's mesh) and 'jobs' (the caller's mesh), each locked. */
function twoNamespaces(target: NamespaceMesh, caller: NamespaceMesh) {
  const chart = new Chart(Testing.app(), 'test');
  const shop = new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'], mesh: target });
  const jobs = new LockedNamespace(chart, 'jobs', { owner: 'shop-team', allowedRegistries: ['registry.example.com'], mesh: caller });
  return { chart, shop, jobs };
}

const find = (set: Manifest[], kind: string, name: string, namespace = 'shop') =>
  set.find((m) => m.kind === kind && m.metadata?.name === name && m.metadata?.namespace === namespace)!;

describe('a caller outside the mesh', () => {
  test('refuses a plain caller of an Istio STRICT workload, with the way out', () => {
    const { shop, jobs } = twoNamespaces(NamespaceMesh.ISTIO, NamespaceMesh.NONE);
    const api = new SecureDeployment(shop, 'api', { image: image(), readinessProbe: ready(), port: 8080 });
    const importer = new SecureDeployment(jobs, 'importer', { image: image('importer'), readinessProbe: ready(), port: 9090 });
    expect(refusal(() => api.allowFrom(importer))).toBe(
      "[test/shop/api] SecureDeployment prop 'allowFrom(peer)' is workload 'importer' in namespace 'jobs', which is not in any mesh, but this workload "
      + "is in Istio (sidecar) with STRICT mTLS, so its proxy drops the caller's plaintext on TCP 8080.\n"
      + 'Practice HK-NETWORK-008 (Mesh mTLS STRICT, injection enforced) refuses it.\n'
      + "Fix: enrol the caller in the workload's mesh (mesh: NamespaceMesh.ISTIO or NamespaceMesh.ISTIO_AMBIENT on it or on its LockedNamespace), "
      + "or accept its plaintext on the port (the port becomes PERMISSIVE, and only the NetworkPolicy guards it) with exceptions: [{ practice: 'HK-NETWORK-008', reason: '…' }].");
  });

  test('refuses plain pods of another namespace calling an Istio ambient workload', () => {
    const { shop } = twoNamespaces(NamespaceMesh.ISTIO_AMBIENT, NamespaceMesh.NONE);
    const api = new SecureDeployment(shop, 'api', { image: image(), readinessProbe: ready(), port: 8080 });
    expect(refusal(() => api.allowFromNamespace('monitoring', { podLabels: { app: 'prober' }, mesh: NamespaceMesh.NONE }))).toBe(
      "[test/shop/api] SecureDeployment prop 'allowFromNamespace(namespace)' is pods {\"app\":\"prober\"} in namespace 'monitoring', which is not in any mesh, "
      + "but this workload is in Istio (ambient) with STRICT mTLS, so its proxy drops the caller's plaintext on TCP 8080.\n"
      + 'Practice HK-NETWORK-008 (Mesh mTLS STRICT, injection enforced) refuses it.\n'
      + "Fix: enrol the caller in the workload's mesh (mesh: NamespaceMesh.ISTIO or NamespaceMesh.ISTIO_AMBIENT on it or on its LockedNamespace), "
      + "or accept its plaintext on the port (the port becomes PERMISSIVE, and only the NetworkPolicy guards it) with exceptions: [{ practice: 'HK-NETWORK-008', reason: '…' }].");
  });

  test('with a recorded HK-NETWORK-008 exception the port turns PERMISSIVE and the mesh rule names only the port', () => {
    const { chart, shop, jobs } = twoNamespaces(NamespaceMesh.ISTIO, NamespaceMesh.NONE);
    const api = new SecureDeployment(shop, 'api', { image: image(), readinessProbe: ready(), port: 8080, exceptions: [EXCEPTION] });
    const importer = new SecureDeployment(jobs, 'importer', { image: image('importer'), readinessProbe: ready(), port: 9090 });
    api.allowFrom(importer);
    const set = Testing.synth(chart);
    expect(find(set, 'PeerAuthentication', 'api').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 8080: { mode: 'PERMISSIVE' } },
    });
    expect(find(set, 'AuthorizationPolicy', 'api').spec.rules).toEqual([{
      from: [{ source: { notPrincipals: ['*'] } }], to: [{ operation: { ports: ['8080'] } }],
    }]);
    expect(find(set, 'NetworkPolicy', 'api').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'jobs' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'importer' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }]);
    // The PERMISSIVE port is reported and excepted by the recorded reason, nothing else.
    const findings = audit(set).findings;
    expect(findings.map((f) => [f.practiceId, f.object.name, f.excepted, f.message])).toEqual([
      ['HK-NETWORK-008', 'api', true, 'PeerAuthentication/shop/api sets port 8080 to PERMISSIVE'],
    ]);
  });

  test('refuses a plain caller of a Linkerd workload; the exception opens the port\'s Server to unauthenticated callers', () => {
    const { chart, shop, jobs } = twoNamespaces(NamespaceMesh.LINKERD, NamespaceMesh.NONE);
    const api = new SecureDeployment(shop, 'api', { image: image(), readinessProbe: ready(), port: 8080 });
    const importer = new SecureDeployment(jobs, 'importer', { image: image('importer'), readinessProbe: ready(), port: 9090 });
    expect(refusal(() => api.allowFrom(importer))).toBe(
      "[test/shop/api] SecureDeployment prop 'allowFrom(peer)' is workload 'importer' in namespace 'jobs', which is not in any mesh, but this workload "
      + "is in Linkerd with all-authenticated inbound policy, so its proxy refuses the caller's unauthenticated connections on TCP 8080.\n"
      + 'Practice HK-NETWORK-008 (Mesh mTLS STRICT, injection enforced) refuses it.\n'
      + "Fix: enrol the caller in the workload's mesh (mesh: NamespaceMesh.LINKERD on it or on its LockedNamespace), or accept its plaintext on the port "
      + "(the port's Server admits unauthenticated connections, and only the NetworkPolicy guards it) with exceptions: [{ practice: 'HK-NETWORK-008', reason: '…' }].");
    const excepted = new SecureDeployment(shop, 'cart', { image: image('cart'), readinessProbe: ready(), port: 8080, exceptions: [EXCEPTION] });
    excepted.allowFrom(importer);
    const set = Testing.synth(chart);
    expect(find(set, 'Server', 'cart-tcp-8080').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cart' } }, port: 'tcp-8080', accessPolicy: 'all-unauthenticated',
    });
    expect(set.filter((m) => m.kind === 'MeshTLSAuthentication' && m.metadata?.name?.startsWith('cart'))).toEqual([]);
    expect(audit(set).findings.filter((f) => f.object.name === 'cart').map((f) => [f.practiceId, f.excepted])).toEqual([]);
  });
});

describe('Istio and Linkerd identities are never mixed', () => {
  test('refuses an Istio caller of a Linkerd workload', () => {
    const { shop, jobs } = twoNamespaces(NamespaceMesh.LINKERD, NamespaceMesh.ISTIO);
    const api = new SecureDeployment(shop, 'api', { image: image(), readinessProbe: ready(), port: 8080 });
    const importer = new SecureDeployment(jobs, 'importer', { image: image('importer'), readinessProbe: ready(), port: 9090 });
    expect(refusal(() => api.allowFrom(importer))).toBe(
      "[test/shop/api] SecureDeployment prop 'allowFrom(peer)' is workload 'importer' in namespace 'jobs', which is in Istio (sidecar), whose identities "
      + 'Linkerd never accepts (the meshes are never mixed in one policy), but this workload is in Linkerd with all-authenticated inbound policy, '
      + "so its proxy refuses the caller's unauthenticated connections on TCP 8080.\n"
      + 'Practice HK-NETWORK-008 (Mesh mTLS STRICT, injection enforced) refuses it.\n'
      + "Fix: enrol the caller in the workload's mesh (mesh: NamespaceMesh.LINKERD on it or on its LockedNamespace), or accept its plaintext on the port "
      + "(the port's Server admits unauthenticated connections, and only the NetworkPolicy guards it) with exceptions: [{ practice: 'HK-NETWORK-008', reason: '…' }].");
  });

  test('refuses a Linkerd caller of an Istio workload', () => {
    const { shop, jobs } = twoNamespaces(NamespaceMesh.ISTIO, NamespaceMesh.LINKERD);
    const api = new SecureDeployment(shop, 'api', { image: image(), readinessProbe: ready(), port: 8080 });
    const importer = new SecureDeployment(jobs, 'importer', { image: image('importer'), readinessProbe: ready(), port: 9090 });
    expect(refusal(() => api.allowFrom(importer))).toBe(
      "[test/shop/api] SecureDeployment prop 'allowFrom(peer)' is workload 'importer' in namespace 'jobs', which is in Linkerd, whose identities "
      + 'Istio (sidecar) never accepts (the meshes are never mixed in one policy), but this workload is in Istio (sidecar) with STRICT mTLS, '
      + "so its proxy drops the caller's plaintext on TCP 8080.\n"
      + 'Practice HK-NETWORK-008 (Mesh mTLS STRICT, injection enforced) refuses it.\n'
      + "Fix: enrol the caller in the workload's mesh (mesh: NamespaceMesh.ISTIO or NamespaceMesh.ISTIO_AMBIENT on it or on its LockedNamespace), "
      + "or accept its plaintext on the port (the port becomes PERMISSIVE, and only the NetworkPolicy guards it) with exceptions: [{ practice: 'HK-NETWORK-008', reason: '…' }].");
  });

  test('an ambient caller of a sidecar workload is one mesh: principal rule, and the HBONE port on its NetworkPolicy rule', () => {
    const { chart, shop, jobs } = twoNamespaces(NamespaceMesh.ISTIO, NamespaceMesh.ISTIO_AMBIENT);
    const api = new SecureDeployment(shop, 'api', { image: image(), readinessProbe: ready(), port: 8080 });
    api.allowFrom(new SecureDeployment(jobs, 'importer', { image: image('importer'), readinessProbe: ready(), port: 9090 }));
    const set = Testing.synth(chart);
    expect(find(set, 'AuthorizationPolicy', 'api').spec.rules).toEqual([{
      from: [{ source: { principals: ['cluster.local/ns/jobs/sa/importer'] } }], to: [{ operation: { ports: ['8080'] } }],
    }]);
    expect(find(set, 'NetworkPolicy', 'api').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 15008 }]);
  });
});

describe('UDP ports get no mesh rule', () => {
  test('an Istio workload admits a meshed caller by principal on its TCP port only; the NetworkPolicy alone guards UDP', () => {
    const { chart, shop } = twoNamespaces(NamespaceMesh.ISTIO, NamespaceMesh.ISTIO);
    const dns = new SecureDeployment(shop, 'dns', { image: image('dns'), readinessProbe: ready(), ports: [{ port: 5353, protocol: 'UDP' }, { port: 8053, name: 'http' }] });
    const web = new SecureDeployment(shop, 'web', { image: image('web'), readinessProbe: ready(), port: 8080 });
    dns.allowFrom(web);
    const set = Testing.synth(chart);
    expect(find(set, 'AuthorizationPolicy', 'dns').spec.rules).toEqual([{
      from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8053'] } }],
    }]);
    expect(find(set, 'NetworkPolicy', 'dns').spec.ingress[0].ports).toEqual([{ protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 8053 }]);
  });

  test('a plain caller of a UDP-only port of an Istio workload is not refused: the mesh never sees UDP', () => {
    const { chart, shop } = twoNamespaces(NamespaceMesh.ISTIO, NamespaceMesh.NONE);
    const dns = new SecureDeployment(shop, 'dns', { image: image('dns'), readinessProbe: ready(), ports: [{ port: 5353, protocol: 'UDP' }, { port: 8053, name: 'http' }] });
    dns.allowFromNamespace('monitoring', { podLabels: { app: 'prober' }, mesh: NamespaceMesh.NONE, port: 5353 });
    const set = Testing.synth(chart);
    expect(find(set, 'AuthorizationPolicy', 'dns').spec.rules).toEqual([]);
    expect(find(set, 'NetworkPolicy', 'dns').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'prober' } } }],
      ports: [{ protocol: 'UDP', port: 5353 }],
    }]);
  });
});

describe('a meshed workload behind the ingress controller admits that proxy\'s identity', () => {
  function ingressTo(mesh: NamespaceMesh, controllerMesh: NamespaceMesh) {
    const chart = new Chart(Testing.app(), 'test');
    const shop = new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'], mesh });
    const web = new SecureDeployment(shop, 'web', { image: image('web'), readinessProbe: ready(), port: 8080 });
    const nginx = IngressController.ingressNginx(chart, 'nginx', { mesh: controllerMesh });
    const make = () => new SecureIngress(shop, 'web-ingress', {
      name: 'web',
      controller: nginx,
      tls: TlsSource.certManager(CertIssuer.clusterIssuer('letsencrypt')),
      rules: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: IngressPathType.PREFIX, backend: web }] }],
    });
    return { chart, make };
  }

  test('Istio: the controller\'s principal on the routed port', () => {
    const { chart, make } = ingressTo(NamespaceMesh.ISTIO, NamespaceMesh.ISTIO);
    make();
    expect(find(Testing.synth(chart), 'AuthorizationPolicy', 'web').spec.rules).toEqual([{
      from: [{ source: { principals: ['cluster.local/ns/ingress-nginx/sa/ingress-nginx'] } }], to: [{ operation: { ports: ['8080'] } }],
    }]);
  });

  test('Linkerd: the controller\'s ServiceAccount in the port\'s MeshTLSAuthentication, and 4143 on both ends', () => {
    const { chart, make } = ingressTo(NamespaceMesh.LINKERD, NamespaceMesh.LINKERD);
    make();
    const set = Testing.synth(chart);
    expect(find(set, 'MeshTLSAuthentication', 'web-tcp-8080').spec).toEqual({ identityRefs: [{ kind: 'ServiceAccount', name: 'ingress-nginx', namespace: 'ingress-nginx' }] });
    expect(find(set, 'NetworkPolicy', 'web').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 4143 }]);
    expect(find(set, 'NetworkPolicy', 'test-routes', 'ingress-nginx').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 4143 }]);
  });

  test('refuses an unmeshed controller in front of an Istio STRICT workload', () => {
    const { make } = ingressTo(NamespaceMesh.ISTIO, NamespaceMesh.NONE);
    expect(refusal(make)).toBe(
      "[test/shop/web] SecureDeployment prop 'allowFromIngressController()' is the ingress controller's pods "
      + '{"app.kubernetes.io/name":"ingress-nginx","app.kubernetes.io/component":"controller"} in namespace \'ingress-nginx\', which is not in any mesh, '
      + "but this workload is in Istio (sidecar) with STRICT mTLS, so its proxy drops the caller's plaintext on TCP 8080.\n"
      + 'Practice HK-NETWORK-008 (Mesh mTLS STRICT, injection enforced) refuses it.\n'
      + "Fix: enrol the caller in the workload's mesh (mesh: NamespaceMesh.ISTIO or NamespaceMesh.ISTIO_AMBIENT on it or on its LockedNamespace), "
      + "or accept its plaintext on the port (the port becomes PERMISSIVE, and only the NetworkPolicy guards it) with exceptions: [{ practice: 'HK-NETWORK-008', reason: '…' }].");
  });
});

describe('a meshed workload nothing calls', () => {
  test.each([NamespaceMesh.ISTIO, NamespaceMesh.ISTIO_AMBIENT, NamespaceMesh.LINKERD].map((m) => [m.kind, m] as const))('%s: denied everything, and the audit agrees (HK-NETWORK-009)', (_kind, mesh) => {
    const chart = new Chart(Testing.app(), 'test');
    const ns = new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'], mesh });
    new SecureDeployment(ns, 'lonely', { image: image(), port: 8080, readinessProbe: ready() });
    const objects = Testing.synth(chart);
    // No ALLOW policy (Istio) or AuthorizationPolicy (Linkerd) names it: the namespace's allow-nothing, or its deny Server, is all it gets.
    expect(objects.filter((o) => o.kind === 'AuthorizationPolicy' && JSON.stringify(o.spec).includes('lonely'))).toEqual([]);
    expect(audit(objects).findings.filter((f) => !f.excepted)).toEqual([]);
  });
});
