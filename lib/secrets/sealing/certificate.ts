import { createHash, KeyObject, X509Certificate } from 'crypto';
import { SealingError } from './sealing-error';

/** The smallest RSA modulus accepted; the controller's default is 4096 (`--key-size`). */
export const MIN_MODULUS_BITS = 2048;
const FETCH_FIX = 'pass the controller\'s current certificate as `kubeseal --fetch-cert > cert.pem` prints it';

/** The parts of the controller certificate sealing needs. */
export interface ControllerCertificate {
  /** The RSA public key values are sealed to. */
  readonly publicKey: KeyObject;
  /** RSA modulus length in bits. */
  readonly modulusBits: number;
  /** SHA-256 fingerprint of the certificate, upper-case hex pairs joined by `:` (as `openssl x509 -fingerprint`). */
  readonly sha256Fingerprint: string;
  /** SHA-256 of the public key (SPKI DER): identifies the key across re-issued certificates. */
  readonly publicKeySha256: Buffer;
  /** Start of validity. */
  readonly notBefore: Date;
  /** End of validity. */
  readonly notAfter: Date;
}

/** How a certificate is judged. */
export interface ParseCertificateOptions {
  /** The instant validity is judged at. */
  readonly now: Date;
  /** A pinned SHA-256 certificate fingerprint (hex, colons and case ignored). */
  readonly sha256Fingerprint?: string;
}

/**
 * Reads the first certificate of a PEM text, as kubeseal does, and accepts it only when it holds an RSA key of at
 * least 2048 bits, is valid at `options.now`, and matches the pin when one is given.
 */
export function parseControllerCertificate(pem: string, options: ParseCertificateOptions): ControllerCertificate {
  const block = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(pem);
  if (!block) throw new SealingError('holds no PEM certificate (no -----BEGIN CERTIFICATE----- block)', FETCH_FIX);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(block[0]);
  } catch {
    throw new SealingError('holds a PEM block that is not a valid X.509 certificate', FETCH_FIX);
  }
  const publicKey = cert.publicKey;
  const type = publicKey.asymmetricKeyType ?? 'unknown';
  if (type !== 'rsa') {
    throw new SealingError(`holds a certificate with a${/^[aeiou]/.test(type) ? 'n' : ''} ${type.toUpperCase()} key; the Sealed Secrets controller seals with RSA keys only`,
      FETCH_FIX);
  }
  const modulusBits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (modulusBits < MIN_MODULUS_BITS) {
    throw new SealingError(`holds a ${modulusBits}-bit RSA key, below the ${MIN_MODULUS_BITS}-bit minimum`,
      'use the controller\'s own certificate (4096-bit by default, controller flag --key-size)');
  }
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const now = options.now;
  if (now.getTime() > notAfter.getTime()) {
    throw new SealingError(`holds a certificate that expired at ${notAfter.toISOString()} (checked at ${now.toISOString()})`,
      `${FETCH_FIX}; the controller renews its key every 30 days and serves the newest certificate`);
  }
  if (now.getTime() < notBefore.getTime()) {
    throw new SealingError(`holds a certificate that is not valid before ${notBefore.toISOString()} (checked at ${now.toISOString()})`,
      `check the clock of this machine, or ${FETCH_FIX}`);
  }
  const sha256Fingerprint = cert.fingerprint256.toUpperCase();
  if (options.sha256Fingerprint !== undefined) {
    const pinned = normaliseFingerprint(options.sha256Fingerprint);
    if (pinned !== normaliseFingerprint(sha256Fingerprint)) {
      throw new SealingError(`holds a certificate with SHA-256 fingerprint ${sha256Fingerprint}, not the pinned ${options.sha256Fingerprint}`,
        'fetch the certificate from the intended controller, or update the pin after verifying the new certificate out of band');
    }
  }
  const publicKeySha256 = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest();
  return { publicKey, modulusBits, sha256Fingerprint, publicKeySha256, notBefore, notAfter };
}

/** Upper-case hex without separators, so `ab:cd` and `ABCD` compare equal. */
export function normaliseFingerprint(fingerprint: string): string {
  return fingerprint.replace(/[:\s]/g, '').toUpperCase();
}
