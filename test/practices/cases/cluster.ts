import { Manifest } from '../../../lib/practices/manifest';
import { compliantSet, DIGEST, plus, provenance, withDeployment, withObject } from '../fixtures';
import { PracticeCases } from './types';

const STRONG_CIPHERS = 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256';

/** A kubeadm-style static pod in kube-system running `command`. */
export function staticPod(name: string, command: string[]): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-system', labels: { component: name, tier: 'control-plane' } },
    spec: { hostNetwork: true, priorityClassName: 'system-node-critical', containers: [{ name, image: `registry.k8s.io/${name}:v1.28.9`, command }] },
  };
}

/** A hardened kube-apiserver static pod; `edit` changes its flag list. */
export function apiserver(edit: (flags: string[]) => string[] = (f) => f): Manifest {
  const flags = [
    '--advertise-address=10.0.0.10',
    '--anonymous-auth=false',
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs',
    '--profiling=false',
    `--tls-cipher-suites=${STRONG_CIPHERS}`,
    '--client-ca-file=/etc/kubernetes/pki/ca.crt',
    '--etcd-servers=https://127.0.0.1:2379',
    '--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt',
    '--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt',
    '--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key',
    '--audit-policy-file=/etc/kubernetes/audit/policy.yaml',
    '--audit-log-path=/var/log/kubernetes/audit/audit.log',
    '--audit-log-maxage=30',
    '--audit-log-maxbackup=10',
    '--audit-log-maxsize=100',
  ];
  return staticPod('kube-apiserver', ['kube-apiserver', ...edit(flags)]);
}

/** Removes flags starting with `prefix` and appends `extra`. */
export function replaceFlag(prefix: string, ...extra: string[]): (flags: string[]) => string[] {
  return (flags) => [...flags.filter((f) => !f.startsWith(prefix)), ...extra];
}

/** A hardened etcd static pod; `edit` changes its flag list. */
function etcd(edit: (flags: string[]) => string[] = (f) => f): Manifest {
  const flags = [
    '--name=cp-1',
    '--data-dir=/var/lib/etcd',
    '--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.10:2379',
    '--advertise-client-urls=https://10.0.0.10:2379',
    '--listen-peer-urls=https://10.0.0.10:2380',
    '--initial-advertise-peer-urls=https://10.0.0.10:2380',
    '--listen-metrics-urls=http://127.0.0.1:2381',
    '--cert-file=/etc/kubernetes/pki/etcd/server.crt',
    '--key-file=/etc/kubernetes/pki/etcd/server.key',
    '--client-cert-auth=true',
    '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
    '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt',
    '--peer-key-file=/etc/kubernetes/pki/etcd/peer.key',
    '--peer-client-cert-auth=true',
    '--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
  ];
  return staticPod('etcd', ['etcd', ...edit(flags)]);
}

/** A hardened KubeletConfiguration; `mutate` edits it. */
function kubelet(mutate: (k: any) => void = () => undefined): Manifest {
  const k: any = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } },
    authorization: { mode: 'Webhook' },
    readOnlyPort: 0,
    rotateCertificates: true,
    serverTLSBootstrap: true,
    tlsCipherSuites: STRONG_CIPHERS.split(','),
    podPidsLimit: 4096,
  };
  mutate(k);
  return k;
}

/** A Kyverno ClusterPolicy as AdmissionPolicies emits it; `mutate` edits it. */
function kyvernoPolicy(mutate: (p: any) => void = () => undefined): Manifest {
  const p: any = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'hardened-hk-workload-003', annotations: { 'cdk8s-hardened.io/practices': 'HK-WORKLOAD-003' } },
    spec: {
      background: true,
      rules: [{ name: 'hk-workload-003', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { failureAction: 'Enforce', cel: { expressions: [{ expression: 'true' }] } } }],
    },
  };
  mutate(p);
  return p;
}

/** A Gatekeeper constraint; `mutate` edits it. */
function constraint(mutate: (c: any) => void = () => undefined): Manifest {
  const c: any = {
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind: 'HkWorkload003',
    metadata: { name: 'hardened-hk-workload-003', annotations: { 'cdk8s-hardened.io/practices': 'HK-WORKLOAD-003' } },
    spec: { enforcementAction: 'deny', match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }] } },
  };
  mutate(c);
  return c;
}

const BENCH_EXCEPTIONS = {
  'exceptions.cdk8s-hardened.io/HK-WORKLOAD-003': 'kube-bench reads root-owned node config files, so it runs as UID 0',
  'exceptions.cdk8s-hardened.io/HK-WORKLOAD-010': 'kube-bench inspects host process command lines via hostPID',
  'exceptions.cdk8s-hardened.io/HK-WORKLOAD-011': 'kube-bench reads node config through read-only hostPath mounts',
};

/** The kube-bench CronJob of cluster.md (d), in namespace kube-bench; `mutate` edits its pod spec and the object. */
function kubeBench(mutate: (pod: any, cron: any) => void = () => undefined): Manifest {
  const meta = provenance('kube-bench', 'test/cluster/kube-bench');
  const cron: any = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'kube-bench-node', namespace: 'kube-bench', labels: meta.labels, annotations: { ...meta.annotations, ...BENCH_EXCEPTIONS } },
    spec: {
      schedule: '0 3 * * 0',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        spec: {
          backoffLimit: 0,
          activeDeadlineSeconds: 1800,
          template: {
            spec: {
              serviceAccountName: 'kube-bench',
              automountServiceAccountToken: false,
              hostPID: true,
              restartPolicy: 'Never',
              containers: [{
                name: 'kube-bench',
                image: `docker.io/aquasec/kube-bench:v0.15.6@${DIGEST}`,
                command: ['kube-bench', 'run', '--targets', 'node', '--benchmark', 'cis-1.10', '--json'],
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: [
                  { name: 'etc-kubernetes', mountPath: '/etc/kubernetes', readOnly: true },
                  { name: 'var-lib-kubelet', mountPath: '/var/lib/kubelet', readOnly: true },
                ],
              }],
              volumes: [
                { name: 'etc-kubernetes', hostPath: { path: '/etc/kubernetes' } },
                { name: 'var-lib-kubelet', hostPath: { path: '/var/lib/kubelet' } },
              ],
            },
          },
        },
      },
    },
  };
  mutate(cron.spec.jobTemplate.spec.template.spec, cron);
  return cron;
}

function benchNamespace(enforce = 'privileged'): Manifest {
  const meta = provenance('kube-bench', 'test/cluster/ns');
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: 'kube-bench',
      labels: { ...meta.labels, 'pod-security.kubernetes.io/enforce': enforce },
      annotations: { ...meta.annotations, 'exceptions.cdk8s-hardened.io/HK-NAMESPACE-002': 'CIS benchmark pods need hostPID and hostPath (privileged only)' },
    },
  };
}

function withApiVersion(kind: string, apiVersion: string): Manifest[] {
  return withObject(kind, (o) => { o.apiVersion = apiVersion; });
}

/** A bare object of a kind and apiVersion, added to the compliant set. */
function object(apiVersion: string, kind: string, spec: unknown = {}): Manifest {
  return { apiVersion, kind, metadata: { name: 'x', namespace: 'shop', ...provenance('x', 'test/x') }, spec };
}

/** The compliant set whose namespace requires node pool `requirement`; `edit` changes the Deployment. */
function withNodePool(requirement: string, edit: (d: any) => void = () => undefined): Manifest[] {
  const set = withObject('Namespace', (n) => { n.metadata.annotations = { ...n.metadata.annotations, 'cdk8s-hardened.io/node-pool': requirement }; }) as any[];
  edit(set.find((o) => o.kind === 'Deployment'));
  return set;
}

const POOL = 'node.example.com/image=cis-al2023';

export const CLUSTER_CASES: PracticeCases = {
  'HK-CLUSTER-001': {
    pass: [
      { name: 'no policy objects: not judged', objects: plus() },
      { name: 'Kyverno policy with per-rule failureAction', objects: plus(kyvernoPolicy()) },
      { name: 'Kyverno policy in Audit during rollout', objects: plus(kyvernoPolicy((p) => { p.spec.rules[0].validate.failureAction = 'Audit'; })) },
      { name: 'Gatekeeper constraint with enforcementAction', objects: plus(constraint()) },
      { name: 'Gatekeeper warn during rollout', objects: plus(constraint((c) => { c.spec.enforcementAction = 'warn'; })) },
    ],
    fail: [
      { name: 'deprecated validationFailureAction', objects: plus(kyvernoPolicy((p) => { p.spec.validationFailureAction = 'Enforce'; })) },
      { name: 'rule without failureAction', objects: plus(kyvernoPolicy((p) => { delete p.spec.rules[0].validate.failureAction; })) },
      {
        name: 'verifyImages without failureAction',
        objects: plus(kyvernoPolicy((p) => { p.spec.rules[0] = { name: 'verify', verifyImages: [{ imageReferences: ['*'], verifyDigest: true }] }; })),
      },
      { name: 'policy without HK annotation', objects: plus(kyvernoPolicy((p) => { delete p.metadata.annotations; })) },
      { name: 'annotation that is not an HK id', objects: plus(kyvernoPolicy((p) => { p.metadata.annotations['cdk8s-hardened.io/practices'] = 'run-as-non-root'; })) },
      { name: 'constraint without enforcementAction', objects: plus(constraint((c) => { delete c.spec.enforcementAction; })) },
    ],
  },
  'HK-CLUSTER-002': {
    pass: [
      { name: 'no static pods: not judged', objects: plus() },
      { name: 'kubeadm etcd and apiserver with mutual TLS', objects: [etcd(), apiserver()] },
    ],
    fail: [
      { name: 'client-cert-auth off', objects: [etcd(replaceFlag('--client-cert-auth', '--client-cert-auth=false'))] },
      { name: 'peer-client-cert-auth unset', objects: [etcd(replaceFlag('--peer-client-cert-auth'))] },
      { name: 'auto-tls', objects: [etcd((f) => [...f, '--auto-tls=true'])] },
      { name: 'peer auto-tls', objects: [etcd((f) => [...f, '--peer-auto-tls', 'true'])] },
      { name: 'no server key', objects: [etcd(replaceFlag('--key-file'))] },
      { name: 'plain-HTTP client URL', objects: [etcd(replaceFlag('--listen-client-urls', '--listen-client-urls=http://0.0.0.0:2379'))] },
      { name: 'etcd trusts the Kubernetes CA', objects: [etcd(replaceFlag('--trusted-ca-file', '--trusted-ca-file=/etc/kubernetes/pki/ca.crt')), apiserver()] },
      { name: 'apiserver without etcd client cert', objects: [apiserver(replaceFlag('--etcd-certfile'))] },
      { name: 'apiserver to etcd over http', objects: [apiserver(replaceFlag('--etcd-servers', '--etcd-servers=http://127.0.0.1:2379'))] },
    ],
  },
  'HK-CLUSTER-003': {
    pass: [
      { name: 'hardened apiserver', objects: [apiserver()] },
      { name: 'space-separated flag values', objects: [apiserver(replaceFlag('--profiling', '--profiling', 'false'))] },
      { name: 'insecure-port 0 on an old manifest', objects: [apiserver((f) => [...f, '--insecure-port=0'])] },
      { name: 'an application Deployment is not a static pod', objects: withDeployment((d) => { d.spec.template.spec.containers[0].command = ['kube-apiserver']; }) },
    ],
    fail: [
      { name: 'anonymous auth unset', objects: [apiserver(replaceFlag('--anonymous-auth'))] },
      { name: 'AlwaysAllow', objects: [apiserver(replaceFlag('--authorization-mode', '--authorization-mode=AlwaysAllow'))] },
      { name: 'RBAC without Node', objects: [apiserver(replaceFlag('--authorization-mode', '--authorization-mode=RBAC'))] },
      { name: 'no NodeRestriction', objects: [apiserver(replaceFlag('--enable-admission-plugins', '--enable-admission-plugins=DenyServiceExternalIPs'))] },
      { name: 'NodeRestriction disabled', objects: [apiserver((f) => [...f, '--disable-admission-plugins=NodeRestriction'])] },
      { name: 'no DenyServiceExternalIPs', objects: [apiserver(replaceFlag('--enable-admission-plugins', '--enable-admission-plugins=NodeRestriction'))] },
      { name: 'profiling on', objects: [apiserver(replaceFlag('--profiling'))] },
      { name: 'no cipher list', objects: [apiserver(replaceFlag('--tls-cipher-suites'))] },
      { name: 'CBC cipher', objects: [apiserver(replaceFlag('--tls-cipher-suites', '--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'))] },
      { name: 'insecure port on an old manifest', objects: [apiserver((f) => [...f, '--insecure-port=8080'])] },
    ],
  },
  'HK-CLUSTER-004': {
    pass: [
      { name: 'hardened KubeletConfiguration', objects: [kubelet()] },
      { name: 'readOnlyPort unset (config-file default 0)', objects: [kubelet((k) => { delete k.readOnlyPort; })] },
    ],
    fail: [
      { name: 'anonymous auth', objects: [kubelet((k) => { k.authentication.anonymous.enabled = true; })] },
      { name: 'anonymous auth unset', objects: [kubelet((k) => { delete k.authentication.anonymous; })] },
      { name: 'AlwaysAllow', objects: [kubelet((k) => { k.authorization.mode = 'AlwaysAllow'; })] },
      { name: 'no client CA', objects: [kubelet((k) => { delete k.authentication.x509; })] },
      { name: 'read-only port', objects: [kubelet((k) => { k.readOnlyPort = 10255; })] },
      { name: 'rotation off', objects: [kubelet((k) => { k.rotateCertificates = false; })] },
      { name: 'server cert rotation gate off', objects: [kubelet((k) => { k.featureGates = { RotateKubeletServerCertificate: false }; })] },
      { name: 'weak ciphers', objects: [kubelet((k) => { k.tlsCipherSuites = ['TLS_RSA_WITH_3DES_EDE_CBC_SHA']; })] },
      { name: 'no pid limit', objects: [kubelet((k) => { delete k.podPidsLimit; })] },
      { name: 'unlimited pids', objects: [kubelet((k) => { k.podPidsLimit = -1; })] },
    ],
  },
  'HK-CLUSTER-005': {
    pass: [
      { name: 'no kube-bench job: not judged', objects: plus() },
      { name: 'cluster.md kube-bench CronJob', objects: plus(kubeBench(), benchNamespace()) },
      { name: 'cis-1.11 on target 1.30', objects: plus(kubeBench((p) => { p.containers[0].command[5] = 'cis-1.11'; })), targetVersion: '1.30' },
      { name: 'managed-service benchmark', objects: plus(kubeBench((p) => { p.containers[0].command[5] = 'eks-1.5.0'; })) },
    ],
    fail: [
      { name: 'one-off Job', objects: plus(((): Manifest => { const c: any = kubeBench(); return { ...c, kind: 'Job', spec: c.spec.jobTemplate.spec }; })()) },
      { name: 'latest tag', objects: plus(kubeBench((p) => { p.containers[0].image = 'docker.io/aquasec/kube-bench:latest'; })) },
      { name: 'no --benchmark', objects: plus(kubeBench((p) => { p.containers[0].command = ['kube-bench', 'run', '--targets', 'node', '--json']; })) },
      { name: 'benchmark for another minor', objects: plus(kubeBench((p) => { p.containers[0].command[5] = 'cis-1.11'; })) },
      { name: 'no JSON output', objects: plus(kubeBench((p) => { p.containers[0].command.pop(); })) },
      { name: 'no hostPID', objects: plus(kubeBench((p) => { delete p.hostPID; })) },
      { name: 'writable host mount', objects: plus(kubeBench((p) => { delete p.containers[0].volumeMounts[0].readOnly; })) },
      { name: 'hostPath without a recorded exception', objects: plus(kubeBench((_p, c) => { delete c.metadata.annotations['exceptions.cdk8s-hardened.io/HK-WORKLOAD-011']; })) },
      { name: 'namespace enforces restricted', objects: plus(kubeBench(), benchNamespace('restricted')) },
    ],
  },
  'HK-CLUSTER-006': {
    pass: [
      { name: 'GA built-in APIs', objects: plus() },
      { name: 'SealedSecret v1alpha1 (custom resource)', objects: plus(object('bitnami.com/v1alpha1', 'SealedSecret')) },
      { name: 'Linkerd Server v1beta3 (custom resource)', objects: plus(object('policy.linkerd.io/v1beta3', 'Server')) },
      { name: 'flowcontrol v1 on 1.29', objects: [object('flowcontrol.apiserver.k8s.io/v1', 'FlowSchema')], targetVersion: '1.29' },
      { name: 'flowcontrol v1beta3 on 1.28 (no GA yet, not deprecated)', objects: [object('flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema')] },
      { name: 'batch/v1beta1 CronJob on 1.20 (no GA yet)', objects: [object('batch/v1beta1', 'CronJob')], targetVersion: '1.20' },
      { name: 'ValidatingAdmissionPolicy v1beta1 on 1.28', objects: [object('admissionregistration.k8s.io/v1beta1', 'ValidatingAdmissionPolicy')] },
      { name: 'control-plane files are not API objects', objects: [{ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration' }] },
    ],
    fail: [
      { name: 'extensions/v1beta1 Deployment', objects: withApiVersion('Deployment', 'extensions/v1beta1') },
      { name: 'apps/v1beta2 Deployment', objects: withApiVersion('Deployment', 'apps/v1beta2') },
      { name: 'policy/v1beta1 PodDisruptionBudget', objects: withApiVersion('PodDisruptionBudget', 'policy/v1beta1') },
      { name: 'policy/v1beta1 PodSecurityPolicy', objects: plus(object('policy/v1beta1', 'PodSecurityPolicy')) },
      { name: 'batch/v1beta1 CronJob on 1.28', objects: plus(object('batch/v1beta1', 'CronJob')) },
      { name: 'batch/v1beta1 CronJob on 1.21 (GA served)', objects: [object('batch/v1beta1', 'CronJob')], targetVersion: '1.21' },
      { name: 'networking.k8s.io/v1beta1 Ingress', objects: plus(object('networking.k8s.io/v1beta1', 'Ingress')) },
      { name: 'rbac v1beta1 Role', objects: plus(object('rbac.authorization.k8s.io/v1beta1', 'Role')) },
      { name: 'autoscaling/v2beta2 HPA', objects: plus(object('autoscaling/v2beta2', 'HorizontalPodAutoscaler')) },
      { name: 'flowcontrol v1beta2 on 1.29 (removed)', objects: [object('flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema')], targetVersion: '1.29' },
      { name: 'flowcontrol v1 on 1.28 (not served yet)', objects: [object('flowcontrol.apiserver.k8s.io/v1', 'FlowSchema')] },
      { name: 'autoscaling/v2 on 1.22 (not served yet)', objects: [object('autoscaling/v2', 'HorizontalPodAutoscaler')], targetVersion: '1.22' },
      { name: 'unlisted pre-GA built-in version', objects: plus(object('resource.k8s.io/v1alpha2', 'ResourceClaim')) },
      { name: 'PSA version label behind the target', objects: plus(), targetVersion: '1.30' },
      { name: 'PSA version latest', objects: withObject('Namespace', (n) => { n.metadata.labels['pod-security.kubernetes.io/enforce-version'] = 'latest'; }) },
    ],
  },
  'HK-CLUSTER-007': {
    pass: [
      { name: 'no namespace requires a node pool', objects: compliantSet() },
      { name: 'pinned by nodeSelector', objects: withNodePool(POOL, (d) => { d.spec.template.spec.nodeSelector = { 'node.example.com/image': 'cis-al2023' }; }) },
      {
        name: 'pinned by required node affinity',
        objects: withNodePool(POOL, (d) => {
          d.spec.template.spec.affinity = {
            ...d.spec.template.spec.affinity,
            nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node.example.com/image', operator: 'In', values: ['cis-al2023'] }] }] } },
          };
        }),
      },
    ],
    fail: [
      { name: 'workload not pinned', objects: withNodePool(POOL) },
      { name: 'pinned to another pool', objects: withNodePool(POOL, (d) => { d.spec.template.spec.nodeSelector = { 'node.example.com/image': 'stock' }; }) },
      {
        name: 'affinity that also admits other nodes',
        objects: withNodePool(POOL, (d) => {
          d.spec.template.spec.affinity = {
            ...d.spec.template.spec.affinity,
            nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node.example.com/image', operator: 'In', values: ['cis-al2023', 'stock'] }] }] } },
          };
        }),
      },
      { name: 'malformed requirement', objects: withNodePool('cis-al2023') },
    ],
  },
};
