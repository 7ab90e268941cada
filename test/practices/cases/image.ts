import { Manifest } from '../../../lib/practices/manifest';
import { clone, compliantSet, containerOf, DIGEST, IMAGE, NS, plus, podOf, provenance, secureContainer, withDeployment, withObject } from '../fixtures';
import { PracticeCases } from './types';

/** The compliant set with the Deployment's first container pulling `image`. */
function withImage(image: string): Manifest[] {
  return withDeployment((d) => { containerOf(d).image = image; });
}

/** A compliant init container: no probes, which the API allows only on sidecars. */
function initContainer(fields: Record<string, unknown> = {}): any {
  const c = secureContainer('init');
  for (const field of ['ports', 'readinessProbe', 'livenessProbe']) delete c[field];
  return { ...c, ...fields };
}

/** The compliant set with an init container pulling `image`. */
function withInitImage(image: string): Manifest[] {
  return withDeployment((d) => { podOf(d).initContainers = [initContainer({ image })]; });
}

/** The compliant set with an ephemeral container (as `kubectl debug` adds one) pulling `image`. */
function withEphemeralImage(image: string): Manifest[] {
  return withDeployment((d) => {
    const debug = secureContainer('debug');
    for (const field of ['ports', 'resources', 'readinessProbe', 'livenessProbe']) delete debug[field];
    podOf(d).ephemeralContainers = [{ ...debug, image }];
  });
}

/**
 * The compliant set with its Namespace's allowed-registries annotation replaced (undefined removes it) and, when
 * given, the Deployment's first container pulling `image`.
 */
function withNamespaceRegistries(value: string | undefined, image?: string): Manifest[] {
  const set = withObject('Namespace', (n) => {
    if (value === undefined) delete n.metadata.annotations['cdk8s-hardened.io/allowed-registries'];
    else n.metadata.annotations['cdk8s-hardened.io/allowed-registries'] = value;
  });
  if (image !== undefined) containerOf(set.find((o) => o.kind === 'Deployment')).image = image;
  return set;
}

/** A Kyverno ClusterPolicy verifying signatures of `refs` with one entry shaped by `entry`. */
function verifyPolicy(refs: string[], entry: Record<string, unknown> = {}): Manifest {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'hardened-verify-images', ...provenance('hardened-verify-images', 'test/policy') },
    spec: {
      background: false,
      rules: [{
        name: 'signed',
        match: { any: [{ resources: { kinds: ['Pod'] } }] },
        verifyImages: [{
          imageReferences: refs,
          failureAction: 'Enforce',
          mutateDigest: false,
          verifyDigest: true,
          attestors: [{ count: 1, entries: [{ keys: { publicKeys: 'k8s://kyverno/shop-cosign' } }] }],
          ...entry,
        }],
      }],
    },
  };
}

/** A Kyverno PolicyException exempting `ruleNames` of the verify policy. */
function policyException(ruleNames: string[]): Manifest {
  return {
    apiVersion: 'kyverno.io/v2',
    kind: 'PolicyException',
    metadata: { name: 'skip-verify', namespace: NS, ...provenance('skip-verify', 'test/exception') },
    spec: {
      exceptions: [{ policyName: 'hardened-verify-images', ruleNames }],
      match: { any: [{ resources: { kinds: ['Pod'], namespaces: [NS] } }] },
    },
  };
}

/** The compliant set plus a Service whose only port is shaped by `port`. */
function withServicePort(port: Record<string, unknown>): Manifest[] {
  return withObject('Service', (s) => { s.spec.ports = [{ name: 'p', protocol: 'TCP', ...port }]; });
}

/** The Trivy Operator's two judged ConfigMaps as TrivyOperatorConfig writes them; `edit` changes their data. */
function trivyConfig(edit: (operator: Record<string, string>, trivy: Record<string, string>) => void = () => undefined): Manifest[] {
  const operator: Record<string, string> = { OPERATOR_VULNERABILITY_SCANNER_ENABLED: 'true', OPERATOR_SCANNER_REPORT_TTL: '24h0m0s', OPERATOR_METRICS_FINDINGS_ENABLED: 'true' };
  const trivy: Record<string, string> = { 'trivy.repository': 'mirror.gcr.io/aquasec/trivy', 'trivy.tag': `0.67.2@${DIGEST}`, 'trivy.severity': 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL' };
  edit(operator, trivy);
  const cm = (name: string, data: Record<string, string>) => ({
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'trivy-system', ...provenance('trivy-operator', `test/${name}`) }, data,
  });
  return plus(cm('trivy-operator-config', operator), cm('trivy-operator-trivy-config', trivy));
}

export const IMAGE_CASES: PracticeCases = {
  'HK-IMAGE-001': {
    pass: [
      { name: 'tag and digest', objects: compliantSet() },
      { name: 'digest only', objects: withImage(`registry.example.com/shop/api@${DIGEST}`) },
      { name: 'registry with a port and a digest', objects: withImage(`registry.example.com:5000/shop/api@${DIGEST}`) },
    ],
    fail: [
      { name: 'tag only', objects: withImage('registry.example.com/shop/api:1.4.2') },
      { name: 'upper-case hex digest', objects: withImage(`registry.example.com/shop/api@sha256:${'A'.repeat(64)}`) },
      { name: 'sha512 digest', objects: withImage(`registry.example.com/shop/api@sha512:${'a'.repeat(128)}`) },
      { name: 'truncated digest', objects: withImage(`registry.example.com/shop/api@sha256:${'a'.repeat(63)}`) },
      { name: 'init container with a tag only', objects: withInitImage('registry.example.com/shop/migrate:2.0.0') },
      { name: 'ephemeral container with a tag only', objects: withEphemeralImage('registry.example.com/tools/busybox:1.36') },
      { name: 'container without image', objects: withDeployment((d) => { delete containerOf(d).image; }) },
    ],
  },
  'HK-IMAGE-002': {
    pass: [
      { name: 'tag and digest', objects: compliantSet() },
      { name: 'latest tag, but pinned by digest', objects: withImage(`registry.example.com/shop/api:latest@${DIGEST}`) },
      { name: 'explicit version tag', objects: withImage('registry.example.com/shop/api:1.4.2') },
      { name: 'registry port and a version tag', objects: withImage('registry.example.com:5000/shop/api:1.4.2') },
      { name: 'tag that merely contains latest', objects: withImage('registry.example.com/shop/api:latest-1.4') },
    ],
    fail: [
      { name: 'latest tag', objects: withImage('registry.example.com/shop/api:latest') },
      { name: 'LATEST in upper case', objects: withImage('registry.example.com/shop/api:LATEST') },
      { name: 'untagged', objects: withImage('registry.example.com/shop/api') },
      { name: 'registry port is not a tag', objects: withImage('registry:5000/app') },
      { name: 'localhost port is not a tag', objects: withImage('localhost:5000/app') },
      { name: 'untagged Docker Hub short name', objects: withImage('nginx') },
      { name: 'init container untagged', objects: withInitImage('registry.example.com/shop/migrate') },
      { name: 'ephemeral container latest', objects: withEphemeralImage('registry.example.com/tools/busybox:latest') },
      { name: 'empty tag', objects: withImage('registry.example.com/shop/api:') },
    ],
  },
  'HK-IMAGE-003': {
    pass: [
      { name: 'registry on the namespace allow-list', objects: compliantSet() },
      {
        name: 'registry port matches an allow-list entry with the port',
        objects: withNamespaceRegistries('registry.example.com, registry.example.com:5000', `registry.example.com:5000/shop/api@${DIGEST}`),
      },
      { name: 'no allow-list at all: only frozen registries fail', objects: withNamespaceRegistries(undefined, `quay.io/shop/api:1@${DIGEST}`) },
      { name: 'repository-prefix entry admits its repositories', objects: withNamespaceRegistries('ghcr.io/acme', `ghcr.io/acme/api:1@${DIGEST}`) },
      { name: 'implicit docker.io allowed explicitly', objects: withNamespaceRegistries('docker.io', `library/nginx:1.27@${DIGEST}`) },
    ],
    fail: [
      { name: 'implicit docker.io not on the allow-list', objects: withImage(`nginx:1.27@${DIGEST}`) },
      { name: 'user/repo on Docker Hub (first segment has no dot)', objects: withImage(`shop/api:1.4.2@${DIGEST}`) },
      { name: 'registry port does not match the bare host entry', objects: withImage(`registry.example.com:5000/shop/api@${DIGEST}`) },
      { name: 'localhost registry', objects: withImage(`localhost/shop/api:1@${DIGEST}`) },
      { name: 'typosquatted host', objects: withImage(`registry.examp1e.com/shop/api:1.4.2@${DIGEST}`) },
      { name: 'k8s.gcr.io even when allow-listed', objects: withNamespaceRegistries('registry.example.com,k8s.gcr.io', `k8s.gcr.io/pause:3.9@${DIGEST}`) },
      { name: 'k8s.gcr.io with no allow-list at all', objects: withNamespaceRegistries(undefined, `k8s.gcr.io/pause:3.9@${DIGEST}`) },
      { name: 'init container from an unlisted registry', objects: withInitImage(`quay.io/shop/migrate:1@${DIGEST}`) },
      { name: 'ephemeral container from an unlisted registry', objects: withEphemeralImage(`docker.io/library/busybox:1.36@${DIGEST}`) },
      { name: 'repository-prefix entry does not admit a sibling repository', objects: withNamespaceRegistries('ghcr.io/acme', `ghcr.io/acme-evil/api:1@${DIGEST}`) },
    ],
  },
  'HK-IMAGE-004': {
    pass: [
      { name: 'Always on every container', objects: compliantSet() },
      { name: 'init container with Always', objects: withInitImage(IMAGE) },
    ],
    fail: [
      { name: 'IfNotPresent', objects: withDeployment((d) => { containerOf(d).imagePullPolicy = 'IfNotPresent'; }) },
      { name: 'unset', objects: withDeployment((d) => { delete containerOf(d).imagePullPolicy; }) },
      { name: 'init container with Never', objects: withDeployment((d) => { podOf(d).initContainers = [initContainer({ imagePullPolicy: 'Never' })]; }) },
      {
        name: 'ephemeral container unset',
        objects: withDeployment((d) => { podOf(d).ephemeralContainers = [{ name: 'debug', image: IMAGE, securityContext: clone(secureContainer().securityContext) }]; }),
      },
    ],
  },
  'HK-IMAGE-005': {
    pass: [
      { name: 'no verifyImages policy in the set (judged by HK-CLUSTER-001)', objects: compliantSet() },
      { name: 'enforcing policy covers every image', objects: plus(verifyPolicy(['registry.example.com/*'])) },
      {
        name: 'policy-level Enforce when the entry sets none',
        objects: plus((() => {
          const p = verifyPolicy(['registry.example.com/*']) as any;
          delete p.spec.rules[0].verifyImages[0].failureAction;
          p.spec.validationFailureAction = 'Enforce';
          return p;
        })()),
      },
    ],
    fail: [
      { name: 'entry in Audit mode', objects: plus(verifyPolicy(['registry.example.com/*'], { failureAction: 'Audit' })) },
      {
        name: 'entry with no failureAction defaults to Audit',
        objects: plus((() => {
          const p = verifyPolicy(['registry.example.com/*']) as any;
          delete p.spec.rules[0].verifyImages[0].failureAction;
          return p;
        })()),
      },
      { name: 'image outside the verified references', objects: plus(verifyPolicy(['registry.example.com/other/*'])) },
      { name: 'image skipped', objects: plus(verifyPolicy(['registry.example.com/*'], { skipImageReferences: ['registry.example.com/shop/*'] })) },
      { name: 'verifyDigest switched off', objects: plus(verifyPolicy(['registry.example.com/*'], { verifyDigest: false })) },
      { name: 'no attestors', objects: plus(verifyPolicy(['registry.example.com/*'], { attestors: [] })) },
      { name: 'a PolicyException exempts the verify rule', objects: plus(verifyPolicy(['registry.example.com/*']), policyException(['signed'])) },
      { name: 'a PolicyException exempts the autogen rule', objects: plus(verifyPolicy(['registry.example.com/*']), policyException(['autogen-signed'])) },
    ],
  },
  'HK-IMAGE-006': {
    pass: [
      { name: 'port 8080 and no command', objects: compliantSet() },
      { name: 'ordinary entrypoint', objects: withDeployment((d) => { containerOf(d).command = ['/app/server', 'sudo']; }) },
      { name: 'Service port 22 mapped to target 2222', objects: withServicePort({ port: 22, targetPort: 2222 }) },
    ],
    fail: [
      { name: 'containerPort 22', objects: withDeployment((d) => { containerOf(d).ports.push({ name: 'ssh', containerPort: 22, protocol: 'TCP' }); }) },
      { name: 'init container port 22', objects: withDeployment((d) => { podOf(d).initContainers = [initContainer({ ports: [{ containerPort: 22 }] })]; }) },
      { name: 'sudo entrypoint', objects: withDeployment((d) => { containerOf(d).command = ['sudo', '/app/server']; }) },
      { name: 'sudo by path', objects: withDeployment((d) => { containerOf(d).command = ['/usr/bin/sudo', '-u', 'app', '/app/server']; }) },
      {
        name: 'ephemeral container sudo entrypoint',
        objects: withDeployment((d) => { podOf(d).ephemeralContainers = [{ name: 'debug', image: IMAGE, command: ['sudo', 'sh'] }]; }),
      },
      { name: 'Service targetPort 22', objects: withServicePort({ port: 2222, targetPort: 22 }) },
      { name: 'Service port 22 with targetPort defaulted', objects: withServicePort({ port: 22 }) },
    ],
  },
  'HK-IMAGE-007': {
    pass: [
      { name: 'no Trivy Operator configuration in the set (not judged)', objects: compliantSet() },
      { name: 'TrivyOperatorConfig defaults: rescan every 24h, scanner pinned, findings metrics', objects: trivyConfig() },
      { name: 'weekly rescan', objects: trivyConfig((o) => { o.OPERATOR_SCANNER_REPORT_TTL = '168h'; }) },
      { name: 'severity left to the default (every severity)', objects: trivyConfig((_o, t) => { delete t['trivy.severity']; }) },
    ],
    fail: [
      { name: 'vulnerability scanner disabled', objects: trivyConfig((o) => { o.OPERATOR_VULNERABILITY_SCANNER_ENABLED = 'false'; }) },
      { name: 'reports never expire (no TTL)', objects: trivyConfig((o) => { delete o.OPERATOR_SCANNER_REPORT_TTL; }) },
      { name: 'rescan only every 30 days', objects: trivyConfig((o) => { o.OPERATOR_SCANNER_REPORT_TTL = '720h'; }) },
      { name: 'TTL not a duration', objects: trivyConfig((o) => { o.OPERATOR_SCANNER_REPORT_TTL = 'daily'; }) },
      { name: 'no findings metrics to alert on', objects: trivyConfig((o) => { delete o.OPERATOR_METRICS_FINDINGS_ENABLED; }) },
      { name: 'scanner image by tag only', objects: trivyConfig((_o, t) => { t['trivy.tag'] = '0.67.2'; }) },
      { name: 'CRITICAL not recorded', objects: trivyConfig((_o, t) => { t['trivy.severity'] = 'LOW,MEDIUM'; }) },
      { name: 'unfixed vulnerabilities ignored', objects: trivyConfig((_o, t) => { t['trivy.ignoreUnfixed'] = 'true'; }) },
    ],
  },
};
