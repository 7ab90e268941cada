/**
 * Runs one bench app builder in this process: `node --require measure.js run-app.js <module> <export> <json args>`.
 * The builder adds constructs to a fresh App; this runner then calls `app.synth()`, which writes to CDK8S_OUTDIR.
 * Only the builder's module is loaded, so a plain app never loads the hardened library.
 */
import { join } from 'path';
import { App } from 'cdk8s';

/** A bench app: fills `app` with constructs (it may be async, e.g. to encrypt secrets before synth). */
export type AppBuilder = (app: App, ...args: any[]) => void | Promise<void>;

async function main(): Promise<void> {
  const [modulePath, exportName, json] = process.argv.slice(2);
  const builder = (await import(join(__dirname, modulePath)))[exportName] as AppBuilder | undefined;
  if (typeof builder !== 'function') throw new Error(`bench: ${modulePath} exports no function '${exportName}'`);
  const app = new App();
  await builder(app, ...(JSON.parse(json ?? '[]') as unknown[]));
  app.synth();
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exitCode = 1;
});
