import { promises as fs } from 'fs';
import { join } from 'path';
import { LineCounter, parseAllDocuments, YAMLError } from 'yaml';
import { SourceLocation } from './audit';
import { Manifest } from '../practices/manifest';

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
  /** File and line of the document (for items of a `kind: List`, the List's). */
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
   * @default - reads `process.stdin` to its end
   */
  readonly readStdin?: () => Promise<string>;
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
 * strings, `kind: List` expanded, empty documents skipped.
 * A syntax error anywhere in the text drops the whole text, since the documents around a broken one cannot be
 * trusted to mean what their author wrote.
 */
export function parseManifests(text: string, file: string): ParsedManifests {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    version: '1.1',
    customTags: (tags) => tags.filter((t) => typeof t !== 'object' || !('tag' in t) || t.tag !== 'tag:yaml.org,2002:timestamp'),
  });
  const all = Array.isArray(docs) ? docs : [];
  const syntaxError: YAMLError | undefined = all.flatMap((d) => d.errors)[0];
  if (syntaxError) {
    const pos = syntaxError.linePos?.[0];
    return {
      manifests: [],
      problems: [{
        file,
        ...(pos ? { line: pos.line, column: pos.col } : {}),
        message: `malformed YAML: ${firstLine(syntaxError.message)} (no object of this file was audited)`,
        level: 'error',
      }],
    };
  }
  const manifests: LocatedManifest[] = [];
  const problems: InputProblem[] = [];
  all.forEach((doc, index) => {
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const line = lineCounter.linePos(start).line;
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (e) {
      problems.push({ file, line, message: `document ${index + 1} cannot be read: ${firstLine((e as Error).message)}`, level: 'error' });
      return;
    }
    if (value === null || value === undefined) return;
    collect(value, { file, line }, `document ${index + 1}`, manifests, problems);
  });
  return { manifests, problems };
}

/**
 * Reads files, directories (recursively: `*.yaml`, `*.yml`, `*.json`, sorted by name; hidden directories and
 * `node_modules` skipped) and `-` (standard input). A file that cannot be read or parsed becomes a problem;
 * the other files are still loaded.
 */
export async function loadManifests(inputs: readonly string[], options: LoadOptions = {}): Promise<LoadedManifests> {
  const objects: Manifest[] = [];
  const problems: InputProblem[] = [];
  const files: string[] = [];
  const locations = new WeakMap<Manifest, SourceLocation>();

  const add = (parsed: ParsedManifests) => {
    for (const m of parsed.manifests) {
      objects.push(m.object);
      locations.set(m.object, m.location);
    }
    problems.push(...parsed.problems);
  };

  for (const input of inputs) {
    if (input === STDIN_ARGUMENT) {
      try {
        const text = await (options.readStdin ?? readProcessStdin)();
        files.push(STDIN_NAME);
        add(parseManifests(text, STDIN_NAME));
      } catch (e) {
        problems.push({ file: STDIN_NAME, message: `cannot read standard input: ${firstLine((e as Error).message)}`, level: 'error' });
      }
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
        text = await fs.readFile(file, 'utf8');
      } catch (e) {
        problems.push({ file, message: `cannot read: ${readError(e)}`, level: 'error' });
        continue;
      }
      files.push(file);
      add(parseManifests(text, file));
    }
  }
  return { objects, problems, files, locationOf: (obj) => locations.get(obj) };
}

function collect(value: unknown, location: SourceLocation, what: string, out: LocatedManifest[], problems: InputProblem[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ ...location, message: `${what} is ${describeValue(value)}, not a Kubernetes object`, level: 'error' });
    return;
  }
  const object = value as Manifest;
  if (object.kind === 'List') {
    if (!Array.isArray(object.items)) {
      problems.push({ ...location, message: `${what} is a List without an items array`, level: 'error' });
      return;
    }
    object.items.forEach((item: unknown, i: number) => collect(item, location, `${what} item ${i + 1}`, out, problems));
    return;
  }
  if (typeof object.kind !== 'string' || object.kind === '') {
    problems.push({ ...location, message: `${what} has no kind, so it is not a Kubernetes object; skipped`, level: 'warning' });
    return;
  }
  out.push({ object, location });
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

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a sequence';
  if (value === null) return 'null';
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
