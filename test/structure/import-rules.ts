import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import * as ts from 'typescript';

/** One relative import inside lib/: the importing file and the module it names, both relative to lib/. */
export interface Edge {
  readonly from: string;
  readonly to: string;
}

/**
 * The layer a lib/ path belongs to: its top folder (`practices`, `audit`, `workload`, …), or the file's own name for
 * a top-level file (`errors`, `provenance`, `refusal`, `index`).
 */
export function layerOf(libPath: string): string {
  const [first] = libPath.split('/');
  return first.replace(/\.ts$/, '');
}

/** The constructs: folders whose files build cdk8s objects for users. */
export const CONSTRUCT_LAYERS: readonly string[] = ['workload', 'namespace', 'secrets', 'rbac', 'backup', 'cluster', 'policy', 'provenance', 'refusal'];

/** What each layer may import from lib/ besides itself; layers not listed may import anything but `cli` and `index`. */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  // The pure helpers and the error family sit at the bottom: everything reads them, they read nothing of ours.
  'errors': [],
  'units': [],
  // Safe reading of YAML text (size, depth, alias limits): pure, below the audit that loads files with it.
  'yaml': ['errors'],
  // The catalogue (what is judged) knows no construct, no engine, no terminal.
  'practices': ['units', 'errors'],
  // The engine, loader and renderers (how it is run and reported) know the catalogue, never a construct or the CLI.
  'audit': ['practices', 'units', 'yaml', 'errors'],
  // What synth refuses that the cluster would refuse later: the simulated admission and the app's coherence read
  // rendered objects only, never a construct.
  'admission-sim': ['practices', 'units', 'errors'],
  'coherence': ['admission-sim', 'practices', 'units', 'errors'],
  'target': ['errors'],
  // The construct-side wiring of the synth-time judgement (HardenedAudit, SynthPass, the app checks): it runs the
  // engine, the coherence and the admission simulation over what the constructs rendered, and knows no construct.
  'synth': ['audit', 'coherence', 'admission-sim', 'target', 'practices', 'units', 'yaml', 'errors'],
};

/** Every relative import of every TypeScript source under `libDir` (declarations and generated imports excluded). */
export function libImports(libDir: string): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(libDir)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      edges.push({ from: relative(libDir, file), to: relative(libDir, resolve(dirname(file), ref.fileName)) });
    }
  }
  return edges;
}

/** The imports that break a layer rule, as `from -> to (rule)` lines. */
export function forbiddenImports(edges: readonly Edge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    if (from === to || to === 'imports') continue;
    const allowed = ALLOWED[from];
    if (to === 'index') out.push(`${e.from} -> ${e.to} (lib/index.ts only re-exports; import the module itself)`);
    else if (allowed !== undefined && !allowed.includes(to)) out.push(`${e.from} -> ${e.to} (${from} may import only ${allowed.join(', ') || 'nothing of lib/'})`);
    else if (to === 'cli' && from !== 'index') out.push(`${e.from} -> ${e.to} (only the terminal knows the CLI)`);
  }
  return out;
}

/** Cycles between layers (strongly connected components of more than one layer), each as its sorted layer names. */
export function layerCycles(edges: readonly Edge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    if (from === to) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    if (!graph.has(to)) graph.set(to, new Set());
    graph.get(from)!.add(to);
  }
  // Tarjan's algorithm; the graph has a dozen nodes, so recursion depth is no concern.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'imports') out.push(...sourceFiles(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out;
}
