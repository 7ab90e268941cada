import { createHash } from 'crypto';
import { SopsError } from './sops-error';
import { decryptValue, encryptValue, IV_BYTES } from './value-cipher';

/** SHA-256("sops"): fed first in `mac_only_encrypted` mode so the two MAC modes never collide. */
const MAC_ONLY_ENCRYPTED_PREFIX = createHash('sha256').update('sops').digest();

/** Accumulates the SOPS MAC: SHA-512 over the plaintext bytes of every leaf, in document order, no separators. */
export class MacHasher {
  private readonly hash = createHash('sha512');

  constructor(private readonly macOnlyEncrypted: boolean) {
    if (macOnlyEncrypted) this.hash.update(MAC_ONLY_ENCRYPTED_PREFIX);
  }

  /** Feeds one leaf; clear-text leaves are skipped in `mac_only_encrypted` mode. */
  public add(bytes: Buffer, encrypted: boolean): void {
    if (encrypted || !this.macOnlyEncrypted) this.hash.update(bytes);
  }

  /** The digest as sops stores it: 128 uppercase hex characters. */
  public digest(): string {
    return this.hash.digest('hex').toUpperCase();
  }
}

/** Encrypts the MAC string with the data key, AAD = `lastmodified`, as sops stores it in `sops.mac`. */
export function encryptMac(macHex: string, dataKey: Buffer, lastModified: string, iv: Buffer): string {
  if (iv.length !== IV_BYTES) throw new SopsError(`the MAC IV is ${iv.length} bytes, not ${IV_BYTES}`, 'pass the IV generated for this file');
  return encryptValue(Buffer.from(macHex, 'utf8'), dataKey, iv, lastModified, 'str');
}

/** Decrypts `sops.mac`; editing `lastmodified` makes this fail, since it is the AAD. */
export function decryptMac(encMac: string, dataKey: Buffer, lastModified: string, where: string): { macHex: string; iv: Buffer } {
  try {
    const { plaintext, iv } = decryptValue(encMac, dataKey, lastModified, `${where} sops.mac`);
    return { macHex: plaintext.toString('utf8'), iv };
  } catch (e) {
    if (!SopsError.isSopsError(e)) throw e;
    throw new SopsError(
      `${where}: sops.mac does not decrypt (lastmodified or mac was edited, or the file was tampered with)`,
      'restore the file from version control or re-encrypt it from the plaintext source',
    );
  }
}
