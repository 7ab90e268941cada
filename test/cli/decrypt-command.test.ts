import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { register } from '../../lib/cli/decrypt-command';
import { CATALOGUE_VERSION } from '../../lib/practices/catalogue';
import { SecretValue } from '../../lib/secrets/secret-value';
import { SopsRecipient } from '../../lib/secrets/sops-recipient';
import { ageKeyPair, fixedClock, setEnv, synthSecrets, tempDir } from '../secrets/sops/helpers';
import { BILLION_LAUGHS } from '../yaml/bombs';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const so = jest.spyOn(process.stdout, 'write').mockImplementation(((c: unknown) => out.push(String(c))) as never);
  const se = jest.spyOn(process.stderr, 'write').mockImplementation(((c: unknown) => err.push(String(c))) as never);
  const program = new Command('cdk8s-hardened').exitOverride();
  register(program);
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'cdk8s-hardened', ...args]);
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('cdk8s-hardened decrypt FILE', () => {
  let file: string;
  let identityFile: string;
  let restore: () => void;

  beforeAll(async () => {
    const keys = await ageKeyPair();
    identityFile = path.join(tempDir(), 'keys.txt');
    fs.writeFileSync(identityFile, `# test key\n${keys.identity}\n`);
    restore = setEnv({ TEST_CLI_TOKEN: 'cli-token-value' });
    const dir = tempDir();
    await synthSecrets(dir, [{ id: 'api', props: { name: 'api', namespace: 'payments', stringData: { token: SecretValue.fromEnv('TEST_CLI_TOKEN') }, recipients: [SopsRecipient.age(keys.recipient)] } }],
      { ageIdentities: [keys.identity], clock: fixedClock('2026-01-01T00:00:00Z') });
    file = path.join(dir, 'api.k8s.yaml');
  });
  afterAll(() => restore());

  test('prints the decrypted document with an identity file (--identity)', async () => {
    const r = await run(['decrypt', '--identity', identityFile, file]);
    expect(r.code).toBe(0);
    expect(parse(r.stdout)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'api',
        namespace: 'payments',
        labels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'api', 'app.kubernetes.io/managed-by': 'cdk8s-hardened' },
        annotations: { 'cdk8s-hardened.io/construct-path': 'api/Resource', 'cdk8s-hardened.io/catalogue-version': CATALOGUE_VERSION },
      },
      stringData: { token: 'cli-token-value' },
      type: 'Opaque',
    });
  });

  test('reads SOPS_AGE_KEY_FILE as sops does', async () => {
    const undo = setEnv({ SOPS_AGE_KEY_FILE: identityFile });
    try {
      expect((await run(['decrypt', file])).code).toBe(0);
    } finally {
      undo();
    }
  });

  test('exits 2 with the reason on a MAC mismatch, printing no plaintext', async () => {
    const tampered = path.join(tempDir(), 'tampered.yaml');
    fs.writeFileSync(tampered, fs.readFileSync(file, 'utf8').replace('name: api', 'name: api2'));
    const r = await run(['decrypt', '--identity', identityFile, tampered]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^cdk8s-hardened decrypt: .*tampered\.yaml: MAC mismatch: /);
    expect(r.stderr).not.toContain('cli-token-value');
  });

  test('refuses an alias bomb appended to a SOPS file before expanding it (exit 2, file and line)', async () => {
    const bombed = path.join(tempDir(), 'bombed.yaml');
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(bombed, `${original}${BILLION_LAUGHS.replace(/^/gm, 'x')}\n`);
    const r = await run(['decrypt', '--identity', identityFile, bombed]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`cdk8s-hardened decrypt: ${bombed}:1: document 1 expands its aliases beyond 10000 added nodes (an alias bomb, or anchors reused far more than `
      + 'manifests need)\nFix: a file written by sops has no deep nesting, no alias bomb and valid syntax; restore it from version control\n');
  });

  test('refuses a named pipe without waiting on it (exit 2)', async () => {
    const fifo = path.join(tempDir(), 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = await run(['decrypt', '--identity', identityFile, fifo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cdk8s-hardened decrypt: ${fifo}: is a named pipe (FIFO), not a regular file; refused without reading (pipe it to standard input with - instead)`
      + '\nFix: give the path of a SOPS-encrypted YAML file\n');
  });
});
