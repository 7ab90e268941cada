import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { LockedNamespace } from '../../lib/namespace/locked-namespace';
import { EncryptedSecret } from '../../lib/secrets/encrypted-secret';
import { SecretValue } from '../../lib/secrets/secret-value';
import { SopsRecipient } from '../../lib/secrets/sops-recipient';
import { promoteOutput, seedPrevious } from '../../scripts/previous-output';
import { ageKeyPair, fixedClock, readTree, setEnv, tempDir } from '../secrets/sops/helpers';

const tasks = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '.projen', 'tasks.json'), 'utf8')).tasks;

let keys: { identity: string; recipient: string };
let restoreEnv: () => void;
beforeAll(async () => {
  keys = await ageKeyPair();
  restoreEnv = setEnv({ PREVIOUS_OUTPUT_TEST_PASSWORD: 'previous-output-canary-7d1e' });
});
afterAll(() => restoreEnv());

/**
 * One `npm run synth` of a small app with a SOPS secret, as the task runs it: seed, then cdk8s wipes the output
 * folder and runs the app, then promote only when the app succeeded. `fail` makes the app refuse a prop.
 */
async function synthTask(root: string, fail = false): Promise<void> {
  const outdir = path.join(root, 'cdk8s.out');
  const previousDir = path.join(root, '.cdk8s.previous');
  seedPrevious(outdir, previousDir);
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir });
  new EncryptedSecret(app, 'db', {
    name: 'db-credentials',
    namespace: 'shop',
    stringData: { password: SecretValue.fromEnv('PREVIOUS_OUTPUT_TEST_PASSWORD') },
    recipients: [SopsRecipient.age(keys.recipient)],
  });
  if (fail) new LockedNamespace(app, 'shop', { owner: 'Not A Label' });
  await EncryptedSecret.prepareAll(app, { previousDir, ageIdentities: [keys.identity], clock: fixedClock('2026-01-02T03:04:05Z') });
  app.synth();
  promoteOutput(outdir, previousDir);
}

describe('previous output across a failed synth', () => {
  test('a failed synth between two synths leaves the next output byte-identical', async () => {
    const root = tempDir('cdk8s-hardened-previous-');
    await synthTask(root);
    const first = readTree(path.join(root, 'cdk8s.out'));
    expect(Object.keys(first)).toEqual(['db.k8s.yaml']);
    await expect(synthTask(root, true)).rejects.toThrow(/^\[shop\] LockedNamespace prop 'owner' is 'Not A Label'/);
    expect(readTree(path.join(root, 'cdk8s.out'))).toEqual({});
    expect(readTree(path.join(root, '.cdk8s.previous'))).toEqual(first);
    await synthTask(root);
    expect(readTree(path.join(root, 'cdk8s.out'))).toEqual(first);
  });

  test('without the previous output the same synth gets new data keys (the comparison above can fail)', async () => {
    const root = tempDir('cdk8s-hardened-previous-');
    await synthTask(root);
    const first = readTree(path.join(root, 'cdk8s.out'));
    fs.rmSync(path.join(root, '.cdk8s.previous'), { recursive: true });
    fs.rmSync(path.join(root, 'cdk8s.out'), { recursive: true });
    await synthTask(root);
    expect(readTree(path.join(root, 'cdk8s.out'))['db.k8s.yaml']).not.toBe(first['db.k8s.yaml']);
  });

  test('seeds the previous folder from an existing output only when there is none yet', () => {
    const root = tempDir('cdk8s-hardened-previous-');
    const outdir = path.join(root, 'out');
    const previousDir = path.join(root, 'previous');
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'a.k8s.yaml'), 'new');
    seedPrevious(outdir, previousDir);
    expect(readTree(previousDir)).toEqual({ 'a.k8s.yaml': 'new' });
    fs.writeFileSync(path.join(outdir, 'a.k8s.yaml'), 'newer');
    seedPrevious(outdir, previousDir);
    expect(readTree(previousDir)).toEqual({ 'a.k8s.yaml': 'new' });
  });

  test('refuses to promote an empty output, keeping the previous one', () => {
    const root = tempDir('cdk8s-hardened-previous-');
    const previousDir = path.join(root, 'previous');
    fs.mkdirSync(previousDir);
    fs.writeFileSync(path.join(previousDir, 'a.k8s.yaml'), 'kept');
    expect(() => promoteOutput(path.join(root, 'missing'), previousDir)).toThrow(
      new Error(`promote: ${path.join(root, 'missing')} holds no synth output; the previous output in ${previousDir} is kept.`));
    expect(readTree(previousDir)).toEqual({ 'a.k8s.yaml': 'kept' });
  });

  test('the synth task seeds before cdk8s synth and promotes only after it', () => {
    const steps: string[] = tasks.synth.steps.map((s: { exec?: string; spawn?: string }) => s.exec ?? `spawn ${s.spawn}`);
    expect(steps).toEqual([
      'spawn compile',
      'ts-node -T scripts/previous-output.ts seed cdk8s.out .cdk8s.previous',
      'cdk8s synth --no-check-upgrade',
      'ts-node -T scripts/previous-output.ts promote cdk8s.out .cdk8s.previous',
      'node bin/cdk8s-hardened audit cdk8s.out',
    ]);
  });
});
