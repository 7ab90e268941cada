/**
 * The rows of the synth bench. Each row runs a hardened program and two plain twins, each in its own plain-node
 * process on compiled JavaScript: the bare twin (the same app in cdk8s-plus-28 with no security fields) and the
 * equivalent twin (the hardened output, captured, emitted by plain `ApiObject`s: same bytes). To add a row, write two
 * builders with the same signature, `apps/<name>-hardened.ts` and `apps/<name>-plain.ts`, each exporting
 * `build(app: App, ...args)` (run-app.ts calls `app.synth()` after it), and add `builderRow(…)` below; the
 * equivalent twin comes for free.
 */
import { copyFileSync, readdirSync } from 'fs';
import { join } from 'path';

/** One program the bench runs in a fresh process. */
export interface BenchProgram {
  /** Script to run, relative to the compiled root (bench/out). */
  readonly script: string;
  /** Its command-line arguments. */
  readonly args: readonly string[];
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A row of the table: the hardened program and its plain twins. */
export interface BenchRow {
  /** Stable id, used by `--rows` and by SCALING. */
  readonly id: string;
  /** The label printed in the table. */
  readonly title: string;
  readonly hardened: BenchProgram;
  /**
   * The bare plain twin: the same app written with cdk8s-plus-28 and no security fields (what cdk8s-plus emits by
   * default), so it writes about half the bytes. Absent when there is no such app (the example).
   */
  readonly plain?: BenchProgram;
  /** Files the hardened program reads beside itself, copied into the compiled tree before the row runs. */
  readonly prepare?: () => void;
  /**
   * Rows where start-up weighs: also run the loaded twin (apps/loaded.ts), which loads the library and imports these
   * ES modules before emitting the captured manifests, to show the floor that loading alone sets.
   */
  readonly loadedTwin?: { readonly esModules: readonly string[] };
}

/**
 * The equivalent plain twin every row gets: the manifests the hardened program synthesized (captured by the driver
 * from one unmeasured run) emitted by plain cdk8s `ApiObject`s (apps/captured.ts).
 */
export function equivalentOf(capturedPath: string): BenchProgram {
  return { script: 'bench/run-app.js', args: ['apps/captured', 'build', JSON.stringify([capturedPath])] };
}

/** The loaded twin of a row: the equivalent twin after loading the library and importing `esModules`. */
export function loadedOf(capturedPath: string, esModules: readonly string[]): BenchProgram {
  return { script: 'bench/run-app.js', args: ['apps/loaded', 'build', JSON.stringify([capturedPath, esModules])] };
}

/** A row whose two variants are builders in `apps/<app>-hardened.ts` and `apps/<app>-plain.ts`. */
export function builderRow(id: string, title: string, app: string, args: readonly unknown[]): BenchRow {
  const program = (variant: string): BenchProgram => ({
    script: 'bench/run-app.js',
    args: [`apps/${app}-${variant}`, 'build', JSON.stringify(args)],
  });
  return { id, title, hardened: program('hardened'), plain: program('plain') };
}

/** Development-only inputs the example reads from the environment, as `npm run synth` supplies them. */
const EXAMPLE_ENV = {
  VELERO_REPO_PASSWORD: 'development-only-velero-repository',
  SHOP_DB_PASSWORD: 'development-only-shop-database',
  PAYMENTS_PROCESSOR_TOKEN: 'development-only-processor-token',
  SEALING_DERIVATION_KEY: 'development-only-derivation-key-0123456789abcdef',
};

/**
 * The example app, run unmodified (examples/main.ts compiled). It has no bare plain twin (nobody wrote the example
 * without the library); its equivalent twin is the common one, the same manifests emitted by plain `ApiObject`s.
 */
export function exampleRow(outRoot: string, sourceRoot: string): BenchRow {
  return {
    id: 'example',
    title: 'example app',
    hardened: { script: 'examples/main.js', args: [], env: EXAMPLE_ENV },
    // Its EncryptedSecrets import age at synth.
    loadedTwin: { esModules: ['age-encryption'] },
    prepare: () => {
      // The example reads its development keys beside its own file.
      for (const f of readdirSync(join(sourceRoot, 'examples')).filter((x) => !x.endsWith('.ts') && !x.endsWith('.json'))) {
        copyFileSync(join(sourceRoot, 'examples', f), join(outRoot, 'examples', f));
      }
    },
  };
}

/**
 * Rows of workloads: `n` SecureDeployments (or plain Deployments) over `charts` charts, with HardenedAudit unless
 * `appAudit` is false (then only the constructs' own per-object self-check runs).
 */
function workloadsRow(n: number, charts: number, appAudit = true): BenchRow {
  const label = `N = ${n.toLocaleString('en-US')}, ${charts === 1 ? 'one chart' : `${charts} charts`}${appAudit ? '' : ', self-check only'}`;
  const id = `workloads-${n}${charts === 1 ? '' : `x${charts}`}${appAudit ? '' : '-self-check'}`;
  return builderRow(id, label, 'workloads', [n, charts, appAudit]);
}

/** Rows of a realistic mix: a tenth StatefulSets with claims (and their BackupPlan), a tenth CronJobs. */
function mixedRow(n: number, charts: number): BenchRow {
  const label = `N = ${n.toLocaleString('en-US')}, StatefulSets and CronJobs mixed in`;
  return builderRow(`mixed-${n}`, label, 'mixed', [n, charts]);
}

/** The table, in order. */
export function rows(outRoot: string, sourceRoot: string): BenchRow[] {
  return [
    { ...workloadsRow(100, 1), loadedTwin: { esModules: [] } },
    workloadsRow(1000, 1),
    workloadsRow(5000, 1),
    workloadsRow(1000, 20),
    workloadsRow(1000, 1, false),
    mixedRow(1000, 1),
    exampleRow(outRoot, sourceRoot),
  ];
}

/** Scaling targets: hardened time of `to` at most `limit` times that of `from`. */
export const SCALING = [{ from: 'workloads-1000', to: 'workloads-5000', limit: 5.5 }];

/** The time and memory ratio (hardened / equivalent plain) every row must stay at or under; bare plain is marked too. */
export const RATIO_TARGET = 1.2;
