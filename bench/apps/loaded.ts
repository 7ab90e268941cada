/**
 * The loaded plain twin: the equivalent twin (apps/captured.ts) in a process that has also loaded the library, as
 * `import ... from 'cdk8s-hardened'` loads it, and imported the ES modules the hardened app imports at synth (age for
 * SOPS). It does none of the library's work, so loaded / equivalent is the start-up floor a row cannot go below, and
 * hardened / loaded is what the constructs, rendering and audit cost on top of loading.
 */
import { App } from 'cdk8s';
import 'cdk8s-hardened';
import { build as buildCaptured } from './captured';

/** Imports `esModules` (as the library's `importEsm` does), then rebuilds the captured app. */
export async function build(app: App, capturedPath: string, esModules: readonly string[]): Promise<void> {
  // A real dynamic import: tsc would turn `import()` into `require()` under module: commonjs.
  const nativeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
  for (const specifier of esModules) await nativeImport(specifier);
  buildCaptured(app, capturedPath);
}
