import { describeUse, imageInventory } from '../../lib/images/image-inventory';
import { renderImageReferences, renderImagesText } from '../../lib/images/render';

const D1 = 'sha256:' + '1'.repeat(64);
const D2 = 'sha256:' + '2'.repeat(64);

const deployment = (name: string, namespace: string, containers: any[], initContainers: any[] = []) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: { template: { spec: { containers, initContainers } } },
});

const cronJob = (name: string, image: string) => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name, namespace: 'ops' },
  spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job', image }] } } } } },
});

describe('imageInventory', () => {
  test('one entry per digest: tags and spellings of the same image fold together, users in input order', () => {
    const inv = imageInventory([
      deployment('api', 'shop', [{ name: 'app', image: `registry.example.com/shop/api:1.4.2@${D1}` }]),
      cronJob('report', `registry.example.com/shop/api@${D1}`),
      deployment('web', 'shop', [{ name: 'app', image: `registry.example.com/shop/api:1.4@${D1}` }]),
    ]);
    expect(inv.images).toHaveLength(1);
    expect(inv.images[0]).toEqual({
      reference: `registry.example.com/shop/api@${D1}`,
      registry: 'registry.example.com',
      repository: 'shop/api',
      digest: D1,
      tags: ['1.4', '1.4.2'],
      pinned: true,
      usedBy: [
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api', container: 'app', containerList: 'containers' },
        { apiVersion: 'batch/v1', kind: 'CronJob', namespace: 'ops', name: 'report', container: 'job', containerList: 'containers' },
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web', container: 'app', containerList: 'containers' },
      ],
    });
    expect(inv.problems).toEqual([]);
  });

  test('reads init and ephemeral containers, spells out Docker Hub, sorts by reference', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'debug' },
      spec: {
        containers: [{ name: 'main', image: `nginx@${D2}` }],
        initContainers: [{ name: 'init', image: `ghcr.io/acme/init@${D1}` }],
        ephemeralContainers: [{ name: 'dbg', image: 'busybox:1.36' }],
      },
    };
    const inv = imageInventory([pod]);
    expect(inv.images.map((i) => i.reference)).toEqual([
      'docker.io/library/busybox:1.36',
      `docker.io/library/nginx@${D2}`,
      `ghcr.io/acme/init@${D1}`,
    ]);
    expect(inv.images.map((i) => i.pinned)).toEqual([false, true, true]);
    expect(inv.images.map((i) => describeUse(i.usedBy[0]))).toEqual([
      'Pod/debug ephemeral container "dbg"',
      'Pod/debug container "main"',
      'Pod/debug init container "init"',
    ]);
  });

  test('a container listed twice by the same object counts once', () => {
    const d = deployment('api', 'shop', [{ name: 'app', image: `a.example/x@${D1}` }]);
    expect(imageInventory([d, d]).images[0].usedBy).toHaveLength(1);
  });

  test('containers with no image or an invalid reference are problems, never silently skipped', () => {
    const inv = imageInventory([deployment('bad', 'shop', [{ name: 'none' }, { name: 'num', image: 42 }, { name: 'space', image: 'a b' }])]);
    expect(inv.images).toEqual([]);
    expect(inv.problems.map((p) => `${describeUse(p.use)} ${p.message}`)).toEqual([
      'Deployment/shop/bad container "none" has no image',
      'Deployment/shop/bad container "num" has no image',
      'Deployment/shop/bad container "space" image "a b" is not a valid image reference',
    ]);
  });

  test('objects without a pod template, and hostile shapes, contribute nothing', () => {
    const inv = imageInventory([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { image: `x@${D1}` } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'empty' }, spec: null } as any,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'odd' }, spec: { template: { spec: { containers: 'nope' } } } },
      null as any,
    ]);
    expect(inv).toEqual({ images: [], problems: [] });
  });
});

describe('renderers', () => {
  const inv = imageInventory([
    deployment('api', 'shop', [{ name: 'app', image: `registry.example.com/shop/api:1.4.2@${D1}` }], [{ name: 'migrate', image: 'registry.example.com/shop/migrate:2' }]),
  ]);

  test('references: one per line, nothing else', () => {
    expect(renderImageReferences(inv)).toBe(`registry.example.com/shop/api@${D1}\nregistry.example.com/shop/migrate:2\n`);
  });

  test('text: images, their users, unpinned marked, a count', () => {
    expect(renderImagesText(inv)).toBe([
      `registry.example.com/shop/api@${D1} (tag 1.4.2)`,
      '  Deployment/shop/api container "app"',
      'registry.example.com/shop/migrate:2  NOT PINNED BY DIGEST',
      '  Deployment/shop/api init container "migrate"',
      '2 image(s), 1 pinned by digest, 0 problem(s).',
      '',
    ].join('\n'));
  });
});
