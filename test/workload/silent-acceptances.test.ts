import { Duration, Testing } from 'cdk8s';
import { image, ready, refusal, shop } from './support';
import { audit } from '../../lib/audit/audit';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { HealthCheck } from '../../lib/workload/probes';
import { SecureDeployment, SecureDeploymentProps } from '../../lib/workload/secure-deployment';

const base = (extra: Partial<SecureDeploymentProps> = {}): SecureDeploymentProps => ({
  image: image(), port: 8080, readinessProbe: ready(), ...extra,
});

function deployment(extra: Partial<SecureDeploymentProps> = {}, after?: (d: SecureDeployment) => void): () => void {
  return () => {
    const { chart, ns } = shop();
    const d = new SecureDeployment(ns, 'api', base(extra));
    after?.(d);
    Testing.synth(chart);
  };
}

const PUBLIC_EGRESS = (cidr: string) => `[test/shop/api] SecureDeployment prop 'allowEgressTo(cidr)' is '${cidr}', which reaches public address space `
  + '(it lies inside no private or reserved range such as 10.0.0.0/8).\n'
  + 'Practice HK-NETWORK-004 (No blanket allow rules) refuses it.\n'
  + 'Fix: name the private networks the workload talks to; internet egress is a recorded decision, or add exceptions: [{ practice: \'HK-NETWORK-004\', reason: \'…\' }].';

describe('egress to public address space needs the recorded exception, whatever the prefix', () => {
  test.each(['0.0.0.0/1', '128.0.0.0/1', '52.95.0.0/16', '8.8.8.8/32', '11.0.0.0/7', '2600::/12'])('%s is refused', (cidr) => {
    expect(refusal(deployment({}, (d) => d.allowEgressTo(cidr, [{ port: 443 }])))).toBe(PUBLIC_EGRESS(cidr));
  });

  test('two /1 halves of the internet are refused at the first, as 0.0.0.0/0 would be', () => {
    expect(refusal(deployment({}, (d) => {
      d.allowEgressTo('0.0.0.0/1', [{ port: 443 }]);
      d.allowEgressTo('128.0.0.0/1', [{ port: 443 }]);
    }))).toBe(PUBLIC_EGRESS('0.0.0.0/1'));
  });

  test.each(['10.20.0.0/16', '172.16.5.0/24', '192.168.1.10/32', '100.64.0.0/10', '203.0.113.0/24', 'fd12:3456::/48'])('%s (private or reserved) needs none', (cidr) => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'api', base()).allowEgressTo(cidr, [{ port: 443 }]);
    const policy = Testing.synth(chart).find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'api')!;
    expect(policy.spec.egress.map((r: any) => r.to[0].ipBlock?.cidr).filter(Boolean)).toEqual([cidr]);
  });

  test('with the exception, a public range is opened and the exception recorded on the policy', () => {
    const { chart, ns } = shop();
    const d = new SecureDeployment(ns, 'api', base({ exceptions: [{ practice: 'HK-NETWORK-004', reason: 'calls the payment provider API (PAY-31)' }] }));
    d.allowEgressTo('52.95.0.0/16', [{ port: 443 }]);
    const policy = Testing.synth(chart).find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'api')!;
    expect(policy.metadata.annotations['exceptions.cdk8s-hardened.io/HK-NETWORK-004']).toBe('calls the payment provider API (PAY-31)');
  });
});

const CREDENTIAL_FIX = 'Fix: keep the credential in a Secret (EncryptedSecret, SealedSecret, ExternalSecret) and mountSecret() it as a file; a program that '
  + 'only reads it from the environment gets it through secretEnv (with a recorded HK-SECRETS-005 exception), and a URL refers to it as $(VAR), '
  + 'e.g. \'postgres://app:$(DB_PASSWORD)@db:5432/shop\'.';

describe('a credential inside an env value is refused, whatever the variable is called', () => {
  test.each([
    ['DATABASE_URL', 'postgres://app:s3cr3t-pw@db.shop:5432/shop', 'a URL with a password'],
    ['UPSTREAM', 'https://deploy:hunter22@git.example.com/repo.git', 'a URL with a password'],
    ['AUTH_HEADER', 'Bearer abcdefghijklmnop0123456789', 'an HTTP Bearer token'],
    ['PROXY_AUTH', 'Basic ZGVwbG95Omh1bnRlcjIy', 'HTTP Basic credentials'],
    ['AWS_CONFIG', 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'an AWS secret access key'],
    ['KEY_ID', 'AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
  ])('%s', (name, value, kind) => {
    const message = refusal(deployment({ env: { [name]: value } }));
    expect(message).toBe(`[test/shop/api] SecureDeployment prop 'env.${name}' contains ${kind} written in clear (its value is not shown).\n`
      + `Practice HK-SECRETS-006 (No credentials in env literals or ConfigMaps) refuses it.\n${CREDENTIAL_FIX}`);
    expect(message).not.toContain(value);
  });

  test('the audit judges a raw env value the same way (one rule in one place)', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'shop' },
      spec: { containers: [{ name: 'app', image: image(), env: [{ name: 'DATABASE_URL', value: 'postgres://app:s3cr3t-pw@db:5432/shop' }] }] },
    };
    expect(audit([pod]).findings.filter((f) => f.practiceId === 'HK-SECRETS-006').map((f) => f.message))
      .toEqual(['container "app" env "DATABASE_URL" literal value contains a URL with a password']);
  });

  test.each([
    ['DATABASE_URL', 'postgres://app:$(DB_PASSWORD)@db:5432/shop'],
    ['HOMEPAGE', 'https://user@example.com/'],
    ['DOCS', 'Basic authentication is disabled'],
    ['PASSWORD_FILE', '/run/secrets/db/password'],
  ])('%s = %s is no credential', (name, value) => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'api', base({ env: { [name]: value } }));
    const d = Testing.synth(chart).find((m) => m.kind === 'Deployment')!;
    expect(d.spec.template.spec.containers[0].env).toContainEqual({ name, value });
  });
});

describe('containers of one pod', () => {
  test('a sidecar declaring the main container\'s port is refused', () => {
    expect(refusal(deployment({}, (d) => d.addContainer({ name: 'proxy', image: image('proxy'), port: 8080, readinessProbe: HealthCheck.httpGet('/ready') }))))
      .toBe('[test/shop/api] SecureDeployment prop \'addContainer(proxy).ports\' declares TCP 8080, which container \'app\' declares too; containers of one pod '
        + 'share one network namespace, so only one of them can listen on it.\nFix: give the sidecar a port of its own (and reach the other container on localhost at its port).');
  });

  test('a sidecar reusing another container\'s port name is refused', () => {
    expect(refusal(deployment({}, (d) => d.addContainer({ name: 'proxy', image: image('proxy'), ports: [{ port: 9090, name: 'tcp-8080' }], readinessProbe: HealthCheck.httpGet('/ready') }))))
      .toBe('[test/shop/api] SecureDeployment prop \'addContainer(proxy).ports\' names a port \'tcp-8080\', which container \'app\' names too, so a Service or probe '
        + 'that names it is ambiguous.\nFix: give the sidecar\'s port a name of its own, e.g. \'metrics\'.');
  });

  test.each(['readinessProbe', 'livenessProbe', 'startupProbe'])('an init container\'s %s is refused, not dropped', (field) => {
    expect(refusal(deployment({}, (d) => d.addInitContainer({ name: 'migrate', image: image('migrate'), [field]: HealthCheck.exec(['/bin/true']) }))))
      .toBe(`[test/shop/api] SecureDeployment prop 'addInitContainer(migrate).${field}' is set on an init container, which runs to completion before the other `
        + 'containers start; the kubelet never probes it and the API server refuses the field.\nFix: remove it; a helper that keeps running beside the application is a sidecar: addContainer({ … }).');
  });

  test('an init container\'s preStop hook is refused', () => {
    expect(refusal(deployment({}, (d) => d.addInitContainer({ name: 'migrate', image: image('migrate'), preStop: ['/bin/sleep', '1'] }))))
      .toBe('[test/shop/api] SecureDeployment prop \'addInitContainer(migrate).preStop\' is set on an init container, which runs to completion before the other '
        + 'containers start; the kubelet never runs its hooks and the API server refuses the field.\nFix: remove it; a helper that keeps running beside the application is a sidecar: addContainer({ … }).');
  });
});

describe('probe timings that say something else than they seem', () => {
  test.each([
    ['timeout over period', { period: Duration.seconds(5), timeout: Duration.seconds(10) }, 'readinessProbe.timeout',
      'is 10 seconds, longer than the period of 5 seconds, so the kubelet probes less often than the period says', 'give a timeout no longer than the period (a slow check needs a longer period).'],
    ['period of an hour', { period: Duration.hours(1) }, 'readinessProbe.period',
      'is 3600 seconds, so a failure goes unnoticed for minutes', 'give a period of at most 300 seconds.'],
    ['initial delay of an hour', { initialDelay: Duration.hours(1) }, 'readinessProbe.initialDelay',
      'is 3600 seconds, so a container that never starts is noticed only after that',
      'give at most 600 seconds; for a slow start give a startupProbe, which stops waiting as soon as the container is up.'],
    ['failure window of an hour', { period: Duration.seconds(60), failureThreshold: 60 }, 'readinessProbe.failureThreshold',
      'is 60, so a readiness failure is acted on only after 3600 seconds (period × threshold)', 'keep period × failureThreshold at most 600 seconds.'],
    ['failure threshold zero', { failureThreshold: 0 }, 'readinessProbe.failureThreshold', 'is 0', 'give a whole number, at least 1.'],
  ])('%s', (_name, options, prop, problem, fix) => {
    expect(refusal(deployment({ readinessProbe: HealthCheck.httpGet('/ready', options) })))
      .toBe(`[test/shop/api] SecureDeployment prop '${prop}' ${problem}.\nPractice HK-WORKLOAD-020 (Readiness and liveness probes, distinct) refuses it.\nFix: ${fix}`);
  });

  test.each([
    ['a period of 60 s and 61 failures', { period: Duration.seconds(60), failureThreshold: 61 }, 61, 3660],
    ['an initial delay of 10 minutes and 55 minutes of failures', { initialDelay: Duration.minutes(10), period: Duration.seconds(60), failureThreshold: 55 }, 55, 3900],
  ])('a startup probe\'s start-up allowance above an hour is refused: %s', (_name, options, threshold, budget) => {
    expect(refusal(deployment({ startupProbe: HealthCheck.httpGet('/ready', options) })))
      .toBe(`[test/shop/api] SecureDeployment prop 'startupProbe.failureThreshold' is ${threshold}, so a container that never starts is restarted only after `
        + `${budget} seconds (initial delay + period × threshold).\nPractice HK-WORKLOAD-020 (Readiness and liveness probes, distinct) refuses it.\n`
        + 'Fix: keep the start-up allowance at most 3600 seconds (1 hour); longer work before serving belongs in a Job or an init container.');
  });

  test('a startup probe of exactly an hour is accepted', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'api', base({ startupProbe: HealthCheck.httpGet('/ready', { period: Duration.seconds(60), failureThreshold: 60 }) }));
    const d = Testing.synth(chart).find((m) => m.kind === 'Deployment')!;
    expect(d.spec.template.spec.containers[0].startupProbe).toMatchObject({ periodSeconds: 60, failureThreshold: 60 });
  });

  test('a startup probe may give a slow start a long budget', () => {
    const { chart, ns } = shop();
    new SecureDeployment(ns, 'api', base({ startupProbe: HealthCheck.httpGet('/ready', { period: Duration.seconds(10), failureThreshold: 90 }) }));
    const d = Testing.synth(chart).find((m) => m.kind === 'Deployment')!;
    expect(d.spec.template.spec.containers[0].startupProbe).toMatchObject({ periodSeconds: 10, failureThreshold: 90 });
  });
});

describe('dns props are judged before they become a NetworkPolicy', () => {
  const dnsFix = 'Fix: give the DNS pods\' labels, e.g. { \'k8s-app\': \'kube-dns\' }.';
  test.each([
    [{ podLabels: {} }, 'dns.podLabels', 'is empty, which selects every pod of namespace \'kube-system\' and opens port 53 to all of them', dnsFix],
    [{ namespace: 'Bad_NS' }, 'dns.namespace', 'is "Bad_NS", not a namespace name', 'Fix: name the namespace the DNS pods run in, e.g. \'kube-system\'.'],
    [{ namespace: 42 }, 'dns.namespace', 'is 42, not a namespace name', 'Fix: name the namespace the DNS pods run in, e.g. \'kube-system\'.'],
    [{ podLabels: ['a'] }, 'dns.podLabels', 'is a list, not a map of labels', dnsFix],
    [{ podLabels: { 'bad key!': 'x' } }, 'dns.podLabels.bad key!', 'is "x", not a label the API server accepts',
      'Fix: use a label key (optional DNS prefix, then at most 63 letters, digits, \'-\', \'_\' or \'.\') and a value of the same characters.'],
    ['x', 'dns', 'is "x", not { namespace, podLabels }', 'Fix: give e.g. { namespace: \'kube-system\', podLabels: { \'k8s-app\': \'kube-dns\' } }, or leave it unset for kube-dns.'],
  ])('%p', (dns, prop, problem, fix) => {
    const practice = 'Practice HK-NETWORK-002 (Narrow DNS egress only) refuses it.';
    expect(refusal(deployment({ dns } as any))).toBe(`[test/shop/api] SecureDeployment prop '${prop}' ${problem}.\n${practice}\n${fix}`);
    expect(refusal(() => new LockedNamespace(Testing.chart(), 'shop', { owner: 'shop-team', dns } as any)))
      .toBe(`[test/shop] LockedNamespace prop '${prop}' ${problem}.\n${practice}\n${fix}`);
  });
});
