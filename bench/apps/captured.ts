/**
 * The equivalent plain twin of any row: the very manifests the hardened app synthesizes (captured once by the bench
 * from an unmeasured hardened run, as JSON), emitted by plain cdk8s `ApiObject`s in charts of the same names. It
 * writes the same security posture byte for byte — what a user without the library would have to write by hand —
 * with no library logic at all, so it is the floor of what cdk8s itself costs for those bytes; hardened / this twin
 * is the cost of our plumbing (constructs, rendering, audit, app checks, module loading). It loads cdk8s-plus-28 as
 * a plain app would. Reading the capture (one JSON.parse) is charged to this twin.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import 'cdk8s-plus-28';

/** A hardened app's output: each chart's name and its documents, in order, and the other files it wrote. */
export interface CapturedApp {
  readonly charts: ReadonlyArray<{ readonly name: string; readonly objects: ReadonlyArray<Record<string, any>> }>;
  /** Files beside the charts (e.g. the example's control-plane files), by path under the output directory. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly text: string }>;
}

/** Keys cdk8s always writes first, in this order. */
const HEAD = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Emits `o` as it was written: cdk8s sorts the keys of an ApiObject's props, and keys a construct patched in after
 * rendering come after them in patch order (a SOPS Secret's `sops`), so the longest sorted run of top-level keys goes
 * in as props and the rest as patches; most objects are all props.
 */
function emit(chart: Chart, id: string, o: Record<string, any>): void {
  const keys = Object.keys(o).filter((k) => !HEAD.has(k));
  let sorted = 1;
  while (sorted < keys.length && keys[sorted - 1] < keys[sorted]) sorted++;
  const props: Record<string, any> = { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata };
  for (const k of keys.slice(0, sorted)) props[k] = o[k];
  const object = new ApiObject(chart, id, props as any);
  for (const k of keys.slice(sorted)) object.addJsonPatch(JsonPatch.add(`/${k}`, o[k]));
}

/** Rebuilds the captured app from `capturedPath` (a CapturedApp JSON file). */
export function build(app: App, capturedPath: string): void {
  const captured = JSON.parse(readFileSync(capturedPath, 'utf8')) as CapturedApp;
  for (const { name, objects } of captured.charts) {
    const chart = new Chart(app, name);
    objects.forEach((o, i) => emit(chart, `o${i}`, o));
  }
  for (const { path, text } of captured.files) {
    mkdirSync(dirname(join(app.outdir, path)), { recursive: true });
    writeFileSync(join(app.outdir, path), text);
  }
}
