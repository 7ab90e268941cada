/**
 * Synth benchmark: each row's hardened app and its plain cdk8s-plus-28 twin, each run in its own plain-node process
 * on compiled JavaScript (bench/tsconfig.build.json), several repetitions interleaved (the order alternates every
 * repetition, so drift in machine load hits both variants), whole-process CPU time and peak RSS of each run, and
 * min and median per variant. Prints a markdown table with the load average; nothing here asserts.
 *
 *   npm run bench:synth                           (compiles, then runs every row)
 *   node bench/out/bench/synth.js [--reps 5] [--rows workloads-100,example]
 *
 * Rows live in bench/rows.ts.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { basename, join, resolve } from 'path';
import { parseAllDocuments } from 'yaml';
import { ProcessUsage } from './measure';
import { BenchProgram, BenchRow, RATIO_TARGET, rows, SCALING } from './rows';

/** The compiled root (bench/out) and the source root (the project). */
const OUT_ROOT = resolve(__dirname, '..');
const SOURCE_ROOT = resolve(OUT_ROOT, '..', '..');

type Variant = 'hardened' | 'plain';

interface Run extends ProcessUsage {
  readonly objects: number;
  readonly bytes: number;
  /** The 1-minute load average when the run ended: other work on the machine competes for the cores. */
  readonly load: number;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return f.endsWith('.k8s.yaml') ? [p] : [];
  });
}

/** Runs `program` in a fresh node process with the measuring preload; returns its usage and its output directory. */
function execute(program: BenchProgram, label: string): { usage: ProcessUsage; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-out-'));
  const resultFile = join(outdir, '.usage.json');
  const r = spawnSync(process.execPath, ['--require', join(OUT_ROOT, 'bench', 'measure.js'), join(OUT_ROOT, program.script), ...program.args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      ...program.env,
      CDK8S_OUTDIR: outdir,
      BENCH_RESULT: resultFile,
      NODE_OPTIONS: '--max-old-space-size=8192',
    },
  });
  if (r.status !== 0) throw new Error(`bench: ${label} exited with ${r.status ?? r.signal}:\n${r.stderr}`);
  const usage = JSON.parse(readFileSync(resultFile, 'utf8')) as ProcessUsage;
  rmSync(resultFile);
  return { usage, outdir };
}

function measure(program: BenchProgram, label: string): Run {
  const { usage, outdir } = execute(program, label);
  const files = yamlFiles(outdir);
  const text = files.map((f) => readFileSync(f, 'utf8'));
  rmSync(outdir, { recursive: true, force: true });
  return {
    ...usage,
    load: loadavg()[0],
    objects: text.reduce((sum, t) => sum + (t.match(/^kind: /gm)?.length ?? 0), 0),
    bytes: text.reduce((sum, t) => sum + Buffer.byteLength(t), 0),
  };
}

/** Writes the documents an app synthesized under `outdir` as a CapturedApp (apps/example-plain.ts) and removes it. */
function capture(outdir: string, file: string): void {
  const charts = yamlFiles(outdir).sort().map((f) => ({
    name: basename(f, '.k8s.yaml'),
    objects: parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS()),
  }));
  writeFileSync(file, JSON.stringify({ charts }));
  rmSync(outdir, { recursive: true, force: true });
}

const min = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');
const mark = (ratio: number, limit: number) => `${ratio.toFixed(2)}${ratio <= limit ? '' : ' ✗'}`;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const reps = Number(arg('--reps') ?? 5);
  const only = arg('--rows')?.split(',');
  const selected = rows(OUT_ROOT, SOURCE_ROOT, capture).filter((r) => !only || only.includes(r.id));
  if (selected.length === 0) throw new Error(`bench: no row matches --rows ${only}`);
  const workDir = mkdtempSync(join(tmpdir(), 'bench-'));
  try {
    const loadBefore = load();
    const plainOf = new Map<BenchRow, BenchProgram>();
    for (const row of selected) {
      const prepared = row.setup?.({ workDir, runOnce: (p) => execute(p, `${row.id} setup`).outdir }) ?? '';
      plainOf.set(row, typeof row.plain === 'function' ? row.plain(prepared) : row.plain);
    }
    const runs = new Map<string, Run[]>();
    for (let rep = 0; rep < reps; rep++) {
      for (const row of selected) {
        const order: Variant[] = rep % 2 === 0 ? ['hardened', 'plain'] : ['plain', 'hardened'];
        for (const variant of order) {
          const program = variant === 'hardened' ? row.hardened : plainOf.get(row)!;
          const run = measure(program, `${row.id} ${variant}`);
          if (run.exitCode !== 0) throw new Error(`bench: ${row.id} ${variant} set exit code ${run.exitCode}`);
          const key = `${row.id}/${variant}`;
          runs.set(key, [...(runs.get(key) ?? []), run]);
          process.stderr.write(`rep ${rep + 1}/${reps} ${key}: ${run.cpuSeconds.toFixed(2)} s CPU, ${run.peakMiB.toFixed(0)} MiB\n`);
        }
      }
    }
    const loadAfter = load();
    const stat = (row: BenchRow, variant: Variant) => {
      const list = runs.get(`${row.id}/${variant}`)!;
      return {
        cpuMin: min(list.map((r) => r.cpuSeconds)),
        cpuMedian: median(list.map((r) => r.cpuSeconds)),
        memMedian: median(list.map((r) => r.peakMiB)),
        objects: list[0].objects,
        bytes: list[0].bytes,
      };
    };
    const lines = selected.map((row) => {
      const h = stat(row, 'hardened');
      const p = stat(row, 'plain');
      return `| ${row.title} | ${h.objects} / ${p.objects} | ${(h.bytes / 1024).toFixed(0)} / ${(p.bytes / 1024).toFixed(0)} `
        + `| ${h.cpuMin.toFixed(2)} / ${h.cpuMedian.toFixed(2)} | ${p.cpuMin.toFixed(2)} / ${p.cpuMedian.toFixed(2)} `
        + `| ${mark(h.cpuMedian / p.cpuMedian, RATIO_TARGET)} (min ${(h.cpuMin / p.cpuMin).toFixed(2)}) `
        + `| ${h.memMedian.toFixed(0)} | ${p.memMedian.toFixed(0)} | ${mark(h.memMedian / p.memMedian, RATIO_TARGET)} `
        + `| ${median(['hardened', 'plain'].flatMap((v) => runs.get(`${row.id}/${v}`)!.map((r) => r.load))).toFixed(1)} |`;
    });
    const scaling = SCALING.flatMap(({ from, to, limit }) => {
      const a = selected.find((r) => r.id === from);
      const b = selected.find((r) => r.id === to);
      if (!a || !b) return [];
      const ratio = stat(b, 'hardened').cpuMedian / stat(a, 'hardened').cpuMedian;
      return [`hardened CPU time ${to} / ${from}: ${mark(ratio, limit)} (target ≤ ${limit})`];
    });
    process.stdout.write([
      `Synth benchmark: node ${process.version}, ${cpus().length} CPUs, ${reps} interleaved repetitions per variant, `
        + `each run its own process; load average before ${loadBefore}, after ${loadAfter}.`,
      'CPU = user + system seconds of the whole process (module loading included); peak = max RSS; load = median 1-minute '
        + 'load average at the end of the row\'s runs. '
        + `Ratios are hardened / plain of the medians (target ≤ ${RATIO_TARGET}; ✗ marks a miss).`,
      '',
      '| row | objects h / p | KiB h / p | hardened CPU s min / median | plain CPU s min / median | time ratio | hardened peak MiB | plain peak MiB | memory ratio | load |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...lines,
      '',
      ...scaling,
      '',
    ].join('\n'));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main();
