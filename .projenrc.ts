import { javascript, typescript } from 'projen';
import { configurePackaging, peerDependencyRanges, peerDevDependencies, REPOSITORY } from './projenrc/packaging';

const project = new typescript.TypeScriptProject({
  name: 'cdk8s-hardened',
  description: 'cdk8s constructs whose Kubernetes YAML already follows every security practice, and an audit that proves it.',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',
  typescriptVersion: '~5.9.3',
  srcdir: 'lib',
  libdir: 'lib',
  testdir: 'test',
  sampleCode: false,
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  package: false,
  licensed: true,
  license: 'Apache-2.0',
  copyrightOwner: 'cdk8s-hardened authors',
  // Packaging (issue 13): floors, ranges and metadata live in projenrc/packaging.ts.
  repository: REPOSITORY,
  npmignoreEnabled: false,
  peerDeps: peerDependencyRanges(),
  peerDependencyOptions: { pinnedDevDependency: false },
  deps: [
    // Releases of the SDK after early 2027 need Node 22 (toolchain.md): patch updates only.
    '@aws-sdk/client-kms@~3.1164.0',
    'age-encryption@^0.3.1',
    'commander@^14.0.0',
    'js-yaml@^5.5.0',
    'packageurl-js@^2.0.1',
    'yaml@^2.9.0',
  ],
  devDeps: [
    ...peerDevDependencies(),
    'typedoc@^0.28.0',
    'typedoc-plugin-markdown@^4.9.0',
    'cdk8s-cli@2.207.60',
    'ts-node@^10.9.2',
    'fast-check@^4.0.0',
    'ajv@^8.17.0',
    'ajv-formats@^3.0.1',
    // Kubernetes OpenAPI schemas as precompiled validators: every built-in object the tests synthesize is checked.
    'kubernetes-models@4.5.1',
    '@marcbachmann/cel-js@^8.0.0',
    '@microsoft/jest-sarif@1.0.0-beta.0',
    '@cyclonedx/cyclonedx-library@^10.3.0',
    // Links lib/ into one file per entry point (projenrc/packaging.ts, "bundle").
    'esbuild@^0.28.0',
  ],
  tsconfig: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
      // The package ships no sources, so no source maps either (inline ones with sources were 6 MB of 8).
      inlineSourceMap: false,
      inlineSources: false,
    },
    exclude: ['examples/out', 'cdk8s.out'],
  },
  tsconfigDev: {
    compilerOptions: { lib: ['es2022'], target: 'ES2022', skipLibCheck: true, allowJs: true, isolatedModules: true },
    include: ['../lib/**/*.ts', '../examples/**/*.ts', '../scripts/**/*.ts', '../bench/**/*.ts'],
  },
  // Transpile-only keeps the suite inside its time budget; `tsc` (compile, lint) does the type checking.
  // The .js pattern lets ts-jest turn the ESM-only dependencies (age, noble, CEL) into CommonJS for Jest.
  tsJestOptions: {
    transformPattern: '^.+\\.[tj]sx?$',
  },
  jestOptions: {
    passWithNoTests: false,
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // ts before js: lib/ compiles in place and Jest must never run stale output.
      moduleFileExtensions: ['ts', 'js', 'json', 'node'],
      // The examples import the package by name, as users do; under Jest that is the source, not the bundle in dist/.
      moduleNameMapper: { '^cdk8s-hardened$': '<rootDir>/lib/index.ts' },
      testPathIgnorePatterns: ['/node_modules/', '/test/conformance/'],
      testTimeout: 60000,
      collectCoverage: false,
      transformIgnorePatterns: ['/node_modules/(?!(age-encryption|@noble|@scure|@marcbachmann)/)'],
      // A catalogue version bump changes no snapshot (CONTRIBUTING.md, "Adding a practice").
      snapshotSerializers: ['<rootDir>/test/support/catalogue-version-serializer.ts'],
    },
  },
  eslintOptions: {
    // The dev tsconfig covers lib, tests, examples, scripts and bench, so every linted file has a project.
    tsconfigPath: './test/tsconfig.json',
    dirs: ['lib'],
    devdirs: ['test', 'examples', 'scripts', 'bench'],
    ignorePatterns: ['lib/imports/**', '*.js', '*.d.ts', 'node_modules/', 'cdk8s.out/'],
    // Lint judges, it never rewrites: `npm test` and CI fail on a finding; `npx projen eslint:fix` fixes on purpose.
    // A warning fails too: a rule worth a warning is worth fixing before landing.
    commandOptions: { fix: false, extraArgs: ['--max-warnings', '0'] },
  },
  gitignore: ['cdk8s.out/', '.cdk8s.previous/', '.cdk8s.previous.staging/', '/bench/out/', '.tmp-*'],
});

// The registry reachable here lacks some platform bindings of unrs-resolver 1.13 (toolchain.md).
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// tsc compiles lib/ in place: output left behind by a moved module would still resolve an import of the old path.
project.compileTask.prependExec('ts-node -T scripts/orphan-output.ts lib');

// `cdk8s synth` wipes its output folder: it writes to a folder of its own, then the audit judges the result.
project.addTask('synth', {
  description: 'Synthesize the example app into cdk8s.out/ and audit it',
  steps: [
    { spawn: 'compile' },
    // The previous output plays the GitOps checkout: SOPS reuses its data keys, so re-synthesis is byte-identical.
    // It is replaced only after a synth succeeds, so a failed synth never costs the next one its data keys.
    { exec: 'ts-node -T scripts/previous-output.ts seed cdk8s.out .cdk8s.previous' },
    {
      exec: 'cdk8s synth --no-check-upgrade',
      env: {
        CDK8S_HARDENED_PREVIOUS_DIR: '.cdk8s.previous',
        // Development-only plaintexts so the example synthesizes on a fresh clone; real pipelines set their own.
        VELERO_REPO_PASSWORD: '$(printenv VELERO_REPO_PASSWORD || echo development-only-velero-repository)',
        SHOP_DB_PASSWORD: '$(printenv SHOP_DB_PASSWORD || echo development-only-shop-database)',
        PAYMENTS_PROCESSOR_TOKEN: '$(printenv PAYMENTS_PROCESSOR_TOKEN || echo development-only-processor-token)',
        SEALING_DERIVATION_KEY: '$(printenv SEALING_DERIVATION_KEY || echo development-only-derivation-key-0123456789abcdef)',
      },
    },
    { exec: 'ts-node -T scripts/previous-output.ts promote cdk8s.out .cdk8s.previous' },
    { exec: 'node bin/cdk8s-hardened audit cdk8s.out' },
  ],
});

// The CLI is tested as a subprocess of the compiled bin, so tests run on freshly compiled output.
// ts-jest transpiles without type checking and examples, bench and scripts run through `ts-node -T`, so one
// `tsc --noEmit` over the test project (lib, test, examples, scripts, bench) is where their types are checked.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check every TypeScript file: lib, test, examples, scripts and bench',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});
project.testTask.prependSpawn(typecheck);
project.testTask.prependSpawn(project.compileTask);

project.addTask('eslint:fix', {
  description: 'Lint and rewrite what eslint can fix (never part of test or CI)',
  exec: 'projen eslint --fix',
});

// One error model (lib/errors.ts): every throw in lib is a HardenedError or one of its subclasses, so callers
// detect the library's errors by symbol and every message names the way out.
project.eslint?.addOverride({
  files: ['lib/**/*.ts'],
  rules: {
    'no-restricted-syntax': [
      'error',
      {
        selector: ':matches(NewExpression, CallExpression)[callee.name=/^(Error|TypeError|RangeError|SyntaxError)$/]',
        message: 'Throw a HardenedError (lib/errors.ts) or a subclass: it carries the way out and is detected by symbol.',
      },
      {
        selector: 'ClassDeclaration[superClass.name=/^(Error|TypeError|RangeError)$/]',
        message: 'Extend HardenedError (lib/errors.ts), so isHardenedError recognises the new error.',
      },
    ],
  },
});

project.addTask('test:conformance', {
  description: 'Conformance tests against ../shared (real vectors, CRD schemas); fails when ../shared is missing',
  steps: [
    {
      exec: 'node -e "const fs = require(\'fs\'); const missing = [\'vectors\', \'crds\', \'peers-data\'].filter((d) => !fs.existsSync(\'../shared/\' + d)); '
        + 'if (missing.length) { console.error(\'test:conformance needs ../shared beside the project root; missing: \' + missing.join(\', \')); process.exit(1); }"',
    },
    // The example is synthesized through ts-node, which loads lib's compiled .js: compile first so it judges this source.
    { spawn: 'compile' },
    { exec: 'jest --ci test/conformance --testPathIgnorePatterns /node_modules/' },
  ],
});

project.addTask('docs', {
  description: 'Regenerate the README practice table from the catalogue',
  exec: 'ts-node -T scripts/practice-table.ts --write',
});

// Each bench is its own task and a step of `bench`, so a new bench is one more task and one more spawn.
project.addTask('bench:synth', {
  description: 'Synth time and memory of hardened apps against their plain cdk8s-plus-28 twins (compiled, one process per run)',
  steps: [
    // The hardened apps load the package's entry point (dist/), which `compile` builds.
    { spawn: 'compile' },
    { exec: 'tsc -p bench/tsconfig.build.json' },
    { exec: 'node bench/out/bench/synth.js', receiveArgs: true },
  ],
});

project.addTask('bench:audit-scale', {
  description: 'The audit CLI against a bare js-yaml loadAll on the same files: 20,000 objects, peak RSS on 50 MB, 100,000 tiny documents',
  steps: [
    { spawn: 'compile' },
    { exec: 'ts-node -T bench/audit-scale.ts', receiveArgs: true },
  ],
});

project.addTask('bench', {
  description: 'Every benchmark: synth against plain cdk8s-plus-28, audit throughput',
  steps: [
    { spawn: 'bench:synth' },
    { exec: 'ts-node -T bench/audit-throughput.ts' },
    { spawn: 'bench:audit-scale' },
  ],
});

project.addTask('import', {
  description: 'Regenerate lib/imports from the upstream CRDs in ../shared/crds (see lib/imports/README.md)',
  exec: 'cdk8s import --no-check-upgrade --no-save --output lib/imports',
});

// Packaging (issue 13): files, exports, metadata, prepare, API docs and the consumer test.
configurePackaging(project);

project.synth();
