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
      const line = start.contentOffset < 0 ? 1 : 1 + lineOfOffset(lineStarts(text), start.contentOffset);
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
 * scalar) and each piece is parsed on its own: memory stays proportional to one document, not to the file, and
 * lines are exact. Texts with directives (`%YAML`) are parsed whole.
 */
export function loadYamlDocuments(text: string, limits: YamlLimits = {}): LoadedYaml {
  const resolved = resolveLimits(limits);
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const documents: YamlDocument[] = [];
  const problems: YamlProblem[] = [];
  let index = 0;
  for (const batch of batches(splitDocuments(source))) {
    let results = [loadChunk(batch.text, batch.line, index, resolved)];
    // A document too deep to parse takes its batch down with it; parse that batch document by document.
    if (batch.parts.length > 1 && !('syntax' in results[0]) && results[0].problems.some((p) => p.scope === 'document')) {
      results = [];
      let i = index;
      for (const part of batch.parts) {
        const result = loadChunk(part.text, part.line, i, resolved);
        results.push(result);
        if ('syntax' in result) break;
        i += result.count;
      }
    }
    for (const result of results) {
      if ('syntax' in result) return { documents: [], problems: [result.syntax] };
      index += result.count;
      documents.push(...result.documents);
      problems.push(...result.problems);
    }
  }
  return { documents, problems };
}

/** Documents parsed per call of the parser: large enough to amortise its set-up, small enough to bound memory. */
const BATCH_CHARS = 256 * 1024;

interface Chunk {
  readonly text: string;
  /** 1-based line of the chunk's first character. */
  readonly line: number;
}

interface Batch extends Chunk {
  /** The chunks the batch is made of, in order. */
  readonly parts: readonly Chunk[];
}

/** Consecutive chunks joined up to about BATCH_CHARS (they are contiguous in the text, so joining is exact). */
function batches(chunks: readonly Chunk[]): Batch[] {
  const out: Batch[] = [];
  let parts: Chunk[] = [];
  let size = 0;
  const flush = () => {
    if (parts.length === 0) return;
    out.push({ text: parts.map((p) => p.text).join(''), line: parts[0].line, parts });
    parts = [];
    size = 0;
  };
  for (const chunk of chunks) {
    parts.push(chunk);
    size += chunk.text.length;
    if (size >= BATCH_CHARS) flush();
  }
  flush();
  return out;
}

/** Cuts the text before each `---` line and after each `...` line. */
function splitDocuments(text: string): Chunk[] {
  if (/^%/m.test(text)) return [{ text, line: 1 }];
  const cuts: number[] = [0];
  DOCUMENT_MARKER.lastIndex = 0;
  for (let m = DOCUMENT_MARKER.exec(text); m; m = DOCUMENT_MARKER.exec(text)) {
    if (m[0] === '---') {
      cuts.push(m.index);
    } else {
      const end = text.indexOf('\n', m.index);
      cuts.push(end < 0 ? text.length : end + 1);
    }
  }
  cuts.push(text.length);
  const chunks: Chunk[] = [];
  let line = 1;
  let counted = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const start = cuts[i];
    const end = cuts[i + 1];
    if (end <= start) continue;
    line += countNewlines(text, counted, start);
    counted = start;
    chunks.push({ text: text.slice(start, end), line });
  }
  return chunks;
}

type ChunkResult =
  | { readonly syntax: YamlProblem }
  | { readonly documents: YamlDocument[]; readonly problems: YamlProblem[]; readonly count: number };

function loadChunk(text: string, firstLine: number, firstIndex: number, limits: ResolvedYamlLimits): ChunkResult {
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
  let lineIndex: number[] | undefined;
  const lineAt = (offset: number) => firstLine + lineOfOffset(lineIndex ??= lineStarts(text), offset);
  values.forEach((value, i) => {
    const start = starts[i];
    const line = start.contentOffset < 0 ? firstLine : lineAt(start.contentOffset);
    if (start.aliases > 0) {
      const refusal = aliasRefusal(text, events, start.eventIndex, starts[i + 1]?.eventIndex ?? events.length, limits);
      if (refusal) {
        problems.push({ line, reason: `document ${firstIndex + i + 1} ${refusal}; skipped`, scope: 'document' });
        return;
      }
    }
    let items: Map<string, number> | undefined;
    documents.push({
      value: value === undefined ? null : value,
      line,
      index: firstIndex + i + 1,
      itemLine: (path) => {
        items ??= itemOffsets(text, events, start.eventIndex);
        const offset = items.get(path.join('/'));
        return offset === undefined ? undefined : lineAt(offset);
      },
    });
  });
  return { documents, problems, count: values.length };
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
  let depth = 0;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i];
    if (ev.type === EVENT_DOCUMENT) {
      current = { eventIndex: i, contentOffset: -1, aliases: 0 };
      out.push(current);
      depth = 1;
      continue;
    }
    if (!current) continue;
    if (ev.type === EVENT_POP) {
      depth--;
      continue;
    }
    if (depth === 1 && current.contentOffset < 0) current.contentOffset = nodeOffset(ev);
    if (ev.type === EVENT_ALIAS) current.aliases++;
    if (ev.type === EVENT_MAPPING || ev.type === EVENT_SEQUENCE) depth++;
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

function minOffset(...offsets: number[]): number {
  return Math.min(...offsets.filter((o) => o >= 0));
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

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/** 0-based line of an offset, by binary search over the line starts. */
function lineOfOffset(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
