/**
 * Synth benchmark: each row's hardened app against two plain twins — the equivalent one (the hardened output
 * captured and emitted by plain cdk8s ApiObjects, checked to write the same bytes: what our plumbing costs) and the
 * bare one (the same app in cdk8s-plus-28 without security fields: what the posture costs on top) — each run in its
 * own plain-node process on compiled JavaScript (bench/tsconfig.build.json), several repetitions interleaved (the
 * order rotates every repetition, so drift in machine load hits every variant), whole-process CPU time and peak RSS
 * of each run, and min and median per variant. Rows where start-up weighs also run a third twin, the loaded one (the
 * equivalent twin after loading the library), whose table shows the floor loading alone sets. Prints markdown
 * tables with the load average; nothing here asserts.
 *
 *   npm run bench:synth                           (compiles, then runs every row)
 *   node bench/out/bench/synth.js [--reps 5] [--rows workloads-100,example]
 *
 * Rows live in bench/rows.ts.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { basename, dirname, join, relative, resolve } from 'path';
import { parseAllDocuments } from 'yaml';
import { ProcessUsage } from './measure';
import { BenchProgram, BenchRow, equivalentOf, loadedOf, RATIO_TARGET, rows, SCALING } from './rows';

/** The compiled root (bench/out) and the source root (the project). */
const OUT_ROOT = resolve(__dirname, '..');
const SOURCE_ROOT = resolve(OUT_ROOT, '..', '..');

type Variant = 'hardened' | 'equivalent' | 'plain' | 'loaded';

interface Run extends ProcessUsage {
  readonly objects: number;
  readonly bytes: number;
  /** The 1-minute load average when the run ended: other work on the machine competes for the cores. */
  readonly load: number;
}

/** Every file under `dir`, by path. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Chart files: what the table counts (objects and bytes). */
const isChart = (f: string) => f.endsWith('.k8s.yaml');

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
  const files = filesUnder(outdir).filter(isChart);
  const text = files.map((f) => readFileSync(f, 'utf8'));
  rmSync(outdir, { recursive: true, force: true });
  return {
    ...usage,
    load: loadavg()[0],
    objects: text.reduce((sum, t) => sum + (t.match(/^kind: /gm)?.length ?? 0), 0),
    bytes: text.reduce((sum, t) => sum + Buffer.byteLength(t), 0),
  };
}

/**
 * Writes what an app synthesized under `outdir` as a CapturedApp (apps/captured.ts): the documents of each chart
 * file, and every other file as text.
 */
function capture(outdir: string, file: string): void {
  const all = filesUnder(outdir).sort();
  const charts = all.filter((f) => isChart(f) && dirname(f) === outdir).map((f) => ({
    name: basename(f, '.k8s.yaml'),
    objects: parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS()),
  }));
  const files = all.filter((f) => !isChart(f) || dirname(f) !== outdir).map((f) => ({ path: relative(outdir, f), text: readFileSync(f, 'utf8') }));
  writeFileSync(file, JSON.stringify({ charts, files }));
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

/** The variants of a row, in the order of the first repetition. */
const VARIANTS = ['hardened', 'equivalent', 'plain', 'loaded'] as const;

/** What the bench needs of one variant of one row: its runs' medians and the output it counted. */
interface Stat {
  readonly cpuMin: number;
  readonly cpuMedian: number;
  readonly memMedian: number;
  readonly objects: number;
  readonly bytes: number;
}

/** The files of `dir` by relative path and text. */
function outputOf(dir: string): Map<string, string> {
  return new Map(filesUnder(dir).map((f) => [relative(dir, f), readFileSync(f, 'utf8')]));
}

/** Whether two outputs are byte-identical: same files, same text. */
function sameOutput(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([f, text]) => b.get(f) === text);
}

function main(): void {
  const reps = Number(arg('--reps') ?? 5);
  const only = arg('--rows')?.split(',');
  const selected = rows(OUT_ROOT, SOURCE_ROOT).filter((r) => !only || only.includes(r.id));
  if (selected.length === 0) throw new Error(`bench: no row matches --rows ${only}`);
  const workDir = mkdtempSync(join(tmpdir(), 'bench-'));
  try {
    const loadBefore = load();
    const programs = new Map<BenchRow, Map<Variant, BenchProgram>>();
    const identical = new Map<BenchRow, boolean>();
    for (const row of selected) {
      row.prepare?.();
      // The equivalent twin: one unmeasured hardened run, captured, then checked to write the very same bytes.
      const hardenedOut = execute(row.hardened, `${row.id} capture`).outdir;
      const captured = join(workDir, `${row.id}.json`);
      const expected = outputOf(hardenedOut);
      capture(hardenedOut, captured);
      rmSync(hardenedOut, { recursive: true, force: true });
      const equivalent = equivalentOf(captured);
      const equivalentOut = execute(equivalent, `${row.id} equivalent check`).outdir;
      identical.set(row, sameOutput(expected, outputOf(equivalentOut)));
      rmSync(equivalentOut, { recursive: true, force: true });
      const variants = new Map<Variant, BenchProgram>([['hardened', row.hardened], ['equivalent', equivalent]]);
      if (row.plain) variants.set('plain', row.plain);
      if (row.loadedTwin) variants.set('loaded', loadedOf(captured, row.loadedTwin.esModules));
      programs.set(row, variants);
    }
    const runs = new Map<string, Run[]>();
    for (let rep = 0; rep < reps; rep++) {
      for (const row of selected) {
        // The order rotates every repetition, so drift in machine load hits every variant alike.
        const present = VARIANTS.filter((v) => programs.get(row)!.has(v));
        const order = present.map((_, k) => present[(k + rep) % present.length]);
        for (const variant of order) {
          const run = measure(programs.get(row)!.get(variant)!, `${row.id} ${variant}`);
          if (run.exitCode !== 0) throw new Error(`bench: ${row.id} ${variant} set exit code ${run.exitCode}`);
          const key = `${row.id}/${variant}`;
          runs.set(key, [...(runs.get(key) ?? []), run]);
          process.stderr.write(`rep ${rep + 1}/${reps} ${key}: ${run.cpuSeconds.toFixed(2)} s CPU, ${run.peakMiB.toFixed(0)} MiB\n`);
        }
      }
    }
    const loadAfter = load();
    const stat = (row: BenchRow, variant: Variant): Stat | undefined => {
      const list = runs.get(`${row.id}/${variant}`);
      if (!list) return undefined;
      return {
        cpuMin: min(list.map((r) => r.cpuSeconds)),
        cpuMedian: median(list.map((r) => r.cpuSeconds)),
        memMedian: median(list.map((r) => r.peakMiB)),
        objects: list[0].objects,
        bytes: list[0].bytes,
      };
    };
    const lines = selected.map((row) => {
      const [h, e, p] = (['hardened', 'equivalent', 'plain'] as const).map((v) => stat(row, v));
      const each = (f: (x: Stat) => string) => [h, e, p].map((x) => (x ? f(x) : '—')).join(' / ');
      const cpu = (x?: Stat) => (x ? `${x.cpuMin.toFixed(2)} / ${x.cpuMedian.toFixed(2)}` : '—');
      const time = (x?: Stat) => (x ? `${mark(h!.cpuMedian / x.cpuMedian, RATIO_TARGET)} (min ${(h!.cpuMin / x.cpuMin).toFixed(2)})` : '—');
      const mem = (x?: Stat) => (x ? mark(h!.memMedian / x.memMedian, RATIO_TARGET) : '—');
      const loads = VARIANTS.flatMap((v) => runs.get(`${row.id}/${v}`)?.map((r) => r.load) ?? []);
      return `| ${row.title} | ${each((x) => String(x.objects))} | ${each((x) => (x.bytes / 1024).toFixed(0))} `
        + `| ${identical.get(row) ? 'yes' : 'NO'} | ${cpu(h)} | ${cpu(e)} | ${cpu(p)} | ${time(e)} | ${time(p)} `
        + `| ${each((x) => x.memMedian.toFixed(0))} | ${mem(e)} | ${mem(p)} | ${median(loads).toFixed(1)} |`;
    });
    // The start-up floor, for the rows that run the loaded twin.
    const floors = selected.filter((row) => stat(row, 'loaded')).map((row) => {
      const [h, e, l] = (['hardened', 'equivalent', 'loaded'] as const).map((v) => stat(row, v)!);
      const cpu = (x: Stat) => `${x.cpuMin.toFixed(2)} / ${x.cpuMedian.toFixed(2)}`;
      const ratio = (a: Stat, b: Stat) => `${(a.cpuMedian / b.cpuMedian).toFixed(2)} (min ${(a.cpuMin / b.cpuMin).toFixed(2)})`;
      return `| ${row.title} | ${cpu(e)} | ${cpu(l)} | ${cpu(h)} | ${ratio(l, e)} | ${ratio(h, l)} |`;
    });
    const scaling = SCALING.flatMap(({ from, to, limit }) => {
      const a = selected.find((r) => r.id === from);
      const b = selected.find((r) => r.id === to);
      if (!a || !b) return [];
      const ratio = stat(b, 'hardened')!.cpuMedian / stat(a, 'hardened')!.cpuMedian;
      return [`hardened CPU time ${to} / ${from}: ${mark(ratio, limit)} (target ≤ ${limit})`];
    });
    process.stdout.write([
      `Synth benchmark: node ${process.version}, ${cpus().length} CPUs, ${reps} interleaved repetitions per variant, `
        + `each run its own process; load average before ${loadBefore}, after ${loadAfter}.`,
      'h = hardened app; e = equivalent plain twin: the manifests the hardened app wrote, captured and emitted by plain '
        + 'cdk8s ApiObjects (same bytes: "same bytes" says whether its output matched byte for byte), so h / e is the '
        + 'cost of the library\'s plumbing; p = bare plain twin: the same app in cdk8s-plus-28 with no security fields '
        + '(about half the bytes), so h / p also counts writing the security posture out.',
      'CPU = user + system seconds of the whole process (module loading included); peak = max RSS; load = median 1-minute '
        + 'load average at the end of the row\'s runs. '
        + `Ratios are hardened / twin of the medians (target ≤ ${RATIO_TARGET}; ✗ marks a miss).`,
      '',
      '| row | objects h / e / p | KiB h / e / p | same bytes | hardened CPU s min / median | equivalent CPU s min / median '
        + '| bare plain CPU s min / median | time h / e | time h / p | peak MiB h / e / p | memory h / e | memory h / p | load |',
      '|---|---:|---:|:-:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...lines,
      '',
      ...scaling,
      '',
      ...(floors.length === 0 ? [] : [
        'Start-up floor: the loaded twin (l) is the equivalent twin in a process that has also loaded the library and '
          + 'imported the ES modules the app imports at synth; l / e is what loading alone costs over the twin, h / l what '
          + 'the constructs, rendering and audit cost on top of it.',
        '',
        '| row | equivalent CPU s min / median | loaded CPU s min / median | hardened CPU s min / median | floor l / e | work h / l |',
        '|---|---:|---:|---:|---:|---:|',
        ...floors,
        '',
      ]),
    ].join('\n'));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main();
