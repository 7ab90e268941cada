import { Duration, Size } from 'cdk8s';
import { Cpu, ServiceType } from 'cdk8s-plus-28';
import { image, refusal, shop, ready } from './support';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureDeployment, SecureDeploymentProps } from '../../lib/workload/secure-deployment';

type After = (d: SecureDeployment, other: SecureDeployment) => void;

/** Each case: what is wrong, the props, an optional call after construction, and the exact refusal. */
const CASES: Array<[string, any, After | undefined, string]> = [
  ['tag', { image: 'registry.example.com/shop/api:1.4.2', port: 8080, readinessProbe: ready() }, undefined,
    "[test/shop/api] SecureDeployment prop 'image' is 'registry.example.com/shop/api:1.4.2', a tag that can move.\nPractice HK-IMAGE-001 (Pin every image by digest) refuses it.\nFix: use 'registry.example.com/shop/api:1.4.2@sha256:<digest>', or add exceptions: [{ practice: 'HK-IMAGE-001', reason: '\u2026' }]."],
  ['latest', { image: 'registry.example.com/shop/api:latest', port: 8080, readinessProbe: ready() }, undefined,
    "[test/shop/api] SecureDeployment prop 'image' is 'registry.example.com/shop/api:latest', the moving 'latest' tag.\nPractice HK-IMAGE-002 (No `latest`, no untagged image) refuses it.\nFix: pin the image by digest: 'registry.example.com/shop/api:latest@sha256:<digest>' (resolve it with `crane digest`)."],
  ['bad ref', { image: 'registry.example.com/shop/api@@x', port: 8080, readinessProbe: ready() }, undefined,
    "[test/shop/api] SecureDeployment prop 'image' is 'registry.example.com/shop/api@@x', not an image reference.\nPractice HK-IMAGE-001 (Pin every image by digest) refuses it.\nFix: write 'registry.example.com/team/app:1.4.2@sha256:<64 hex digits>'."],
  ['registry', { image: `docker.io/library/nginx:1.27@sha256:${'a'.repeat(64)}`, port: 8080, readinessProbe: ready() }, undefined,
    "[test/shop/api] SecureDeployment prop 'image' is 'docker.io/library/nginx:1.27@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', from docker.io, which LockedNamespace 'shop' does not allow (registry.example.com).\nPractice HK-IMAGE-003 (Pull only from allowed registries) refuses it.\nFix: mirror the image into an allowed registry and reference it there, or extend the allow-list, or add exceptions: [{ practice: 'HK-IMAGE-003', reason: '\u2026' }]."],
  ['cap', { image: image(), port: 8080, readinessProbe: ready(), addCapabilities: ['SYS_FOO'] }, undefined,
    "[test/shop/api] SecureDeployment prop 'addCapabilities' holds \"SYS_FOO\", which is no Linux capability.\nPractice HK-WORKLOAD-007 (Add back at most NET_BIND_SERVICE) refuses it.\nFix: use a capability name from capabilities(7) without the CAP_ prefix, e.g. 'NET_BIND_SERVICE'."],
  ['cap net', { image: image(), port: 8080, readinessProbe: ready(), addCapabilities: ['NET_ADMIN'] }, undefined,
    "[test/shop/api] SecureDeployment prop 'addCapabilities' holds 'NET_ADMIN', an added capability without a recorded reason.\nPractice HK-WORKLOAD-007 (Add back at most NET_BIND_SERVICE) refuses it.\nFix: drop it; most processes need no capability at all, or add exceptions: [{ practice: 'HK-WORKLOAD-007', reason: '\u2026' }]."],
  ['zero mem', { image: image(), port: 8080, readinessProbe: ready(), resources: { memory: { request: Size.mebibytes(0), limit: Size.mebibytes(128) } } }, undefined,
    "[test/shop/api] SecureDeployment prop 'resources.memory.request' is '0Mi', not a positive whole number of KiB.\nPractice HK-WORKLOAD-019 (Requests and limits for cpu, memory, ephemeral storage) refuses it.\nFix: give a positive amount, e.g. Cpu.millis(250), Size.mebibytes(256)."],
  ['neg cpu', { image: image(), port: 8080, readinessProbe: ready(), resources: { cpu: { request: Cpu.millis(-5), limit: Cpu.millis(100) } } }, undefined,
    "[test/shop/api] SecureDeployment prop 'resources.cpu.request' is '-5m', not a positive CPU amount.\nPractice HK-WORKLOAD-019 (Requests and limits for cpu, memory, ephemeral storage) refuses it.\nFix: give a positive amount, e.g. Cpu.millis(250), Size.mebibytes(256)."],
  ['port', { image: image(), port: 70000 }, undefined,
    "[test/shop/api] SecureDeployment prop 'port' is 70000, not a port number.\nFix: give an integer from 1024 to 65535."],
  ['uid0', { image: image(), port: 8080, readinessProbe: ready(), runAsUser: 0 }, undefined,
    "[test/shop/api] SecureDeployment prop 'runAsUser' is 0, root.\nPractice HK-WORKLOAD-003 (Must run as non-root) refuses it.\nFix: rebuild the image to run as a numeric non-root user (e.g. USER 65532) and keep the default."],
  ['uid low', { image: image(), port: 8080, readinessProbe: ready(), runAsUser: 1000 }, undefined,
    "[test/shop/api] SecureDeployment prop 'runAsUser' is 1000, inside the range host accounts use.\nPractice HK-WORKLOAD-004 (Numeric, high, non-zero UID) refuses it.\nFix: use an id above 10000 (the default is 65532), or add exceptions: [{ practice: 'HK-WORKLOAD-004', reason: '\u2026' }]."],
  ['no reason', { image: image(), port: 8080, readinessProbe: ready(), exceptions: [{ practice: 'HK-WORKLOAD-009', reason: 'short' }] }, undefined,
    "[test/shop/api] SecureDeployment prop 'exceptions[0].reason' for 'HK-WORKLOAD-009' is 'short', shorter than 10 characters.\nPractice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\nFix: say why in words a reviewer can check: a ticket, an upstream constraint."],
  ['no id', { image: image(), port: 8080, readinessProbe: ready(), exceptions: [{ practice: 'HK-WORKLOAD-999', reason: 'a long enough reason' }] }, undefined,
    "[test/shop/api] SecureDeployment prop 'exceptions[0].practice' is 'HK-WORKLOAD-999', which is no practice of the catalogue.\nPractice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\nFix: use a practice id from the catalogue, e.g. 'HK-WORKLOAD-009' (see the README practice table)."],
  ['none', { image: image(), port: 8080, readinessProbe: ready(), exceptions: [{ practice: 'HK-WORKLOAD-006', reason: 'a long enough reason' }] }, undefined,
    "[test/shop/api] SecureDeployment prop 'exceptions[0].practice' is 'HK-WORKLOAD-006' (Drop ALL capabilities), which allows no exception.\nPractice HK-AUDIT-003 (Every exception recorded in the manifest with a reason) refuses it.\nFix: remove the exception and comply with the practice; there is no recorded way out."],
  ['self', { image: image(), port: 8080, readinessProbe: ready() }, (d) => d.allowFrom(d),
    "[test/shop/api] SecureDeployment prop 'allowFrom(peer)' is the workload itself.\nPractice HK-NETWORK-003 (Least-access policies from declared dependencies) refuses it.\nFix: declare only connections between different workloads; pods of one workload need no rule to be replicas."],
  ['secret env', { image: image(), port: 8080, readinessProbe: ready(), env: { DB_PASSWORD: 'hunter2-canary' } }, undefined,
    "[test/shop/api] SecureDeployment prop 'env.DB_PASSWORD' looks like a credential written in clear (its value is not shown).\nPractice HK-SECRETS-006 (No credentials in env literals or ConfigMaps) refuses it.\nFix: keep the credential in a Secret (EncryptedSecret, SealedSecret, ExternalSecret) and mountSecret() it as a file; a program that only reads it from the environment gets it through secretEnv (with a recorded HK-SECRETS-005 exception), and a URL refers to it as $(VAR), e.g. 'postgres://app:$(DB_PASSWORD)@db:5432/shop'."],
  ['nodeport', { image: image(), port: 8080, readinessProbe: ready(), serviceType: ServiceType.NODE_PORT }, undefined,
    "[test/shop/api] SecureDeployment prop 'serviceType' is 'NodePort'.\nPractice HK-NETWORK-006 (ClusterIP only: no NodePort, LoadBalancer, externalIPs) refuses it.\nFix: keep ClusterIP and expose the workload through the ingress controller (allowFromIngressController), or add exceptions: [{ practice: 'HK-NETWORK-006', reason: '\u2026' }]."],
  ['no probes', { image: image() }, undefined,
    "[test/shop/api] SecureDeployment prop 'readinessProbe' is missing and the container declares no TCP port to check.\nPractice HK-WORKLOAD-020 (Readiness and liveness probes, distinct) refuses it.\nFix: pass readinessProbe and livenessProbe (e.g. HealthCheck.exec([...])), or declare the port the process serves, or add exceptions: [{ practice: 'HK-WORKLOAD-020', reason: '\u2026' }]."],
  ['default ns', { image: image(), port: 8080, readinessProbe: ready(), namespace: 'default' }, undefined,
    "[test/shop/api] SecureDeployment prop 'namespace' is 'default', which has no policies, quotas or RBAC boundaries.\nPractice HK-NAMESPACE-001 (Never the `default` or `kube-*` namespaces) refuses it.\nFix: give the application its own namespace (LockedNamespace)."],
  ['metadata', { image: image(), port: 8080, readinessProbe: ready() }, (d) => d.allowEgressTo('169.254.169.254/32', [{ port: 80 }]),
    "[test/shop/api] SecureDeployment prop 'allowEgressTo(cidr)' is '169.254.169.254/32', the cloud metadata endpoint.\nPractice HK-NETWORK-010 (Cloud metadata endpoint unreachable) refuses it.\nFix: give the workload cloud credentials through workload identity instead, or add exceptions: [{ practice: 'HK-NETWORK-010', reason: '\u2026' }]."],
  ['world', { image: image(), port: 8080, readinessProbe: ready() }, (d) => d.allowEgressTo('0.0.0.0/0', [{ port: 443 }]),
    "[test/shop/api] SecureDeployment prop 'allowEgressTo(cidr)' is '0.0.0.0/0', every address.\nPractice HK-NETWORK-004 (No blanket allow rules) refuses it.\nFix: name the networks the workload talks to, or add exceptions: [{ practice: 'HK-NETWORK-004', reason: '\u2026' }]."],
  ['replicas', { image: image(), port: 8080, readinessProbe: ready(), replicas: 1 }, undefined,
    "[test/shop/api] SecureDeployment prop 'replicas' is 1, so one node drain takes the workload down.\nPractice HK-WORKLOAD-021 (Disruption budget, \u22652 replicas, spread) refuses it.\nFix: run at least 2 replicas, or add exceptions: [{ practice: 'HK-WORKLOAD-021', reason: '…' }]."],
  ['default probes identical', { image: image(), port: 8080 }, undefined,
    "[test/shop/api] SecureDeployment prop 'readinessProbe' is missing, and the default readiness and liveness checks would be the same TCP connect to port 8080 (kube-score pod-probes-identical).\nPractice HK-WORKLOAD-020 (Readiness and liveness probes, distinct) refuses it.\nFix: pass a readinessProbe that asks the application whether it can serve, e.g. HealthCheck.httpGet('/ready') or HealthCheck.exec([...]); the livenessProbe then stays the TCP check, or add exceptions: [{ practice: 'HK-WORKLOAD-020', reason: '\u2026' }]."],
  ['same path, other timings', { image: image(), port: 8080, readinessProbe: HealthCheck.httpGet('/healthz'), livenessProbe: HealthCheck.httpGet('/healthz', { period: Duration.seconds(30), failureThreshold: 10 }) }, undefined,
    "[test/shop/api] SecureDeployment prop 'livenessProbe' checks the same thing as the readinessProbe (httpGet \"/healthz\"), so a slow dependency restarts the pod (kube-score pod-probes-identical).\nPractice HK-WORKLOAD-020 (Readiness and liveness probes, distinct) refuses it.\nFix: give the two checks different handlers, e.g. readiness HealthCheck.httpGet('/ready') and liveness HealthCheck.httpGet('/healthz') or HealthCheck.tcpSocket(); timings alone do not make them differ, or add exceptions: [{ practice: 'HK-WORKLOAD-020', reason: '\u2026' }]."],
  ['tcp readiness, default liveness', { image: image(), port: 8080, readinessProbe: HealthCheck.tcpSocket({ period: Duration.seconds(2) }) }, undefined,
    "[test/shop/api] SecureDeployment prop 'readinessProbe' checks the same thing as the default livenessProbe (tcpSocket port \"tcp-8080\"), so a slow dependency restarts the pod (kube-score pod-probes-identical).\nPractice HK-WORKLOAD-020 (Readiness and liveness probes, distinct) refuses it.\nFix: give the two checks different handlers, e.g. readiness HealthCheck.httpGet('/ready') and liveness HealthCheck.httpGet('/healthz') or HealthCheck.tcpSocket(); timings alone do not make them differ, or add exceptions: [{ practice: 'HK-WORKLOAD-020', reason: '\u2026' }]."],
  ['same exec', { image: image(), readinessProbe: HealthCheck.exec(['/bin/check']), livenessProbe: HealthCheck.exec(['/bin/check'], { failureThreshold: 9 }) }, undefined,
    "[test/shop/api] SecureDeployment prop 'livenessProbe' checks the same thing as the readinessProbe (exec [\"/bin/check\"]), so a slow dependency restarts the pod (kube-score pod-probes-identical).\nPractice HK-WORKLOAD-020 (Readiness and liveness probes, distinct) refuses it.\nFix: give the two checks different handlers, e.g. readiness HealthCheck.httpGet('/ready') and liveness HealthCheck.httpGet('/healthz') or HealthCheck.tcpSocket(); timings alone do not make them differ, or add exceptions: [{ practice: 'HK-WORKLOAD-020', reason: '\u2026' }]."],
  ['credential header', { image: image(), port: 8080, readinessProbe: HealthCheck.httpGet('/ready', { headers: { Authorization: 'Bearer canary-token' } }) }, undefined,
    "[test/shop/api] SecureDeployment prop 'readinessProbe.headers.Authorization' is a credential header, which would sit in the pod spec in clear (its value is not shown).\nPractice HK-SECRETS-006 (No credentials in env literals or ConfigMaps) refuses it.\nFix: serve the health endpoint without authentication on a port only the kubelet reaches."],
  ['host header', { image: image(), port: 8080, readinessProbe: HealthCheck.httpGet('/ready', { headers: { Host: 'evil.example.com' } }) }, undefined,
    "[test/shop/api] SecureDeployment prop 'readinessProbe.headers.Host' would send the check to another virtual host.\nPractice HK-WORKLOAD-018 (Probes and hooks never target another host) refuses it.\nFix: drop the Host header; the check goes to the pod itself."],
  ['scheme', { image: image(), port: 8080, readinessProbe: HealthCheck.httpGet('/ready', { scheme: 'FTP' as any }) }, undefined,
    "[test/shop/api] SecureDeployment prop 'readinessProbe.scheme' is \"FTP\".\nPractice HK-WORKLOAD-020 (Readiness and liveness probes, distinct) refuses it.\nFix: use 'HTTP' or 'HTTPS'."],
  ['headers as list', { image: image(), port: 8080, readinessProbe: HealthCheck.httpGet('/ready', { headers: ['Accept'] as any }) }, undefined,
    "[test/shop/api] SecureDeployment prop 'readinessProbe.headers' is [\"Accept\"], not a map of header names to values.\nPractice HK-WORKLOAD-020 (Readiness and liveness probes, distinct) refuses it.\nFix: give { Accept: 'application/json' }."],
  ['grpc service', { image: image(), port: 8080, readinessProbe: HealthCheck.grpc({ service: 42 as any }) }, undefined,
    "[test/shop/api] SecureDeployment prop 'readinessProbe.service' is 42, not a gRPC service name.\nPractice HK-WORKLOAD-020 (Readiness and liveness probes, distinct) refuses it.\nFix: give the name the server registers, e.g. 'shop.Api', or none for the whole server."],
];

describe('SecureDeployment refuses insecure or malformed input with the exact message', () => {
  test.each(CASES)('refuses %s', (_name, props: SecureDeploymentProps, after, expected) => {
    const { ns } = shop();
    const message = refusal(() => {
      const d = new SecureDeployment(ns, 'api', props);
      const other = new SecureDeployment(ns, 'other', { image: image(), port: 8080, readinessProbe: ready() });
      after?.(d, other);
    });
    expect(message).toBe(expected);
  });

  test('never echoes the value of a credential-like variable', () => {
    const { ns } = shop();
    expect(refusal(() => new SecureDeployment(ns, 'api', { image: image(), port: 8080, readinessProbe: ready(), env: { DB_PASSWORD: 'hunter2-canary' } }))).not.toContain('hunter2-canary');
  });
});
