import { promises as fs } from 'fs';
import { join } from 'path';
import { SourceLocation } from './audit';
import { isNamespaced, isRecord, Manifest } from '../practices/manifest';
import { YamlLimits } from '../yaml/limits';
import { loadYamlDocuments, YamlDocument } from '../yaml/load-yaml';
import { readTextFile, readTextStream } from '../yaml/read-text';
import { YamlInputError } from '../yaml/yaml-input-error';

/** The file name given to objects read from standard input. */
export const STDIN_NAME = '<stdin>';

/** The argument that stands for standard input. */
export const STDIN_ARGUMENT = '-';

/** File endings read when a directory is given. */
export const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/** Directories never descended into when a directory is given (they are still read when named explicitly). */
export const SKIPPED_DIRECTORIES: readonly string[] = ['node_modules'];

/** A problem with the input itself (unreadable file, malformed YAML, a document that is not an object). */
export interface InputProblem {
  /** The file at fault, as given (or `<stdin>`). */
  readonly file: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
  /** What is wrong. */
  readonly message: string;
  /** `error` means the input could not be judged in full (the CLI exits 2); `warning` notes a skipped document. */
  readonly level: 'error' | 'warning';
}

/** One object read from a file, with where it starts. */
export interface LocatedManifest {
  /** The object as plain JSON. */
  readonly object: Manifest;
  /** File and line of the object (for a list item, the item's own line). */
  readonly location: SourceLocation;
}

/** What `loadManifests` read. */
export interface LoadedManifests {
  /** Every object, in input order: inputs as given, directory entries sorted, documents in file order. */
  readonly objects: Manifest[];
  /** Problems with the input; the objects of the other files are still loaded. */
  readonly problems: InputProblem[];
  /** The files read, in order. */
  readonly files: string[];
  /** Where each loaded object came from; pass it as `AuditOptions.locationOf`. */
  readonly locationOf: (obj: Manifest) => SourceLocation | undefined;
}

/** Options of `loadManifests`. */
export interface LoadOptions {
  /**
   * Reads standard input when `-` is among the inputs.
   * @default - reads `process.stdin` to its end, within `limits.maxBytes`
   */
  readonly readStdin?: () => Promise<string>;
  /**
   * Size, nesting and alias limits of the shared YAML reader.
   * @default - 64 MiB per input, 256 levels, 10,000 nodes added by aliases per document
   */
  readonly limits?: YamlLimits;
  /**
   * Namespace given to namespaced objects that name none, as `kubectl apply -n` does for vendor manifests without
   * one; an object naming a different namespace is refused, as kubectl refuses it.
   * @default - none: an object without a namespace is judged as the API server would place it, in `default`
   */
  readonly namespace?: string;
}

/** Options of `parseManifests`. */
export interface ParseOptions {
  /**
   * Nesting and alias limits of the shared YAML reader.
   * @default - 256 levels, 10,000 nodes added by aliases per document
   */
  readonly limits?: YamlLimits;
  /**
   * Namespace for namespaced objects that name none (see `LoadOptions.namespace`).
   * @default - none
   */
  readonly namespace?: string;
}

/** What `parseManifests` found in one text. */
export interface ParsedManifests {
  /** The objects with their locations, in document order. */
  readonly manifests: LocatedManifest[];
  /** Problems found in the text. */
  readonly problems: InputProblem[];
}

/**
 * Parses a multi-document YAML (or JSON) text the way Kubernetes reads manifests: YAML 1.1 scalars (`yes`/`on`
 * are booleans, `0644` is octal, as in the YAML library kubectl and the API server use), timestamps kept as
 * strings, lists expanded as client-go decodes them (any object with an `items` array, whatever its kind:
 * `List`, `PodList`, `ClusterRoleBindingList`, nested lists too, each item with its own line), empty documents
 * skipped. Documents whose identity fields have the wrong type are reported, not judged.
 * A syntax error anywhere in the text drops the whole text, since the documents around a broken one cannot be
 * trusted to mean what their author wrote; a document nested too deep or an alias bomb drops that document.
 */
export function parseManifests(text: string, file: string, options: ParseOptions = {}): ParsedManifests {
  const loaded = loadYamlDocuments(text, options.limits);
  const manifests: LocatedManifest[] = [];
  const problems: InputProblem[] = loaded.problems.map((p) => ({
    file,
    ...(p.line ? { line: p.line } : {}),
    ...(p.line && p.column ? { column: p.column } : {}),
    message: p.reason.replace('(no object of this file was read)', '(no object of this file was audited)'),
    level: 'error',
  }));
  const collector = new Collector(file, options.namespace, manifests, problems);
  for (const doc of loaded.documents) {
    if (doc.value === null || doc.value === undefined) continue;
    collector.collect(doc.value, doc, [], `document ${doc.index}`);
  }
  return { manifests, problems };
}

/**
 * Reads files, directories (recursively: `*.yaml`, `*.yml`, `*.json`, sorted by name; hidden directories and
 * `node_modules` skipped) and `-` (standard input). Named pipes, devices and files above the size limit are
 * refused without being read. A file that cannot be read or parsed becomes a problem; the other files are still
 * loaded.
 */
export async function loadManifests(inputs: readonly string[], options: LoadOptions = {}): Promise<LoadedManifests> {
  const objects: Manifest[] = [];
  const problems: InputProblem[] = [];
  const files: string[] = [];
  const locations = new WeakMap<Manifest, SourceLocation>();
  const parseOptions: ParseOptions = { limits: options.limits, namespace: options.namespace };

  const add = (parsed: ParsedManifests) => {
    for (const m of parsed.manifests) {
      objects.push(m.object);
      locations.set(m.object, m.location);
    }
    problems.push(...parsed.problems);
  };
  const refused = (e: unknown, file: string) => {
    if (!YamlInputError.isYamlInputError(e)) throw e;
    problems.push({ file, ...(e.line ? { line: e.line } : {}), ...(e.line && e.column ? { column: e.column } : {}), message: e.reason, level: 'error' });
  };

  for (const input of inputs) {
    if (input === STDIN_ARGUMENT) {
      let text: string;
      try {
        text = options.readStdin ? await options.readStdin() : await readTextStream(process.stdin, STDIN_NAME, options.limits);
      } catch (e) {
        if (YamlInputError.isYamlInputError(e)) refused(e, STDIN_NAME);
        else problems.push({ file: STDIN_NAME, message: `cannot read standard input: ${firstLine((e as Error).message)}`, level: 'error' });
        continue;
      }
      files.push(STDIN_NAME);
      add(parseManifests(text, STDIN_NAME, parseOptions));
      continue;
    }
    let targets: string[];
    try {
      targets = await expand(input);
    } catch (e) {
      problems.push({ file: input, message: `cannot read: ${readError(e)}`, level: 'error' });
      continue;
    }
    for (const file of targets) {
      let text: string;
      try {
        text = await readTextFile(file, options.limits);
      } catch (e) {
        refused(e, file);
        continue;
      }
      files.push(file);
      add(parseManifests(text, file, parseOptions));
    }
  }
  return { objects, problems, files, locationOf: (obj) => locations.get(obj) };
}

/** Identity fields the report and the checks rely on, with the type the API server demands of them. */
const STRING_FIELDS: ReadonlyArray<[string, (o: Record<string, any>) => unknown]> = [
  ['apiVersion', (o) => o.apiVersion],
  ['metadata.name', (o) => o.metadata?.name],
  ['metadata.generateName', (o) => o.metadata?.generateName],
  ['metadata.namespace', (o) => o.metadata?.namespace],
];

/** Walks documents and lists into located objects, reporting what cannot be judged. */
class Collector {
  constructor(
    private readonly file: string,
    private readonly namespace: string | undefined,
    private readonly out: LocatedManifest[],
    private readonly problems: InputProblem[],
  ) {}

  public collect(value: unknown, doc: YamlDocument, path: readonly number[], what: string): void {
    const location: SourceLocation = { file: this.file, line: path.length === 0 ? doc.line : doc.itemLine(path) ?? doc.line };
    const problem = (message: string, level: InputProblem['level'] = 'error') => this.problems.push({ ...location, message, level });
    if (!isRecord(value)) {
      problem(`${what} is ${describeValue(value)}, not a Kubernetes object`);
      return;
    }
    // client-go decodes any object with an items field as a list (kubectl applies its items, not the wrapper).
    if (value.items !== undefined) {
      if (!Array.isArray(value.items)) {
        problem(`${what} has an items field that is ${describeValue(value.items)}, not a list; kubectl would refuse it, so it cannot be judged`);
        return;
      }
      value.items.forEach((item: unknown, i: number) => this.collect(item, doc, [...path, i], `${what} item ${i + 1}`));
      return;
    }
    if (value.kind === 'List') {
      problem(`${what} is a List without an items array`);
      return;
    }
    if (value.kind === undefined || value.kind === null || value.kind === '') {
      problem(`${what} has no kind, so it is not a Kubernetes object; skipped`, 'warning');
      return;
    }
    const hostile = identityProblem(value);
    if (hostile) {
      problem(`${what}${typeof value.kind === 'string' ? ` (${value.kind})` : ''} ${hostile}; the API server would refuse it, so it cannot be judged`);
      return;
    }
    const object = this.withNamespace(value as Manifest, problem, what);
    if (object) this.out.push({ object, location });
  }

  /** The object with the `--namespace` default applied, or undefined when it names another namespace. */
  private withNamespace(object: Manifest, problem: (message: string) => void, what: string): Manifest | undefined {
    if (this.namespace === undefined || !isNamespaced(object)) return object;
    const current = object.metadata?.namespace;
    if (current === undefined || current === null || current === '') {
      return { ...object, metadata: { ...(object.metadata ?? {}), namespace: this.namespace } };
    }
    if (current !== this.namespace) {
      problem(`${what} (${object.kind} "${object.metadata?.name ?? ''}") is in namespace "${current}", not "${this.namespace}" `
        + `as --namespace says; kubectl apply -n ${this.namespace} would refuse it`);
      return undefined;
    }
    return object;
  }
}

/** Why an object's identity fields cannot be trusted, or undefined. */
function identityProblem(object: Record<string, any>): string | undefined {
  if (typeof object.kind !== 'string') return `has kind as ${describeValue(object.kind)}, not a string`;
  if (object.metadata !== undefined && object.metadata !== null && !isRecord(object.metadata)) {
    return `has metadata as ${describeValue(object.metadata)}, not a mapping`;
  }
  for (let i = 0; i < STRING_FIELDS.length; i++) {
    const value = STRING_FIELDS[i][1](object);
    if (value !== undefined && value !== null && typeof value !== 'string') return `has ${STRING_FIELDS[i][0]} as ${describeValue(value)}, not a string`;
  }
  return stringMapProblem(object.metadata?.labels, 'labels') ?? stringMapProblem(object.metadata?.annotations, 'annotations');
}

/** Why `metadata.<field>` is not a mapping of strings, or undefined (absent is fine). Keys in `Object.entries` order. */
function stringMapProblem(map: unknown, field: string): string | undefined {
  if (map === undefined || map === null) return undefined;
  if (!isRecord(map)) return `has metadata.${field} as ${describeValue(map)}, not a mapping`;
  for (const key in map) {
    if (!Object.prototype.hasOwnProperty.call(map, key)) continue;
    if (typeof map[key] !== 'string') return `has metadata.${field}["${key}"] as ${describeValue(map[key])}, not a string`;
  }
  return undefined;
}

/** The files an input stands for: itself, or the manifest files under a directory, depth-first and sorted. */
async function expand(input: string): Promise<string[]> {
  const stat = await fs.stat(input);
  if (!stat.isDirectory()) return [input];
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const real = await fs.realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = (await fs.readdir(dir)).sort(compareStrings);
    for (const name of entries) {
      const path = join(dir, name);
      const s = await fs.stat(path).catch(() => undefined);
      if (!s) continue;
      if (s.isDirectory()) {
        if (!name.startsWith('.') && !SKIPPED_DIRECTORIES.includes(name)) await walk(path);
      } else if (s.isFile() && MANIFEST_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext))) {
        out.push(path);
      }
    }
  };
  await walk(input);
  return out;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a sequence';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value} scalar`;
}

function readError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    default: return firstLine(err.message ?? String(e));
  }
}

/** The yaml library appends the position and a code excerpt; the caller already names file and line. */
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** Code-unit order: unlike localeCompare it does not depend on the machine's locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
