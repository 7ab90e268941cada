import { ApiObject, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { audit } from '../../lib/audit/audit';
import { LockedNamespace, NamespaceMesh } from '../../lib/namespace/locked-namespace';
import { KubernetesTarget } from '../../lib/target/kubernetes-target';
import { secureDeployment, workloadCompanions } from '../practices/fixtures';

function synth(configure: (chart: Chart) => void): any[] {
  const chart = Testing.chart();
  configure(chart);
  return Testing.synth(chart);
}

function locked(props: Partial<ConstructorParameters<typeof LockedNamespace>[2]> = {}): any[] {
  return synth((chart) => new LockedNamespace(chart, 'payments', { owner: 'payments-team', ...props }));
}

function refusal(configure: (chart: Chart) => void): string {
  try {
    configure(Testing.chart());
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

const byKind = (objects: any[], kind: string, name?: string) =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe('LockedNamespace', () => {
  const objects = locked({ allowedRegistries: ['registry.example.com/payments'] });
  const ns = byKind(objects, 'Namespace')[0];

  test('pins PSA enforce, audit and warn to restricted at v1.28', () => {
    for (const mode of ['enforce', 'audit', 'warn']) {
      expect(ns.metadata.labels[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
      expect(ns.metadata.labels[`pod-security.kubernetes.io/${mode}-version`]).toBe('v1.28');
    }
  });

  test('pins PSA to the app\'s target version', () => {
    const other = byKind(synth((chart) => {
      KubernetesTarget.set(chart, '1.30');
      new LockedNamespace(chart, 'payments', { owner: 'payments-team' });
    }), 'Namespace')[0];
    expect(other.metadata.labels['pod-security.kubernetes.io/enforce-version']).toBe('v1.30');
  });

  test('refuses a podSecurityVersion that differs from the app\'s target', () => {
    expect(refusal((c) => new LockedNamespace(c, 'payments', { owner: 't', podSecurityVersion: 'v1.30' }))).toBe(
      '[test/payments] LockedNamespace prop \'podSecurityVersion\' is \'v1.30\', but the app targets Kubernetes 1.28 (KubernetesTarget).\n'
      + 'Practice HK-CLUSTER-006 refuses it.\n'
      + 'Fix: drop \'podSecurityVersion\' and set the version once for the whole app: KubernetesTarget.set(app, \'1.30\') before creating constructs.');
  });

  test('carries owner, part-of and the locked label', () => {
    expect(ns.metadata.labels.owner).toBe('payments-team');
    expect(ns.metadata.labels['app.kubernetes.io/part-of']).toBe('payments');
    expect(ns.metadata.labels['cdk8s-hardened.io/locked']).toBe('true');
  });

  test('records the registry allow-list as an annotation', () => {
    expect(ns.metadata.annotations['cdk8s-hardened.io/allowed-registries']).toBe('registry.example.com/payments');
  });

  test('emits a default-deny NetworkPolicy for ingress and egress with no rules', () => {
    const [deny] = byKind(objects, 'NetworkPolicy', 'default-deny');
    expect(deny.metadata.namespace).toBe('payments');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('allows DNS egress to kube-dns only, on UDP and TCP 53', () => {
    const [dns] = byKind(objects, 'NetworkPolicy', 'allow-dns');
    expect(dns.spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    });
  });

  test('quota sets zero NodePorts and LoadBalancers, and the compute and object counts', () => {
    const [quota] = byKind(objects, 'ResourceQuota');
    expect(quota.spec.hard['services.nodeports']).toBe('0');
    expect(quota.spec.hard['services.loadbalancers']).toBe('0');
    expect(quota.spec.hard).toMatchObject({
      'requests.cpu': '4',
      'requests.memory': '8Gi',
      'limits.cpu': '8',
      'limits.memory': '16Gi',
      'requests.ephemeral-storage': '10Gi',
      'limits.ephemeral-storage': '20Gi',
      'pods': '40',
      'count/secrets': '100',
    });
  });

  test('quota takes overrides but keeps the zeros', () => {
    const [quota] = byKind(locked({ quota: { pods: 10, requestsCpu: '2' } }), 'ResourceQuota');
    expect(quota.spec.hard.pods).toBe('10');
    expect(quota.spec.hard['requests.cpu']).toBe('2');
    expect(quota.spec.hard['services.nodeports']).toBe('0');
  });

  test('limit range sets per-container defaults and maxima and a claim maximum', () => {
    const [range] = byKind(objects, 'LimitRange');
    expect(range.spec.limits).toEqual([
      {
        type: 'Container',
        defaultRequest: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
        default: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '256Mi' },
        max: { 'cpu': '2', 'memory': '4Gi', 'ephemeral-storage': '2Gi' },
      },
      { type: 'PersistentVolumeClaim', max: { storage: '50Gi' } },
    ]);
  });

  test('emits no mesh objects by default', () => {
    expect(objects.filter((o) => o.apiVersion.startsWith('security.istio.io'))).toEqual([]);
  });

  test('Istio: injection label, STRICT PeerAuthentication and an allow-nothing AuthorizationPolicy', () => {
    const meshed = locked({ mesh: NamespaceMesh.ISTIO });
    expect(byKind(meshed, 'Namespace')[0].metadata.labels['istio-injection']).toBe('enabled');
    const [peer] = byKind(meshed, 'PeerAuthentication');
    expect(peer).toMatchObject({ apiVersion: 'security.istio.io/v1', metadata: { name: 'default', namespace: 'payments' }, spec: { mtls: { mode: 'STRICT' } } });
    const [deny] = byKind(meshed, 'AuthorizationPolicy');
    expect(deny).toMatchObject({ apiVersion: 'security.istio.io/v1', metadata: { name: 'allow-nothing', namespace: 'payments' }, spec: {} });
  });

  test('Istio ambient: dataplane-mode label instead of injection', () => {
    const labels = byKind(locked({ mesh: NamespaceMesh.ISTIO_AMBIENT }), 'Namespace')[0].metadata.labels;
    expect(labels['istio.io/dataplane-mode']).toBe('ambient');
    expect(labels['istio-injection']).toBeUndefined();
  });

  test('Linkerd: inject and all-authenticated annotations', () => {
    const annotations = byKind(locked({ mesh: NamespaceMesh.LINKERD }), 'Namespace')[0].metadata.annotations;
    expect(annotations['linkerd.io/inject']).toBe('enabled');
    expect(annotations['config.linkerd.io/default-inbound-policy']).toBe('all-authenticated');
  });

  test('audits clean on its own', () => {
    expect(audit(objects).findings.filter((f) => !f.excepted).map((f) => `${f.practiceId} ${f.message}`)).toEqual([]);
  });

  test('holding a compliant workload, the whole set audits clean (namespace-level practices judged)', () => {
    const ns2 = synth((chart) => new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'] }));
    const set = [...ns2, secureDeployment(), ...workloadCompanions()];
    expect(audit(set, { allowedRegistries: [] }).findings.filter((f) => !f.excepted).map((f) => `${f.practiceId} ${f.message}`)).toEqual([]);
    const withoutQuota = set.filter((o) => o.kind !== 'ResourceQuota');
    expect(audit(withoutQuota).findings.map((f) => f.practiceId)).toContain('HK-NAMESPACE-003');
  });

  test('puts namespaced objects created inside it into the namespace', () => {
    const out = synth((chart) => {
      const payments = new LockedNamespace(chart, 'payments', { owner: 'payments-team' });
      new ApiObject(payments, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } });
    });
    expect(byKind(out, 'ConfigMap')[0].metadata.namespace).toBe('payments');
  });

  test('fails synth for an object inside it that names another namespace', () => {
    const chart = Testing.chart();
    const payments = new LockedNamespace(chart, 'payments', { owner: 'payments-team' });
    new ApiObject(payments, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'other' } });
    expect(() => Testing.synth(chart)).toThrow('ConfigMap test/payments/cm is created inside LockedNamespace \'payments\' but sets namespace \'other\'');
  });

  test('of() finds the namespace from any construct under it, and fromName() adopts one locked elsewhere', () => {
    const chart = Testing.chart();
    const payments = new LockedNamespace(chart, 'payments', { owner: 'payments-team', allowedRegistries: ['Registry.Example.com/'] });
    const inner = new Construct(new Construct(payments, 'a'), 'b');
    expect(LockedNamespace.of(inner)).toBe(payments);
    expect(LockedNamespace.of(inner)?.allowedRegistries).toEqual(['registry.example.com']);
    expect(LockedNamespace.of(chart)).toBeUndefined();
    const adopted = LockedNamespace.fromName(chart, 'Shop', 'shop', { allowedRegistries: ['ghcr.io/org'], mesh: NamespaceMesh.LINKERD });
    expect(LockedNamespace.of(new Construct(adopted, 'w'))).toMatchObject({ name: 'shop', allowedRegistries: ['ghcr.io/org'], mesh: NamespaceMesh.LINKERD });
  });
});

describe('LockedNamespace refusals', () => {
  test('refuses podSecurityVersion latest', () => {
    expect(refusal((c) => new LockedNamespace(c, 'payments', { owner: 't', podSecurityVersion: 'latest' }))).toBe(
      '[test/payments] LockedNamespace prop \'podSecurityVersion\' is \'latest\', which lets a cluster upgrade change the rules silently.\n'
      + 'Practice HK-NAMESPACE-002 (PSA `restricted`, version-pinned) refuses it.\n'
      + 'Fix: pin the target minor, e.g. \'v1.28\'.');
  });

  test('refuses a malformed podSecurityVersion', () => {
    expect(refusal((c) => new LockedNamespace(c, 'payments', { owner: 't', podSecurityVersion: 'v1.28.3' }))).toBe(
      '[test/payments] LockedNamespace prop \'podSecurityVersion\' is \'v1.28.3\', not a Pod Security version (v1.<minor>).\n'
      + 'Practice HK-NAMESPACE-002 (PSA `restricted`, version-pinned) refuses it.\n'
      + 'Fix: write it as \'v1.28\' (no patch level, no leading zero).');
  });

  test('refuses a default limit above its maximum', () => {
    expect(refusal((c) => new LockedNamespace(c, 'payments', { owner: 't', limits: { default: { memory: '8Gi' } } }))).toBe(
      '[test/payments] LockedNamespace prop \'limits.default.memory\' is \'8Gi\', above its maximum limits.max.memory \'4Gi\'.\n'
      + 'Practice HK-NAMESPACE-004 (LimitRange defaults and maxima) refuses it.\n'
      + 'Fix: lower limits.default.memory or raise limits.max.memory; the API server would reject every container that takes the default.');
  });

  test('refuses a default request above the default limit', () => {
    expect(refusal((c) => new LockedNamespace(c, 'payments', { owner: 't', limits: { defaultRequest: { cpu: '1' } } }))).toBe(
      '[test/payments] LockedNamespace prop \'limits.defaultRequest.cpu\' is \'1\', above the default limit limits.default.cpu \'500m\'.\n'
      + 'Practice HK-NAMESPACE-004 (LimitRange defaults and maxima) refuses it.\n'
      + 'Fix: lower limits.defaultRequest.cpu or raise limits.default.cpu.');
  });

  test('refuses a bad limit quantity', () => {
    expect(refusal((c) => new LockedNamespace(c, 'payments', { owner: 't', limits: { max: { memory: '4 GB' } } }))).toBe(
      '[test/payments] LockedNamespace prop \'limits.max.memory\' is \'4 GB\', not a Kubernetes quantity.\n'
      + 'Practice HK-NAMESPACE-004 (LimitRange defaults and maxima) refuses it.\n'
      + 'Fix: write e.g. \'500m\', \'2\', \'256Mi\' or \'1Gi\'.');
  });

  test('refuses a bad quota quantity and a negative count', () => {
    expect(refusal((c) => new LockedNamespace(c, 'payments', { owner: 't', quota: { requestsMemory: '8gb' } }))).toBe(
      '[test/payments] LockedNamespace prop \'quota.requestsMemory\' is \'8gb\', not a Kubernetes quantity.\n'
      + 'Practice HK-NAMESPACE-003 (ResourceQuota incl. zero NodePorts/LoadBalancers) refuses it.\n'
      + 'Fix: write e.g. \'4\', \'500m\' or \'8Gi\'.');
    expect(refusal((c) => new LockedNamespace(c, 'payments', { owner: 't', quota: { pods: -1 } }))).toBe(
      '[test/payments] LockedNamespace prop \'quota.pods\' is -1, not a whole number of objects.\n'
      + 'Practice HK-NAMESPACE-003 (ResourceQuota incl. zero NodePorts/LoadBalancers) refuses it.\n'
      + 'Fix: give a count of 0 or more.');
  });

  test('refuses a bad registry host', () => {
    expect(refusal((c) => new LockedNamespace(c, 'payments', { owner: 't', allowedRegistries: ['https://registry.example.com'] }))).toBe(
      '[test/payments] LockedNamespace prop \'allowedRegistries\' holds \'https://registry.example.com\', which is not a registry host '
      + '(e.g. \'registry.example.com\' or \'registry.example.com/team\').\n'
      + 'Practice HK-IMAGE-003 (Pull only from allowed registries) refuses it.\n'
      + 'Fix: list registry hosts or host/path prefixes without scheme or wildcard, e.g. \'registry.example.com/payments\'.');
  });

  test('refuses the frozen registry', () => {
    expect(refusal((c) => new LockedNamespace(c, 'payments', { owner: 't', allowedRegistries: ['k8s.gcr.io'] }))).toBe(
      '[test/payments] LockedNamespace prop \'allowedRegistries\' holds \'k8s.gcr.io\', a frozen registry that receives no images (k8s.gcr.io moved to registry.k8s.io).\n'
      + 'Practice HK-IMAGE-003 (Pull only from allowed registries) refuses it.\n'
      + 'Fix: list registry hosts or host/path prefixes without scheme or wildcard, e.g. \'registry.example.com/payments\'.');
  });

  test('refuses the default and kube-* namespaces', () => {
    expect(refusal((c) => new LockedNamespace(c, 'x', { owner: 't', name: 'default' }))).toBe(
      '[test/x] LockedNamespace prop \'name\' is \'default\', a reserved namespace.\n'
      + 'Practice HK-NAMESPACE-001 (Never the `default` or `kube-*` namespaces) refuses it.\n'
      + 'Fix: give the application its own namespace, e.g. \'payments\'.');
    expect(refusal((c) => new LockedNamespace(c, 'x', { owner: 't', name: 'kube-tools' }))).toMatch(/^\[test\/x\] LockedNamespace prop 'name' is 'kube-tools', a reserved namespace\./);
  });

  test('refuses a name that is not a DNS label', () => {
    expect(refusal((c) => new LockedNamespace(c, 'Payments', { owner: 't' }))).toBe(
      '[test/Payments] LockedNamespace prop \'name\' is \'Payments\', not a DNS label.\n'
      + 'Practice HK-NAMESPACE-001 (Never the `default` or `kube-*` namespaces) refuses it.\n'
      + 'Fix: use lower-case letters, digits and \'-\', at most 63 characters.');
  });
});
