import {
  binaryTag, constructFromEvents, EVENT_ALIAS, EVENT_DOCUMENT, EVENT_MAPPING, EVENT_POP, EVENT_SCALAR, EVENT_SEQUENCE, Event,
  getScalarValue, parseEvents, Schema, timestampTag, YAML11_SCHEMA, YAMLException,
} from 'js-yaml';
import { resolveLimits, ResolvedYamlLimits, YamlLimits } from './limits';
import { YamlInputError } from './yaml-input-error';

/**
 * YAML 1.1 scalars, as the YAML library kubectl and the API server use reads them (`yes`/`on` are booleans,
 * `0644` is octal), except that timestamps stay strings (Kubernetes reads them as strings) and `!!binary` is
 * refused (it would yield bytes, which no Kubernetes field holds).
 */
const KUBERNETES_SCHEMA = new Schema(YAML11_SCHEMA.tags.filter((t) => t !== timestampTag && t !== binaryTag));

/** A document marker at the start of a line: YAML forbids these inside any scalar, so the text splits there. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;

/**
 * Refuses a text that cannot be read within `limits` (malformed, nested too deep, an alias bomb or cycle) with a
 * YamlInputError naming file and line. For readers that build their own tree from the text (SOPS keeps scalar
 * styles and key order), so that they never expand what the shared loader would refuse. Nothing is built here.
 */
export function checkYamlText(text: string, file: string, limits: YamlLimits = {}): void {
  const resolved = resolveLimits(limits);
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: resolved.maxDepth });
  } catch (e) {
    const problem = parseProblem(e, 1, resolved);
    throw new YamlInputError(file, problem.scope === 'text' ? problem.reason.replace(/ \(no object of this file was read\)$/, '') : problem.reason.replace(/; it was skipped$/, ''), problem);
  }
  const starts = documentStarts(events);
  starts.forEach((start, i) => {
    const refusal = aliasRefusal(text, events, start.eventIndex, starts[i + 1]?.eventIndex ?? events.length, resolved);
    if (refusal) {
      const line = start.contentOffset < 0 ? 1 : new LineCounter(text).lineAt(start.contentOffset);
      throw new YamlInputError(file, `document ${i + 1} ${refusal}`, { line });
    }
  });
}

/** One document read from a YAML text. */
export interface YamlDocument {
  /** The document as plain data (mappings are plain objects); never undefined, null for an empty document. */
  readonly value: unknown;
  /** 1-based line where the document's content starts (after comments and the `---` marker). */
  readonly line: number;
  /** 1-based document number in the text, for messages. */
  readonly index: number;
  /**
   * The 1-based line of a list item: `[3]` is `items[3]` of the root, `[3, 0]` is `items[0]` of that item.
   * Undefined when no such item exists.
   */
  itemLine(path: readonly number[]): number | undefined;
}

/** Something in the text that keeps part of it from being read. */
export interface YamlProblem {
  /** 1-based line, when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
  /** What is wrong. */
  readonly reason: string;
  /**
   * `text`: nothing of the text was read (a syntax error makes every document around it suspect);
   * `document`: one document was skipped (too deep, alias bomb), the others were read.
   */
  readonly scope: 'text' | 'document';
}

/** What `loadYamlDocuments` read. */
export interface LoadedYaml {
  /** The documents, in order; empty when a problem has scope `text`. */
  readonly documents: YamlDocument[];
  /** Problems, in order. */
  readonly problems: YamlProblem[];
}

/**
 * Reads every document of a YAML (or JSON) text into plain data with the line each starts on, within `limits`:
 * nesting deeper than `maxDepth` and aliases that expand beyond `maxAliasNodes` are refused, cycles too.
 *
 * The text is cut at its document markers (`---`, `...` at the start of a line, which YAML forbids inside any
 * scalar) and parsed in batches of whole documents: the parser's events live for one batch only, so memory stays
 * proportional to a batch plus the values read, and lines are exact. Texts with directives (`%YAML`) are parsed
 * whole.
 */
export function loadYamlDocuments(text: string, limits: YamlLimits = {}): LoadedYaml {
  const resolved = resolveLimits(limits);
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const documents: YamlDocument[] = [];
  const problems: YamlProblem[] = [];
  const cuts = documentCuts(source);
  const lines = new LineCounter(source);
  let index = 0;
  for (const batch of batches(cuts)) {
    let results = [loadChunk(source, batch.from, batch.to, lines, index, resolved)];
    // A document too deep to parse takes its batch down with it; parse that batch document by document.
    if (batch.parts > 1 && !('syntax' in results[0]) && results[0].problems.some((p) => p.scope === 'document')) {
      results = [];
      let i = index;
      for (let c = batch.first; c < batch.first + batch.parts; c++) {
        const result = loadChunk(source, cuts[c], cuts[c + 1], lines, i, resolved);
        results.push(result);
        if ('syntax' in result) break;
        i += result.count;
      }
    }
    for (const result of results) {
      if ('syntax' in result) return { documents: [], problems: [result.syntax] };
      index += result.count;
      for (const d of result.documents) documents.push(d);
      for (const p of result.problems) problems.push(p);
    }
  }
  return { documents, problems };
}

/**
 * Characters parsed per call of the parser: a few dozen manifests, enough to amortise its set-up; small enough that
 * its events stay in the young generation of the heap (measured: 16–64 KiB read 20,000 objects about a third
 * faster than one call on the whole text, and 256 KiB batches about as slow as the whole text).
 */
const BATCH_CHARS = 32 * 1024;

/** Consecutive documents of the text, `cuts[first]` to `cuts[first + parts]`. */
interface Batch {
  readonly from: number;
  readonly to: number;
  /** Index of the batch's first cut. */
  readonly first: number;
  /** How many pieces (cut to cut) the batch holds. */
  readonly parts: number;
}

/** Consecutive pieces joined up to about BATCH_CHARS (they are contiguous in the text, so one slice is exact). */
function batches(cuts: readonly number[]): Batch[] {
  const out: Batch[] = [];
  let first = 0;
  for (let c = 1; c < cuts.length; c++) {
    if (cuts[c] - cuts[first] >= BATCH_CHARS || c === cuts.length - 1) {
      out.push({ from: cuts[first], to: cuts[c], first, parts: c - first });
      first = c;
    }
  }
  return out;
}

/**
 * Offsets where the text may be cut: before each `---` line and after each `...` line, with 0 and the text's
 * length at the ends; increasing, without empty pieces.
 */
function documentCuts(text: string): number[] {
  if (text.length === 0) return [0];
  if (hasDirective(text)) return [0, text.length];
  const cuts: number[] = [0];
  const cut = (at: number) => {
    if (at > cuts[cuts.length - 1]) cuts.push(at);
  };
  DOCUMENT_MARKER.lastIndex = 0;
  for (let m = DOCUMENT_MARKER.exec(text); m; m = DOCUMENT_MARKER.exec(text)) {
    if (m[0] === '---') {
      cut(m.index);
    } else {
      const end = text.indexOf('\n', m.index);
      cut(end < 0 ? text.length : end + 1);
    }
  }
  cut(text.length);
  return cuts;
}

/** What ends a line for `^` in a multiline pattern. */
const LINE_TERMINATORS = '\n\r\u2028\u2029';

/**
 * Whether a line starts with `%` (a directive), as `/^%/m` would find, but found from the few `%` of a text rather
 * than by trying the pattern at every line of a large one.
 */
function hasDirective(text: string): boolean {
  for (let at = text.indexOf('%'); at >= 0; at = text.indexOf('%', at + 1)) {
    if (at === 0 || LINE_TERMINATORS.includes(text[at - 1])) return true;
  }
  return false;
}

/**
 * 1-based line of an offset in a text, counted from the offset asked for last: documents and their list items are
 * asked for in text order, so the text is scanned once (a batch read again document by document steps back by at
 * most one batch).
 */
class LineCounter {
  private offset = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  public lineAt(offset: number): number {
    const text = this.text;
    if (offset >= this.offset) {
      for (let i = text.indexOf('\n', this.offset); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) this.line++;
    } else {
      for (let i = text.indexOf('\n', offset); i >= 0 && i < this.offset; i = text.indexOf('\n', i + 1)) this.line--;
    }
    this.offset = offset;
    return this.line;
  }
}

type ChunkResult =
  | { readonly syntax: YamlProblem }
  | { readonly documents: YamlDocument[]; readonly problems: YamlProblem[]; readonly count: number };

/** Reads `source[from, to)`, whole documents; lines are those of `source`. */
function loadChunk(source: string, from: number, to: number, lines: LineCounter, firstIndex: number, limits: ResolvedYamlLimits): ChunkResult {
  const text = source.slice(from, to);
  const firstLine = lines.lineAt(from);
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: limits.maxDepth });
  } catch (e) {
    const problem = parseProblem(e, firstLine, limits);
    if (problem.scope === 'text') return { syntax: problem };
    return { documents: [], problems: [problem], count: 1 };
  }
  let values: unknown[];
  try {
    values = constructFromEvents(events, { source: text, schema: KUBERNETES_SCHEMA, maxTotalMergeKeys: limits.maxAliasNodes });
  } catch (e) {
    return { syntax: parseProblem(e, firstLine, limits) };
  }
  const documents: YamlDocument[] = [];
  const problems: YamlProblem[] = [];
  const starts = documentStarts(events);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const start = starts[i];
    const line = start.contentOffset < 0 ? firstLine : lines.lineAt(from + start.contentOffset);
    if (start.aliases > 0) {
      const refusal = aliasRefusal(text, events, start.eventIndex, starts[i + 1]?.eventIndex ?? events.length, limits);
      if (refusal) {
        problems.push({ line, reason: `document ${firstIndex + i + 1} ${refusal}; skipped`, scope: 'document' });
        continue;
      }
    }
    // Item lines are read now, while the events exist, and only for lists: nothing keeps the events alive.
    const items = isList(value) ? itemLines(itemOffsets(text, events, start.eventIndex), from, lines) : undefined;
    documents.push(new ReadDocument(value === undefined ? null : value, line, firstIndex + i + 1, items));
  }
  return { documents, problems, count: values.length };
}

/** A document as `loadYamlDocuments` returns it. */
class ReadDocument implements YamlDocument {
  constructor(
    public readonly value: unknown,
    public readonly line: number,
    public readonly index: number,
    private readonly items: ReadonlyMap<string, number> | undefined,
  ) {}

  public itemLine(path: readonly number[]): number | undefined {
    return this.items?.get(path.join('/'));
  }
}

/** Whether a document is a list as client-go decodes one: a mapping with an `items` sequence. */
function isList(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as { items?: unknown }).items);
}

/** Item offsets (relative to the batch at `from`) turned into lines. */
function itemLines(offsets: ReadonlyMap<string, number>, from: number, lines: LineCounter): Map<string, number> {
  const out = new Map<string, number>();
  for (const [path, offset] of offsets) out.set(path, lines.lineAt(from + offset));
  return out;
}

interface DocumentStart {
  /** Index of the DOCUMENT event. */
  readonly eventIndex: number;
  /** Offset of the root node (its tag or anchor if it has one), -1 for an empty document. */
  readonly contentOffset: number;
  /** Alias nodes in the document. */
  readonly aliases: number;
}

function documentStarts(events: readonly Event[]): DocumentStart[] {
  const out: DocumentStart[] = [];
  let current: { eventIndex: number; contentOffset: number; aliases: number } | undefined;
  // A document's root node is the event right after its DOCUMENT event (the parser emits an empty scalar for an empty
  // document), so no nesting is tracked: each event is only asked whether it starts a document or is an alias.
  for (let i = 0; i < events.length; i++) {
    const type = events[i].type;
    if (type === EVENT_DOCUMENT) {
      const root = events[i + 1];
      current = { eventIndex: i, contentOffset: root === undefined || root.type === EVENT_POP ? -1 : nodeOffset(root), aliases: 0 };
      out.push(current);
    } else if (type === EVENT_ALIAS && current) {
      current.aliases++;
    }
  }
  return out;
}

function nodeOffset(ev: Event): number {
  switch (ev.type) {
    case EVENT_MAPPING:
    case EVENT_SEQUENCE:
      return minOffset(ev.start, ev.anchorStart, ev.tagStart);
    case EVENT_SCALAR:
      return minOffset(ev.valueStart, ev.anchorStart, ev.tagStart);
    case EVENT_ALIAS:
      return ev.anchorStart - 1;
    default:
      return -1;
  }
}

/** The smallest of the offsets that are set (not negative); Infinity when none is. Asked once per document. */
function minOffset(a: number, b: number, c: number): number {
  let min = Infinity;
  if (a >= 0) min = a;
  if (b >= 0 && b < min) min = b;
  if (c >= 0 && c < min) min = c;
  return min;
}

/**
 * Offsets of the list items under a document's root: `items` of the root mapping, and `items` of each item that
 * is itself a list, keyed `3` and `3/0`. Walks the events once, only for documents that are lists.
 */
function itemOffsets(text: string, events: readonly Event[], documentEvent: number): Map<string, number> {
  const out = new Map<string, number>();
  interface Frame {
    readonly kind: 'map' | 'seq';
    /** For a mapping that is the root or a list item: its item path; for the `items` sequence of one: that path. */
    readonly path?: string;
    readonly itemsOf?: boolean;
    expectKey: boolean;
    key?: string;
    index: number;
  }
  const stack: Frame[] = [];
  for (let i = documentEvent + 1; i < events.length; i++) {
    const ev = events[i];
    if (ev.type === EVENT_DOCUMENT) break;
    if (ev.type === EVENT_POP) {
      stack.pop();
      if (stack.length === 0) break;
      continue;
    }
    const parent = stack[stack.length - 1];
    let childPath: string | undefined;
    let childIsItemsSeq = false;
    if (!parent) {
      childPath = '';
    } else if (parent.kind === 'map') {
      if (parent.expectKey) {
        parent.key = ev.type === EVENT_SCALAR ? getScalarValue(text, ev) : undefined;
        parent.expectKey = false;
      } else {
        childIsItemsSeq = parent.path !== undefined && parent.key === 'items';
        childPath = childIsItemsSeq ? parent.path : undefined;
        parent.expectKey = true;
      }
    } else {
      const index = parent.index++;
      if (parent.itemsOf && parent.path !== undefined) {
        childPath = parent.path === '' ? String(index) : `${parent.path}/${index}`;
        if (ev.type === EVENT_MAPPING) out.set(childPath, nodeOffset(ev));
      }
    }
    if (ev.type === EVENT_MAPPING) {
      stack.push({ kind: 'map', path: childIsItemsSeq ? undefined : childPath, expectKey: true, index: 0 });
    } else if (ev.type === EVENT_SEQUENCE) {
      stack.push({ kind: 'seq', path: childIsItemsSeq ? childPath : undefined, itemsOf: childIsItemsSeq, expectKey: false, index: 0 });
    }
  }
  return out;
}

/**
 * Why the aliases of the document whose events are `events[from..to)` are refused, or undefined. Read from the
 * events, before anything is built: an alias may not point into the node that holds it (a cycle), may not push
 * the nesting past `maxDepth`, and all aliases together may not add more than `maxAliasNodes` nodes.
 */
export function aliasRefusal(text: string, events: readonly Event[], from: number, to: number, limits: ResolvedYamlLimits): string | undefined {
  interface Frame { nodes: number; height: number; readonly anchor?: string }
  const sizes = new Map<string, { readonly nodes: number; readonly height: number }>();
  const open = new Set<string>();
  const stack: Frame[] = [];
  let added = 0;
  const addToParent = (nodes: number, height: number) => {
    const top = stack[stack.length - 1];
    if (!top) return;
    top.nodes += nodes;
    top.height = Math.max(top.height, height + 1);
  };
  for (let i = from; i < to; i++) {
    const ev = events[i];
    switch (ev.type) {
      case EVENT_SCALAR:
        if (ev.anchorStart >= 0) sizes.set(text.slice(ev.anchorStart, ev.anchorEnd), { nodes: 1, height: 0 });
        addToParent(1, 0);
        break;
      case EVENT_MAPPING:
      case EVENT_SEQUENCE: {
        const anchor = ev.anchorStart >= 0 ? text.slice(ev.anchorStart, ev.anchorEnd) : undefined;
        if (anchor !== undefined) open.add(anchor);
        stack.push({ nodes: 1, height: 0, anchor });
        break;
      }
      case EVENT_ALIAS: {
        const name = text.slice(ev.anchorStart, ev.anchorEnd);
        if (open.has(name)) return `holds an alias (*${name}) to a node that contains it (a cycle)`;
        const size = sizes.get(name);
        if (!size) break; // An unknown alias is a syntax error the parser reports.
        added += size.nodes;
        if (added > limits.maxAliasNodes) {
          return `expands its aliases beyond ${limits.maxAliasNodes} added nodes (an alias bomb, or anchors reused far more than manifests need)`;
        }
        if (stack.length + size.height > limits.maxDepth) {
          return `is nested deeper than ${limits.maxDepth} levels once its aliases are expanded (too deep)`;
        }
        addToParent(size.nodes, size.height);
        break;
      }
      case EVENT_POP: {
        const frame = stack.pop();
        if (!frame) break;
        if (frame.anchor !== undefined) {
          open.delete(frame.anchor);
          sizes.set(frame.anchor, { nodes: frame.nodes, height: frame.height });
        }
        addToParent(frame.nodes, frame.height);
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}


function parseProblem(e: unknown, firstLine: number, limits: ResolvedYamlLimits): YamlProblem {
  if (e instanceof YAMLException) {
    const position = e.mark ? { line: firstLine + e.mark.line, column: e.mark.column + 1 } : {};
    if (/^nesting exceeded maxDepth/.test(e.reason)) {
      return { ...position, reason: `a document is nested deeper than ${limits.maxDepth} levels (too deep to read); it was skipped`, scope: 'document' };
    }
    if (/^merge keys exceeded/.test(e.reason)) {
      return { ...position, reason: `merge keys (<<) copy more than ${limits.maxAliasNodes} keys (an alias bomb); no object of this file was read`, scope: 'text' };
    }
    return { ...position, reason: `malformed YAML: ${e.reason} (no object of this file was read)`, scope: 'text' };
  }
  if (e instanceof RangeError) {
    return { line: firstLine, reason: 'a document is nested too deep to read; it was skipped', scope: 'document' };
  }
  throw e;
}
