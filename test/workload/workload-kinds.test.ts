import { Chart, Duration, Testing } from 'cdk8s';
import { byKind, everyKind } from './kinds';
import { image, ready, refusal, shop } from './support';
import { audit } from '../../lib/audit/audit';
import { PrivilegedNamespace } from '../../lib/cluster/privileged-namespace';
import { sameCheck } from '../../lib/practices/checks/workload/health-probes';
import { podSpecOf } from '../../lib/practices/manifest';
import { refuser } from '../../lib/refusal';
import { JobRestartPolicy } from '../../lib/workload/job-spec';
import { PriorityClass, PriorityTier } from '../../lib/workload/priority-class';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureCronJob } from '../../lib/workload/secure-cron-job';
import { SecureDaemonSet } from '../../lib/workload/secure-daemon-set';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { SecureJob } from '../../lib/workload/secure-job';
import { systemJobPodSpec } from '../../lib/workload/system-job-pod';

describe('every workload kind on the one pod builder', () => {
  const { chart } = everyKind();
  const set = Testing.synth(chart);
  const job = byKind(set, 'Job', 'migrate');
  const cron = byKind(set, 'CronJob', 'report');
  const ds = byKind(set, 'DaemonSet', 'log-agent');

  test('matches the snapshot', () => {
    expect(set).toMatchSnapshot();
  });

  test('audits clean, with the recorded exceptions only', () => {
    const findings = audit(set).findings;
    expect(findings.filter((f) => !f.excepted)).toEqual([]);
    expect([...new Set(findings.filter((f) => f.excepted).map((f) => `${f.practiceId} ${f.object?.kind}/${f.object?.name}`))].sort())
      .toEqual(['HK-NAMESPACE-002 Namespace/agents', 'HK-WORKLOAD-011 DaemonSet/log-agent']);
  });

  test('app.kubernetes.io/instance equals metadata.name on every controller (Polaris metadataAndInstanceMismatched)', () => {
    const controllers = set.filter((m) => ['Deployment', 'Job', 'CronJob', 'DaemonSet'].includes(m.kind!));
    expect(controllers.map((c) => c.kind).sort()).toEqual(['CronJob', 'DaemonSet', 'Deployment', 'Job']);
    for (const c of controllers) expect(c.metadata?.labels?.['app.kubernetes.io/instance']).toBe(c.metadata?.name);
  });

  test('HK-WORKLOAD-022 the Job is bounded: retries, deadline, time-to-live, restartPolicy Never', () => {
    expect(job.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400, completions: 1, parallelism: 1 });
    expect(podSpecOf(job).restartPolicy).toBe('Never');
  });

  test('HK-WORKLOAD-022 the CronJob never overlaps, names its zone, has a deadline and both history limits, and no TTL on its jobs', () => {
    expect(cron.spec).toMatchObject({
      schedule: '30 2 * * *',
      timeZone: 'Europe/Paris',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      suspend: false,
    });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600 });
    expect(cron.spec.jobTemplate.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(podSpecOf(cron).restartPolicy).toBe('Never');
  });

  test('batch pods get no Service, no PodDisruptionBudget, no spread and no probes; their policy admits no ingress', () => {
    for (const name of ['migrate', 'report']) {
      expect(set.filter((m) => ['Service', 'PodDisruptionBudget'].includes(m.kind!) && m.metadata?.name === name)).toEqual([]);
      expect(byKind(set, 'NetworkPolicy', name).spec.ingress).toBeUndefined();
      expect(byKind(set, 'NetworkPolicy', name).spec.policyTypes).toEqual(['Ingress', 'Egress']);
    }
    for (const spec of [podSpecOf(job), podSpecOf(cron)]) {
      expect(spec.affinity).toBeUndefined();
      expect(spec.topologySpreadConstraints).toBeUndefined();
      expect(spec.containers[0].readinessProbe).toBeUndefined();
      expect(spec.containers[0].livenessProbe).toBeUndefined();
    }
  });

  test('allowFrom works from every kind: api admits the Job, the CronJob and the agent, and each may reach api', () => {
    const from = byKind(set, 'NetworkPolicy', 'api').spec.ingress.map((r: any) => r.from[0]);
    expect(from).toEqual([
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'migrate' } } },
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'report' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'agents' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'log-agent' } } },
    ]);
    for (const [name, ns] of [['migrate', 'shop'], ['report', 'shop'], ['log-agent', 'agents']]) {
      const egress = byKind(set, 'NetworkPolicy', name).spec.egress;
      expect(egress).toContainEqual(expect.objectContaining({ ports: [{ port: 8080, protocol: 'TCP' }] }));
      expect(byKind(set, 'NetworkPolicy', name).metadata.namespace).toBe(ns);
    }
  });

  test('the DaemonSet: one pod per node, rolling one at a time, priority, explicit tolerations, a read-only host path', () => {
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    const spec = podSpecOf(ds);
    expect(spec.priorityClassName).toBe('shop-critical');
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.volumes).toContainEqual({ name: 'host-var-log', hostPath: { path: '/var/log', type: 'Directory' } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'host-var-log', mountPath: '/var/log', readOnly: true });
    expect(spec.hostNetwork).toBe(false);
    expect(spec.hostPID).toBe(false);
    expect(ds.metadata.annotations['exceptions.cdk8s-hardened.io/HK-WORKLOAD-011']).toBe('reads container logs under /var/log on each node, read-only');
    expect(set.filter((m) => m.kind === 'PodDisruptionBudget' && m.metadata?.name === 'log-agent')).toEqual([]);
    expect(byKind(set, 'Service', 'log-agent').spec.type).toBe('ClusterIP');
    expect(spec.affinity).toBeUndefined();
  });

  test('HK-WORKLOAD-020 the DaemonSet keeps distinct readiness and liveness probes', () => {
    const c = podSpecOf(ds).containers[0];
    expect(c.readinessProbe.httpGet.path).toBe('/api/v1/health');
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'tcp-2020' });
    expect(sameCheck(c.readinessProbe, c.livenessProbe, c.ports)).toBe(false);
  });

  test('the PriorityClass: cluster-scoped, its tier\'s value, never the global default', () => {
    const pc = byKind(set, 'PriorityClass', 'shop-critical');
    expect(pc.metadata.namespace).toBeUndefined();
    expect(pc).toMatchObject({ value: 100000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority' });
    expect(byKind(set, 'PriorityClass', 'shop-batch')).toMatchObject({ value: 100, preemptionPolicy: 'Never' });
    expect(podSpecOf(job).priorityClassName).toBe('shop-batch');
  });
});

describe('workload kinds: options', () => {
  test('a Job with OnFailure, more completions and parallelism; a CronJob with its own limits', () => {
    const { chart, ns } = shop();
    new SecureJob(ns, 'j', {
      image: image(),
      restartPolicy: JobRestartPolicy.ON_FAILURE,
      completions: 4,
      parallelism: 2,
      backoffLimit: 0,
      activeDeadline: Duration.minutes(10),
      ttlAfterFinished: Duration.hours(2),
    });
    new SecureCronJob(ns, 'c', { image: image(), schedule: '@hourly', startingDeadline: Duration.seconds(30), successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 5 });
    const set = Testing.synth(chart);
    expect(byKind(set, 'Job', 'j').spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 7200, completions: 4, parallelism: 2 });
    expect(podSpecOf(byKind(set, 'Job', 'j')).restartPolicy).toBe('OnFailure');
    expect(byKind(set, 'CronJob', 'c').spec).toMatchObject({ schedule: '@hourly', timeZone: 'Etc/UTC', startingDeadlineSeconds: 30, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 5 });
    expect(audit(set).findings.filter((f) => !f.excepted)).toEqual([]);
  });

  test('host network and PID for an agent with the HK-WORKLOAD-010 exception: ClusterFirstWithHostNet DNS', () => {
    const chart = new Chart(Testing.app(), 't');
    const agents = new PrivilegedNamespace(chart, 'agents', { name: 'agents', owner: 'platform-team', reason: 'node exporter reads host network and process metrics' });
    new SecureDaemonSet(agents, 'node-exporter', {
      image: image('node-exporter'),
      port: 9100,
      readinessProbe: HealthCheck.httpGet('/metrics'),
      priorityClass: PriorityClass.fromName('platform-critical', 'created by the platform baseline (PLAT-3)'),
      hostNetwork: true,
      hostPid: true,
      exceptions: [
        { practice: 'HK-WORKLOAD-010', reason: 'node exporter reports the node\'s network and processes' },
        { practice: 'HK-WORKLOAD-012', reason: 'Prometheus scrapes the exporter on each node\'s address, port 9100' },
      ],
    });
    const set = Testing.synth(chart);
    const spec = podSpecOf(byKind(set, 'DaemonSet', 'node-exporter'));
    expect([spec.hostNetwork, spec.hostPID, spec.hostIPC, spec.dnsPolicy]).toEqual([true, true, false, 'ClusterFirstWithHostNet']);
    expect(audit(set).findings.filter((f) => !f.excepted)).toEqual([]);
  });

  test('scheduling props on a Deployment: node selector and tolerations', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'a', {
      image: image(),
      port: 8080,
      readinessProbe: ready(),
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'dedicated', value: 'shop', effect: 'NoExecute', tolerationSeconds: Duration.minutes(5) }],
    });
    const spec = podSpecOf(byKind(Testing.synth(chart), 'Deployment', 'a'));
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'shop', effect: 'NoExecute', tolerationSeconds: 300 }]);
    expect(spec.priorityClassName).toBeUndefined();
  });

  test('HTTPS and gRPC probes with headers', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'a', {
      image: image(),
      port: 8443,
      readinessProbe: HealthCheck.grpc({ service: 'shop.Api' }),
      livenessProbe: HealthCheck.httpGet('/healthz', { scheme: 'HTTPS', headers: { 'X-Probe': 'kubelet', 'Accept': 'text/plain' } }),
    });
    const c = podSpecOf(byKind(Testing.synth(chart), 'Deployment', 'a')).containers[0];
    expect(c.readinessProbe.grpc).toEqual({ port: 8443, service: 'shop.Api' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'tcp-8443', scheme: 'HTTPS', httpHeaders: [{ name: 'Accept', value: 'text/plain' }, { name: 'X-Probe', value: 'kubelet' }] });
  });
});

describe('workload kinds refuse bad input with the exact message', () => {
  const agents = () => {
    const chart = new Chart(Testing.app(), 't');
    return new PrivilegedNamespace(chart, 'agents', { name: 'agents', owner: 'platform-team', reason: 'node agents need host access on every node' });
  };
  const daemon = { image: image('agent'), port: 2020, readinessProbe: ready(), priorityClass: PriorityClass.fromName('platform-critical', 'created by the platform baseline (PLAT-3)') };
  const CASES: Array<[string, () => unknown, string]> = [
    ['a DaemonSet without a priority class', () => new SecureDaemonSet(agents(), 'a', { image: image(), port: 2020, readinessProbe: ready() }),
      "[t/agents/a] SecureDaemonSet prop 'priorityClass' is missing, so the agent is among the first pods evicted from a full node.\nFix: pass a PriorityClass, e.g. new PriorityClass(chart, 'critical', { tier: PriorityTier.CRITICAL })."],
    ['a host path without an exception', () => new SecureDaemonSet(agents(), 'a', { ...daemon, hostPaths: [{ hostPath: '/var/log' }] }),
      "[t/agents/a] SecureDaemonSet prop 'hostPaths[0].hostPath' is '/var/log', a directory of the node.\nPractice HK-WORKLOAD-011 (No hostPath; restricted volume types only) refuses it.\nFix: read the data through the API or a volume instead, or add exceptions: [{ practice: 'HK-WORKLOAD-011', reason: '…' }]."],
    ['the runtime socket, even excepted', () => new SecureDaemonSet(agents(), 'a', {
      ...daemon, hostPaths: [{ hostPath: '/var/run' }], exceptions: [{ practice: 'HK-WORKLOAD-011', reason: 'wants to watch containers directly' }],
    }),
    "[t/agents/a] SecureDaemonSet prop 'hostPaths[0].hostPath' is '/var/run', which is or holds the node root or the container runtime's socket; a read-only mount still hands over the node.\nPractice HK-WORKLOAD-011 (No hostPath; restricted volume types only) refuses it.\nFix: mount only the directory the agent reads, e.g. '/var/log'."],
    ['host paths as a string', () => new SecureDaemonSet(agents(), 'a', { ...daemon, hostPaths: '/var/log' as any }),
      "[t/agents/a] SecureDaemonSet prop 'hostPaths' is \"/var/log\", not a list.\nPractice HK-WORKLOAD-011 (No hostPath; restricted volume types only) refuses it.\nFix: give [{ hostPath: '/var/log' }]."],
    ['host network without an exception', () => new SecureDaemonSet(agents(), 'a', { ...daemon, hostNetwork: true }),
      "[t/agents/a] SecureDaemonSet prop 'hostNetwork' is true, sharing a namespace of the node.\nPractice HK-WORKLOAD-010 (No host network / PID / IPC) refuses it.\nFix: keep the pod in its own namespaces; a node agent rarely needs the node's, or add exceptions: [{ practice: 'HK-WORKLOAD-010', reason: '…' }]."],
    ['host PID as a string', () => new SecureDaemonSet(agents(), 'a', { ...daemon, hostPid: 'yes' as any }),
      "[t/agents/a] SecureDaemonSet prop 'hostPid' is \"yes\", not true or false.\nPractice HK-WORKLOAD-010 (No host network / PID / IPC) refuses it.\nFix: give true or false."],
    ['host access in a LockedNamespace', () => new SecureDaemonSet(shop().ns, 'a', {
      ...daemon, image: image(), hostPaths: [{ hostPath: '/var/log' }], exceptions: [{ practice: 'HK-WORKLOAD-011', reason: 'reads container logs, read-only' }],
    }),
    "[test/shop/a] SecureDaemonSet prop 'hostPaths' asks for host access (hostPaths) in LockedNamespace 'shop', whose Pod Security level restricted makes the API server refuse the pods.\nPractice HK-NAMESPACE-002 (PSA `restricted`, version-pinned) refuses it.\nFix: run the agent in a namespace of its own: create it under a PrivilegedNamespace, which records why its pods need host access."],
    ['host network with a port and no HK-WORKLOAD-012 exception', () => new SecureDaemonSet(agents(), 'a', {
      ...daemon, hostNetwork: true, exceptions: [{ practice: 'HK-WORKLOAD-010', reason: 'reports the node network statistics' }],
    }),
    "[t/agents/a] SecureDaemonSet prop 'hostNetwork' is true while the container declares ports (2020), so each opens on the node's own address.\nPractice HK-WORKLOAD-012 (No hostPort) refuses it.\nFix: drop hostNetwork, or declare no port, or add exceptions: [{ practice: 'HK-WORKLOAD-012', reason: '…' }]."],
    ['maxUnavailable 0', () => new SecureDaemonSet(agents(), 'a', { ...daemon, maxUnavailable: 0 }),
      "[t/agents/a] SecureDaemonSet prop 'maxUnavailable' is 0, not a whole number from 1 to 100.\nFix: give a whole number from 1 to 100."],
    ['a toleration of every taint on a Deployment', () => new SecureDeployment(shop().ns, 'a', { image: image(), port: 8080, readinessProbe: ready(), tolerations: [{ operator: 'Exists' }] }),
      "[test/shop/a] SecureDeployment prop 'tolerations[0].key' is missing with operator 'Exists', which tolerates every taint, control-plane and cordoned nodes included.\nFix: name the taint keys the pods tolerate."],
    ['tolerations as an object', () => new SecureDeployment(shop().ns, 'a', { image: image(), port: 8080, readinessProbe: ready(), tolerations: { key: 'x' } as any }),
      "[test/shop/a] SecureDeployment prop 'tolerations' is {\"key\":\"x\"}, not a list.\nFix: give [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }]."],
    ['a node selector with a number', () => new SecureDeployment(shop().ns, 'a', { image: image(), port: 8080, readinessProbe: ready(), nodeSelector: { zone: 3 } as any }),
      "[test/shop/a] SecureDeployment prop 'nodeSelector.zone' is 3, not a label value.\nFix: give at most 63 letters, digits, '-', '_' or '.'."],
    ['a system priority class outside kube-system', () => new SecureDeployment(shop().ns, 'a', {
      image: image(), port: 8080, readinessProbe: ready(), priorityClass: PriorityClass.fromName('system-node-critical'),
    }),
    "[test/shop/a] SecureDeployment prop 'priorityClass' is 'system-node-critical', which Kubernetes admits only in kube-system.\nFix: create a PriorityClass of your own, e.g. new PriorityClass(chart, 'critical', { tier: PriorityTier.CRITICAL })."],
    ['a priority class given as a string', () => new SecureDeployment(shop().ns, 'a', { image: image(), port: 8080, readinessProbe: ready(), priorityClass: 'high' as any }),
      "[test/shop/a] SecureDeployment prop 'priorityClass' is \"high\", not a PriorityClass.\nFix: pass a PriorityClass, or PriorityClass.fromName('name') for one defined elsewhere."],
    ['a PriorityClass without a tier', () => new PriorityClass(shop().chart, 'p', { tier: 5 as any }),
      "[test/p] PriorityClass prop 'tier' is 5, not a PriorityTier.\nFix: use PriorityTier.CRITICAL, .HIGH, .STANDARD or .BATCH."],
    ['a system- PriorityClass name', () => new PriorityClass(shop().chart, 'p', { tier: PriorityTier.HIGH, name: 'system-mine' }),
      "[test/p] PriorityClass prop 'name' is 'system-mine', a prefix Kubernetes reserves for its own classes.\nFix: choose a name without the 'system-' prefix."],
    ['a PriorityClass name with an empty label', () => new PriorityClass(shop().chart, 'p', { tier: PriorityTier.HIGH, name: 'shop..high' }),
      "[test/p] PriorityClass prop 'name' is \"shop..high\", not a DNS subdomain.\nFix: use lower-case letters, digits, '-' and '.'."],
    ['a mesh trust domain with an empty label', () => new SecureDeployment(shop().ns, 'a', { image: image(), port: 8080, readinessProbe: ready(), trustDomain: 'cluster..local' }),
      "[test/shop/a] SecureDeployment prop 'trustDomain' is 'cluster..local', not a trust domain.\nPractice HK-NETWORK-009 (Mesh authorization mirrors the dependency graph) refuses it.\nFix: give the mesh trust domain, e.g. 'cluster.local'."],
    ['a CronJob with six fields', () => new SecureCronJob(shop().ns, 'c', { image: image(), schedule: '0 30 2 * * *' }),
      "[test/shop/c] SecureCronJob prop 'schedule' is '0 30 2 * * *', which has 6 fields, not the 5 of 'minute hour day-of-month month day-of-week'.\nFix: give five fields, e.g. '30 2 * * *' for 02:30 every day."],
    ['a CronJob with a TZ prefix', () => new SecureCronJob(shop().ns, 'c', { image: image(), schedule: 'CRON_TZ=Europe/Paris 30 2 * * *' }),
      "[test/shop/c] SecureCronJob prop 'schedule' is 'CRON_TZ=Europe/Paris 30 2 * * *', with a time zone prefix the API server refuses.\nFix: drop the prefix and set timeZone instead."],
    ['a CronJob schedule as a number', () => new SecureCronJob(shop().ns, 'c', { image: image(), schedule: 5 as any }),
      "[test/shop/c] SecureCronJob prop 'schedule' is 5, not a cron expression.\nFix: give five fields, e.g. '30 2 * * *' for 02:30 every day."],
    ['an unknown time zone', () => new SecureCronJob(shop().ns, 'c', { image: image(), schedule: '30 2 * * *', timeZone: 'Mars/Olympus' }),
      "[test/shop/c] SecureCronJob prop 'timeZone' is \"Mars/Olympus\", not an IANA time zone.\nFix: give a zone such as 'Etc/UTC' or 'Europe/Paris'."],
    ['a starting deadline under 10 seconds', () => new SecureCronJob(shop().ns, 'c', { image: image(), schedule: '30 2 * * *', startingDeadline: Duration.seconds(5) }),
      "[test/shop/c] SecureCronJob prop 'startingDeadline' is 5 seconds.\nPractice HK-WORKLOAD-022 (No bare Pods; bounded Jobs and CronJobs) refuses it.\nFix: give a Duration from 10 to 86400 seconds, e.g. Duration.minutes(5)."],
    ['no failed history', () => new SecureCronJob(shop().ns, 'c', { image: image(), schedule: '30 2 * * *', failedJobsHistoryLimit: 0 }),
      "[test/shop/c] SecureCronJob prop 'failedJobsHistoryLimit' is 0, not a whole number from 1 to 100.\nPractice HK-WORKLOAD-022 (No bare Pods; bounded Jobs and CronJobs) refuses it.\nFix: give a whole number from 1 to 100."],
    ['a Job restart policy Always', () => new SecureJob(shop().ns, 'j', { image: image(), restartPolicy: 'Always' as any }),
      "[test/shop/j] SecureJob prop 'restartPolicy' is \"Always\".\nPractice HK-WORKLOAD-022 (No bare Pods; bounded Jobs and CronJobs) refuses it.\nFix: use JobRestartPolicy.NEVER or JobRestartPolicy.ON_FAILURE."],
    ['a deadline as a number', () => new SecureJob(shop().ns, 'j', { image: image(), activeDeadline: 600 as any }),
      "[test/shop/j] SecureJob prop 'activeDeadline' is 600, not a Duration.\nPractice HK-WORKLOAD-022 (No bare Pods; bounded Jobs and CronJobs) refuses it.\nFix: give a Duration from 1 to 604800 seconds, e.g. Duration.minutes(5)."],
    ['backoffLimit NaN', () => new SecureJob(shop().ns, 'j', { image: image(), backoffLimit: NaN }),
      "[test/shop/j] SecureJob prop 'backoffLimit' is null, not a whole number from 0 to 100.\nPractice HK-WORKLOAD-022 (No bare Pods; bounded Jobs and CronJobs) refuses it.\nFix: give a whole number from 0 to 100."],
    ['more parallelism than completions', () => new SecureJob(shop().ns, 'j', { image: image(), parallelism: 3 }),
      "[test/shop/j] SecureJob prop 'parallelism' is 3, more than the 1 completions.\nPractice HK-WORKLOAD-022 (No bare Pods; bounded Jobs and CronJobs) refuses it.\nFix: run at most as many pods at once as must succeed."],
    ['a cluster job asking for UID 0 without its exceptions', () => systemJobPodSpec(refuser(shop().chart, 'EtcdSnapshot'), {
      serviceAccountName: 'x', runAsRoot: true, containers: [{ name: 'a', image: image(), command: ['/a'] }],
    }, [{ practice: 'HK-WORKLOAD-004', reason: 'reads root-owned files on the node' }]),
    "[test] EtcdSnapshot prop 'runAsRoot' is requested without the recorded HK-WORKLOAD-003 exception.\nPractice HK-WORKLOAD-003 (Must run as non-root) refuses it.\nFix: record the exception with its reason on the job."],
    ['a cluster job asking for a host path without its exception', () => systemJobPodSpec(refuser(shop().chart, 'CisBenchmark'), {
      serviceAccountName: 'x',
      containers: [{ name: 'a', image: image(), command: ['/a'], volumeMounts: [{ name: 'etc', mountPath: '/etc/host' }] }],
      volumes: [{ name: 'etc', hostPath: { path: '/etc' } }],
    }, []),
    "[test] CisBenchmark prop 'volumes' is requested without the recorded HK-WORKLOAD-011 exception.\nPractice HK-WORKLOAD-011 (No hostPath; restricted volume types only) refuses it.\nFix: record the exception with its reason on the job."],
    ['null props', () => new SecureJob(shop().ns, 'j', null as any),
      "[test/shop/j] SecureJob prop 'props' are null.\nFix: pass { image, port, … }."],
  ];
  test.each(CASES)('refuses %s', (_name, fn, expected) => {
    expect(refusal(fn)).toBe(expected);
  });
});
