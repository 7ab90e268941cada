/**
 * The part of Go's text/template that Polaris' built-in checks use (../shared/peers-data/polaris/checks): actions with
 * trim markers, comments, `if`/`else`/`end`, `range $k, $v := map` (keys in sorted order, as Go ranges over maps),
 * variables (`$x := …`, `$x = …`, block-scoped), field chains on data and variables, string/number/bool literals,
 * parenthesised calls and the functions and, or, not, eq, ne, index, print, len, hasPrefix, hasSuffix (the last two
 * are the ones Polaris registers). Missing map keys behave as Go's default `missingkey=default`: they print
 * `<no value>` and are false. Anything else is refused with an error, so a check that needs more fails loudly.
 */

/** A missing value (Go's invalid reflect.Value): what a field chain through an absent key yields. */
const MISSING: unique symbol = Symbol('missing');
type Value = unknown;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipe }
  | { kind: 'if'; cond: Pipe; then: Node[]; otherwise: Node[] }
  | { kind: 'range'; key?: string; value?: string; over: Pipe; body: Node[]; otherwise: Node[] };

interface Pipe {
  readonly declare?: string;
  readonly assign?: string;
  readonly cmd: Expr[];
}

type Expr =
  | { kind: 'field'; chain: string[] }
  | { kind: 'var'; name: string; chain: string[] }
  | { kind: 'lit'; value: Value }
  | { kind: 'ident'; name: string }
  | { kind: 'paren'; pipe: Pipe };

/** Renders `source` with `data` as dot. */
export function renderGoTemplate(source: string, data: unknown): string {
  const tokens = lex(source);
  const [nodes, rest] = parseNodes(tokens, 0, []);
  if (rest !== tokens.length) throw new Error(`go-template: unexpected {{${(tokens[rest] as { action: string }).action}}}`);
  const out: string[] = [];
  execNodes(nodes, data, [new Map([['$', data]])], out);
  return out.join('');
}

type Token = { text: string } | { action: string };

function lex(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    if (open < 0) {
      tokens.push({ text: source.slice(pos) });
      break;
    }
    let text = source.slice(pos, open);
    let start = open + 2;
    if (source.startsWith('- ', start) || source.startsWith('-\n', start)) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    tokens.push({ text });
    const close = source.startsWith('/*', source.slice(start).search(/\S/) + start)
      ? source.indexOf('*/', start) + 2
      : start;
    const end = source.indexOf('}}', close);
    if (end < 0) throw new Error('go-template: unclosed action');
    let action = source.slice(start, end);
    pos = end + 2;
    if (/\s-$/.test(action)) {
      action = action.slice(0, -1);
      const ws = /^\s*/.exec(source.slice(pos))![0];
      pos += ws.length;
    }
    action = action.trim();
    if (!(action.startsWith('/*') && action.endsWith('*/'))) tokens.push({ action });
  }
  return tokens.filter((t) => !('text' in t) || t.text !== '');
}

function parseNodes(tokens: Token[], at: number, stop: string[]): [Node[], number] {
  const nodes: Node[] = [];
  let i = at;
  while (i < tokens.length) {
    const t = tokens[i];
    if ('text' in t) {
      nodes.push({ kind: 'text', text: t.text });
      i++;
      continue;
    }
    const word = t.action.split(/\s+/)[0];
    if (stop.includes(word)) return [nodes, i];
    if (word === 'if' || word === 'range') {
      const [body, j] = parseNodes(tokens, i + 1, ['else', 'end']);
      let otherwise: Node[] = [];
      let k = j;
      if (k >= tokens.length) throw new Error(`go-template: unclosed {{${word}}}`);
      if ((tokens[k] as { action: string }).action === 'else') [otherwise, k] = parseNodes(tokens, k + 1, ['end']);
      if (k >= tokens.length || (tokens[k] as { action: string }).action !== 'end') throw new Error(`go-template: unclosed {{${word}}}`);
      const rest = t.action.slice(word.length).trim();
      if (word === 'if') {
        nodes.push({ kind: 'if', cond: parsePipe(rest), then: body, otherwise });
      } else {
        const m = /^(\$\w+)(?:\s*,\s*(\$\w+))?\s*:=\s*(.*)$/.exec(rest);
        if (m) nodes.push({ kind: 'range', key: m[2] ? m[1] : undefined, value: m[2] ?? m[1], over: parsePipe(m[3]), body, otherwise });
        else nodes.push({ kind: 'range', over: parsePipe(rest), body, otherwise });
      }
      i = k + 1;
      continue;
    }
    if (['else', 'end', 'with', 'define', 'template', 'block'].includes(word)) throw new Error(`go-template: {{${t.action}}} is not supported here`);
    nodes.push({ kind: 'action', pipe: parsePipe(t.action) });
    i++;
  }
  return [nodes, i];
}

function parsePipe(text: string): Pipe {
  const m = /^(\$\w+)\s*(:=|=)\s*(.*)$/s.exec(text);
  if (m) {
    const cmd = parseExprs(m[3]);
    return m[2] === ':=' ? { declare: m[1], cmd } : { assign: m[1], cmd };
  }
  if (text.includes('|')) throw new Error(`go-template: pipelines are not supported: ${text}`);
  return { cmd: parseExprs(text) };
}

function parseExprs(text: string): Expr[] {
  const exprs: Expr[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      let depth = 0;
      let j = i;
      for (; j < text.length; j++) {
        if (text[j] === '"') j = skipString(text, j);
        else if (text[j] === '(') depth++;
        else if (text[j] === ')' && --depth === 0) break;
      }
      exprs.push({ kind: 'paren', pipe: parsePipe(text.slice(i + 1, j).trim()) });
      i = j + 1;
    } else if (c === '"') {
      const j = skipString(text, i);
      exprs.push({ kind: 'lit', value: JSON.parse(text.slice(i, j + 1)) });
      i = j + 1;
    } else {
      const m = /^[^\s()]+/.exec(text.slice(i))![0];
      exprs.push(parseWord(m));
      i += m.length;
    }
  }
  return exprs;
}

function skipString(text: string, at: number): number {
  for (let j = at + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j;
  }
  throw new Error(`go-template: unterminated string in ${text}`);
}

function parseWord(word: string): Expr {
  if (word === '.') return { kind: 'field', chain: [] };
  if (word.startsWith('.')) return { kind: 'field', chain: word.slice(1).split('.') };
  if (word.startsWith('$')) {
    const [name, ...chain] = word.split('.');
    return { kind: 'var', name, chain };
  }
  if (word === 'true' || word === 'false') return { kind: 'lit', value: word === 'true' };
  if (word === 'nil') return { kind: 'lit', value: null };
  if (/^-?\d+(\.\d+)?$/.test(word)) return { kind: 'lit', value: Number(word) };
  if (/^[A-Za-z]\w*$/.test(word)) return { kind: 'ident', name: word };
  throw new Error(`go-template: cannot parse ${word}`);
}

type Scope = Map<string, Value>[];

function execNodes(nodes: Node[], dot: Value, scopes: Scope, out: string[]): void {
  for (const node of nodes) {
    if (node.kind === 'text') {
      out.push(node.text);
    } else if (node.kind === 'action') {
      const v = evalPipe(node.pipe, dot, scopes);
      if (!node.pipe.declare && !node.pipe.assign) out.push(printValue(v));
    } else if (node.kind === 'if') {
      const inner: Scope = [...scopes, new Map()];
      execNodes(isTrue(evalPipe(node.cond, dot, inner)) ? node.then : node.otherwise, dot, inner, out);
    } else {
      const over = evalPipe(node.over, dot, scopes);
      const entries: Array<[Value, Value]> = Array.isArray(over)
        ? over.map((v, i) => [i, v])
        : isMap(over) ? Object.keys(over).sort().map((k) => [k, (over as Record<string, Value>)[k]]) : [];
      if (entries.length === 0) execNodes(node.otherwise, dot, [...scopes, new Map()], out);
      for (const [k, v] of entries) {
        const inner = new Map<string, Value>();
        if (node.key) inner.set(node.key, k);
        if (node.value) inner.set(node.value, v);
        execNodes(node.body, v, [...scopes, inner], out);
      }
    }
  }
}

function evalPipe(pipe: Pipe, dot: Value, scopes: Scope): Value {
  const v = evalCommand(pipe.cmd, dot, scopes);
  if (pipe.declare) scopes[scopes.length - 1].set(pipe.declare, v);
  if (pipe.assign) {
    const scope = [...scopes].reverse().find((s) => s.has(pipe.assign!));
    if (!scope) throw new Error(`go-template: undefined variable ${pipe.assign}`);
    scope.set(pipe.assign, v);
  }
  return v;
}

function evalCommand(cmd: Expr[], dot: Value, scopes: Scope): Value {
  const [head, ...args] = cmd;
  if (head?.kind === 'ident') return call(head.name, args, dot, scopes);
  if (args.length > 0) throw new Error('go-template: arguments to a non-function');
  return evalExpr(head, dot, scopes);
}

function evalExpr(e: Expr, dot: Value, scopes: Scope): Value {
  switch (e.kind) {
    case 'lit': return e.value;
    case 'paren': return evalPipe(e.pipe, dot, scopes);
    case 'field': return walk(dot, e.chain);
    case 'var': {
      const scope = [...scopes].reverse().find((s) => s.has(e.name));
      if (!scope) throw new Error(`go-template: undefined variable ${e.name}`);
      return walk(scope.get(e.name), e.chain);
    }
    case 'ident': return call(e.name, [], dot, scopes);
  }
}

/** Go's field chain on maps: an absent key is MISSING, and a chain through MISSING stays MISSING. */
function walk(value: Value, chain: string[]): Value {
  let v = value;
  for (const key of chain) {
    if (v === MISSING || v === undefined) return MISSING;
    if (v === null) throw new Error(`go-template: nil pointer evaluating .${key}`);
    if (!isMap(v)) throw new Error(`go-template: can't evaluate field ${key} in a ${typeof v}`);
    v = Object.prototype.hasOwnProperty.call(v, key) ? (v as Record<string, Value>)[key] : MISSING;
  }
  return v;
}

function call(name: string, argExprs: Expr[], dot: Value, scopes: Scope): Value {
  const arg = (i: number): Value => evalExpr(argExprs[i], dot, scopes);
  switch (name) {
    case 'and': {
      let v: Value = true;
      for (let i = 0; i < argExprs.length; i++) if (!isTrue(v = arg(i))) return v;
      return v;
    }
    case 'or': {
      let v: Value = false;
      for (let i = 0; i < argExprs.length; i++) if (isTrue(v = arg(i))) return v;
      return v;
    }
    case 'not': return !isTrue(arg(0));
    case 'eq': return argExprs.slice(1).some((_, i) => equal(arg(0), arg(i + 1)));
    case 'ne': return !equal(arg(0), arg(1));
    case 'hasPrefix': return asString(arg(0), name).startsWith(asString(arg(1), name));
    case 'hasSuffix': return asString(arg(0), name).endsWith(asString(arg(1), name));
    case 'print': {
      const vals = argExprs.map((_, i) => arg(i));
      // fmt.Sprint: a space between operands when neither is a string.
      return vals.map((v, i) => (i > 0 && typeof v !== 'string' && typeof vals[i - 1] !== 'string' ? ' ' : '') + printValue(v)).join('');
    }
    case 'index': {
      let v = arg(0);
      for (let i = 1; i < argExprs.length; i++) {
        const key = arg(i);
        if (v === MISSING || v === null || v === undefined) throw new Error('go-template: index of untyped nil');
        if (Array.isArray(v)) v = v[Number(key)];
        else v = isMap(v) && Object.prototype.hasOwnProperty.call(v, String(key)) ? v[String(key)] : MISSING;
      }
      return v;
    }
    case 'len': {
      const v = arg(0);
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (isMap(v)) return Object.keys(v).length;
      throw new Error('go-template: len of a value without length');
    }
    default: throw new Error(`go-template: function ${name} is not supported`);
  }
}

function asString(v: Value, fn: string): string {
  if (typeof v !== 'string') throw new Error(`go-template: ${fn} needs a string, got ${printValue(v)}`);
  return v;
}

/** Go's eq: a missing operand is unequal to anything; two present operands of different kinds are an error. */
function equal(a: Value, b: Value): boolean {
  if (a === MISSING || b === MISSING || a === null || b === null) return false;
  if (typeof a !== typeof b || isMap(a) || isMap(b) || Array.isArray(a) || Array.isArray(b)) {
    throw new Error(`go-template: incompatible types for comparison: ${printValue(a)} and ${printValue(b)}`);
  }
  return a === b;
}

function isMap(v: Value): v is Record<string, Value> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isTrue(v: Value): boolean {
  if (v === MISSING || v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

function printValue(v: Value): string {
  if (v === MISSING || v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(printValue).join(' ')}]`;
  return `map[${Object.keys(v as object).sort().map((k) => `${k}:${printValue((v as Record<string, Value>)[k])}`).join(' ')}]`;
}
