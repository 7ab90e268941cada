import {
  isFrozenRegistry, parseImageReference, parseRegistryList, registryEntryAdmits, wildcardMatches,
} from '../../../../lib/practices/checks/image/util';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  test.each([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['bitnami/redis:7', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7' }],
    ['docker.io/library/nginx:1', { domain: 'docker.io', registry: 'docker.io', repository: 'library/nginx', tag: '1' }],
    ['index.docker.io/library/nginx', { domain: 'index.docker.io', registry: 'docker.io', repository: 'library/nginx' }],
    ['registry:5000/app', { domain: 'registry:5000', registry: 'registry:5000', repository: 'app' }],
    ['registry:5000/app:2.1', { domain: 'registry:5000', registry: 'registry:5000', repository: 'app', tag: '2.1' }],
    ['localhost/app', { domain: 'localhost', registry: 'localhost', repository: 'app' }],
    ['localhost:5000/team/app:dev', { domain: 'localhost:5000', registry: 'localhost:5000', repository: 'team/app', tag: 'dev' }],
    ['Registry.Example.com/shop/api:1', { domain: 'Registry.Example.com', registry: 'registry.example.com', repository: 'shop/api', tag: '1' }],
    [`registry.example.com/shop/api:1.4.2@${DIGEST}`, { domain: 'registry.example.com', registry: 'registry.example.com', repository: 'shop/api', tag: '1.4.2', digest: DIGEST }],
    [`registry.example.com:443/shop/api@${DIGEST}`, { domain: 'registry.example.com:443', registry: 'registry.example.com:443', repository: 'shop/api', digest: DIGEST }],
  ])('parses %s', (ref, expected) => {
    expect(parseImageReference(ref)).toEqual({ original: ref, ...expected });
  });

  test.each([
    ['empty', ''],
    ['whitespace', 'nginx :1'],
    ['two digests', `nginx@${DIGEST}@${DIGEST}`],
    ['empty tag', 'nginx:'],
    ['empty path segment', 'registry.example.com//api'],
    ['malformed digest', 'nginx@sha256:xyz'],
    ['tag starting with a dot', 'nginx:.1'],
  ])('refuses %s', (_name, ref) => {
    expect(parseImageReference(ref)).toBeUndefined();
  });

  test('refuses a non-string', () => {
    expect(parseImageReference(42)).toBeUndefined();
  });
});

describe('registry allow-list helpers', () => {
  const ref = (text: string) => parseImageReference(text)!;

  test('a host entry admits only that exact registry', () => {
    expect(registryEntryAdmits('registry.example.com', ref('registry.example.com/shop/api:1'))).toBe(true);
    expect(registryEntryAdmits('registry.example.com', ref('registry.example.com:5000/shop/api:1'))).toBe(false);
    expect(registryEntryAdmits('registry.example.com', ref('evil.registry.example.com/shop/api:1'))).toBe(false);
  });

  test('a path entry admits its repositories at a segment boundary', () => {
    expect(registryEntryAdmits('ghcr.io/acme', ref('ghcr.io/acme/api:1'))).toBe(true);
    expect(registryEntryAdmits('ghcr.io/acme/*', ref('ghcr.io/acme/api:1'))).toBe(true);
    expect(registryEntryAdmits('ghcr.io/acme', ref('ghcr.io/acme-evil/api:1'))).toBe(false);
  });

  test('docker.io entries admit implicit Docker Hub names', () => {
    expect(registryEntryAdmits('docker.io', ref('nginx:1'))).toBe(true);
    expect(registryEntryAdmits('index.docker.io', ref('nginx:1'))).toBe(true);
    expect(registryEntryAdmits('docker.io/library', ref('nginx:1'))).toBe(true);
  });

  test('k8s.gcr.io and its regional mirrors are frozen; registry.k8s.io is not', () => {
    expect(isFrozenRegistry('k8s.gcr.io')).toBe(true);
    expect(isFrozenRegistry('eu.k8s.gcr.io')).toBe(true);
    expect(isFrozenRegistry('K8S.GCR.IO:443')).toBe(true);
    expect(isFrozenRegistry('registry.k8s.io')).toBe(false);
  });

  test('the annotation list splits on commas and drops blanks', () => {
    expect(parseRegistryList(' a.example.com, ,b.example.com:5000 ')).toEqual(['a.example.com', 'b.example.com:5000']);
    expect(parseRegistryList(undefined)).toEqual([]);
  });

  test('Kyverno wildcards match across path segments and escape dots', () => {
    expect(wildcardMatches('registry.example.com/*', 'registry.example.com/shop/api:1')).toBe(true);
    expect(wildcardMatches('registry.example.com/*', 'registryXexample.com/shop/api:1')).toBe(false);
    expect(wildcardMatches('ghcr.io/acme/ap?:*', 'ghcr.io/acme/api:1')).toBe(true);
  });
});
