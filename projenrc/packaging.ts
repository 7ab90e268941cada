import { typescript } from 'projen';

/**
 * Where the project lives. Used for package.json's repository, homepage and bugs, and by the README links.
 */
export const REPOSITORY = 'https://github.com/cdk8s-hardened/cdk8s-hardened';

/**
 * The oldest releases of the peers the library is tested with (`npm run test:consumer -- --peers=floor` installs
 * exactly these). cdk8s-plus-28's first release needs cdk8s ^2.68.11 and constructs ^10.3.0; 2.68.12 is the oldest
 * cdk8s above that which the registry serves.
 */
export const PEER_FLOORS: Readonly<Record<string, string>> = {
  'cdk8s': '2.68.12',
  'cdk8s-plus-28': '2.0.3',
  'constructs': '10.3.0',
};

/** The peer versions the project itself develops and tests against. */
export const PEER_DEV_VERSIONS: Readonly<Record<string, string>> = {
  'cdk8s': '2.70.106',
  'cdk8s-plus-28': '2.5.6',
  'constructs': '10.8.1',
};

/** The peer dependency ranges, from the floors. */
export function peerDependencyRanges(): string[] {
  return Object.entries(PEER_FLOORS).map(([name, floor]) => `${name}@^${floor}`);
}

/** The peers at the versions the project develops with, as devDependencies. */
export function peerDevDependencies(): string[] {
  return Object.entries(PEER_DEV_VERSIONS).map(([name, version]) => `${name}@${version}`);
}

/**
 * The package's entry points, each one CommonJS file that esbuild links from lib/ (dependencies and peers stay
 * `require`s): loading ~260 modules one by one cost a synth or an audit run ~60-90 ms of resolving, reading and
 * wrapping files before any work (README, "Performance"). The CLI's file holds only what the CLI reaches, so it
 * still runs without the peers.
 */
export const BUNDLES: Readonly<Record<string, string>> = {
  'dist/index.js': 'lib/index.ts',
  'dist/cli.js': 'lib/cli/main.ts',
};

/**
 * What an install of the package holds, as an allow-list: the bundled entry points, the declarations and the CLI.
 * npm adds package.json, README.md and LICENSE itself. No TypeScript sources (a consumer's tsc would compile them
 * under its own settings), no per-module JavaScript (the entry points hold it), no tests, examples or development
 * keys, no source maps.
 */
export const PACKAGE_FILES: readonly string[] = [
  ...Object.keys(BUNDLES),
  'lib/**/*.d.ts',
  'bin/cdk8s-hardened',
  'CHANGELOG.md',
];

/** package.json metadata, entry points and the tasks that build, document and test the package as users get it. */
export function configurePackaging(project: typescript.TypeScriptProject): void {
  const pkg = project.package;
  pkg.addVersion('0.1.0');
  pkg.addField('files', [...PACKAGE_FILES]);
  pkg.addField('main', 'dist/index.js');
  pkg.addField('exports', {
    '.': { types: './lib/index.d.ts', default: './dist/index.js' },
    './package.json': './package.json',
  });
  pkg.addField('homepage', `${REPOSITORY}#readme`);
  pkg.addField('bugs', { url: `${REPOSITORY}/issues` });
  pkg.addKeywords('cdk8s', 'kubernetes', 'k8s', 'security', 'hardening', 'pod-security', 'network-policy',
    'rbac', 'sops', 'audit', 'gitops', 'constructs');

  // After tsc (declarations, and the per-module JavaScript the tests and tools run), the entry points. esbuild reads
  // tsconfig.json, so it compiles lib/ under the same settings; its output is deterministic.
  for (const [out, entry] of Object.entries(BUNDLES)) {
    project.compileTask.exec(`esbuild ${entry} --bundle --platform=node --target=node20 --format=cjs --packages=external --keep-names --log-level=warning --outfile=${out}`);
  }

  // A checkout is usable right after `npm ci`: the CLI's bin needs the compiled entry points.
  project.addTask('prepare', { description: 'Compile after npm install/ci so the CLI runs from a checkout' }).spawn(project.compileTask);

  const apiDocs = project.addTask('docs:api', {
    description: 'Regenerate the API reference in docs/api from the doc comments (TypeDoc)',
    exec: 'typedoc',
  });
  project.tasks.tryFind('docs')?.spawn(apiDocs);

  // The consumer app (scripts/consumer-app) imports the package by name; in the checkout that is lib/.
  project.tsconfigDev.file.addOverride('compilerOptions.paths', { 'cdk8s-hardened': ['../lib/index.ts'] });

  project.addTask('test:consumer', {
    description: 'Pack the library, install it into a fresh cdk8s typescript-app and build, test and synth that app',
    exec: 'ts-node -T scripts/consumer-test.ts',
    receiveArgs: true,
  });
}
