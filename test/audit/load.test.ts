import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { audit } from '../../lib/audit/audit';
import { loadManifests, parseManifests } from '../../lib/audit/load';

const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: nginx:latest\n`;

describe('parseManifests', () => {
  test('reads every document of a multi-document text with the line its object starts on', () => {
    const text = `# leading comment\n${pod('a')}---\n# comment before b\n${pod('b')}`;
    const parsed = parseManifests(text, 'm.yaml');
    expect(parsed.problems).toEqual([]);
    expect(parsed.manifests.map((m) => [m.object.metadata?.name, m.location])).toEqual([
      ['a', { file: 'm.yaml', line: 2 }],
      ['b', { file: 'm.yaml', line: 13 }],
    ]);
  });

  test('skips empty and null documents', () => {
    const parsed = parseManifests(`---\n---\nnull\n---\n~\n---\n${pod('only')}---\n`, 'm.yaml');
    expect(parsed.problems).toEqual([]);
    expect(parsed.manifests.map((m) => m.object.metadata?.name)).toEqual(['only']);
  });

  test('expands kind: List; each item has its own line', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: one}}\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: two}}\n';
    const parsed = parseManifests(`${pod('first')}---\n${text}`, 'list.yaml');
    expect(parsed.manifests.map((m) => [m.object.metadata?.name, m.location.line])).toEqual([['first', 1], ['one', 14], ['two', 15]]);
  });

  test('reports a List without items', () => {
    expect(parseManifests('apiVersion: v1\nkind: List\n', 'l.yaml').problems).toEqual([
      { file: 'l.yaml', line: 1, message: 'document 1 is a List without an items array', level: 'error' },
    ]);
  });

  test('reports documents and List items that are not objects', () => {
    const parsed = parseManifests('- a\n- b\n---\n42\n---\napiVersion: v1\nkind: List\nitems: [hello]\n', 's.yaml');
    expect(parsed.manifests).toEqual([]);
    expect(parsed.problems).toEqual([
      { file: 's.yaml', line: 1, message: 'document 1 is a sequence, not a Kubernetes object', level: 'error' },
      { file: 's.yaml', line: 4, message: 'document 2 is a number scalar, not a Kubernetes object', level: 'error' },
      { file: 's.yaml', line: 6, message: 'document 3 item 1 is a string scalar, not a Kubernetes object', level: 'error' },
    ]);
  });

  test('skips a mapping without kind with a warning (e.g. a Helm values file)', () => {
    expect(parseManifests('replicaCount: 2\nimage: nginx\n', 'values.yaml')).toEqual({
      manifests: [],
      problems: [{ file: 'values.yaml', line: 1, message: 'document 1 has no kind, so it is not a Kubernetes object; skipped', level: 'warning' }],
    });
  });

  test('malformed YAML: one error naming line and column; no object of the text is kept', () => {
    const parsed = parseManifests(`${pod('fine')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n bad: y\n`, 'bad.yaml');
    expect(parsed.manifests).toEqual([]);
    expect(parsed.problems).toEqual([{
      file: 'bad.yaml',
      line: 15,
      column: 2,
      level: 'error',
      message: 'malformed YAML: bad indentation of a mapping entry (no object of this file was audited)',
    }]);
  });

  test('duplicate keys are malformed, as the API server\'s strict decoding says', () => {
    const parsed = parseManifests('apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n  a: c\n', 'dup.yaml');
    expect(parsed.problems[0]).toMatchObject({ line: 5, column: 3, message: 'malformed YAML: duplicated mapping key (no object of this file was audited)' });
  });

  test('reads scalars as Kubernetes does (YAML 1.1): yes/on are booleans, 0644 is octal, dates stay strings', () => {
    const parsed = parseManifests('apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {since: 2024-01-01}}\nspec:\n  hostNetwork: yes\n  hostPID: on\n'
      + '  volumes: [{name: s, secret: {secretName: s, defaultMode: 0644}}]\n', 'p.yaml');
    const obj = parsed.manifests[0].object;
    expect(obj.spec.hostNetwork).toBe(true);
    expect(obj.spec.hostPID).toBe(true);
    expect(obj.spec.volumes[0].secret.defaultMode).toBe(0o644);
    expect(obj.metadata?.annotations?.since).toBe('2024-01-01');
  });

  test('reads JSON', () => {
    const parsed = parseManifests(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j' } }, undefined, 2), 'x.json');
    expect(parsed.manifests.map((m) => [m.object.metadata?.name, m.location.line])).toEqual([['j', 1]]);
  });

  test('resolves anchors and aliases', () => {
    const parsed = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: &l {app: x}}\ndata: *l\n', 'a.yaml');
    expect(parsed.manifests[0].object.data).toEqual({ app: 'x' });
  });

  test('refuses an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', 'kind: ConfigMap'].join('\n');
    const parsed = parseManifests(bomb, 'bomb.yaml');
    expect(parsed.manifests).toEqual([]);
    expect(parsed.problems).toEqual([{
      file: 'bomb.yaml',
      line: 1,
      level: 'error',
      message: 'document 1 expands its aliases beyond 10000 added nodes (an alias bomb, or anchors reused far more than manifests need); skipped',
    }]);
  });

  describe('typed lists: any object with an items array is a list, as client-go decodes it', () => {
    const privilegedPod = '{apiVersion: v1, kind: Pod, metadata: {name: root, namespace: shop}, spec: {hostPID: true, containers: [{name: c, image: x, '
      + 'securityContext: {privileged: true}}], volumes: [{name: root, hostPath: {path: /}}]}}';

    test('expands a PodList, a ClusterRoleBindingList and a list nested in a list, each item at its own line', () => {
      const text = `apiVersion: v1\nkind: PodList\nitems:\n- ${privilegedPod}\n---\n`
        + 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBindingList\nitems:\n'
        + '- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRoleBinding\n  metadata: {name: open}\n'
        + '  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n'
        + '  subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:unauthenticated"}]\n'
        + '- kind: List\n  items:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: inner, namespace: shop}}\n';
      const parsed = parseManifests(text, 'lists.yaml');
      expect(parsed.problems).toEqual([]);
      expect(parsed.manifests.map((m) => [m.object.kind, m.object.metadata?.name, m.location.line])).toEqual([
        ['Pod', 'root', 4], ['ClusterRoleBinding', 'open', 9], ['ConfigMap', 'inner', 16],
      ]);
    });

    test('the privileged Pod inside a PodList fails the audit', () => {
      const parsed = parseManifests(`kind: PodList\nitems:\n- ${privilegedPod}\n`, 'podlist.yaml');
      const ids = audit(parsed.manifests.map((m) => m.object)).findings.map((f) => f.practiceId);
      expect(ids).toEqual(expect.arrayContaining(['HK-WORKLOAD-001', 'HK-WORKLOAD-010', 'HK-WORKLOAD-011']));
    });

    test('reports an items field that is not a list instead of judging the wrapper', () => {
      expect(parseManifests('apiVersion: v1\nkind: PodList\nitems: {a: 1}\n', 'l.yaml').problems).toEqual([{
        file: 'l.yaml',
        line: 1,
        level: 'error',
        message: 'document 1 has an items field that is a mapping, not a list; kubectl would refuse it, so it cannot be judged',
      }]);
    });
  });

  describe('hostile documents are reported with file and line; the others are still read', () => {
    test.each([
      ['a namespace given as a mapping', 'metadata: {name: x, namespace: {a: 1}}', 'has metadata.namespace as a mapping, not a string'],
      ['a list as apiVersion', 'apiVersion: [v1]\nmetadata: {name: x}', 'has apiVersion as a sequence, not a string'],
      ['a list-valued construct-path annotation', 'metadata: {name: x, annotations: {cdk8s-hardened.io/construct-path: [a, b]}}',
        'has metadata.annotations["cdk8s-hardened.io/construct-path"] as a sequence, not a string'],
      ['metadata as a string', 'metadata: oops', 'has metadata as a string scalar, not a mapping'],
      ['a numeric name', 'metadata: {name: 42}', 'has metadata.name as a number scalar, not a string'],
      ['labels as a list', 'metadata: {name: x, labels: [a]}', 'has metadata.labels as a sequence, not a mapping'],
    ])('%s', (_what, body, problem) => {
      const parsed = parseManifests(`kind: ConfigMap\n${body}\n---\n${pod('fine')}`, 'h.yaml');
      expect(parsed.manifests.map((m) => m.object.metadata?.name)).toEqual(['fine']);
      expect(parsed.problems).toEqual([{
        file: 'h.yaml',
        line: 1,
        level: 'error',
        message: `document 1 (ConfigMap) ${problem}; the API server would refuse it, so it cannot be judged`,
      }]);
    });

    test('a kind that is not a string', () => {
      expect(parseManifests('kind: [Pod]\n', 'k.yaml').problems).toEqual([{
        file: 'k.yaml', line: 1, level: 'error', message: 'document 1 has kind as a sequence, not a string; the API server would refuse it, so it cannot be judged',
      }]);
    });
  });

  describe('namespace (as kubectl apply -n)', () => {
    test('gives namespaced objects without a namespace the one named; cluster-scoped objects are left alone', () => {
      const parsed = parseManifests('kind: Deployment\nmetadata: {name: d}\n---\nkind: ClusterRole\nmetadata: {name: r}\n', 'v.yaml', { namespace: 'vendor' });
      expect(parsed.manifests.map((m) => m.object.metadata)).toEqual([{ name: 'd', namespace: 'vendor' }, { name: 'r' }]);
    });

    test('refuses an object in another namespace, as kubectl does', () => {
      expect(parseManifests(pod('p'), 'v.yaml', { namespace: 'vendor' }).problems).toEqual([{
        file: 'v.yaml',
        line: 1,
        level: 'error',
        message: 'document 1 (Pod "p") is in namespace "shop", not "vendor" as --namespace says; kubectl apply -n vendor would refuse it',
      }]);
    });
  });
});

describe('loadManifests', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-load-'));
    const files: Record<string, string> = {
      'tree/b.yaml': pod('b'),
      'tree/a/z.yml': pod('a-z'),
      'tree/a/nested/deep.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deep' } }),
      'tree/C.YAML': pod('upper'),
      'tree/readme.md': '# not read',
      'tree/.git/config.yaml': pod('hidden'),
      'tree/node_modules/x/chart.yaml': pod('dependency'),
      'broken.yaml': 'kind: ConfigMap\nmetadata:\n  name: [oops\n',
      'good.yaml': pod('good'),
      'manifest.txt': pod('named-explicitly'),
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('walks a directory depth-first in sorted order, reading *.yaml, *.yml and *.json only', async () => {
    const loaded = await loadManifests([join(dir, 'tree')]);
    expect(loaded.problems).toEqual([]);
    expect(loaded.files).toEqual(['tree/C.YAML', 'tree/a/nested/deep.json', 'tree/a/z.yml', 'tree/b.yaml'].map((f) => join(dir, f)));
    expect(loaded.objects.map((o) => o.metadata?.name)).toEqual(['upper', 'deep', 'a-z', 'b']);
  });

  test('reads a file named explicitly whatever its extension, in the order given', async () => {
    const loaded = await loadManifests([join(dir, 'manifest.txt'), join(dir, 'good.yaml')]);
    expect(loaded.objects.map((o) => o.metadata?.name)).toEqual(['named-explicitly', 'good']);
  });

  test('a malformed file is a problem; the other files are still loaded', async () => {
    const loaded = await loadManifests([join(dir, 'broken.yaml'), join(dir, 'good.yaml')]);
    expect(loaded.objects.map((o) => o.metadata?.name)).toEqual(['good']);
    expect(loaded.problems).toHaveLength(1);
    expect(loaded.problems[0]).toMatchObject({ file: join(dir, 'broken.yaml'), level: 'error' });
    expect(loaded.problems[0].line).toBeGreaterThan(0);
  });

  test('a missing path is a problem naming it', async () => {
    const loaded = await loadManifests([join(dir, 'nope.yaml'), join(dir, 'good.yaml')]);
    expect(loaded.problems).toEqual([{ file: join(dir, 'nope.yaml'), message: 'cannot read: no such file or directory', level: 'error' }]);
    expect(loaded.objects).toHaveLength(1);
  });

  test('- reads standard input, named <stdin>', async () => {
    const loaded = await loadManifests(['-'], { readStdin: async () => pod('piped') });
    expect(loaded.files).toEqual(['<stdin>']);
    expect(loaded.locationOf(loaded.objects[0])).toEqual({ file: '<stdin>', line: 1 });
  });

  test('a failing standard input is a problem', async () => {
    const loaded = await loadManifests(['-'], { readStdin: async () => { throw new Error('EIO: broken pipe'); } });
    expect(loaded.problems).toEqual([{ file: '<stdin>', message: 'cannot read standard input: EIO: broken pipe', level: 'error' }]);
  });

  test('locationOf knows every loaded object and nothing else; audit() puts it on findings', async () => {
    const loaded = await loadManifests([join(dir, 'good.yaml')]);
    expect(loaded.locationOf(loaded.objects[0])).toEqual({ file: join(dir, 'good.yaml'), line: 1 });
    expect(loaded.locationOf({ kind: 'Pod' })).toBeUndefined();
    const report = audit(loaded.objects, { locationOf: loaded.locationOf });
    const latest = report.findings.find((f) => f.practiceId === 'HK-IMAGE-002');
    expect(latest?.location).toEqual({ file: join(dir, 'good.yaml'), line: 1 });
  });

  test('no inputs, no objects', async () => {
    expect(await loadManifests([])).toMatchObject({ objects: [], problems: [], files: [] });
  });
});
