import { createCipheriv, createDecipheriv } from 'crypto';
import { SopsError } from './sops-error';

/** The `type:` tag of an `ENC[...]` value: how to turn the decrypted bytes back into a YAML value. */
export type SopsValueType = 'str' | 'int' | 'float' | 'bool' | 'time' | 'bytes' | 'comment';

const VALUE_TYPES: readonly string[] = ['str', 'int', 'float', 'bool', 'time', 'bytes', 'comment'];

/** sops's reader (`aes/cipher.go`): anchored at the start, standard base64 in each field. */
const ENC_VALUE = /^ENC\[AES256_GCM,data:(.*),iv:(.+),tag:(.+),type:(.+)\]/;

/** Data keys are 32 bytes (AES-256). */
export const DATA_KEY_BYTES = 32;
/** sops uses a 32-byte GCM nonce, not the usual 12. */
export const IV_BYTES = 32;
const TAG_BYTES = 16;

/** The fields of one `ENC[AES256_GCM,...]` string. */
export interface EncryptedValue {
  /** The ciphertext, as long as the plaintext. */
  readonly data: Buffer;
  /** The 32-byte GCM nonce. */
  readonly iv: Buffer;
  /** The 16-byte GCM tag. */
  readonly tag: Buffer;
  /** The YAML type the plaintext had. */
  readonly type: SopsValueType;
}

/** Whether a scalar string is an `ENC[AES256_GCM,...]` value as sops recognises one. */
export function isEncryptedValue(value: string): boolean {
  return ENC_VALUE.test(value);
}

/** Splits an `ENC[...]` string into its fields; refuses anything sops would refuse. */
export function parseEncryptedValue(value: string, where: string): EncryptedValue {
  const m = ENC_VALUE.exec(value);
  if (!m) {
    throw new SopsError(`${where} is not an ENC[AES256_GCM,...] value`, 'restore the value from version control or re-encrypt the file');
  }
  if (!VALUE_TYPES.includes(m[4])) {
    throw new SopsError(`${where} has the unknown value type '${m[4]}'`, 'restore the value from version control or re-encrypt the file');
  }
  const iv = Buffer.from(m[2], 'base64');
  const tag = Buffer.from(m[3], 'base64');
  if (iv.length === 0 || tag.length !== TAG_BYTES) {
    throw new SopsError(`${where} has a malformed iv or tag`, 'restore the value from version control or re-encrypt the file');
  }
  return { data: Buffer.from(m[1], 'base64'), iv, tag, type: m[4] as SopsValueType };
}

/** Formats the fields the way sops writes them (standard base64 with padding). */
export function formatEncryptedValue(value: EncryptedValue): string {
  return `ENC[AES256_GCM,data:${value.data.toString('base64')},iv:${value.iv.toString('base64')},tag:${value.tag.toString('base64')},type:${value.type}]`;
}

/**
 * Encrypts one value as sops does: AES-256-GCM under the data key, the given IV, the path (`data:password:`) or the
 * `lastmodified` string as additional authenticated data.
 */
export function encryptValue(plaintext: Buffer, dataKey: Buffer, iv: Buffer, aad: string, type: SopsValueType): string {
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return formatEncryptedValue({ data, iv, tag: cipher.getAuthTag(), type });
}

/** Decrypts one `ENC[...]` value; a wrong key, a moved value or any edit fails GCM authentication. */
export function decryptValue(value: string, dataKey: Buffer, aad: string, where: string): { plaintext: Buffer; type: SopsValueType; iv: Buffer } {
  const enc = parseEncryptedValue(value, where);
  const decipher = createDecipheriv('aes-256-gcm', dataKey, enc.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(enc.tag);
  try {
    const plaintext = Buffer.concat([decipher.update(enc.data), decipher.final()]);
    return { plaintext, type: enc.type, iv: enc.iv };
  } catch {
    throw new SopsError(
      `${where} does not decrypt (GCM authentication failed: the value was edited, moved to another key, or belongs to another data key)`,
      'restore the file from version control or re-encrypt it from the plaintext source',
    );
  }
}
