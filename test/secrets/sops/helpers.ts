import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { App, Chart } from 'cdk8s';
import { EncryptedSecret, EncryptedSecretProps } from '../../../lib/secrets/encrypted-secret';
import { PrepareEncryptedSecretsOptions } from '../../../lib/secrets/sops-preparation';

/** A throw-away age key pair. */
export async function ageKeyPair(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** A fresh temporary directory, outside the repository. */
export function tempDir(prefix = 'cdk8s-hardened-sops-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A clock that always says the same time (whole seconds). */
export function fixedClock(iso: string): () => Date {
  return () => new Date(iso);
}

/** Defines secrets in a fresh app writing to `outdir`, prepares them, synthesizes, and returns every written file. */
export async function synthSecrets(
  outdir: string,
  secrets: Array<{ id: string; props: EncryptedSecretProps }>,
  options: PrepareEncryptedSecretsOptions,
  extra?: (app: App) => void,
): Promise<Record<string, string>> {
  const app = new App({ outdir });
  for (const s of secrets) new EncryptedSecret(app, s.id, s.props);
  extra?.(app);
  await EncryptedSecret.prepareAll(app, options);
  app.synth();
  return readTree(outdir);
}

/** Every file below `dir`, by path relative to it. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** A chart with a namespace, for secrets defined inside a user chart. */
export function namespacedChart(app: App, namespace: string): Chart {
  return new Chart(app, 'apps', { namespace });
}

/** Sets environment variables for the duration of a test file; returns the restore function. */
export function setEnv(values: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
