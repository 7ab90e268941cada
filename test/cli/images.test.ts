import { readFileSync } from 'fs';
import { join } from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { runCli, scratch, toYaml } from './run-cli';

const D1 = 'sha256:' + '1'.repeat(64);
const D2 = 'sha256:' + '2'.repeat(64);

const SCHEMAS = join(__dirname, '..', '..', 'node_modules', '@cyclonedx', 'cyclonedx-library', 'res', 'schema');

/** Validates against the CycloneDX 1.6 JSON schema that @cyclonedx/cyclonedx-library ships. */
function cycloneDxErrors(bom: unknown): unknown[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // JSON-schema IRI formats, which ajv-formats lacks; the BOM writes no IRI, so they only need to be known.
  for (const format of ['iri-reference', 'idn-email']) ajv.addFormat(format, true);
  for (const file of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
    // The BOM schema refers to its siblings by file name, resolved against its own $id.
    ajv.addSchema({ ...JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')), $id: `http://cyclonedx.org/schema/${file}` });
  }
  const validate = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, 'bom-1.6.SNAPSHOT.schema.json'), 'utf8')));
  return validate(bom) ? [] : [...(validate.errors ?? [])];
}

const deployment = (name: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: { template: { spec: { containers: [{ name: 'app', image }] } } },
});

const ws = scratch({
  'pinned/a.yaml': toYaml([deployment('api', `registry.example.com/shop/api:1.4.2@${D1}`), deployment('web', `registry.example.com/shop/web@${D2}`)]),
  'pinned/b.yaml': toYaml([deployment('api-canary', `registry.example.com/shop/api@${D1}`)]),
  'tagged.yaml': toYaml([deployment('legacy', 'registry.example.com/shop/legacy:3.1')]),
  'noimage.yaml': toYaml([deployment('broken', '')]),
  'bad.yaml': 'kind: [\n',
});
afterAll(() => ws.cleanup());

describe('cdk8s-hardened images', () => {
  test('references: exactly the distinct digests, one per line, exit 0', () => {
    const r = runCli(['images', ws.path('pinned'), '--format', 'references']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`registry.example.com/shop/api@${D1}\nregistry.example.com/shop/web@${D2}\n`);
  });

  test('json: every image with its tags and users', () => {
    const r = runCli(['images', ws.path('pinned'), '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.problems).toEqual([]);
    expect(out.images[0]).toEqual({
      reference: `registry.example.com/shop/api@${D1}`,
      registry: 'registry.example.com',
      repository: 'shop/api',
      digest: D1,
      tags: ['1.4.2'],
      pinned: true,
      usedBy: [
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api', container: 'app', containerList: 'containers' },
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api-canary', container: 'app', containerList: 'containers' },
      ],
    });
  });

  test('cyclonedx: a valid CycloneDX 1.6 BOM, one container component per image, same bytes every run', () => {
    const r = runCli(['images', ws.path('pinned'), '--format', 'cyclonedx']);
    expect(r.code).toBe(0);
    const bom = JSON.parse(r.stdout);
    expect(cycloneDxErrors(bom)).toEqual([]);
    expect(bom.components.map((c: any) => [c.type, c.name, c.version, c.purl])).toEqual([
      ['container', 'registry.example.com/shop/api', D1, `pkg:oci/api@${D1}?repository_url=registry.example.com%2Fshop%2Fapi`],
      ['container', 'registry.example.com/shop/web', D2, `pkg:oci/web@${D2}?repository_url=registry.example.com%2Fshop%2Fweb`],
    ]);
    expect(bom.components[0].properties).toEqual([
      { name: 'cdk8s-hardened:tag', value: '1.4.2' },
      { name: 'cdk8s-hardened:used-by', value: 'Deployment/shop/api container "app"' },
      { name: 'cdk8s-hardened:used-by', value: 'Deployment/shop/api-canary container "app"' },
    ]);
    expect(runCli(['images', ws.path('pinned'), '--format', 'cyclonedx']).stdout).toBe(r.stdout);
  });

  test('fails (exit 1) on an image pinned by tag only, listing it all the same', () => {
    const r = runCli(['images', ws.path('tagged.yaml'), '--format', 'references']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('registry.example.com/shop/legacy:3.1\n');
    expect(r.stderr).toBe('cdk8s-hardened: error: registry.example.com/shop/legacy:3.1 is not pinned by digest (HK-IMAGE-001): a scan of it may not be what runs.\n');
  });

  test('--allow-unpinned accepts tags (exit 0)', () => {
    const r = runCli(['images', ws.path('tagged.yaml'), '--allow-unpinned']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  test('fails (exit 1) on a container without an image', () => {
    const r = runCli(['images', ws.path('noimage.yaml'), '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('cdk8s-hardened: error: Deployment/shop/broken container "app" has no image\n');
    expect(JSON.parse(r.stdout).problems).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'broken', container: 'app', containerList: 'containers', message: 'has no image' },
    ]);
  });

  test('fails (exit 2) on input it cannot read, and on no input', () => {
    expect(runCli(['images', ws.path('bad.yaml')]).code).toBe(2);
    const none = runCli(['images']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('error: no input given. Name files or directories, or - for standard input.\n(add --help for usage)\n');
  });

  test('reads standard input', () => {
    const r = runCli(['images', '-', '--format', 'references'], { input: toYaml([deployment('x', `ghcr.io/acme/x@${D2}`)]) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`ghcr.io/acme/x@${D2}\n`);
  });
});
