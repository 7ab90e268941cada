import { readFileSync } from 'fs';
import { join } from 'path';
import { isMap, isSeq, LineCounter, Node, parseAllDocuments } from 'yaml';
import { BILLION_LAUGHS } from './bombs';
import { checkYamlText, loadYamlDocuments } from '../../lib/yaml/load-yaml';
import { YamlInputError } from '../../lib/yaml/yaml-input-error';

function values(text: string): unknown[] {
  return loadYamlDocuments(text).documents.map((d) => d.value);
}

describe('loadYamlDocuments', () => {
  test('reads YAML 1.1 scalars as kubectl does, timestamps as strings', () => {
    expect(values('a: yes\nb: off\nc: 0644\nd: 0x1F\ne: 1_000\nf: 2024-01-01\ng: ~\nh: "yes"\ni: 1.5\nj: .inf')).toEqual([{
      a: true, b: false, c: 420, d: 31, e: 1000, f: '2024-01-01', g: null, h: 'yes', i: 1.5, j: Infinity,
    }]);
  });

  test('gives the same values as the yaml library (YAML 1.1, no timestamps) on ordinary manifests', () => {
    const text = [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web, tier: "1"}\nspec:\n  replicas: 2\n'
        + '  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n        args: ["--port", "8080"]\n'
        + '        env:\n        - {name: A, value: "on"}\n        - name: B\n          value: |\n            multi\n            line\n',
      'kind: ConfigMap\ndata:\n  folded: >\n    a\n    b\n  quoted: \'it\'\'s\'\n  merged:\n    <<: &base {x: 1}\n    y: 2\n',
    ].join('---\n');
    const expected = parseAllDocuments(text, { version: '1.1', customTags: (tags) => tags.filter((t) => typeof t !== 'object' || !('tag' in t) || t.tag !== 'tag:yaml.org,2002:timestamp') });
    expect(values(text)).toEqual((expected as any[]).map((d) => d.toJS()));
  });

  test('gives each document the line its content starts on, after comments and markers', () => {
    const docs = loadYamlDocuments('# header\n---\na: 1\n---\n\n# note\nb: 2\n...\n--- {c: 3}\n').documents;
    expect(docs.map((d) => [d.index, d.line, d.value])).toEqual([[1, 3, { a: 1 }], [2, 7, { b: 2 }], [3, 9, { c: 3 }]]);
  });

  test('keeps exact lines across the batches it parses a long text in', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `# object ${i}\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  k: "${'v'.repeat(100)}"\n`).join('---\n');
    const docs = loadYamlDocuments(text).documents;
    expect(docs).toHaveLength(3000);
    expect(docs.map((d) => d.line)).toEqual(Array.from({ length: 3000 }, (_, i) => 2 + i * 7));
  });

  test('gives every item of a list, nested lists included, its own line', () => {
    const doc = loadYamlDocuments('kind: PodList\nitems:\n- kind: Pod\n  metadata: {name: a}\n- kind: List\n  items:\n  - {kind: Pod}\n  -\n    kind: Role\n').documents[0];
    expect([doc.itemLine([0]), doc.itemLine([1]), doc.itemLine([1, 0]), doc.itemLine([1, 1]), doc.itemLine([2])]).toEqual([3, 5, 7, 9, undefined]);
  });

  test('gives the lines the yaml library\'s full document model gives, documents and list items, across batches', () => {
    const fixtures = ['insecure.yaml', 'included-insecure.yaml', 'third-party-rbac.yaml']
      .map((f) => readFileSync(join(__dirname, '..', 'fixtures', f), 'utf8'));
    const lists = Array.from({ length: 400 }, (_, i) => i % 3 === 0
      ? `# list ${i}\nkind: PodList\nitems:\n- kind: Pod\n  metadata: {name: p${i}}\n\n- # item\n  kind: List\n  items:\n  - {kind: Pod}\n  -\n    kind: Role\n`
      : `kind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  k: |\n    ${'x'.repeat(i * 7)}\n    --- not a marker inside a block scalar\n`);
    for (const text of [...fixtures, lists.join('---\n'), lists.join('\n...\n---\n'), lists.join('---\n').replace(/\n/g, '\r\n')]) {
      expect(readLines(text)).toEqual(oracleLines(text));
    }
  });

  test('keeps exact lines after a batch is read again document by document (a too-deep document in it)', () => {
    const docs = Array.from({ length: 600 }, (_, i) => i === 300 ? `x: ${'['.repeat(300)}${']'.repeat(300)}\n` : `kind: ConfigMap\nmetadata: {name: c${i}}\n`);
    const r = loadYamlDocuments(docs.join('---\n'));
    expect(r.problems.map((p) => p.line)).toEqual([1 + 300 * 3]);
    // Three lines per document with its marker; the too-deep one has two.
    expect(r.documents.map((d) => d.line)).toEqual(docs.flatMap((_, i) => i === 300 ? [] : [i < 300 ? 1 + i * 3 : i * 3]));
  });

  test('reads a JSON text', () => {
    expect(values('{"kind": "Pod", "metadata": {"name": "x"}}')).toEqual([{ kind: 'Pod', metadata: { name: 'x' } }]);
  });

  test('refuses a billion-laughs alias bomb without expanding it, and still reads the other documents', () => {
    const r = loadYamlDocuments(`${BILLION_LAUGHS}\n---\nkind: ConfigMap\n`);
    expect(r.documents.map((d) => d.value)).toEqual([{ kind: 'ConfigMap' }]);
    expect(r.problems).toEqual([{
      line: 1,
      reason: 'document 1 expands its aliases beyond 10000 added nodes (an alias bomb, or anchors reused far more than manifests need); skipped',
      scope: 'document',
    }]);
  });

  test('allows anchors reused a few times', () => {
    expect(values('a: &r {cpu: 100m}\nb: *r\nc: *r')).toEqual([{ a: { cpu: '100m' }, b: { cpu: '100m' }, c: { cpu: '100m' } }]);
  });

  test('refuses an alias to the node that holds it (a cycle)', () => {
    expect(loadYamlDocuments('--- &x\nkind: List\nitems:\n- *x\n').problems).toEqual([
      { line: 1, reason: 'document 1 holds an alias (*x) to a node that contains it (a cycle); skipped', scope: 'document' },
    ]);
  });

  test('reports a document nested too deep as too deep, not malformed, and reads the others', () => {
    const r = loadYamlDocuments(`a: 1\n---\nx: ${'['.repeat(300)}${']'.repeat(300)}\n---\nb: 2\n`);
    expect(r.documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(r.problems).toEqual([{ line: 3, column: 259, reason: 'a document is nested deeper than 256 levels (too deep to read); it was skipped', scope: 'document' }]);
  });

  test('refuses aliases that push the nesting past the limit once expanded', () => {
    const deep = `a: &d ${'['.repeat(200)}1${']'.repeat(200)}\nb: ${'['.repeat(100)}*d${']'.repeat(100)}\n`;
    expect(loadYamlDocuments(deep).problems.map((p) => p.reason)).toEqual([
      'document 1 is nested deeper than 256 levels once its aliases are expanded (too deep); skipped',
    ]);
  });

  test('drops the whole text on a syntax error, with its line', () => {
    expect(loadYamlDocuments('a: 1\n---\nb: [1,\nc: 2\n---\nd: 4\n')).toEqual({
      documents: [],
      problems: [{ line: 4, column: 1, reason: 'malformed YAML: deficient indentation (no object of this file was read)', scope: 'text' }],
    });
  });

  test('refuses duplicate keys (which of two values would the cluster keep?)', () => {
    expect(loadYamlDocuments('a: 1\na: 2\n').problems.map((p) => p.reason)).toEqual(['malformed YAML: duplicated mapping key (no object of this file was read)']);
  });
});

describe('checkYamlText (for readers that build their own tree)', () => {
  test('refuses an alias bomb with file and line', () => {
    let error: unknown;
    try {
      checkYamlText(`sops: {}\n---\n${BILLION_LAUGHS}\n`, 'secret.yaml');
    } catch (e) {
      error = e;
    }
    expect(YamlInputError.isYamlInputError(error)).toBe(true);
    expect((error as Error).message).toBe('secret.yaml:3: document 2 expands its aliases beyond 10000 added nodes (an alias bomb, or anchors reused far more than manifests need)');
  });

  test('accepts ordinary YAML', () => {
    expect(() => checkYamlText('a: &x 1\nb: *x\n', 'ok.yaml')).not.toThrow();
  });
});

/** Each document's line and the lines of its list items (`items`, nested too), as `loadYamlDocuments` gives them. */
function readLines(text: string): Array<[number, Array<[string, number]>]> {
  return loadYamlDocuments(text).documents.map((d) => [d.line, itemPaths(d.value, []).map((path) => [path.join('/'), d.itemLine(path)!] as [string, number])]);
}

/** The same, from the yaml library's full document model: an independent reading of where each node starts. */
function oracleLines(text: string): Array<[number, Array<[string, number]>]> {
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter }) as any[];
  const lineOf = (node: Node) => counter.linePos(node.range![0]).line;
  const items = (node: unknown, path: number[]): Array<[string, number]> => {
    if (!isMap(node)) return [];
    const list = node.get('items', true);
    if (!isSeq(list)) return [];
    return list.items.flatMap((item, i) => [[[...path, i].join('/'), lineOf(item as Node)] as [string, number], ...items(item, [...path, i])]);
  };
  return docs.filter((d) => d.contents !== null).map((d) => [lineOf(d.contents), items(d.contents, [])]);
}

function itemPaths(value: unknown, path: number[]): number[][] {
  const items = (value as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return [];
  return items.flatMap((item, i) => [[...path, i], ...itemPaths(item, [...path, i])]);
}
