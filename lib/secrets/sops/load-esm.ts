import { SopsError } from './sops-error';

/**
 * A real dynamic `import()` at runtime. TypeScript compiles `import()` to `require()` under `module: commonjs`,
 * and `require` cannot load an ES module on Node before 20.19 nor inside Jest; a function built from text keeps
 * the `import()` as written.
 */
const nativeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/** What Node says when the running code's host (Jest without --experimental-vm-modules) cannot import. */
const NO_DYNAMIC_IMPORT = /^ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING/;

/**
 * Loads an ES-module-only dependency when a feature first needs it, so that merely importing the library never
 * touches it: CommonJS consumers and a stock Jest test can `import 'cdk8s-hardened'` without transform settings.
 * Where the host refuses a native import (Jest), the host's own `require` is tried, which works when its
 * transform turns the module into CommonJS; otherwise the error says how to let the feature run there.
 */
export async function importEsm<T>(specifier: string, feature: string): Promise<T> {
  try {
    return await nativeImport(specifier) as T;
  } catch (e) {
    if (!NO_DYNAMIC_IMPORT.test(String((e as NodeJS.ErrnoException)?.code ?? ''))) throw e;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(specifier) as T;
  } catch (e) {
    // Not installed at all is a broken install, not a runtime that cannot load ES modules.
    if ((e as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND') throw e;
    throw new SopsError(
      `${feature} needs the ES module '${specifier}', which this runtime can neither import nor require (Jest without ES module support)`,
      `run Jest with NODE_OPTIONS=--experimental-vm-modules, or let it transform the module: transformIgnorePatterns: ['/node_modules/(?!(${specifier}|@noble|@scure)/)'] with a transform for .js files`,
    );
  }
}
