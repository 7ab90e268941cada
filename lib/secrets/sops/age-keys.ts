import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { importEsm } from './load-esm';
import { AgeKeyEntry } from './metadata';
import { SopsError } from './sops-error';

type AgeModule = typeof import('age-encryption');

let ageModule: Promise<AgeModule> | undefined;

/** age-encryption is ES-module-only: loaded on first use, once, so that importing the library never needs it. */
function loadAge(): Promise<AgeModule> {
  ageModule ??= importEsm<AgeModule>('age-encryption', 'age encryption (SopsRecipient.age, age identities)');
  // A failed load is not cached: the next call tries again and reports the same error.
  ageModule.catch(() => { ageModule = undefined; });
  return ageModule;
}

/** What an age recipient string must look like: X25519 (`age1...`) or hybrid post-quantum (`age1pq1...`). */
export const AGE_RECIPIENT = /^age1(pq1)?[02-9ac-hj-np-z]+$/;

/**
 * Wraps the data key for each age recipient separately (one `sops.age[]` entry each, as sops writes them):
 * the payload is the raw 32 bytes, armored.
 */
export async function wrapForAge(dataKey: Buffer, recipients: readonly string[]): Promise<AgeKeyEntry[]> {
  if (recipients.length === 0) return [];
  const { armor, Encrypter } = await loadAge();
  return Promise.all(recipients.map(async (recipient) => {
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    const file = await encrypter.encrypt(new Uint8Array(dataKey));
    return { recipient, enc: armor.encode(file) };
  }));
}

/**
 * Unwraps the data key from the first age entry one of the identities opens; `undefined` when none matches.
 * Identities are tried locally (no network), so age goes before KMS.
 */
export async function unwrapWithAge(entries: readonly AgeKeyEntry[], identities: readonly string[], where: string): Promise<Buffer | undefined> {
  if (identities.length === 0 || entries.length === 0) return undefined;
  const { armor, Decrypter } = await loadAge();
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  for (const entry of entries) {
    let file: Uint8Array;
    try {
      file = armor.decode(entry.enc);
    } catch {
      throw new SopsError(`${where}: the age entry for ${entry.recipient} is not an armored age file`, 'restore the file from version control');
    }
    try {
      const key = Buffer.from(await decrypter.decrypt(file));
      if (key.length !== 32) {
        throw new SopsError(`${where}: the age entry for ${entry.recipient} does not hold a 32-byte data key`, 'restore the file from version control');
      }
      return key;
    } catch (e) {
      if (SopsError.isSopsError(e)) throw e;
      // age reports "no identity matched" as an error; the next entry may match another identity.
    }
  }
  return undefined;
}

/** Pulls `AGE-SECRET-KEY-...` lines out of an identity file's text (comments and blank lines skipped). */
export function parseAgeIdentities(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => /^AGE-SECRET-KEY-/.test(l));
}

/**
 * The age identities sops itself would use: `SOPS_AGE_KEY` (identities inline), `SOPS_AGE_KEY_FILE` (a path),
 * and the user's default `$XDG_CONFIG_HOME/sops/age/keys.txt` (or `~/.config/sops/age/keys.txt`).
 */
export function ageIdentitiesFromEnvironment(env: NodeJS.ProcessEnv = process.env): string[] {
  const identities: string[] = [];
  if (env.SOPS_AGE_KEY) identities.push(...parseAgeIdentities(env.SOPS_AGE_KEY));
  if (env.SOPS_AGE_KEY_FILE) {
    identities.push(...readIdentityFile(env.SOPS_AGE_KEY_FILE, 'SOPS_AGE_KEY_FILE'));
  }
  const configHome = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  const defaultFile = path.join(configHome, 'sops', 'age', 'keys.txt');
  if (fs.existsSync(defaultFile)) identities.push(...readIdentityFile(defaultFile, defaultFile));
  return identities;
}

/** Reads an age identity file (`age-keygen` format). */
export function readIdentityFile(file: string, source: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new SopsError(`the age identity file named by ${source} (${file}) cannot be read`, `point ${source} at a readable age-keygen file`);
  }
  const identities = parseAgeIdentities(text);
  if (identities.length === 0) {
    throw new SopsError(`the age identity file named by ${source} (${file}) holds no AGE-SECRET-KEY line`, `point ${source} at a file written by age-keygen`);
  }
  return identities;
}
