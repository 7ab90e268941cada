import { createHmac } from 'crypto';
import { OAEP_HASH_BYTES, SealingRandomness, SESSION_KEY_BYTES } from './hybrid';

/** Shortest accepted derivation key: 256 bits, so guessing it is as hard as guessing a session key. */
export const MIN_DERIVATION_KEY_BYTES = 32;
const CONTEXT = 'cdk8s-hardened/sealed-secrets/v1';

/** Everything one sealed value is bound to. */
export interface DerivationInput {
  /** SHA-256 of the controller public key (SPKI DER): a new controller key re-seals everything. */
  readonly publicKeySha256: Buffer;
  /** The OAEP scope label: a renamed, moved or re-scoped secret gets new bytes (the old ones would not unseal). */
  readonly label: Buffer;
  /** The Secret data key: two keys with the same value get unrelated bytes, so equal values are not visible. */
  readonly secretKey: string;
  /** The value. */
  readonly plaintext: Buffer;
}

/**
 * Session key and OAEP seed as HMAC-SHA256 outputs under a key only the sealer holds (a synthetic-IV
 * construction, as in RFC 5297): the same value sealed for the same controller key, scope and data key gives the
 * same bytes on every synth, and any change of those gives unrelated bytes.
 *
 * Why this does not leak: without the derivation key both outputs are pseudorandom, so the blob is as strong as
 * one sealed with fresh randomness. Only equality with an earlier seal of the exact same input shows, which a
 * reused ciphertext would show as well. Anyone holding the derivation key could test guesses of the value against
 * the blob, so it is a secret like the values themselves: never in git, at least 256 bits.
 * Each field is length-prefixed, so no two different inputs share an HMAC message.
 */
export function derivedRandomness(derivationKey: Buffer, input: DerivationInput): SealingRandomness {
  const root = createHmac('sha256', derivationKey);
  for (const part of [Buffer.from(CONTEXT), input.publicKeySha256, input.label, Buffer.from(input.secretKey, 'utf8'), input.plaintext]) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(part.length);
    root.update(length).update(part);
  }
  const seedKey = root.digest();
  const expand = (purpose: string, bytes: number) => createHmac('sha256', seedKey).update(purpose).digest().subarray(0, bytes);
  return { sessionKey: expand('session-key', SESSION_KEY_BYTES), oaepSeed: expand('oaep-seed', OAEP_HASH_BYTES) };
}
