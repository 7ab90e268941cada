import type * as Yaml from 'yaml';

let loaded: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded when a feature first writes or reads YAML text with it (SOPS files, Falco rules,
 * Fluent Bit configuration, control-plane files, `decrypt`). Its ~70 modules cost ~30 ms of start-up, which a
 * top-level import would add to every synth and every CLI run, including those that use none of these features.
 */
export function yamlLibrary(): typeof Yaml {
  // Kept once loaded: the SOPS tree asks for it at every node, and `require` resolves the name again on each call.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return loaded ??= require('yaml') as typeof Yaml;
}
