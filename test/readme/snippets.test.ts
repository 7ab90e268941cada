/**
 * Every TypeScript block of the README, with its own imports, type-checks against the built package (lib/*.d.ts,
 * as `import ... from 'cdk8s-hardened'` resolves it for a user) under the settings of cdk8s's `typescript-app`
 * template: lib es2016, target ES2017, strict, and no skipLibCheck, so the public declarations are checked too.
 * `npm test` compiles first; by hand, run `npx projen compile` before.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The ```ts blocks of a markdown text, with the line each starts on. */
export function typescriptBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const re = /^```ts\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length, code: m[1] });
  }
  return blocks;
}

/** The template's compiler options (node_modules/cdk8s-cli/templates/typescript-app/tsconfig.json), unused names allowed. */
function templateOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json');
  const { config } = ts.readConfigFile(file, ts.sys.readFile);
  const { options, errors } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
  if (errors.length > 0) throw new Error(ts.formatDiagnostics(errors, host()));
  return { ...options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false, types: ['node'] };
}

function host(): ts.FormatDiagnosticsHost {
  return { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
}

describe('README snippets', () => {
  const blocks = typescriptBlocks(README);

  test('the README has TypeScript snippets and each imports what it uses from packages', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    for (const b of blocks) expect([b.line, /^import [^;]* from 'cdk8s-hardened';$/m.test(b.code)]).toEqual([b.line, true]);
  });

  test('every snippet compiles against the built package under the template\'s settings', () => {
    expect(existsSync(join(ROOT, 'lib', 'index.d.ts'))).toBe(true);
    // Inside the project, so that cdk8s, constructs and cdk8s-plus-28 resolve from its node_modules.
    const dir = mkdtempSync(join(ROOT, '.tmp-readme-'));
    try {
      // The package as installed holds declarations, not sources: beside a .ts, tsc would read the .ts instead.
      cpSync(join(ROOT, 'lib'), join(dir, 'package', 'lib'), {
        recursive: true,
        filter: (src) => !src.endsWith('.ts') || src.endsWith('.d.ts'),
      });
      const files = blocks.map((b) => {
        const file = join(dir, `readme-line-${b.line}.ts`);
        // Each snippet is a module of its own, as in a user's file.
        writeFileSync(file, `${b.code}export {};\n`);
        return file;
      });
      const options: ts.CompilerOptions = { ...templateOptions(), baseUrl: dir, paths: { 'cdk8s-hardened': [join(dir, 'package', 'lib', 'index.d.ts')] } };
      const program = ts.createProgram(files, options);
      const problems = ts.getPreEmitDiagnostics(program);
      expect(ts.formatDiagnostics(problems, host()).split(dir).join('README.md')).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
