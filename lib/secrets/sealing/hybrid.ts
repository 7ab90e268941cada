import { createCipheriv, createDecipheriv, createHash, KeyObject, KeyLike, privateDecrypt, publicEncrypt, randomBytes, constants } from 'crypto';
import { SealingError } from './sealing-error';

/** Bytes of the AES-256-GCM session key sealed per value. */
export const SESSION_KEY_BYTES = 32;
/** SHA-256 output length: the OAEP hash and therefore the OAEP seed length. */
export const OAEP_HASH_BYTES = 32;
const GCM_TAG_BYTES = 16;
/** The controller uses a fresh key per value, so a fixed all-zero nonce is safe (sealed-secrets `pkg/crypto`). */
const ZERO_NONCE = Buffer.alloc(12);

/** The two random inputs of one seal. Supplying them makes sealing a pure function (see `derivation.ts`). */
export interface SealingRandomness {
  /** 32-byte AES-256-GCM key, used for this one value only. */
  readonly sessionKey: Buffer;
  /** 32-byte RSA-OAEP seed. */
  readonly oaepSeed: Buffer;
}

/** Fresh randomness from the system CSPRNG, as kubeseal uses. */
export function freshRandomness(): SealingRandomness {
  return { sessionKey: randomBytes(SESSION_KEY_BYTES), oaepSeed: randomBytes(OAEP_HASH_BYTES) };
}

/**
 * Seals one value exactly as the sealed-secrets controller unseals it (`HybridEncrypt`):
 * `u16be(len(rsa)) ‖ RSA-OAEP-SHA256(label)(sessionKey) ‖ AES-256-GCM(zero nonce)(plaintext) ‖ tag`, standard base64.
 *
 * RSA-OAEP is encoded here (RFC 8017 §7.1.1, SHA-256 for hash and MGF1) and applied with raw RSA, because
 * OpenSSL's OAEP draws its seed internally and a caller-chosen seed is what makes re-synthesis byte-identical.
 */
export function sealValue(publicKey: KeyObject, label: Buffer, plaintext: Buffer, randomness: SealingRandomness): string {
  if (randomness.sessionKey.length !== SESSION_KEY_BYTES || randomness.oaepSeed.length !== OAEP_HASH_BYTES) {
    throw new SealingError(`was given a ${randomness.sessionKey.length}-byte session key and a ${randomness.oaepSeed.length}-byte OAEP seed`,
      `supply ${SESSION_KEY_BYTES} bytes for each`);
  }
  const k = modulusBytes(publicKey);
  const encoded = oaepEncode(randomness.sessionKey, label, randomness.oaepSeed, k);
  const rsa = publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, encoded);
  const cipher = createCipheriv('aes-256-gcm', randomness.sessionKey, ZERO_NONCE);
  const aes = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsa.length);
  return Buffer.concat([length, rsa, aes]).toString('base64');
}

/**
 * Opens one sealed value with the controller's private key and the label its scope implies (`HybridDecrypt`).
 * A wrong label (renamed, moved, re-scoped) fails in RSA-OAEP; the error never contains the plaintext.
 */
export function unsealValue(privateKey: KeyLike, label: Buffer, sealed: string): Buffer {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(sealed)) {
    throw new SealingError('is not standard base64', 'pass the encryptedData value as the controller stores it');
  }
  const blob = Buffer.from(sealed, 'base64');
  if (blob.length < 2) throw new SealingError('is shorter than its 2-byte length prefix', 'pass a complete sealed value');
  const rsaLength = blob.readUInt16BE(0);
  if (blob.length < 2 + rsaLength + GCM_TAG_BYTES) {
    throw new SealingError(`announces a ${rsaLength}-byte RSA block but holds ${blob.length - 2} bytes in all`, 'pass a complete sealed value');
  }
  let sessionKey: Buffer;
  try {
    sessionKey = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label },
      blob.subarray(2, 2 + rsaLength));
  } catch {
    throw new SealingError('cannot be unsealed: RSA-OAEP decryption failed (another key, or another scope, name or namespace)',
      'use the controller key that sealed it and the name, namespace and scope it was sealed for');
  }
  const aes = blob.subarray(2 + rsaLength);
  try {
    const decipher = createDecipheriv('aes-256-gcm', sessionKey, ZERO_NONCE);
    decipher.setAuthTag(aes.subarray(aes.length - GCM_TAG_BYTES));
    return Buffer.concat([decipher.update(aes.subarray(0, aes.length - GCM_TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SealingError('cannot be unsealed: AES-GCM authentication failed (the value was altered)', 're-seal the value');
  }
}

/** Length in bytes of the RSA modulus of `key`. */
export function modulusBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || !bits) throw new SealingError(`is a ${key.asymmetricKeyType ?? 'non-asymmetric'} key, not RSA`, 'use the controller\'s RSA certificate');
  return Math.ceil(bits / 8);
}

/** EME-OAEP encoding (RFC 8017 §7.1.1) with SHA-256 and MGF1-SHA256. */
function oaepEncode(message: Buffer, label: Buffer, seed: Buffer, k: number): Buffer {
  const hLen = OAEP_HASH_BYTES;
  if (message.length > k - 2 * hLen - 2) throw new SealingError(`needs an RSA key of more than ${(2 * hLen + 2 + message.length) * 8} bits`, 'use the controller\'s certificate');
  const lHash = createHash('sha256').update(label).digest();
  const db = Buffer.concat([lHash, Buffer.alloc(k - message.length - 2 * hLen - 2), Buffer.from([1]), message]);
  const maskedDb = xor(db, mgf1(seed, k - hLen - 1));
  const maskedSeed = xor(seed, mgf1(maskedDb, hLen));
  return Buffer.concat([Buffer.from([0]), maskedSeed, maskedDb]);
}

function mgf1(seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * OAEP_HASH_BYTES < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(createHash('sha256').update(seed).update(c).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  // OAEP masking is defined as a bytewise XOR (RFC 8017 §7.1.1).
  // eslint-disable-next-line no-bitwise
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}
