import { ApiObject, Duration, Size, Testing } from 'cdk8s';
import { ConfigMap } from 'cdk8s-plus-28';
import { byKind } from './kinds';
import { image, ready, refusal, shop } from './support';
import { audit } from '../../lib/audit/audit';
import { podSpecOf } from '../../lib/practices/manifest';
import { ImmutableConfigMap, contentHash } from '../../lib/workload/config-map';
import { PodField } from '../../lib/workload/container';
import { SecureDeployment } from '../../lib/workload/secure-deployment';
import { SecureJob } from '../../lib/workload/secure-job';

describe('configuration, storage and pod metadata on every workload', () => {
  const { chart, ns } = shop();
  const config = new ImmutableConfigMap(ns, 'web-config', { data: { 'nginx.conf': 'listen 8080;', 'LOG_LEVEL': 'info' } });
  const plus = new ConfigMap(ns, 'legacy', { data: { 'feature.flags': 'a=1' } });
  const web = new SecureDeployment(ns, 'web', {
    image: image('web'),
    port: 8080,
    readinessProbe: ready(),
    configMapEnv: { LOG_LEVEL: { configMap: config, key: 'LOG_LEVEL' } },
    fieldEnv: { POD_NAME: PodField.POD_NAME, NODE_NAME: PodField.NODE_NAME },
    preStop: ['/bin/sleep', '5'],
    terminationGracePeriod: Duration.seconds(45),
    podLabels: { team: 'storefront' },
    podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' },
    imagePullSecrets: ['registry-credentials'],
    maxSurge: 2,
    maxUnavailable: 0,
    revisionHistoryLimit: 3,
    minReady: Duration.seconds(10),
  });
  web.mountConfigMap(config, '/etc/nginx/conf.d');
  web.mountConfigMap(plus, '/etc/flags');
  web.addSharedVolume('rendered', { sizeLimit: Size.mebibytes(16) });
  web.addInitContainer({ name: 'render', image: image('render'), command: ['/render', '--out=/rendered'] });
  web.mountSharedVolume('rendered', '/rendered', { container: 'render' });
  web.mountSharedVolume('rendered', '/etc/rendered', { readOnly: true });
  web.mountVolumeClaim('uploads', '/srv/uploads', { readOnly: true });
  // The registry credentials and the uploads claim are the platform's, not this app's.
  ApiObject.of(web).metadata.addAnnotation('cdk8s-hardened.io/external-references',
    'Secret/registry-credentials, PersistentVolumeClaim/uploads: created and backed up by the platform team');
  const set = Testing.synth(chart);
  const spec = podSpecOf(byKind(set, 'Deployment', 'web'));
  const app = spec.containers[0];

  test('audits clean but for the provenance the plain cdk8s-plus ConfigMap lacks', () => {
    // Provenance is judged on every object here, as the synth-time audit does for the app's own objects.
    const findings = audit(set, { requireProvenance: true }).findings.filter((f) => !f.excepted);
    expect([...new Set(findings.map((f) => `${f.practiceId} ${f.object?.kind}/${f.object?.name}`))].sort())
      .toEqual([`HK-AUDIT-004 ConfigMap/${plus.name}`, `HK-NAMESPACE-005 ConfigMap/${plus.name}`]);
  });

  test('the immutable ConfigMap is named after its content and immutable', () => {
    const cm = byKind(set, 'ConfigMap', `web-config-${contentHash({ 'nginx.conf': 'listen 8080;', 'LOG_LEVEL': 'info' })}`);
    expect(cm.immutable).toBe(true);
    expect(cm.metadata.name).toMatch(/^web-config-[0-9a-f]{10}$/);
    expect(contentHash({ a: '1' })).not.toBe(contentHash({ a: '2' }));
    expect(contentHash({ a: '1', b: '2' })).toBe(contentHash({ b: '2', a: '1' }));
  });

  test('ConfigMaps (the library\'s and cdk8s-plus\'s) are mounted read-only with mode 0444', () => {
    expect(spec.volumes).toContainEqual({ name: `config-${config.name}`, configMap: { name: config.name, defaultMode: 292, optional: false } });
    expect(spec.volumes).toContainEqual({ name: `config-${plus.name}`, configMap: { name: plus.name, defaultMode: 292, optional: false } });
    expect(app.volumeMounts).toContainEqual({ name: `config-${config.name}`, mountPath: '/etc/nginx/conf.d', readOnly: true });
    expect(app.volumeMounts).toContainEqual({ name: `config-${plus.name}`, mountPath: '/etc/flags', readOnly: true });
  });

  test('env from a ConfigMap key and from the downward API', () => {
    expect(app.env).toEqual([
      { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: config.name, key: 'LOG_LEVEL', optional: false } } },
      { name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    ]);
  });

  test('a volume shared between the init container (read-write) and the main container (read-only)', () => {
    expect(spec.volumes).toContainEqual({ name: 'shared-rendered', emptyDir: { sizeLimit: '16Mi' } });
    expect(spec.initContainers[0].volumeMounts).toContainEqual({ name: 'shared-rendered', mountPath: '/rendered', readOnly: false });
    expect(app.volumeMounts).toContainEqual({ name: 'shared-rendered', mountPath: '/etc/rendered', readOnly: true });
  });

  test('a PersistentVolumeClaim mounted and attached read-only', () => {
    expect(spec.volumes).toContainEqual({ name: 'claim-uploads', persistentVolumeClaim: { claimName: 'uploads', readOnly: true } });
    expect(app.volumeMounts).toContainEqual({ name: 'claim-uploads', mountPath: '/srv/uploads', readOnly: true });
  });

  test('lifecycle, pod labels and annotations, pull secrets, rollout strategy', () => {
    expect(app.lifecycle).toEqual({ preStop: { exec: { command: ['/bin/sleep', '5'] } } });
    expect(spec.terminationGracePeriodSeconds).toBe(45);
    const d = byKind(set, 'Deployment', 'web');
    expect(d.spec.template.metadata.labels.team).toBe('storefront');
    expect(d.spec.template.metadata.annotations).toEqual({ 'prometheus.io/port': '8080', 'prometheus.io/scrape': 'true' });
    expect(spec.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
    expect(d.spec).toMatchObject({ strategy: { rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } }, revisionHistoryLimit: 3, minReadySeconds: 10 });
  });

  test('a Job mounts a ConfigMap the same way (the one pod builder)', () => {
    const { chart: c, ns: n } = shop();
    const cm = new ImmutableConfigMap(n, 'job-config', { data: { 'run.yaml': 'x: 1' } });
    const job = new SecureJob(n, 'j', { image: image() });
    job.mountConfigMap(cm, '/etc/job');
    expect(podSpecOf(byKind(Testing.synth(c), 'Job', 'j')).containers[0].volumeMounts).toContainEqual({ name: `config-${cm.name}`, mountPath: '/etc/job', readOnly: true });
  });
});

describe('configuration and storage refuse bad input with the exact message', () => {
  const web = () => new SecureDeployment(shop().ns, 'web', { image: image(), port: 8080, readinessProbe: ready() });
  const cm = () => new ImmutableConfigMap(shop().ns, 'c', { data: { LEVEL: 'info' } });
  const CASES: Array<[string, () => unknown, string]> = [
    ['a credential in an ImmutableConfigMap', () => new ImmutableConfigMap(shop().ns, 'c', { data: { db_password: 'hunter2-canary' } }),
      "[test/shop/c] ImmutableConfigMap prop 'data.db_password' has a name that says it holds a credential (its value is not shown).\nPractice HK-SECRETS-006 (No credentials in env literals or ConfigMaps) refuses it.\nFix: keep the credential in a Secret (EncryptedSecret, SealedSecret, ExternalSecret) and mountSecret() it as a file."],
    ['a private key in an ImmutableConfigMap', () => new ImmutableConfigMap(shop().ns, 'c', { data: { 'tls.key': '-----BEGIN RSA PRIVATE KEY-----\nabc' } }),
      "[test/shop/c] ImmutableConfigMap prop 'data.tls.key' contains a PEM private key (its value is not shown).\nPractice HK-SECRETS-006 (No credentials in env literals or ConfigMaps) refuses it.\nFix: keep the credential in a Secret (EncryptedSecret, SealedSecret, ExternalSecret) and mountSecret() it as a file."],
    ['ConfigMap data with a number', () => new ImmutableConfigMap(shop().ns, 'c', { data: { port: 8080 as any } }),
      "[test/shop/c] ImmutableConfigMap prop 'data.port' is 8080, not text.\nFix: give the file content as a string."],
    ['empty ConfigMap data', () => new ImmutableConfigMap(shop().ns, 'c', { data: {} }),
      "[test/shop/c] ImmutableConfigMap prop 'data' is {}, not a map of file names to text.\nFix: give { 'app.conf': '…' }."],
    ['a ConfigMap name too long for the hash', () => new ImmutableConfigMap(shop().ns, 'c', { name: 'x'.repeat(53), data: { a: 'b' } }),
      `[test/shop/c] ImmutableConfigMap prop 'name' is "${'x'.repeat(53)}", not a DNS label of at most 52 characters.\nFix: use lower-case letters, digits and '-' (the hash takes the other 11).`],
    ['mounting a string as a ConfigMap', () => web().mountConfigMap('web-config' as any, '/etc/app'),
      "[test/shop/web] SecureDeployment prop 'mountConfigMap(configMap)' is web-config, not a ConfigMap.\nFix: pass an ImmutableConfigMap, a cdk8s-plus ConfigMap or ConfigMap.fromConfigMapName(…)."],
    ['a ConfigMap over /tmp', () => web().mountConfigMap(cm(), '/tmp'),
      "[test/shop/web] SecureDeployment prop 'mountConfigMap(path)' is '/tmp', which overlaps another mount of container 'app' (/tmp).\nFix: mount each ConfigMap in its own directory."],
    ['a ConfigMap into an unknown container', () => web().mountConfigMap(cm(), '/etc/app', { container: 'nope' }),
      "[test/shop/web] SecureDeployment prop 'mountConfigMap(options.container)' is \"nope\", no container of the workload.\nFix: name one of its containers."],
    ['env from a missing ConfigMap key', () => new SecureDeployment(shop().ns, 'web', {
      image: image(), port: 8080, readinessProbe: ready(), configMapEnv: { LEVEL: { configMap: new ImmutableConfigMap(shop().ns, 'c', { data: { a: 'b' } }), key: 'LEVEL' } },
    }),
    "[test/shop/web] SecureDeployment prop 'configMapEnv.LEVEL.key' is \"LEVEL\", no key of ConfigMap 'c-" + contentHash({ a: 'b' }) + "' (a).\nFix: name a key the ConfigMap holds."],
    ['a downward-API field that does not exist', () => new SecureDeployment(shop().ns, 'web', { image: image(), port: 8080, readinessProbe: ready(), fieldEnv: { X: 'spec.secrets' as any } }),
      "[test/shop/web] SecureDeployment prop 'fieldEnv.X' is \"spec.secrets\", not a PodField.\nFix: use PodField.POD_NAME, .POD_NAMESPACE, .POD_UID, .NODE_NAME, .SERVICE_ACCOUNT, .POD_IP or .HOST_IP."],
    ['one variable set twice', () => new SecureDeployment(shop().ns, 'web', {
      image: image(), port: 8080, readinessProbe: ready(), env: { POD_NAME: 'x' }, fieldEnv: { POD_NAME: PodField.POD_NAME },
    }),
    "[test/shop/web] SecureDeployment prop 'env' sets 'POD_NAME' twice (env, secretEnv, configMapEnv and fieldEnv share one namespace).\nFix: set each variable once."],
    ['a preStop hook that is a string', () => new SecureDeployment(shop().ns, 'web', { image: image(), port: 8080, readinessProbe: ready(), preStop: 'sleep 5' as any }),
      "[test/shop/web] SecureDeployment prop 'preStop' is \"sleep 5\", not a non-empty list of strings.\nFix: give a list of words, e.g. ['/app/server', '--port=8080']."],
    ['scratch space above the ephemeral-storage limit', () => new SecureDeployment(shop().ns, 'web', {
      image: image(), port: 8080, readinessProbe: ready(), writablePaths: [{ path: '/tmp', sizeLimit: Size.gibibytes(1) }],
    }),
    "[test/shop/web] SecureDeployment prop 'writablePaths' may hold 1Gi, more than the ephemeral-storage limit 256Mi, so the kubelet evicts the pod before a directory is full.\nPractice HK-WORKLOAD-009 (Read-only root filesystem, bounded scratch volumes) refuses it.\nFix: lower the sizeLimits or raise resources.ephemeralStorage.limit."],
    ['mounting a shared volume never added', () => web().mountSharedVolume('rendered', '/rendered'),
      "[test/shop/web] SecureDeployment prop 'mountSharedVolume(name)' is \"rendered\", no shared volume of the workload.\nFix: add it first with addSharedVolume(name)."],
    ['a shared volume with a size as a number', () => web().addSharedVolume('rendered', { sizeLimit: 64 as any }),
      "[test/shop/web] SecureDeployment prop 'addSharedVolume(options.sizeLimit)' is not a positive whole number of KiB.\nPractice HK-WORKLOAD-009 (Read-only root filesystem, bounded scratch volumes) refuses it.\nFix: bound it, e.g. Size.mebibytes(64)."],
    ['a claim name with a slash', () => web().mountVolumeClaim('a/b', '/data'),
      "[test/shop/web] SecureDeployment prop 'mountVolumeClaim(claimName)' is \"a/b\", not a claim name.\nFix: give the PersistentVolumeClaim's name."],
    ['readOnly as a string', () => web().mountVolumeClaim('data', '/data', { readOnly: 'yes' as any }),
      "[test/shop/web] SecureDeployment prop 'mountVolumeClaim(options.readOnly)' is \"yes\".\nFix: give true or false."],
    ['a pod annotation that relaxes seccomp', () => new SecureDeployment(shop().ns, 'web', {
      image: image(), port: 8080, readinessProbe: ready(), podAnnotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' },
    }),
    "[test/shop/web] SecureDeployment prop 'podAnnotations.container.apparmor.security.beta.kubernetes.io/app' is a key the library sets itself, or one that relaxes security (seccomp, AppArmor, mesh) or silences a scanner.\nFix: use the workload's props (exceptions, mesh, seccompProfile) instead; a recorded exception writes the scanners' exemptions; choose another key for your own metadata."],
    ['a pod annotation that silences kube-score', () => new SecureDeployment(shop().ns, 'web', {
      image: image(), port: 8080, readinessProbe: ready(), podAnnotations: { 'kube-score/ignore': 'container-security-context-user-group-id' },
    }),
    "[test/shop/web] SecureDeployment prop 'podAnnotations.kube-score/ignore' is a key the library sets itself, or one that relaxes security (seccomp, AppArmor, mesh) or silences a scanner.\nFix: use the workload's props (exceptions, mesh, seccompProfile) instead; a recorded exception writes the scanners' exemptions; choose another key for your own metadata."],
    ['a pod label overriding the selector', () => new SecureDeployment(shop().ns, 'web', { image: image(), port: 8080, readinessProbe: ready(), podLabels: { 'app.kubernetes.io/name': 'other' } }),
      "[test/shop/web] SecureDeployment prop 'podLabels.app.kubernetes.io/name' is a key the library sets itself, or one that relaxes security (seccomp, AppArmor, mesh) or silences a scanner.\nFix: use the workload's props (exceptions, mesh, seccompProfile) instead; a recorded exception writes the scanners' exemptions; choose another key for your own metadata."],
    ['pod labels as a list', () => new SecureDeployment(shop().ns, 'web', { image: image(), port: 8080, readinessProbe: ready(), podLabels: ['team'] as any }),
      "[test/shop/web] SecureDeployment prop 'podLabels' is [\"team\"], not a map of keys to values.\nFix: give { 'team': 'shop' }."],
    ['an annotation value that is a number', () => new SecureDeployment(shop().ns, 'web', { image: image(), port: 8080, readinessProbe: ready(), podAnnotations: { 'prometheus.io/port': 8080 as any } }),
      "[test/shop/web] SecureDeployment prop 'podAnnotations.prometheus.io/port' is 8080, not a string.\nFix: give the value as a string, e.g. 'true'."],
    ['pull secrets as a string', () => new SecureDeployment(shop().ns, 'web', { image: image(), port: 8080, readinessProbe: ready(), imagePullSecrets: 'regcred' as any }),
      "[test/shop/web] SecureDeployment prop 'imagePullSecrets' is \"regcred\", not a list.\nFix: give Secret names, e.g. ['registry-credentials']."],
    ['a rollout that can never progress', () => new SecureDeployment(shop().ns, 'web', { image: image(), port: 8080, readinessProbe: ready(), maxSurge: 0, maxUnavailable: 0 }),
      "[test/shop/web] SecureDeployment prop 'maxSurge' is 0 while maxUnavailable is 0, so a rolling update can never progress.\nFix: allow one extra pod (maxSurge: 1) or one pod down (maxUnavailable: 1)."],
    ['revisionHistoryLimit NaN', () => new SecureDeployment(shop().ns, 'web', { image: image(), port: 8080, readinessProbe: ready(), revisionHistoryLimit: NaN }),
      "[test/shop/web] SecureDeployment prop 'revisionHistoryLimit' is null, not a whole number from 0 to 100.\nFix: give a whole number from 0 to 100."],
  ];
  test.each(CASES)('refuses %s', (_name, fn, expected) => {
    expect(refusal(fn)).toBe(expected);
  });
});
