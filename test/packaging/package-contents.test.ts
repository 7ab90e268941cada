/**
 * What `npm install cdk8s-hardened` gets: the file list of `npm pack`, the entry points, and what loading the
 * library and the CLI pulls in. `npm test` compiles lib/ first.
 */
import { spawnSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { join, relative } from 'path';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** The files `npm pack` would put in the tarball (scripts skipped: lib/ is compiled already). */
function packedFiles(): string[] {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`npm pack --dry-run failed: ${r.stderr}`);
  return (JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0].files as { path: string }[]).map((f) => f.path).sort();
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [relative(ROOT, path)] : [];
  });
}

describe('the npm package', () => {
  const files = packedFiles();

  test('holds only the bundled entry points, declarations, the CLI and the documents', () => {
    const allowed = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|bin\/cdk8s-hardened|dist\/(index|cli)\.js|lib\/.+\.d\.ts)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('dist/'))).toEqual(['dist/cli.js', 'dist/index.js']);
  });

  test('has the .d.ts of every source file, and no source and no per-module JavaScript', () => {
    const expected = sources(join(ROOT, 'lib')).map((ts) => ts.replace(/\.ts$/, '.d.ts'));
    expect(files.filter((f) => f.startsWith('lib/')).sort()).toEqual(expected.sort());
    expect(files.filter((f) => /(?<!\.d)\.ts$/.test(f) || f.includes('dev-age-key') || /^(test|examples|scripts|bench)\//.test(f))).toEqual([]);
  });

  test('carries no source maps', () => {
    const withMaps = files.filter((f) => f.endsWith('.js') && readFileSync(join(ROOT, f), 'utf8').includes('sourceMappingURL'));
    expect(withMaps).toEqual([]);
  });

  test('declares its entry points, metadata and peer ranges', () => {
    expect(pkg.version).toBe('0.1.0');
    expect(pkg.main).toBe('dist/index.js');
    expect(pkg.types).toBe('lib/index.d.ts');
    expect(pkg.exports).toEqual({ '.': { types: './lib/index.d.ts', default: './dist/index.js' }, './package.json': './package.json' });
    expect(pkg.bin).toEqual({ 'cdk8s-hardened': 'bin/cdk8s-hardened' });
    expect(pkg.repository.url).toMatch(/^https:\/\/github\.com\/[^/]+\/cdk8s-hardened$/);
    expect(pkg.homepage).toBe(`${pkg.repository.url}#readme`);
    expect(pkg.bugs).toEqual({ url: `${pkg.repository.url}/issues` });
    expect(pkg.keywords).toEqual(expect.arrayContaining(['cdk8s', 'kubernetes', 'security']));
    expect(pkg.peerDependencies).toEqual({ 'cdk8s': '^2.68.12', 'cdk8s-plus-28': '^2.0.3', 'constructs': '^10.3.0' });
    // Every runtime dependency takes updates; the AWS SDK only patch releases (later ones need Node 22).
    expect(Object.entries(pkg.dependencies).filter(([, range]) => !/^[~^]/.test(range as string))).toEqual([]);
    expect(pkg.scripts.prepare).toBe('projen prepare');
  });

  test('the CHANGELOG has an entry for the version', () => {
    expect(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\]`, 'm'));
  });
});

/** The bare package names a script loads (node_modules only), in a fresh Node process. */
function modulesLoadedBy(entry: string): string[] {
  const script = `
    const Module = require('module');
    const seen = new Set();
    const load = Module._load;
    Module._load = function (request, parent, isMain) {
      const m = /^((?:@[^/]+\\/)?[^./][^/]*)/.exec(request);
      if (m && !Module.builtinModules.includes(m[1]) && !m[1].startsWith('node:')) seen.add(m[1]);
      return load.apply(this, arguments);
    };
    require(${JSON.stringify(join(ROOT, entry))});
    process.stdout.write(JSON.stringify([...seen].sort()));`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe('loading', () => {
  test('importing the library loads no ES-module-only dependency and not the AWS SDK', () => {
    const loaded = modulesLoadedBy('dist/index.js');
    expect(loaded).toContain('cdk8s');
    expect(loaded.filter((m) => /^(age-encryption|@noble\/|@scure\/|@aws-sdk\/)/.test(m))).toEqual([]);
  });

  test('importing the library loads yaml and packageurl-js only when a feature first uses them', () => {
    const script = `
      require(${JSON.stringify(join(ROOT, 'dist', 'index.js'))});
      const ours = (name) => Object.keys(require.cache).some((f) => f.startsWith(${JSON.stringify(join(ROOT, 'node_modules'))} + '/' + name + '/'));
      process.stdout.write(JSON.stringify({ yaml: ours('yaml'), packageurl: ours('packageurl-js') }));`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ yaml: false, packageurl: false });
  });

  test('the CLI needs none of the peers, so it runs from an install without them', () => {
    const loaded = modulesLoadedBy('dist/cli.js');
    expect(loaded.filter((m) => m in pkg.peerDependencies)).toEqual([]);
    // Everything else it loads is a dependency of its own, which an install without peers still has.
    expect(loaded.filter((m) => !(m in pkg.dependencies))).toEqual([]);
    expect(loaded).toContain('commander');
  });
});
