/**
 * The library as a new user meets it: `npm pack`, a fresh app from cdk8s-cli's bundled `typescript-app` template
 * (offline: the template's files are in node_modules/cdk8s-cli; its dependencies and the tarball install from the
 * npm registry), the app of scripts/consumer-app, then the template's own `tsc`, Jest and `cdk8s synth` with the
 * HardenedValidation plugin; finally an audit-only install (peers skipped) runs the CLI on the output.
 *
 *   npm run test:consumer                  peers as a new app gets them (cdk8s-plus-33 beside cdk8s-plus-28)
 *   npm run test:consumer -- --peers=floor the oldest peers package.json allows (projenrc/packaging.ts)
 *   npm run test:consumer -- --keep        keep the scratch folder for inspection
 */
import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PEER_FLOORS } from '../projenrc/packaging';

const ROOT = path.resolve(__dirname, '..');
const CLI_DIR = path.dirname(require.resolve('cdk8s-cli/package.json', { paths: [ROOT] }));
const TEMPLATE = path.join(CLI_DIR, 'templates', 'typescript-app');
const APP_SOURCES = path.join(__dirname, 'consumer-app');
const DEV_AGE_KEY = path.join(ROOT, 'examples', 'dev-age-key.txt');
const PASSWORD = 'consumer-test-only-password';

const args = process.argv.slice(2);
const floor = args.includes('--peers=floor');
const keep = args.includes('--keep');
const unknown = args.filter((a) => a !== '--peers=floor' && a !== '--keep');
if (unknown.length > 0) {
  console.error(`test:consumer: unknown argument(s) ${unknown.join(' ')}; use --peers=floor and/or --keep`);
  process.exit(2);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-consumer-'));
const started = Date.now();
const timings: string[] = [];

async function step<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const t0 = Date.now();
  console.log(`\n== ${name}`);
  const result = await fn();
  timings.push(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return result;
}

interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly expect?: number;
  readonly secretOutput?: boolean;
}

/**
 * Runs a command, echoing its output (not when it holds a decrypted secret: `secretOutput`); fails the test unless it
 * exits with `expect` (default 0).
 */
function run(cmd: string, cmdArgs: string[], cwd: string, options: RunOptions = {}): string {
  const spawnOptions: SpawnSyncOptions = {
    cwd,
    env: { ...process.env, CI: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  };
  const r = spawnSync(cmd, cmdArgs, spawnOptions);
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  // Secrets never reach a log, not even the test-only password this run encrypts.
  process.stdout.write(options.secretOutput ? `(${out.length} characters of decrypted output, not shown)\n` : out);
  if (r.error) throw r.error;
  const wanted = options.expect ?? 0;
  if (r.status !== wanted) {
    throw new Error(`\`${cmd} ${cmdArgs.join(' ')}\` in ${cwd} exited ${r.status}, expected ${wanted}`);
  }
  return out;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`test:consumer: ${what}`);
  console.log(`ok: ${what}`);
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function versionOf(pkg: string, from: string): string {
  return readJson(require.resolve(`${pkg}/package.json`, { paths: [from] })).version;
}

async function main(): Promise<void> {
  const tarball = await step('npm pack', () => {
    const out = spawnSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (out.status !== 0) throw new Error(`npm pack failed:\n${out.stderr}`);
    const [info] = JSON.parse(out.stdout.slice(out.stdout.indexOf('[')));
    console.log(`${info.filename}: ${info.entryCount} files, ${info.size} bytes packed, ${info.unpackedSize} unpacked`);
    return path.join(work, info.filename);
  });

  const app = path.join(work, 'app');
  await step('scaffold the typescript-app template', async () => {
    // `cdk8s init` is sscaff over the template with these values, then a hook that also runs `cdk8s import`
    // (network); the hook is left out and its offline steps run below.
    const staging = path.join(work, 'template');
    fs.cpSync(TEMPLATE, staging, { recursive: true, filter: (src) => path.basename(src) !== '.hooks.sscaff.js' });
    const cliPackage = readJson(path.join(CLI_DIR, 'package.json'));
    fs.mkdirSync(app);
    // sscaff is cdk8s-cli's own dependency (what `cdk8s init` scaffolds with), not one of ours.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { sscaff } = require(require.resolve('sscaff', { paths: [CLI_DIR] }));
    await sscaff(staging, app, {
      cdk8s_core_version: versionOf('cdk8s', CLI_DIR),
      cdk8s_plus_version: versionOf('cdk8s-plus-33', CLI_DIR),
      constructs_version: String(cliPackage.dependencies.constructs).replace('^', ''),
      cdk8s_cli_spec: `^${cliPackage.version}`,
    });
  });

  await step('install the template\'s dependencies and the tarball', () => {
    const file = path.join(app, 'package.json');
    const pkg = readJson(file);
    pkg.dependencies['cdk8s-hardened'] = `file:${tarball}`;
    pkg.dependencies['cdk8s-plus-28'] = '*';
    if (floor) {
      for (const [name, version] of Object.entries(PEER_FLOORS)) pkg.dependencies[name] = version;
    }
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
    // The template's generated imports/ come from `cdk8s import` (network); the app uses cdk8s-hardened instead.
    const config = fs.readFileSync(path.join(app, 'cdk8s.yaml'), 'utf8').replace(/^imports:\n(  - .*\n)+/m, '');
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), config + [
      'validations:',
      '  - package: ./node_modules/cdk8s-hardened',
      '    class: HardenedValidation',
      `    version: ${readJson(path.join(ROOT, 'package.json')).version}`,
      '    properties:',
      // The cdk8s-plus-33 ConfigMap has a low finding (no provenance metadata); everything else must pass.
      '      failOn: medium',
      '',
    ].join('\n'));
    fs.rmSync(path.join(app, '__snapshots__'), { recursive: true, force: true });
    for (const f of fs.readdirSync(APP_SOURCES)) fs.copyFileSync(path.join(APP_SOURCES, f), path.join(app, f));
    run('npm', ['install', '--no-audit', '--no-fund'], app);
    const installed = (name: string) => versionOf(name, app);
    console.log(`cdk8s ${installed('cdk8s')}, constructs ${installed('constructs')}, cdk8s-plus-28 ${installed('cdk8s-plus-28')}, cdk8s-plus-33 ${installed('cdk8s-plus-33')}`);
    if (floor) {
      for (const [name, version] of Object.entries(PEER_FLOORS)) check(installed(name) === version, `${name} is the floor ${version}`);
    }
    const shipped = fs.readdirSync(path.join(app, 'node_modules', 'cdk8s-hardened', 'lib'), { recursive: true }) as string[];
    check(!shipped.some((f) => /(?<!\.d)\.ts$/.test(f)), 'the installed package holds no TypeScript sources');
  });

  await step('tsc (the template\'s compile script and tsconfig)', () => run('npm', ['run', 'compile'], app));
  await step('jest (the template\'s test script and config)', () => run('npm', ['test', '--', '--ci'], app));

  const out = await step('cdk8s synth with the HardenedValidation plugin', () =>
    run('npm', ['run', 'synth', '--', '--no-check-upgrade'], app, { env: { DB_PASSWORD: PASSWORD } }));
  check(/^Validations ended succesfully$/m.test(out), 'the validation plugin passed the output');
  const dist = path.join(app, 'dist');
  const secretFile = fs.readdirSync(dist).find((f) => /db-credentials/.test(f));
  check(secretFile !== undefined, 'the SOPS file of db-credentials is in dist/');
  check(!fs.readFileSync(path.join(dist, secretFile!), 'utf8').includes(PASSWORD), 'the password is not in the output in clear');

  const auditOnly = path.join(work, 'audit-only');
  await step('audit-only install (peers skipped)', () => {
    fs.mkdirSync(auditOnly);
    fs.writeFileSync(path.join(auditOnly, 'package.json'), '{ "name": "audit-only", "private": true }\n');
    run('npm', ['install', '--no-audit', '--no-fund', '--legacy-peer-deps', tarball], auditOnly);
    for (const peer of ['cdk8s', 'cdk8s-plus-28', 'constructs']) {
      check(!fs.existsSync(path.join(auditOnly, 'node_modules', peer)), `${peer} is not installed`);
    }
  });

  await step('the CLI from the audit-only install', () => {
    const cli = path.join(auditOnly, 'node_modules', '.bin', 'cdk8s-hardened');
    const audited = run(cli, ['audit', '--require-provenance', dist], auditOnly);
    check(/^\d+ objects, 1 finding \(1 low\)$/m.test(audited), 'audit: the synthesized app has one low finding (the cdk8s-plus-33 ConfigMap\'s provenance)');
    check(/^result: PASS/m.test(audited), 'audit: nothing at or above high');
    run(cli, ['audit', '--format', 'sarif', '--output', path.join(work, 'results.sarif'), dist], auditOnly);
    const decrypted = run(cli, ['decrypt', path.join(dist, secretFile!)], auditOnly, { env: { SOPS_AGE_KEY_FILE: DEV_AGE_KEY }, secretOutput: true });
    check(decrypted.includes(PASSWORD), 'decrypt: the SOPS file opens with the age identity');
    const access = run(cli, ['access', '--format', 'json', dist], auditOnly);
    check(access.includes('ci-deployer'), 'access: the CI identity is reported');
  });
}

main().then(() => {
  console.log(`\n${timings.join('\n')}\ntotal: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`test:consumer passed${floor ? ' (peer floors)' : ''}`);
  if (!keep) fs.rmSync(work, { recursive: true, force: true });
}, (e: Error) => {
  console.error(`\n${timings.join('\n')}\ntest:consumer FAILED: ${e.message}\nscratch folder kept: ${work}`);
  process.exitCode = 1;
});
