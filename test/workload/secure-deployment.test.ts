import { ApiObject, App, Chart, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { image, shop, workloads, ready } from './support';
import { addWebApiDb, WebApiDbChart } from '../../examples/web-api-db';
import { audit } from '../../lib/audit/audit';
import { NamespaceMesh } from '../../lib/namespace/locked-namespace';
import { CATALOGUE_VERSION } from '../../lib/practices/catalogue';
import { sameCheck } from '../../lib/practices/checks/workload/health-probes';
import { containersOf, Manifest, podSpecOf } from '../../lib/practices/manifest';
import { HardenedAudit } from '../../lib/synth/app-audit';
import { SecureDeployment } from '../../lib/workload/secure-deployment';

function exampleSet(): Manifest[] {
  return Testing.synth(new WebApiDbChart(Testing.app(), 'example'));
}

const byKind = (set: Manifest[], kind: string, name: string) => set.find((m) => m.kind === kind && m.metadata?.name === name)!;

/** The exceptions the example records, each on the object that needs it: practice, kind/name. */
const RECORDED = [
  'HK-NAMESPACE-002 Namespace/shop-agents',
  'HK-RBAC-005 Role/restore-drill',
  'HK-WORKLOAD-011 DaemonSet/log-agent',
  'HK-WORKLOAD-021 StatefulSet/db',
];

describe('the shop example', () => {
  const set = exampleSet();
  // The shop's own pods; the log agent, the restore drill and the backup objects are judged in their own tests.
  const pods = workloads(set).filter((w) => w.metadata?.namespace === 'shop');
  const longRunning = pods.filter((w) => w.kind !== 'CronJob');
  const containers = pods.flatMap((w) => containersOf(w).map((c) => c.container));
  const excepted = (findings: Array<{ excepted: boolean; practiceId: string; object: { kind?: string; name?: string } }>) =>
    [...new Set(findings.filter((f) => f.excepted).map((f) => `${f.practiceId} ${f.object.kind}/${f.object.name}`))].sort();

  test('audits with recorded exceptions only, at v1.28 and at the newest target', () => {
    expect(audit(set).findings.filter((f) => !f.excepted)).toEqual([]);
    expect(excepted(audit(set).findings)).toEqual(RECORDED);
    // The namespaces pin PSA to v1.28 on purpose; at a newer target only those pins are reported, nothing of the workloads.
    expect(audit(set, { targetVersion: '1.35' }).findings.filter((f) => !f.excepted && f.object.kind !== 'Namespace')).toEqual([]);
  });

  test('has every kind: Deployments, a StatefulSet on a protected claim, a CronJob, a DaemonSet, an HPA, a ConfigMap', () => {
    expect(workloads(set).map((w) => `${w.kind}/${w.metadata?.name}`).sort()).toEqual(expect.arrayContaining([
      'CronJob/nightly-report', 'DaemonSet/log-agent', 'Deployment/api', 'Deployment/web', 'StatefulSet/db',
    ]));
    expect(byKind(set, 'StatefulSet', 'db').metadata!.annotations!['backup.cdk8s-hardened.io/schedule']).toBe('velero/shop-backup');
    expect(byKind(set, 'HorizontalPodAutoscaler', 'api').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' });
    expect(byKind(set, 'Deployment', 'api').spec.replicas).toBeUndefined();
    expect(podSpecOf(byKind(set, 'Deployment', 'web')).volumes.some((v: any) => v.configMap?.name?.startsWith('web-site-'))).toBe(true);
    expect(byKind(set, 'DaemonSet', 'log-agent').metadata!.namespace).toBe('shop-agents');
    for (const w of workloads(set)) expect(podSpecOf(w).priorityClassName ?? `${w.kind}/${w.metadata?.name}`).toMatch(/^shop-|^(CronJob|Job)\//);
  });

  test('synthesizes under HardenedAudit without failing', () => {
    const app = new App({ outdir: Testing.app().outdir });
    HardenedAudit.enable(app);
    new WebApiDbChart(app, 'example');
    expect(() => app.synth()).not.toThrow();
    expect(HardenedAudit.lastReport(app)!.findings.filter((f) => !f.excepted)).toEqual([]);
  });

  test('two synths are byte-identical', () => {
    expect(JSON.stringify(exampleSet())).toBe(JSON.stringify(set));
  });

  test('matches the snapshot', () => {
    expect(set).toMatchSnapshot();
  });

  test('emits web and api Deployments and the db StatefulSet with their ServiceAccount, Service, NetworkPolicy and PodDisruptionBudget', () => {
    for (const [controller, name, service] of [['Deployment', 'web', 'web'], ['Deployment', 'api', 'api'], ['StatefulSet', 'db', 'db-headless']]) {
      for (const [kind, objectName] of [[controller, name], ['ServiceAccount', name], ['Service', service], ['NetworkPolicy', name], ['PodDisruptionBudget', name]]) {
        expect([kind, objectName, byKind(set, kind, objectName)?.metadata?.namespace]).toEqual([kind, objectName, 'shop']);
      }
    }
  });

  // One explicit assertion per practice the workload objects carry.
  test('HK-IMAGE-001 every image is pinned by an sha256 digest', () => {
    for (const c of containers) expect(c.image).toMatch(/^[^@\s]+@sha256:[0-9a-f]{64}$/);
  });
  test('HK-IMAGE-003 every image comes from the allowed registry', () => {
    for (const c of containers) expect(c.image.startsWith('registry.example.com/shop/')).toBe(true);
  });
  test('HK-IMAGE-004 every container has imagePullPolicy: Always', () => {
    for (const c of containers) expect(c.imagePullPolicy).toBe('Always');
  });
  test('HK-WORKLOAD-001 every container has privileged: false', () => {
    for (const c of containers) expect(c.securityContext.privileged).toBe(false);
  });
  test('HK-WORKLOAD-002 every container has allowPrivilegeEscalation: false', () => {
    for (const c of containers) expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
  });
  test('HK-WORKLOAD-003 every container and pod has runAsNonRoot: true', () => {
    for (const c of containers) expect(c.securityContext.runAsNonRoot).toBe(true);
    for (const w of pods) expect(podSpecOf(w).securityContext.runAsNonRoot).toBe(true);
  });
  test('HK-WORKLOAD-004 every container and pod runs as UID 65532', () => {
    for (const c of containers) expect(c.securityContext.runAsUser).toBe(65532);
    for (const w of pods) expect(podSpecOf(w).securityContext.runAsUser).toBe(65532);
  });
  test('HK-WORKLOAD-005 runAsGroup and fsGroup are 65532', () => {
    for (const c of containers) expect(c.securityContext.runAsGroup).toBe(65532);
    for (const w of pods) expect([podSpecOf(w).securityContext.runAsGroup, podSpecOf(w).securityContext.fsGroup]).toEqual([65532, 65532]);
  });
  test('HK-WORKLOAD-006 every container drops ALL capabilities and adds none', () => {
    for (const c of containers) expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });
  test('HK-WORKLOAD-008 seccomp RuntimeDefault at pod and container level', () => {
    for (const c of containers) expect(c.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    for (const w of pods) expect(podSpecOf(w).securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });
  test('HK-WORKLOAD-009 read-only root filesystem; writable paths are size-limited emptyDirs', () => {
    for (const c of containers) expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    for (const w of pods) for (const v of podSpecOf(w).volumes.filter((x: any) => x.emptyDir)) expect(v.emptyDir.sizeLimit).toBe('64Mi');
    expect(podSpecOf(byKind(set, 'StatefulSet', 'db')).volumes.map((v: any) => v.name)).toEqual(['app-tmp', 'app-var-run-postgresql']);
  });
  test('HK-WORKLOAD-010 hostNetwork, hostPID and hostIPC are false', () => {
    for (const w of pods) expect([podSpecOf(w).hostNetwork, podSpecOf(w).hostPID, podSpecOf(w).hostIPC]).toEqual([false, false, false]);
  });
  test('HK-WORKLOAD-011/012 no hostPath volume and no hostPort', () => {
    for (const w of pods) for (const v of podSpecOf(w).volumes) expect(['emptyDir', 'configMap']).toContain(Object.keys(v).filter((k) => k !== 'name')[0]);
    for (const c of containers) for (const p of c.ports ?? []) expect(p.hostPort).toBeUndefined();
  });
  test('HK-WORKLOAD-019 requests and limits for cpu, memory and ephemeral storage', () => {
    for (const c of containers) {
      expect(c.resources).toEqual({
        requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
        limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '256Mi' },
      });
    }
  });
  test('HK-WORKLOAD-020 readiness and liveness probes with different handlers (kube-score pod-probes-identical), on declared ports', () => {
    for (const c of longRunning.flatMap((w) => containersOf(w).map((x) => x.container))) {
      expect(c.readinessProbe).toBeDefined();
      expect(c.livenessProbe).toBeDefined();
      expect(sameCheck(c.readinessProbe, c.livenessProbe, c.ports)).toBe(false);
    }
    expect(podSpecOf(byKind(set, 'CronJob', 'nightly-report')).containers[0].readinessProbe).toBeUndefined();
    const db = byKind(set, 'StatefulSet', 'db').spec.template.spec.containers[0];
    expect(db.readinessProbe.exec).toEqual({ command: ['pg_isready', '--host=127.0.0.1', '--port=5432'] });
    expect(db.livenessProbe.tcpSocket).toEqual({ port: 'tcp-5432' });
    expect(byKind(set, 'Deployment', 'api').spec.template.spec.containers[0].livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'tcp-8080', scheme: 'HTTP' });
  });
  test('HK-WORKLOAD-021 two replicas (api: an HPA from 2; db: one, recorded), a PDB with AlwaysAllow, anti-affinity and spread on hostname', () => {
    expect([byKind(set, 'Deployment', 'web').spec.replicas, byKind(set, 'HorizontalPodAutoscaler', 'api').spec.minReplicas, byKind(set, 'StatefulSet', 'db').spec.replicas])
      .toEqual([2, 2, 1]);
    expect(byKind(set, 'StatefulSet', 'db').metadata!.annotations!['exceptions.cdk8s-hardened.io/HK-WORKLOAD-021']).toMatch(/^single-primary PostgreSQL/);
    for (const w of longRunning) {
      expect(podSpecOf(w).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
      expect(podSpecOf(w).topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['kubernetes.io/hostname']);
      const pdb = byKind(set, 'PodDisruptionBudget', w.metadata!.name!);
      expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': w.metadata!.name } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    }
  });
  test('HK-WORKLOAD-023 hostUsers is left to the cluster unless asked', () => {
    for (const w of pods) expect(podSpecOf(w).hostUsers).toBeUndefined();
  });
  test('HK-NETWORK-003 db admits only api on 5432; api only web on 8080; mirrored egress on the callers', () => {
    const ingress = (n: string) => byKind(set, 'NetworkPolicy', n).spec.ingress;
    const egress = (n: string) => byKind(set, 'NetworkPolicy', n).spec.egress;
    expect(ingress('db')).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
    expect(ingress('api')).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nightly-report' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
    expect(egress('api')[1]).toEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db' } } }], ports: [{ protocol: 'TCP', port: 5432 }] });
    expect(egress('web')[1]).toEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } }], ports: [{ protocol: 'TCP', port: 8080 }] });
    expect(egress('db')).toHaveLength(1);
    for (const n of ['web', 'api', 'db']) expect(byKind(set, 'NetworkPolicy', n).spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });
  test('HK-NETWORK-002 DNS egress goes to kube-dns on UDP and TCP 53 only', () => {
    for (const n of ['web', 'api', 'db']) {
      expect(byKind(set, 'NetworkPolicy', n).spec.egress[0]).toEqual({
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      });
    }
  });
  test('HK-NETWORK-005 web is public and admits the ingress controller and the Gateway proxy, each on exactly 8080', () => {
    const web = byKind(set, 'Deployment', 'web');
    expect(web.spec.template.metadata.labels['cdk8s-hardened.io/public']).toBe('true');
    expect(byKind(set, 'NetworkPolicy', 'web').spec.ingress).toEqual([
      {
        from: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/name': 'ingress-nginx' } },
        }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } }, podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
  });
  test('HK-NETWORK-007 web is reached through a SecureIngress with a cert-manager certificate for its one host', () => {
    const ingress = set.find((m) => m.kind === 'Ingress')!;
    expect([ingress.metadata!.namespace, ingress.spec]).toEqual(['shop', {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'web-tls' }],
      rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } }] } }],
    }]);
    const certificates = set.filter((m) => m.kind === 'Certificate').map((c) => [c.metadata!.namespace, c.spec.secretName, c.spec.dnsNames, c.spec.issuerRef]);
    expect(certificates).toEqual([
      ['shop', 'web-tls', ['shop.example.com'], { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' }],
      ['edge', 'public-tls', ['shop.example.com'], { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' }],
    ]);
  });
  test('HK-NETWORK-011/012 the Gateway variant: HTTPS listener, redirect-only HTTP, routes from shop only, HTTPRoute across namespaces', () => {
    const gateway = set.find((m) => m.kind === 'Gateway')!;
    expect(gateway.spec.listeners.map((l: any) => [l.name, l.protocol, l.port, l.hostname, l.allowedRoutes.namespaces])).toEqual([
      ['shop', 'HTTPS', 443, 'shop.example.com', { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] }] } }],
      ['http-redirect', 'HTTP', 80, undefined, { from: 'Same' }],
    ]);
    const route = set.find((m) => m.kind === 'HTTPRoute' && m.metadata!.namespace === 'shop')!;
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'edge', sectionName: 'shop' }]);
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'web', port: 8080 }]);
  });
  test('the controllers\' own egress policies reach web on 8080 only', () => {
    const egress = set.filter((m) => m.kind === 'NetworkPolicy' && m.metadata!.name === 'shop-routes').map((p) => [p.metadata!.namespace, p.spec.policyTypes, p.spec.egress]);
    const toWeb = [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }];
    expect(egress).toEqual([['ingress-nginx', ['Egress'], toWeb], ['edge', ['Egress'], toWeb]]);
  });
  test('HK-NETWORK-006 every Service is ClusterIP without external IPs', () => {
    for (const s of set.filter((m) => m.kind === 'Service')) expect([s.spec.type, s.spec.externalIPs]).toEqual(['ClusterIP', undefined]);
  });
  test('HK-RBAC-001/002 dedicated ServiceAccounts, no token on account or pod', () => {
    for (const w of pods) {
      expect(podSpecOf(w).serviceAccountName).toBe(w.metadata!.name);
      expect(podSpecOf(w).automountServiceAccountToken).toBe(false);
      expect(byKind(set, 'ServiceAccount', w.metadata!.name!).automountServiceAccountToken).toBe(false);
    }
  });
  test('HK-NAMESPACE-001 every object of the shop is in shop; the entry objects are in the controllers\' namespaces', () => {
    const path = (m: Manifest) => m.metadata?.annotations?.['cdk8s-hardened.io/construct-path'] ?? '';
    for (const m of set.filter((x) => x.kind !== 'Namespace' && path(x).startsWith('example/shop/'))) expect(m.metadata?.namespace).toBe('shop');
    const outside = set.filter((x) => !path(x).startsWith('example/shop/')).map((m) => `${m.kind} ${m.metadata?.namespace}/${m.metadata?.name}`);
    expect(outside.filter((o) => !/ (shop-agents|velero|shop-restore-drill|undefined)\//.test(o))).toEqual([
      'NetworkPolicy ingress-nginx/shop-routes', 'NetworkPolicy edge/shop-routes', 'Certificate edge/public', 'Gateway edge/public', 'HTTPRoute edge/public-http-redirect',
    ]);
    // Cluster-scoped: the priority tiers and the namespaces of the agent and of the restore drill.
    expect(outside.filter((o) => o.includes(' undefined/')).sort()).toEqual([
      'Namespace undefined/shop-agents', 'Namespace undefined/shop-restore-drill',
      'PriorityClass undefined/shop-batch', 'PriorityClass undefined/shop-critical', 'PriorityClass undefined/shop-high',
    ]);
  });
  test('HK-AUDIT-004 provenance labels and annotations on every workload object', () => {
    for (const m of set.filter((x) => /^example\/shop\/(web|api|db)\//.test(x.metadata?.annotations?.['cdk8s-hardened.io/construct-path'] ?? ''))) {
      const workload = /^example\/shop\/(web|api|db)\//.exec(m.metadata!.annotations!['cdk8s-hardened.io/construct-path'])![1];
      expect(m.metadata!.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'cdk8s-hardened', 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/name': workload });
      expect(m.metadata!.annotations!['cdk8s-hardened.io/construct-path']).toMatch(/^example\/shop\/(web|api|db)\/[A-Za-z]+$/);
      expect(m.metadata!.annotations!['cdk8s-hardened.io/catalogue-version']).toBe(CATALOGUE_VERSION);
    }
  });
  test('no undefined or null value anywhere in the YAML', () => {
    const nulls: string[] = [];
    const walk = (v: unknown, at: string): void => {
      if (v === null || v === undefined) nulls.push(at);
      else if (typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
    };
    set.forEach((o) => walk(o, `${o.kind}/${o.metadata?.name}`));
    expect(nulls).toEqual([]);
  });
});

describe('SecureDeployment behaviour', () => {
  test('allowFrom after construction still reaches both policies (rendered lazily)', () => {
    const { chart, ns } = shop();
    const a = new SecureDeployment(ns, 'a', { image: image('a'), port: 8080, readinessProbe: ready() });
    const b = new SecureDeployment(ns, 'b', { image: image('b'), port: 9090, readinessProbe: ready() });
    const before = Testing.synth(chart);
    expect(byKind(before, 'NetworkPolicy', 'b').spec.ingress).toBeUndefined();
    b.allowFrom(a, { port: 9090 });
    const after = Testing.synth(chart);
    expect(byKind(after, 'NetworkPolicy', 'b').spec.ingress).toHaveLength(1);
    expect(byKind(after, 'NetworkPolicy', 'a').spec.egress).toHaveLength(2);
  });

  test('the Deployment is the default child named Resource', () => {
    const { ns } = shop();
    const d = new SecureDeployment(ns, 'a', { image: image(), port: 8080, readinessProbe: ready() });
    expect(d.node.defaultChild).toBe(d.resource);
    expect(d.resource.node.id).toBe('Resource');
  });

  test('a peer in another namespace is selected by namespace name and pod labels', () => {
    const app = Testing.app();
    const one = new Chart(app, 'one', { namespace: 'one' });
    const two = new Chart(app, 'two', { namespace: 'two' });
    const a = new SecureDeployment(one, 'a', { image: image(), port: 8080, readinessProbe: ready() });
    const b = new SecureDeployment(two, 'b', { image: image(), port: 8080, readinessProbe: ready() });
    b.allowFrom(a);
    expect(byKind(Testing.synth(two), 'NetworkPolicy', 'b').spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'one' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'a' } },
    }]);
  });

  test('egress to a CIDR always excepts the metadata address it contains', () => {
    const { chart, ns } = shop();
    const a = new SecureDeployment(ns, 'a', { image: image(), port: 8080, readinessProbe: ready() });
    a.allowEgressTo('169.254.0.0/16', [{ port: 443 }]);
    a.allowEgressTo('203.0.113.0/24', [{ port: 443 }]);
    const egress = byKind(Testing.synth(chart), 'NetworkPolicy', 'a').spec.egress;
    expect(egress.slice(1)).toEqual([
      { to: [{ ipBlock: { cidr: '169.254.0.0/16', except: ['169.254.169.254/32'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
      { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(audit(Testing.synth(chart)).findings.filter((f) => f.practiceId.startsWith('HK-NETWORK'))).toEqual([]);
  });

  test('mountSecret mounts read-only files with mode 0400', () => {
    const { chart, ns } = shop();
    const a = new SecureDeployment(ns, 'a', { image: image(), port: 8080, readinessProbe: ready() });
    a.mountSecret({ secretName: 'db-credentials', keys: ['password'], node: ns.node } as any, '/etc/secrets/db');
    new ApiObject(chart, 'db-credentials', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-credentials', namespace: 'shop' } });
    const spec = podSpecOf(byKind(Testing.synth(chart), 'Deployment', 'a'));
    expect(spec.volumes).toContainEqual({ name: 'secret-db-credentials', secret: { secretName: 'db-credentials', defaultMode: 256, optional: false } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'secret-db-credentials', mountPath: '/etc/secrets/db', readOnly: true });
  });

  test('serviceAccountToken gives a projected, audience-bound token of at most an hour', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'a', { image: image(), port: 8080, readinessProbe: ready(), serviceAccountToken: { audience: 'vault', reason: 'reads leases from Vault (TICKET-7)' } });
    const set = Testing.synth(chart);
    const spec = podSpecOf(byKind(set, 'Deployment', 'a'));
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.volumes).toContainEqual({ name: 'api-token', projected: { defaultMode: 256, sources: [{ serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } }] } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'api-token', mountPath: '/var/run/secrets/tokens', readOnly: true });
    expect(audit(set).findings).toEqual([]);
  });

  test('sidecars and init containers get the same hardening', () => {
    const { chart, ns } = shop();
    const a = new SecureDeployment(ns, 'a', { image: image(), port: 8080, readinessProbe: ready() });
    a.addContainer({ name: 'proxy', image: image('proxy'), port: 9000, readinessProbe: ready() });
    a.addInitContainer({ name: 'migrate', image: image('migrate'), command: ['/migrate'] });
    const set = Testing.synth(chart);
    const spec = podSpecOf(byKind(set, 'Deployment', 'a'));
    expect(spec.containers.map((c: any) => c.name)).toEqual(['app', 'proxy']);
    expect(spec.initContainers[0].securityContext).toEqual(spec.containers[0].securityContext);
    expect(spec.containers[1].securityContext).toEqual(spec.containers[0].securityContext);
    expect(spec.initContainers[0].readinessProbe).toBeUndefined();
    expect(audit(set).findings).toEqual([]);
  });

  test('exceptions become annotations on the objects they concern, and the audit honours them', () => {
    // A NodePort exception is refused by the LockedNamespace's quota: test/admission-sim/admission.test.ts.
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'a', {
      image: 'registry.example.com/shop/a:1.0',
      port: 8080,
      readinessProbe: ready(),
      replicas: 1,
      exceptions: [
        { practice: 'HK-IMAGE-001', reason: 'dev overlay follows the tag (DEV-1)' },
        { practice: 'HK-WORKLOAD-021', reason: 'singleton leader, see ADR-12' },
      ],
    });
    const set = Testing.synth(chart);
    expect(byKind(set, 'Deployment', 'a').metadata!.annotations).toMatchObject({
      'exceptions.cdk8s-hardened.io/HK-IMAGE-001': 'dev overlay follows the tag (DEV-1)',
      'exceptions.cdk8s-hardened.io/HK-WORKLOAD-021': 'singleton leader, see ADR-12',
    });
    expect(audit(set).findings.filter((f) => !f.excepted)).toEqual([]);
    expect(audit(set).findings.map((f) => f.practiceId).sort()).toEqual(['HK-IMAGE-001', 'HK-WORKLOAD-021']);
  });

  test('overridden resources, zone spread and user namespaces are written as given', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'a', {
      image: image(),
      port: 8080,
      readinessProbe: ready(),
      spreadAcrossZones: true,
      userNamespaces: true,
      resources: { cpu: { request: Cpu.units(1), limit: Cpu.units(2) }, memory: { request: Size.gibibytes(1), limit: Size.mebibytes(1536) } },
    });
    const spec = podSpecOf(byKind(Testing.synth(chart), 'Deployment', 'a'));
    expect(spec.containers[0].resources.requests).toEqual({ 'cpu': '1', 'memory': '1Gi', 'ephemeral-storage': '64Mi' });
    expect(spec.containers[0].resources.limits).toEqual({ 'cpu': '2', 'memory': '1536Mi', 'ephemeral-storage': '256Mi' });
    expect(spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    expect(spec.hostUsers).toBe(false);
  });
});

describe('mesh', () => {
  test.each([['istio', NamespaceMesh.ISTIO], ['istio-ambient', NamespaceMesh.ISTIO_AMBIENT], ['linkerd', NamespaceMesh.LINKERD]])(
    'the example in a %s namespace audits with no finding', (_name, mesh) => {
      const chart = new Chart(Testing.app(), 'mesh');
      const { namespace } = addWebApiDbIn(chart, mesh);
      expect(namespace).toBeDefined();
      expect(audit(Testing.synth(chart)).findings.filter((f) => !f.excepted)).toEqual([]);
    });

  test('Istio: STRICT PeerAuthentication and an AuthorizationPolicy mirroring the graph by principal', () => {
    const chart = new Chart(Testing.app(), 'mesh');
    addWebApiDbIn(chart, NamespaceMesh.ISTIO);
    const set = Testing.synth(chart);
    const peer = set.find((m) => m.kind === 'PeerAuthentication' && m.metadata?.name === 'db')!;
    expect(peer.spec).toEqual({ selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } }, mtls: { mode: 'STRICT' } });
    const authz = set.find((m) => m.kind === 'AuthorizationPolicy' && m.metadata?.name === 'db')!;
    expect(authz.apiVersion).toBe('security.istio.io/v1');
    expect(authz.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/api'] } }], to: [{ operation: { ports: ['5432'] } }] }],
    });
    expect(byKind(set, 'StatefulSet', 'db').spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('true');
    expect(byKind(set, 'NetworkPolicy', 'db').spec.egress[1]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }],
      ports: [{ protocol: 'TCP', port: 15012 }],
    });
  });

  test('Linkerd: Server with deny, MeshTLSAuthentication by ServiceAccount, proxy port 4143 in both policies', () => {
    const chart = new Chart(Testing.app(), 'mesh');
    addWebApiDbIn(chart, NamespaceMesh.LINKERD);
    const set = Testing.synth(chart);
    const server = set.find((m) => m.kind === 'Server' && m.metadata?.name === 'db-tcp-5432')!;
    expect([server.apiVersion, server.spec]).toEqual(['policy.linkerd.io/v1beta3',
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db' } }, port: 'tcp-5432', accessPolicy: 'deny' }]);
    expect(set.find((m) => m.kind === 'MeshTLSAuthentication' && m.metadata?.name === 'db-tcp-5432')!.spec)
      .toEqual({ identityRefs: [{ kind: 'ServiceAccount', name: 'api', namespace: 'shop' }] });
    expect(byKind(set, 'NetworkPolicy', 'db').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 5432 }, { protocol: 'TCP', port: 4143 }]);
    expect(byKind(set, 'StatefulSet', 'db').spec.template.metadata.annotations['linkerd.io/inject']).toBe('enabled');
  });
});

function addWebApiDbIn(chart: Chart, mesh: NamespaceMesh) {
  const result = addWebApiDb(chart, { mesh });
  return result;
}
