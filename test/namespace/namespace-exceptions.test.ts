import { Chart, Testing } from 'cdk8s';
import { ServiceType } from 'cdk8s-plus-28';
import { admissionProblems } from '../../lib/admission-sim/admission';
import { audit } from '../../lib/audit/audit';
import { LockedNamespace, LockedNamespaceProps, PodSecurityLevel } from '../../lib/namespace/locked-namespace';
import { PriorityClass } from '../../lib/workload/priority-class';
import { SecureDaemonSet } from '../../lib/workload/secure-daemon-set';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { image, ready, refusal, synthErrors } from '../workload/support';

const NODE_PORTS = { practice: 'HK-NAMESPACE-003', reason: 'bare-metal entry point without a load balancer (NET-3)' };
const BASELINE = { practice: 'HK-NAMESPACE-002', reason: 'the legacy importer image chowns its cache at start (OPS-9)' };

/** A chart with LockedNamespace 'shop' made with `props` besides the owner and registry. */
function shop(props: Partial<LockedNamespaceProps> = {}): { chart: Chart; ns: LockedNamespace } {
  const chart = new Chart(Testing.app(), 'test');
  const ns = new LockedNamespace(chart, 'shop', { owner: 'shop-team', allowedRegistries: ['registry.example.com'], ...props });
  return { chart, ns };
}

/** A Deployment whose Service is a NodePort (or LoadBalancer), with its own recorded HK-NETWORK-006 exception. */
function exposed(ns: LockedNamespace, name: string, serviceType: ServiceType = ServiceType.NODE_PORT): SecureDeployment {
  return new SecureDeployment(ns, name, {
    image: image(),
    port: 8080,
    readinessProbe: ready(),
    serviceType,
    exceptions: [{ practice: 'HK-NETWORK-006', reason: 'bare-metal entry point without a load balancer (NET-3)' }],
  });
}

/** A Deployment adding `capability` with its recorded HK-WORKLOAD-007 exception. */
function withCapability(ns: LockedNamespace, capability: string): SecureDeployment {
  return new SecureDeployment(ns, 'importer', {
    image: image(),
    port: 8080,
    readinessProbe: ready(),
    addCapabilities: [capability],
    exceptions: [{ practice: 'HK-WORKLOAD-007', reason: 'the legacy importer image chowns its cache at start (OPS-9)' }],
  });
}

const byKind = (objects: any[], kind: string) => objects.find((o) => o.kind === kind);

describe('a LockedNamespace relaxes its NodePort quota with its own recorded exception', () => {
  test('a NodePort workload synthesizes in a namespace that records the relaxation; the quota says how many, the reason is on it', () => {
    const { chart, ns } = shop({ quota: { nodePorts: 1 }, exceptions: [NODE_PORTS] });
    exposed(ns, 'edge');
    const objects = Testing.synth(chart);
    const quota = byKind(objects, 'ResourceQuota');
    expect(quota.spec.hard['services.nodeports']).toBe('1');
    expect(quota.spec.hard['services.loadbalancers']).toBe('0');
    expect(quota.metadata.annotations['exceptions.cdk8s-hardened.io/HK-NAMESPACE-003']).toBe(NODE_PORTS.reason);
    expect(byKind(objects, 'Namespace').metadata.annotations['exceptions.cdk8s-hardened.io/HK-NAMESPACE-003']).toBeUndefined();
    const findings = audit(objects).findings.filter((f) => f.practiceId === 'HK-NAMESPACE-003');
    expect(findings.map((f) => [f.object?.kind, f.excepted, f.exceptionReason])).toEqual([['ResourceQuota', true, NODE_PORTS.reason]]);
  });

  test('refuses the NodePort Service where the namespace records no relaxation, naming both sides and both ways out', () => {
    const { chart, ns } = shop();
    exposed(ns, 'edge');
    expect(synthErrors(chart)).toEqual([
      '[test/shop/edge/Service] Service shop/edge (test/shop/edge/Service) of type NodePort would be refused by ResourceQuota shop/quota (test/shop/Quota): '
      + 'it needs 1 node port(s), and the quota allows services.nodeports: 0. Fix: keep the Service ClusterIP and expose it through an Ingress or a '
      + 'Gateway, or relax the namespace with its own recorded exception: LockedNamespace quota.nodePorts: 1 with exceptions: '
      + '[{ practice: \'HK-NAMESPACE-003\', reason: \'…\' }].',
    ]);
  });

  test('refuses the Service past a relaxed quota, asking for what all the namespace\'s Services need', () => {
    const { chart, ns } = shop({ quota: { nodePorts: 1 }, exceptions: [NODE_PORTS] });
    exposed(ns, 'edge');
    exposed(ns, 'admin');
    expect(synthErrors(chart)).toEqual([
      '[test/shop/admin/Service] Service shop/admin (test/shop/admin/Service) of type NodePort would be refused by ResourceQuota shop/quota (test/shop/Quota): '
      + 'it needs 1 node port(s), and the quota allows services.nodeports: 1 (1 already taken by other Services). Fix: keep the Service ClusterIP and '
      + 'expose it through an Ingress or a Gateway, or relax the namespace with its own recorded exception: LockedNamespace quota.nodePorts: 2 with '
      + 'exceptions: [{ practice: \'HK-NAMESPACE-003\', reason: \'…\' }].',
    ]);
  });

  test('a LoadBalancer needs its own count, and the node ports it allocates', () => {
    const refused = shop({ quota: { nodePorts: 1 }, exceptions: [NODE_PORTS] });
    exposed(refused.ns, 'edge', ServiceType.LOAD_BALANCER);
    expect(synthErrors(refused.chart)).toEqual([
      '[test/shop/edge/Service] Service shop/edge (test/shop/edge/Service) of type LoadBalancer would be refused by ResourceQuota shop/quota (test/shop/Quota): '
      + 'it needs 1 load balancer, and the quota allows services.loadbalancers: 0. Fix: keep the Service ClusterIP and expose it through an Ingress or a '
      + 'Gateway, or relax the namespace with its own recorded exception: LockedNamespace quota.loadBalancers: 1 with exceptions: '
      + '[{ practice: \'HK-NAMESPACE-003\', reason: \'…\' }].',
    ]);
    const admitted = shop({ quota: { nodePorts: 1, loadBalancers: 1 }, exceptions: [NODE_PORTS] });
    exposed(admitted.ns, 'edge', ServiceType.LOAD_BALANCER);
    expect(byKind(Testing.synth(admitted.chart), 'ResourceQuota').spec.hard).toMatchObject({ 'services.nodeports': '1', 'services.loadbalancers': '1' });
  });

  test('a quota outside the library (raw YAML) is offered its own way out', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'a' }, spec: { hard: { 'services.nodeports': '0' } } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'a' }, spec: { type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] } },
    ];
    expect(admissionProblems(objects).map((p) => p.message)).toEqual([
      'Service a/s of type NodePort would be refused by ResourceQuota a/q: it needs 2 node port(s), and the quota allows services.nodeports: 0. '
      + 'Fix: keep the Service ClusterIP and expose it through an Ingress or a Gateway, or relax the namespace with its own recorded exception: '
      + 'raise services.nodeports to 2 and annotate the ResourceQuota exceptions.cdk8s-hardened.io/HK-NAMESPACE-003: "<reason>".',
    ]);
  });
});

describe('a LockedNamespace relaxes Pod Security to baseline with its own recorded exception', () => {
  test('a workload that meets baseline synthesizes; enforce is baseline, audit and warn stay restricted, the reason is on the Namespace', () => {
    const { chart, ns } = shop({ podSecurityLevel: PodSecurityLevel.BASELINE, exceptions: [BASELINE] });
    withCapability(ns, 'CHOWN');
    const objects = Testing.synth(chart);
    const namespace = byKind(objects, 'Namespace');
    expect(namespace.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
    });
    expect(namespace.metadata.annotations['exceptions.cdk8s-hardened.io/HK-NAMESPACE-002']).toBe(BASELINE.reason);
    expect(byKind(objects, 'ResourceQuota').metadata.annotations['exceptions.cdk8s-hardened.io/HK-NAMESPACE-002']).toBeUndefined();
    const findings = audit(objects).findings.filter((f) => f.practiceId === 'HK-NAMESPACE-002');
    expect(findings.map((f) => [f.object?.kind, f.excepted, f.exceptionReason])).toEqual([['Namespace', true, BASELINE.reason]]);
  });

  test('refuses, in a restricted namespace, a pod that meets baseline, offering the namespace\'s own relaxation', () => {
    const { chart, ns } = shop();
    withCapability(ns, 'CHOWN');
    expect(synthErrors(chart)).toEqual([
      '[test/shop/importer/Resource] Deployment shop/importer (test/shop/importer/Resource) would be refused by Pod Security Admission: '
      + 'Namespace shop (test/shop/Resource) enforces \'restricted\' (v1.28), which its pods break on capabilities_restricted (its recorded exceptions '
      + 'HK-WORKLOAD-007 excuse the audit, not Pod Security Admission). Fix: change the workload so its pods meet \'restricted\', or relax the namespace '
      + 'with its own recorded exception: LockedNamespace podSecurityLevel: PodSecurityLevel.BASELINE with exceptions: [{ practice: \'HK-NAMESPACE-002\', '
      + 'reason: \'…\' }] (its pods meet \'baseline\').',
    ]);
  });

  test('refuses, in a baseline namespace, a pod that breaks baseline: a PrivilegedNamespace is the way out', () => {
    const { chart, ns } = shop({ podSecurityLevel: PodSecurityLevel.BASELINE, exceptions: [BASELINE] });
    withCapability(ns, 'SYS_ADMIN');
    expect(synthErrors(chart)).toEqual([
      '[test/shop/importer/Resource] Deployment shop/importer (test/shop/importer/Resource) would be refused by Pod Security Admission: '
      + 'Namespace shop (test/shop/Resource) enforces \'baseline\' (v1.28), which its pods break on capabilities_baseline (its recorded exceptions '
      + 'HK-WORKLOAD-007 excuse the audit, not Pod Security Admission). Fix: change the workload so its pods meet \'baseline\', or run it where Pod '
      + 'Security enforces \'privileged\': only a PrivilegedNamespace, with its reason, admits them (a LockedNamespace is relaxed to \'baseline\' at the lowest).',
    ]);
  });

  test('a namespace outside the library (raw YAML) is offered the label and the annotation', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'a' },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['CHOWN'] } } }],
        },
      },
    ];
    expect(admissionProblems(objects).map((p) => p.message)).toEqual([
      'Pod a/p would be refused by Pod Security Admission: Namespace a enforces \'restricted\' (latest), which its pods break on capabilities_restricted. '
      + 'Fix: change the workload so its pods meet \'restricted\', or relax the namespace with its own recorded exception: label '
      + 'pod-security.kubernetes.io/enforce: baseline and annotate the Namespace exceptions.cdk8s-hardened.io/HK-NAMESPACE-002: "<reason>" '
      + '(its pods meet \'baseline\').',
    ]);
  });

  test('host access stays refused in a baseline namespace, naming its level', () => {
    const { ns } = shop({ podSecurityLevel: PodSecurityLevel.BASELINE, exceptions: [BASELINE] });
    expect(refusal(() => new SecureDaemonSet(ns, 'agent', {
      image: image('agent'),
      port: 2020,
      readinessProbe: ready(),
      hostPaths: [{ hostPath: '/var/log' }],
      priorityClass: PriorityClass.fromName('platform-critical', 'created by the platform baseline (PLAT-3)'),
      exceptions: [{ practice: 'HK-WORKLOAD-011', reason: 'reads container logs, read-only' }],
    }))).toBe(
      '[test/shop/agent] SecureDaemonSet prop \'hostPaths\' asks for host access (hostPaths) in LockedNamespace \'shop\', whose Pod Security level '
      + 'baseline makes the API server refuse the pods.\nPractice HK-NAMESPACE-002 (PSA `restricted`, version-pinned) refuses it.\n'
      + 'Fix: run the agent in a namespace of its own: create it under a PrivilegedNamespace, which records why its pods need host access.');
  });
});

describe('LockedNamespace refuses relaxations without their reason, and reasons that relax nothing', () => {
  const make = (props: any) => () => shop(props);
  test.each([
    ['node ports without the exception', { quota: { nodePorts: 1 } },
      '[test/shop] LockedNamespace prop \'quota.nodePorts\' is 1, which lets Services of the namespace open node ports without a recorded reason.\n'
      + 'Practice HK-NAMESPACE-003 (ResourceQuota incl. zero NodePorts/LoadBalancers) refuses it.\n'
      + 'Fix: keep 0 and expose the workloads through an Ingress or a Gateway, or add exceptions: [{ practice: \'HK-NAMESPACE-003\', reason: \'…\' }].'],
    ['load balancers without the exception', { quota: { loadBalancers: 2 } },
      '[test/shop] LockedNamespace prop \'quota.loadBalancers\' is 2, which lets Services of the namespace open LoadBalancer Services without a recorded reason.\n'
      + 'Practice HK-NAMESPACE-003 (ResourceQuota incl. zero NodePorts/LoadBalancers) refuses it.\n'
      + 'Fix: keep 0 and expose the workloads through an Ingress or a Gateway, or add exceptions: [{ practice: \'HK-NAMESPACE-003\', reason: \'…\' }].'],
    ['baseline without the exception', { podSecurityLevel: PodSecurityLevel.BASELINE },
      '[test/shop] LockedNamespace prop \'podSecurityLevel\' is \'baseline\', which relaxes the namespace\'s Pod Security below restricted without a recorded reason.\n'
      + 'Practice HK-NAMESPACE-002 (PSA `restricted`, version-pinned) refuses it.\n'
      + 'Fix: keep PodSecurityLevel.RESTRICTED and change the workloads that need more, or add exceptions: [{ practice: \'HK-NAMESPACE-002\', reason: \'…\' }].'],
    ['privileged, even with the exception', { podSecurityLevel: 'privileged', exceptions: [BASELINE] },
      '[test/shop] LockedNamespace prop \'podSecurityLevel\' is \'privileged\', which admits host access and privileged containers; a LockedNamespace never enforces it.\n'
      + 'Practice HK-NAMESPACE-002 (PSA `restricted`, version-pinned) refuses it.\nFix: run the pods that need it in a PrivilegedNamespace, which records why.'],
    ['a level that does not exist', { podSecurityLevel: 'lax' },
      '[test/shop] LockedNamespace prop \'podSecurityLevel\' is "lax", not a Pod Security level.\nPractice HK-NAMESPACE-002 (PSA `restricted`, version-pinned) refuses it.\n'
      + 'Fix: use PodSecurityLevel.RESTRICTED or PodSecurityLevel.BASELINE.'],
    ['a negative count', { quota: { nodePorts: -1 } },
      '[test/shop] LockedNamespace prop \'quota.nodePorts\' is -1, not a whole number from 0 to 65535.\n'
      + 'Practice HK-NAMESPACE-003 (ResourceQuota incl. zero NodePorts/LoadBalancers) refuses it.\nFix: give the number the namespace needs, e.g. 1.'],
    ['a fraction', { quota: { nodePorts: 1.5 } },
      '[test/shop] LockedNamespace prop \'quota.nodePorts\' is 1.5, not a whole number from 0 to 65535.\n'
      + 'Practice HK-NAMESPACE-003 (ResourceQuota incl. zero NodePorts/LoadBalancers) refuses it.\nFix: give the number the namespace needs, e.g. 1.'],
    ['a string (plain JavaScript)', { quota: { loadBalancers: '1' } },
      '[test/shop] LockedNamespace prop \'quota.loadBalancers\' is "1", not a whole number from 0 to 65535.\n'
      + 'Practice HK-NAMESPACE-003 (ResourceQuota incl. zero NodePorts/LoadBalancers) refuses it.\nFix: give the number the namespace needs, e.g. 1.'],
    ['NaN (plain JavaScript)', { quota: { nodePorts: NaN } },
      '[test/shop] LockedNamespace prop \'quota.nodePorts\' is NaN, not a whole number from 0 to 65535.\n'
      + 'Practice HK-NAMESPACE-003 (ResourceQuota incl. zero NodePorts/LoadBalancers) refuses it.\nFix: give the number the namespace needs, e.g. 1.'],
    ['an exception to a practice the namespace does not relax', { exceptions: [{ practice: 'HK-WORKLOAD-007', reason: BASELINE.reason }] },
      '[test/shop] LockedNamespace prop \'exceptions[0].practice\' is \'HK-WORKLOAD-007\', which a LockedNamespace does not relax.\n'
      + 'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
      + 'Fix: record HK-NAMESPACE-002 (with podSecurityLevel) or HK-NAMESPACE-003 (with quota.nodePorts or quota.loadBalancers) here; '
      + 'record other exceptions on the construct whose object breaks the practice.'],
    ['an exception to a practice that allows none', { exceptions: [{ practice: 'HK-NAMESPACE-004', reason: BASELINE.reason }] },
      '[test/shop] LockedNamespace prop \'exceptions[0].practice\' is \'HK-NAMESPACE-004\' (LimitRange defaults and maxima), which allows no exception.\n'
      + 'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
      + 'Fix: remove the exception and comply with the practice; there is no recorded way out.'],
    ['an exception without a reason', { quota: { nodePorts: 1 }, exceptions: [{ practice: 'HK-NAMESPACE-003', reason: 'NET-3' }] },
      '[test/shop] LockedNamespace prop \'exceptions[0].reason\' for \'HK-NAMESPACE-003\' is \'NET-3\', shorter than 10 characters.\n'
      + 'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
      + 'Fix: say why in words a reviewer can check: a ticket, an upstream constraint.'],
    ['exceptions as an object (plain JavaScript)', { exceptions: NODE_PORTS },
      '[test/shop] LockedNamespace prop \'exceptions\' is not a list.\nPractice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\n'
      + 'Fix: give [{ practice: \'HK-…\', reason: \'…\' }].'],
  ])('refuses %s', (_, props, message) => {
    expect(refusal(make(props))).toBe(message);
  });

  test.each([
    ['HK-NAMESPACE-003 with no node port or load balancer', NODE_PORTS, 'HK-NAMESPACE-003 (ResourceQuota incl. zero NodePorts/LoadBalancers)'],
    ['HK-NAMESPACE-002 with restricted enforced', BASELINE, 'HK-NAMESPACE-002 (PSA `restricted`, version-pinned)'],
  ])('refuses an exception that relaxes nothing: %s', (_, exception, practice) => {
    expect(synthErrors(shop({ exceptions: [exception] }).chart)).toEqual([
      `[test/shop] LockedNamespace prop 'exceptions[0]' records an exception to ${practice}, but nothing the LockedNamespace renders breaks it.`,
      'Practice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.',
      'Fix: remove the exception, so a later change that needs it is judged again.',
    ]);
  });

  test('the defaults stay restricted with zero node ports and load balancers, and record nothing', () => {
    const objects = Testing.synth(shop().chart);
    expect(byKind(objects, 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(byKind(objects, 'ResourceQuota').spec.hard).toMatchObject({ 'services.nodeports': '0', 'services.loadbalancers': '0' });
    expect(objects.flatMap((o) => Object.keys(o.metadata.annotations ?? {})).filter((k) => k.startsWith('exceptions.'))).toEqual([]);
  });
});

describe('the namespace\'s recorded exceptions and the peers', () => {
  test('HK-NAMESPACE-002 and HK-NAMESPACE-003 name no peer check, so only our annotation is written (no Polaris, kube-score or kube-linter mirror)', () => {
    const { chart } = shop({ podSecurityLevel: PodSecurityLevel.BASELINE, quota: { nodePorts: 1 }, exceptions: [BASELINE, NODE_PORTS] });
    const objects = Testing.synth(chart);
    const own = (o: any) => Object.keys(o.metadata.annotations).filter((k) => !k.startsWith('cdk8s-hardened.io/'));
    expect(own(byKind(objects, 'Namespace'))).toEqual(['exceptions.cdk8s-hardened.io/HK-NAMESPACE-002']);
    expect(own(byKind(objects, 'ResourceQuota'))).toEqual(['exceptions.cdk8s-hardened.io/HK-NAMESPACE-003']);
  });
});
