import { Manifest } from '../../../lib/practices/manifest';
import { clone, compliantSet, NS, plus, provenance, secureDeployment } from '../fixtures';
import { PracticeCases } from './types';

/** A NetworkPolicy with provenance metadata. */
function netpol(name: string, spec: any, namespace = NS): Manifest {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace, ...provenance(name, `test/${name}`) }, spec };
}

/** The compliant set with the object of `kind` called `name` changed by `mutate`. */
function withNamed(kind: string, name: string, mutate: (o: any) => void): Manifest[] {
  const set = compliantSet() as any[];
  const obj = set.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!obj) throw new Error(`compliant set has no ${kind}/${name}`);
  mutate(obj);
  return set;
}

/** The compliant set without the listed `Kind/name` objects, then with `extra` added. */
function without(refs: string[], ...extra: Manifest[]): Manifest[] {
  return [...compliantSet().filter((o) => !refs.includes(`${o.kind}/${o.metadata?.name}`)), ...clone(extra)];
}

/** The api workload's own policy, changed by `mutate`. */
const withApiPolicy = (mutate: (spec: any) => void) => withNamed('NetworkPolicy', 'api', (p) => mutate(p.spec));

/** An egress ipBlock rule added to the api policy. */
const apiEgressTo = (ipBlock: any) => withApiPolicy((s) => s.egress.push({ to: [{ ipBlock }], ports: [{ protocol: 'TCP', port: 443 }] }));

/** A second workload in another namespace that has no policies at all. */
function strayWorkload(namespace: string): Manifest {
  const d = secureDeployment('batch');
  d.metadata.namespace = namespace;
  return d;
}

/** An Ingress with provenance metadata. */
function ingress(spec: any, annotations: Record<string, string> = {}): Manifest {
  const meta = provenance('web', 'test/web/ingress');
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: NS, labels: meta.labels, annotations: { ...meta.annotations, ...annotations } }, spec };
}

const backend = { service: { name: 'api', port: { number: 8080 } } };
const httpRule = (host?: string) => ({ ...(host === undefined ? {} : { host }), http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } });


/** A Gateway API object with provenance metadata. */
function gw(kind: string, name: string, spec: any, namespace = 'edge', apiVersion = 'gateway.networking.k8s.io/v1'): Manifest {
  return { apiVersion, kind, metadata: { name, namespace, ...provenance(name, `test/${name}`) }, spec };
}

const byName = (names: string[]) => ({ namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: names }] } } });
const httpsListener = (extra: any = {}) => ({
  name: 'shop',
  hostname: 'shop.example.com',
  port: 443,
  protocol: 'HTTPS',
  tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'public-tls' }] },
  allowedRoutes: byName([NS]),
  ...extra,
});
const redirectListener = (extra: any = {}) => ({ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } }, ...extra });
const gateway = (...listeners: any[]) => gw('Gateway', 'public', { gatewayClassName: 'istio', listeners });
const redirectRoute = (rule: any = { filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }) => gw('HTTPRoute', 'public-http', {
  parentRefs: [{ name: 'public', sectionName: 'http' }], hostnames: ['shop.example.com'], rules: [rule],
});
/** An HTTPRoute in the shop namespace to `backendRef`, attached to the public Gateway's HTTPS listener. */
const shopRoute = (backendRef: any = { name: 'api', port: 8080 }, extra: any = {}) => gw('HTTPRoute', 'web', {
  parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'edge', sectionName: 'shop' }],
  hostnames: ['shop.example.com'],
  rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [backendRef] }],
  ...extra,
}, NS);
const grant = (to: any = { group: '', kind: 'Service', name: 'api' }, from: any = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'web' }) =>
  gw('ReferenceGrant', 'web-to-api', { from: [from], to: [to] }, NS);
/** An HTTPRoute in namespace `web` to the api Service of the shop namespace. */
const crossRoute = () => ({ ...shopRoute({ name: 'api', namespace: NS, port: 8080 }), metadata: { ...shopRoute().metadata, namespace: 'web' } });

/** The compliant set enrolled in Istio through its Namespace label, plus the given Istio objects. */
function istioSet(...extra: Manifest[]): Manifest[] {
  const set = withNamed('Namespace', NS, (n) => { n.metadata.labels['istio-injection'] = 'enabled'; });
  return [...set, ...clone(extra)];
}

/** An Istio object in the shop namespace. */
function istio(kind: string, name: string, spec: any, namespace = NS): Manifest {
  return { apiVersion: 'security.istio.io/v1', kind, metadata: { name, namespace, ...provenance(name, `test/${name}`) }, spec };
}

const strictNamespace = istio('PeerAuthentication', 'default', { mtls: { mode: 'STRICT' } });
const allowNothing = istio('AuthorizationPolicy', 'allow-nothing', {});
const apiAllow = istio('AuthorizationPolicy', 'api-allow-web', {
  selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
  action: 'ALLOW',
  rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8080'] } }] }],
});

/** The object with an HK-NETWORK-008 exception recorded. */
function withPlaintextException(obj: Manifest): Manifest {
  const o = clone([obj])[0] as any;
  o.metadata.annotations = { ...o.metadata.annotations, 'exceptions.cdk8s-hardened.io/HK-NETWORK-008': 'batch importer is not meshed yet (TICKET-77)' };
  return o;
}

/** The api ALLOW policy admitting plaintext callers on 8080 (notPrincipals ["*"]), with or without the exception. */
function plaintextAllow(excepted: boolean): Manifest {
  const p = { ...clone([apiAllow])[0], spec: { ...clone([apiAllow])[0].spec, rules: [{ from: [{ source: { notPrincipals: ['*'] } }], to: [{ operation: { ports: ['8080'] } }] }] } };
  return excepted ? withPlaintextException(p) : p;
}

/** The compliant set enrolled in Linkerd through its Namespace annotations. */
function linkerdSet(inboundPolicy: string | undefined, ...extra: Manifest[]): Manifest[] {
  const set = withNamed('Namespace', NS, (n) => {
    n.metadata.annotations['linkerd.io/inject'] = 'enabled';
    if (inboundPolicy) n.metadata.annotations['config.linkerd.io/default-inbound-policy'] = inboundPolicy;
  });
  return [...set, ...clone(extra)];
}

/** The api pod template's annotations, for mesh cases. */
function podAnnotate(set: Manifest[], key: string, value: string): Manifest[] {
  const d = (set as any[]).find((o) => o.kind === 'Deployment');
  d.spec.template.metadata.annotations = { ...d.spec.template.metadata.annotations, [key]: value };
  return set;
}

const linkerdServer: Manifest = {
  apiVersion: 'policy.linkerd.io/v1beta3',
  kind: 'Server',
  metadata: { name: 'api-http', namespace: NS, ...provenance('api-http', 'test/api/server') },
  spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } }, port: 'http', accessPolicy: 'deny' },
};
const linkerdAuthz: Manifest = {
  apiVersion: 'policy.linkerd.io/v1alpha1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'api-allow-web', namespace: NS, ...provenance('api-allow-web', 'test/api/authz') },
  spec: {
    targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' },
    requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'web-identity' }],
  },
};

export const NETWORK_CASES: PracticeCases = {
  'HK-NETWORK-001': {
    pass: [
      { name: 'namespace has default-deny', objects: compliantSet() },
      { name: 'Namespace object absent, policy present', objects: without([`Namespace/${NS}`]) },
      { name: 'policyTypes in the other order with empty rule lists', objects: withNamed('NetworkPolicy', 'default-deny', (p) => { p.spec = { podSelector: {}, policyTypes: ['Egress', 'Ingress'], ingress: [], egress: [] }; }) },
    ],
    fail: [
      { name: 'no default-deny policy', objects: without(['NetworkPolicy/default-deny']) },
      { name: 'default-deny isolates ingress only', objects: withNamed('NetworkPolicy', 'default-deny', (p) => { p.spec.policyTypes = ['Ingress']; }) },
      { name: 'default-deny carries an allow rule', objects: withNamed('NetworkPolicy', 'default-deny', (p) => { p.spec.ingress = [{}]; }) },
      { name: 'deny policy selects only some pods', objects: withNamed('NetworkPolicy', 'default-deny', (p) => { p.spec.podSelector = { matchLabels: { tier: 'x' } }; }) },
      { name: 'workload in a namespace absent from the set without policies', objects: plus(strayWorkload('batch')) },
    ],
  },
  'HK-NETWORK-002': {
    pass: [
      { name: 'allow-dns to kube-dns on UDP and TCP 53', objects: compliantSet() },
    ],
    fail: [
      { name: 'no DNS policy', objects: without(['NetworkPolicy/allow-dns']) },
      { name: 'UDP 53 only', objects: withNamed('NetworkPolicy', 'allow-dns', (p) => { p.spec.egress[0].ports = [{ protocol: 'UDP', port: 53 }]; }) },
      { name: 'DNS peer without namespaceSelector', objects: withNamed('NetworkPolicy', 'allow-dns', (p) => { delete p.spec.egress[0].to[0].namespaceSelector; }) },
      {
        name: 'another rule opens port 53 to the internet',
        objects: apiEgressTo({ cidr: '8.8.8.8/32' }).map((o: any) => {
          if (o.kind === 'NetworkPolicy' && o.metadata.name === 'api') o.spec.egress[1].ports = [{ protocol: 'UDP', port: 53 }];
          return o;
        }),
      },
      { name: 'DNS rule also opens 443', objects: withNamed('NetworkPolicy', 'allow-dns', (p) => { p.spec.egress[0].ports.push({ protocol: 'TCP', port: 443 }); }) },
    ],
  },
  'HK-NETWORK-003': {
    pass: [
      { name: 'per-workload policy with both directions', objects: compliantSet() },
      {
        name: 'cdk8s-plus allowFrom (Ingress-only on the target) beside a namespace default-deny',
        objects: withApiPolicy((s) => { s.policyTypes = ['Ingress']; delete s.egress; }),
      },
      {
        name: 'cross-namespace peer by metadata.name and pod labels',
        objects: withApiPolicy((s) => {
          s.ingress[0].from[0].namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': 'web' } };
        }),
      },
    ],
    fail: [
      { name: 'only namespace-wide policies select the workload', objects: without(['NetworkPolicy/api']) },
      {
        name: 'one-sided: allowTo on the caller isolates only egress, no default-deny',
        objects: without(['NetworkPolicy/default-deny']).map((o: any) => {
          if (o.kind === 'NetworkPolicy' && o.metadata.name === 'api') { o.spec.policyTypes = ['Egress']; delete o.spec.ingress; }
          return o;
        }),
      },
      {
        name: 'one-sided: allowFrom on the target isolates only ingress, no default-deny or DNS policy',
        objects: without(['NetworkPolicy/default-deny', 'NetworkPolicy/allow-dns']).map((o: any) => {
          if (o.kind === 'NetworkPolicy' && o.metadata.name === 'api') { o.spec.policyTypes = ['Ingress']; delete o.spec.egress; }
          return o;
        }),
      },
      { name: 'a policy selects no pod', objects: plus(netpol('ghost', { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ghost' } }, policyTypes: ['Ingress', 'Egress'] })) },
      { name: 'peer namespace chosen by a team label', objects: withApiPolicy((s) => { s.ingress[0].from[0].namespaceSelector = { matchLabels: { team: 'web' } }; }) },
      { name: 'peer admits a whole namespace', objects: withApiPolicy((s) => { s.ingress[0].from = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } } }]; }) },
    ],
  },
  'HK-NETWORK-004': {
    pass: [
      { name: 'peers and ports named', objects: compliantSet() },
      { name: 'egress to a private range', objects: apiEgressTo({ cidr: '10.20.0.0/16' }) },
      { name: 'ingress from a public /32 (only egress reaches out)', objects: withApiPolicy((s) => { s.ingress[0].from = [{ ipBlock: { cidr: '203.0.114.7/32' } }]; }) },
      {
        name: 'whole named namespace on a port',
        objects: withApiPolicy((s) => {
          s.ingress[0].from = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }];
        }),
      },
    ],
    fail: [
      { name: 'ingress: [{}]', objects: withApiPolicy((s) => { s.ingress = [{}]; }) },
      { name: 'rule without ports', objects: withApiPolicy((s) => { delete s.ingress[0].ports; }) },
      { name: 'peer podSelector {} alone', objects: withApiPolicy((s) => { s.ingress[0].from = [{ podSelector: {} }]; }) },
      { name: 'peer namespaceSelector {}', objects: withApiPolicy((s) => { s.ingress[0].from[0].namespaceSelector = {}; }) },
      { name: 'egress to ::/0', objects: apiEgressTo({ cidr: '::/0', except: ['fd00:ec2::254/128'] }) },
      { name: 'egress to a public /1 half', objects: apiEgressTo({ cidr: '128.0.0.0/1' }) },
      { name: 'egress to a public /32', objects: apiEgressTo({ cidr: '8.8.8.8/32' }) },
      { name: 'egress to public IPv6 space', objects: apiEgressTo({ cidr: '2600::/12' }) },
      { name: 'egress rule without peers', objects: withApiPolicy((s) => { s.egress.push({ ports: [{ protocol: 'TCP', port: 443 }] }); }) },
    ],
  },
  'HK-NETWORK-005': {
    pass: [
      { name: 'no rule admits outside traffic', objects: compliantSet() },
      {
        name: 'public workload admitted only from the ingress controller',
        objects: withNamed('Deployment', 'api', (d) => { d.spec.template.metadata.labels['cdk8s-hardened.io/public'] = 'true'; }).map((o: any) => {
          if (o.kind === 'NetworkPolicy' && o.metadata.name === 'api') {
            o.spec.ingress[0].from = [{
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
            }];
          }
          return o;
        }),
      },
      {
        name: 'public workload also admitted from a pod of its own namespace (a declared internal caller)',
        objects: withNamed('Deployment', 'api', (d) => { d.spec.template.metadata.labels['cdk8s-hardened.io/public'] = 'true'; }),
      },
      {
        name: 'the ingress controller\'s own policy admits the internet',
        objects: plus(netpol('controller', {
          podSelector: { matchLabels: { 'cdk8s-hardened.io/ingress-controller': 'true' } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
        }, 'ingress-nginx')),
      },
    ],
    fail: [
      { name: 'ipBlock ingress to a workload', objects: withApiPolicy((s) => { s.ingress[0].from = [{ ipBlock: { cidr: '203.0.113.0/24' } }]; }) },
      { name: 'ingress rule without peers', objects: withApiPolicy((s) => { delete s.ingress[0].from; }) },
      { name: 'ingress from every namespace', objects: withApiPolicy((s) => { s.ingress[0].from[0].namespaceSelector = {}; }) },
      {
        name: 'public workload admitted from a whole named namespace',
        objects: withNamed('Deployment', 'api', (d) => { d.spec.template.metadata.labels['cdk8s-hardened.io/public'] = 'true'; }).map((o: any) => {
          if (o.kind === 'NetworkPolicy' && o.metadata.name === 'api') {
            o.spec.ingress[0].from = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }];
          }
          return o;
        }),
      },
    ],
  },
  'HK-NETWORK-006': {
    pass: [
      { name: 'ClusterIP Service', objects: compliantSet() },
      { name: 'headless Service without type', objects: withNamed('Service', 'api', (s) => { delete s.spec.type; s.spec.clusterIP = 'None'; }) },
    ],
    fail: [
      { name: 'NodePort', objects: withNamed('Service', 'api', (s) => { s.spec.type = 'NodePort'; }) },
      { name: 'LoadBalancer', objects: withNamed('Service', 'api', (s) => { s.spec.type = 'LoadBalancer'; }) },
      { name: 'externalIPs', objects: withNamed('Service', 'api', (s) => { s.spec.externalIPs = ['198.51.100.7']; }) },
      { name: 'nodePort on a ClusterIP port', objects: withNamed('Service', 'api', (s) => { s.spec.ports[0].nodePort = 30080; }) },
    ],
  },
  'HK-NETWORK-007': {
    pass: [
      { name: 'host listed in tls with secretName', objects: plus(ingress({ tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }], rules: [httpRule('shop.example.com')] })) },
      {
        name: 'cert-manager issues the secret',
        objects: plus(ingress({ tls: [{ hosts: ['shop.example.com'] }], rules: [httpRule('shop.example.com')] }, { 'cert-manager.io/cluster-issuer': 'letsencrypt' })),
      },
      { name: 'Gateway HTTPS listener with an explicit hostname, route with explicit hostnames', objects: plus(gateway(httpsListener()), shopRoute()) },
    ],
    fail: [
      { name: 'host without TLS', objects: plus(ingress({ rules: [httpRule('shop.example.com')] })) },
      { name: 'wildcard host', objects: plus(ingress({ tls: [{ hosts: ['*.example.com'], secretName: 'wild' }], rules: [httpRule('*.example.com')] })) },
      { name: 'rule without host', objects: plus(ingress({ tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }], rules: [httpRule()] })) },
      { name: 'defaultBackend answers any host', objects: plus(ingress({ defaultBackend: backend })) },
      { name: 'tls entry without secretName or issuer', objects: plus(ingress({ tls: [{ hosts: ['shop.example.com'] }], rules: [httpRule('shop.example.com')] })) },
      { name: 'Gateway HTTPS listener without hostname', objects: plus(gateway(httpsListener({ hostname: undefined }))) },
      { name: 'Gateway HTTPS listener with a wildcard hostname', objects: plus(gateway(httpsListener({ hostname: '*.example.com' }))) },
      { name: 'HTTPRoute with a wildcard hostname', objects: plus(gateway(httpsListener()), shopRoute(undefined, { hostnames: ['*.example.com'] })) },
    ],
  },
  'HK-NETWORK-008': {
    pass: [
      { name: 'no mesh in the set', objects: compliantSet() },
      { name: 'Istio namespace with STRICT PeerAuthentication', objects: istioSet(strictNamespace) },
      { name: 'mesh-wide STRICT in istio-system', objects: istioSet(istio('PeerAuthentication', 'default', { mtls: { mode: 'STRICT' } }, 'istio-system')) },
      { name: 'Linkerd namespace with all-authenticated', objects: linkerdSet('all-authenticated') },
    ],
    fail: [
      { name: 'Istio namespace without PeerAuthentication', objects: istioSet() },
      { name: 'PERMISSIVE namespace policy', objects: istioSet(istio('PeerAuthentication', 'default', { mtls: { mode: 'PERMISSIVE' } })) },
      {
        name: 'workload policy DISABLE overrides namespace STRICT',
        objects: istioSet(strictNamespace, istio('PeerAuthentication', 'api', { selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } }, mtls: { mode: 'DISABLE' } })),
      },
      {
        name: 'port-level PERMISSIVE',
        objects: istioSet(strictNamespace, istio('PeerAuthentication', 'api', {
          selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } },
        })),
      },
      {
        name: 'pod disables injection with the label',
        objects: istioSet(strictNamespace).map((o: any) => {
          if (o.kind === 'Deployment') o.spec.template.metadata.labels['sidecar.istio.io/inject'] = 'false';
          return o;
        }),
      },
      { name: 'pod disables injection with the deprecated annotation', objects: podAnnotate(istioSet(strictNamespace), 'sidecar.istio.io/inject', 'false') },
      {
        name: 'pod opts in without any PeerAuthentication',
        objects: withNamed('Deployment', 'api', (d) => { d.spec.template.metadata.labels['sidecar.istio.io/inject'] = 'true'; }),
      },
      { name: 'Linkerd namespace without inbound policy', objects: linkerdSet(undefined) },
      { name: 'Linkerd pod disables injection', objects: podAnnotate(linkerdSet('all-authenticated'), 'linkerd.io/inject', 'disabled') },
      { name: 'Linkerd pod skips inbound ports', objects: podAnnotate(linkerdSet('all-authenticated'), 'config.linkerd.io/skip-inbound-ports', '8080') },
    ],
  },
  'HK-NETWORK-009': {
    pass: [
      { name: 'no mesh in the set', objects: compliantSet() },
      { name: 'Istio allow-nothing plus per-workload ALLOW', objects: istioSet(strictNamespace, allowNothing, apiAllow) },
      { name: 'Linkerd Server with authorization', objects: linkerdSet('all-authenticated', linkerdServer, linkerdAuthz) },
      // Nothing may call the workload: the allow-nothing policy (Istio) or the deny Server (Linkerd) is its whole authorization.
      { name: 'Istio workload nothing may call: allow-nothing alone', objects: istioSet(strictNamespace, allowNothing) },
      { name: 'Linkerd deny Server nothing may call: no AuthorizationPolicy', objects: linkerdSet('all-authenticated', linkerdServer) },
      { name: 'plaintext callers admitted on a port whose policy records HK-NETWORK-008', objects: istioSet(strictNamespace, allowNothing, plaintextAllow(true)) },
      {
        name: 'Linkerd Server open to unauthenticated callers with a recorded HK-NETWORK-008 exception',
        objects: linkerdSet('all-authenticated', withPlaintextException({ ...clone(linkerdServer), spec: { ...clone(linkerdServer.spec), accessPolicy: 'all-unauthenticated' } })),
      },
    ],
    fail: [
      { name: 'plaintext callers admitted without a recorded HK-NETWORK-008 exception', objects: istioSet(strictNamespace, allowNothing, plaintextAllow(false)) },
      {
        name: 'Linkerd Server open to unauthenticated callers without an exception',
        objects: linkerdSet('all-authenticated', { ...clone(linkerdServer), spec: { ...clone(linkerdServer.spec), accessPolicy: 'all-unauthenticated' } }, linkerdAuthz),
      },
      { name: 'no namespace allow-nothing policy', objects: istioSet(strictNamespace, apiAllow) },
      {
        name: 'ALLOW rule without principals',
        objects: istioSet(strictNamespace, allowNothing, { ...clone(apiAllow), spec: { ...clone(apiAllow.spec), rules: [{ from: [{ source: { namespaces: ['shop'] } }], to: [{ operation: { ports: ['8080'] } }] }] } }),
      },
      {
        name: 'ALLOW rule without ports',
        objects: istioSet(strictNamespace, allowNothing, { ...clone(apiAllow), spec: { ...clone(apiAllow.spec), rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }] }] } }),
      },
      { name: 'Linkerd workload without Server', objects: linkerdSet('all-authenticated') },
      {
        name: 'Linkerd AuthorizationPolicy targeting the Server without a MeshTLSAuthentication',
        objects: linkerdSet('all-authenticated', linkerdServer, {
          ...clone(linkerdAuthz),
          spec: { ...clone(linkerdAuthz.spec), requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: 'cluster-network' }] },
        }),
      },
      {
        name: 'namespace-wide ALLOW rule without principals',
        objects: istioSet(strictNamespace, allowNothing, apiAllow, {
          ...clone(apiAllow),
          metadata: { ...clone(apiAllow.metadata), name: 'everyone' },
          spec: { rules: [{ from: [{ source: { namespaces: ['shop'] } }], to: [{ operation: { ports: ['8080'] } }] }] },
        }),
      },
    ],
  },
  'HK-NETWORK-010': {
    pass: [
      { name: 'no ipBlock', objects: compliantSet() },
      { name: '0.0.0.0/0 excepting 169.254.169.254/32', objects: apiEgressTo({ cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] }) },
      { name: 'a block that does not cover it', objects: apiEgressTo({ cidr: '10.0.0.0/8' }) },
      { name: 'a wider except covers it', objects: apiEgressTo({ cidr: '169.254.0.0/16', except: ['169.254.0.0/17', '169.254.128.0/17'] }) },
      { name: 'IPv6 ::/0 excepting fd00:ec2::254/128', objects: apiEgressTo({ cidr: '::/0', except: ['fd00:ec2::254/128'] }) },
      { name: 'IPv6 block outside fd00::/8', objects: apiEgressTo({ cidr: '2001:db8::/32' }) },
    ],
    fail: [
      { name: '0.0.0.0/0 without except', objects: apiEgressTo({ cidr: '0.0.0.0/0' }) },
      { name: '128.0.0.0/1 covers 169.254.169.254', objects: apiEgressTo({ cidr: '128.0.0.0/1' }) },
      { name: 'except next to, not on, the endpoint', objects: apiEgressTo({ cidr: '169.254.0.0/16', except: ['169.254.169.253/32'] }) },
      { name: 'the endpoint itself', objects: apiEgressTo({ cidr: '169.254.169.254/32' }) },
      { name: 'fd00::/8 without except', objects: apiEgressTo({ cidr: 'fd00::/8' }) },
      { name: 'fully written IPv6 block without except', objects: apiEgressTo({ cidr: 'fd00:0ec2:0000:0000:0000:0000:0000:0200/120' }) },
      { name: 'IPv4 except does not cover the IPv6 endpoint', objects: apiEgressTo({ cidr: '::/0', except: ['169.254.169.254/32'] }) },
      { name: 'unparseable cidr', objects: apiEgressTo({ cidr: '169.254.169.254/33' }) },
    ],
  },
  'HK-NETWORK-011': {
    pass: [
      { name: 'HTTPS listener only', objects: plus(gateway(httpsListener())) },
      { name: 'HTTP listener whose only route redirects to https', objects: plus(gateway(httpsListener(), redirectListener()), redirectRoute()) },
      { name: 'TLS passthrough listener', objects: plus(gateway(httpsListener({ protocol: 'TLS', tls: { mode: 'Passthrough' } }))) },
    ],
    fail: [
      { name: 'HTTP listener without any route attached', objects: plus(gateway(httpsListener(), redirectListener())) },
      {
        name: 'HTTP listener serving a backend',
        objects: plus(gateway(httpsListener(), redirectListener()), redirectRoute({ backendRefs: [{ name: 'api', port: 8080 }] })),
      },
      {
        name: 'HTTP listener redirecting to http',
        objects: plus(gateway(httpsListener(), redirectListener()), redirectRoute({ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'http' } }] })),
      },
      { name: 'HTTP listener open to routes of every namespace', objects: plus(gateway(redirectListener({ allowedRoutes: { namespaces: { from: 'All' } } })), redirectRoute()) },
      {
        name: 'a same-namespace route attached without sectionName also lands on the HTTP listener',
        objects: plus(gateway(httpsListener(), redirectListener()), redirectRoute(),
          { ...shopRoute(undefined, { parentRefs: [{ name: 'public' }] }), metadata: { ...shopRoute().metadata, namespace: 'edge' } }),
      },
      { name: 'plain TCP listener', objects: plus(gateway({ name: 'db', port: 5432, protocol: 'TCP', allowedRoutes: byName([NS]) })) },
    ],
  },
  'HK-NETWORK-012': {
    pass: [
      { name: 'routes from namespaces named by kubernetes.io/metadata.name', objects: plus(gateway(httpsListener())) },
      { name: 'routes from the Gateway\'s own namespace (default)', objects: plus(gateway(httpsListener({ allowedRoutes: undefined }))) },
      {
        name: 'routes from a namespace named by matchLabels',
        objects: plus(gateway(httpsListener({ allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': NS } } } } }))),
      },
    ],
    fail: [
      { name: 'routes from All namespaces', objects: plus(gateway(httpsListener({ allowedRoutes: { namespaces: { from: 'All' } } }))) },
      { name: 'Selector without selector', objects: plus(gateway(httpsListener({ allowedRoutes: { namespaces: { from: 'Selector' } } }))) },
      { name: 'Selector {}', objects: plus(gateway(httpsListener({ allowedRoutes: { namespaces: { from: 'Selector', selector: {} } } }))) },
      {
        name: 'Selector by a team label',
        objects: plus(gateway(httpsListener({ allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' } } } } }))),
      },
      {
        name: 'Selector by NotIn',
        objects: plus(gateway(httpsListener({
          allowedRoutes: { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] } } },
        }))),
      },
      { name: 'v1beta1 Gateway from All', objects: plus({ ...gateway(httpsListener({ allowedRoutes: { namespaces: { from: 'All' } } })), apiVersion: 'gateway.networking.k8s.io/v1beta1' }) },
    ],
  },
  'HK-NETWORK-013': {
    pass: [
      { name: 'Ingress to the ClusterIP Service of the set', objects: plus(ingress({ tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }], rules: [httpRule('shop.example.com')] })) },
      { name: 'HTTPRoute to the ClusterIP Service of the set', objects: plus(gateway(httpsListener()), shopRoute()) },
      { name: 'Service without type (ClusterIP by default)', objects: withNamed('Service', 'api', (svc) => { delete svc.spec.type; }).concat(clone([shopRoute()])) },
    ],
    fail: [
      { name: 'HTTPRoute to a Service missing from the set', objects: plus(shopRoute({ name: 'ghost', port: 8080 })) },
      { name: 'HTTPRoute to a NodePort Service', objects: withNamed('Service', 'api', (svc) => { svc.spec.type = 'NodePort'; }).concat(clone([shopRoute()])) },
      {
        name: 'Ingress to an ExternalName Service',
        objects: withNamed('Service', 'api', (svc) => { svc.spec = { type: 'ExternalName', externalName: 'metadata.internal' }; })
          .concat(clone([ingress({ tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }], rules: [httpRule('shop.example.com')] })])),
      },
      { name: 'HTTPRoute to a non-Service backend', objects: plus(shopRoute({ group: 'example.io', kind: 'Bucket', name: 'assets' })) },
      {
        name: 'Ingress resource backend',
        objects: plus(ingress({
          tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
          rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { resource: { apiGroup: 'example.io', kind: 'Bucket', name: 'assets' } } }] } }],
        })),
      },
    ],
  },
  'HK-NETWORK-014': {
    pass: [
      { name: 'route in the backend\'s namespace', objects: plus(gateway(httpsListener()), shopRoute()) },
      { name: 'cross-namespace route with a ReferenceGrant naming the Service', objects: plus(crossRoute(), grant()) },
      { name: 'cross-namespace route with a v1beta1 ReferenceGrant', objects: plus(crossRoute(), { ...grant(), apiVersion: 'gateway.networking.k8s.io/v1beta1' }) },
    ],
    fail: [
      { name: 'cross-namespace route without a ReferenceGrant', objects: plus(crossRoute()) },
      { name: 'ReferenceGrant from another namespace', objects: plus(crossRoute(), grant(undefined, { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'other' })) },
      { name: 'ReferenceGrant for GRPCRoutes only', objects: plus(crossRoute(), grant(undefined, { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', namespace: 'web' })) },
      { name: 'ReferenceGrant naming another Service', objects: plus(crossRoute(), grant({ group: '', kind: 'Service', name: 'db' })) },
      { name: 'ReferenceGrant that names no Service', objects: plus(crossRoute(), grant({ group: '', kind: 'Service' })) },
      {
        name: 'Gateway certificate in another namespace without a grant',
        objects: plus(gateway(httpsListener({ tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'public-tls', namespace: 'certs' }] } }))),
      },
    ],
  },
};

