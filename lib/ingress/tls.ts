import { Duration } from 'cdk8s';
import * as certmanager from '../imports/certmanager-certificate-cert-manager.io';
import { DNS_SUBDOMAIN } from '../practices/manifest';
import { Refuse } from '../refusal';

/** A cert-manager issuer, owned by the platform: the library names it and never creates it. */
export class CertIssuer {
  /** A cluster-wide `ClusterIssuer` (e.g. Let's Encrypt over ACME). */
  public static clusterIssuer(name: string): CertIssuer {
    return new CertIssuer('ClusterIssuer', name);
  }

  /** An `Issuer` in the namespace of the Certificate. */
  public static issuer(name: string): CertIssuer {
    return new CertIssuer('Issuer', name);
  }

  private constructor(
    /** `ClusterIssuer` or `Issuer`. */
    public readonly kind: 'ClusterIssuer' | 'Issuer',
    /** The issuer's name. */
    public readonly name: string,
  ) {}
}

/** Options of a cert-manager certificate. */
export interface CertManagerOptions {
  /**
   * Lifetime requested from the issuer (ACME issuers ignore it and issue 90 days).
   * @default - the issuer's default
   */
  readonly duration?: Duration;
  /**
   * How long before expiry cert-manager renews.
   * @default - one third of the lifetime (cert-manager's default)
   */
  readonly renewBefore?: Duration;
}

/**
 * Where the TLS certificate of a SecureIngress or SecureGateway comes from (HK-NETWORK-007): a cert-manager
 * `Certificate` the construct emits (issuer named, ECDSA P-256 key rotated at every renewal), or a TLS Secret that
 * already exists in the namespace.
 */
export class TlsSource {
  /** cert-manager issues the certificate for every host into the Secret `<name>-tls`. */
  public static certManager(issuer: CertIssuer, options: CertManagerOptions = {}): TlsSource {
    return new TlsSource(issuer, undefined, options);
  }

  /** An existing `kubernetes.io/tls` Secret of the namespace holding a certificate for every host. */
  public static existingSecret(secretName: string): TlsSource {
    return new TlsSource(undefined, secretName, {});
  }

  private constructor(
    /** The issuer, for cert-manager certificates. */
    public readonly issuer: CertIssuer | undefined,
    /** The Secret's name, for existing Secrets. */
    public readonly secretName: string | undefined,
    /** @internal */
    public readonly _options: CertManagerOptions,
  ) {}
}


/** Validates a TlsSource given as `prop` (also from plain JavaScript). */
export function validateTlsSource(refuse: Refuse, prop: string, tls: unknown): TlsSource {
  if (!(tls instanceof TlsSource)) {
    refuse(prop, `is ${JSON.stringify(tls) ?? String(tls)}, not a TlsSource`,
      'use TlsSource.certManager(CertIssuer.clusterIssuer(\'letsencrypt\')) or TlsSource.existingSecret(\'shop-tls\').', 'HK-NETWORK-007');
  }
  if (tls.issuer !== undefined && (typeof tls.issuer.name !== 'string' || !DNS_SUBDOMAIN.test(tls.issuer.name) || tls.issuer.name.length > 253)) {
    refuse(prop, `names issuer '${String(tls.issuer.name)}', not an object name`, 'give the name of the platform\'s ClusterIssuer or Issuer.', 'HK-NETWORK-007');
  }
  if (tls.secretName !== undefined && (typeof tls.secretName !== 'string' || !DNS_SUBDOMAIN.test(tls.secretName) || tls.secretName.length > 253)) {
    refuse(prop, `names Secret '${String(tls.secretName)}', not an object name`, 'give the name of the TLS Secret in the namespace.', 'HK-NETWORK-007');
  }
  for (const key of ['duration', 'renewBefore'] as const) {
    const d = tls._options[key];
    if (d !== undefined && (!(d instanceof Duration) || !Number.isInteger(safeSeconds(d)) || safeSeconds(d)! < 3600)) {
      refuse(`${prop}.${key}`, 'is not a whole number of seconds of at least one hour', 'give e.g. Duration.days(90).', 'HK-NETWORK-007');
    }
  }
  const { duration, renewBefore } = tls._options;
  if (duration && renewBefore && safeSeconds(renewBefore)! >= safeSeconds(duration)!) {
    refuse(`${prop}.renewBefore`, `is ${safeSeconds(renewBefore)} seconds, not shorter than the duration (${safeSeconds(duration)} seconds)`,
      'renew well before expiry, e.g. duration: Duration.days(90), renewBefore: Duration.days(30).', 'HK-NETWORK-007');
  }
  return tls;
}

function safeSeconds(d: Duration): number | undefined {
  try {
    return d.toSeconds();
  } catch {
    return undefined;
  }
}

/** Go duration text cert-manager reads (`2160h0m0s`), from whole seconds. */
function goDuration(seconds: number): string {
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m${seconds % 60}s`;
}

/** The spec of the cert-manager Certificate for `hosts` (pure). */
export function certificateSpec(tls: TlsSource, secretName: string, hosts: readonly string[]): certmanager.CertificateSpec {
  const issuer = tls.issuer!;
  const { duration, renewBefore } = tls._options;
  return {
    secretName,
    dnsNames: [...hosts],
    issuerRef: { group: 'cert-manager.io', kind: issuer.kind, name: issuer.name },
    // A fresh key at every renewal: a leaked key dies with its certificate.
    privateKey: {
      algorithm: certmanager.CertificateSpecPrivateKeyAlgorithm.ECDSA,
      size: 256,
      rotationPolicy: certmanager.CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
    },
    usages: [certmanager.CertificateSpecUsages.DIGITAL_SIGNATURE, certmanager.CertificateSpecUsages.SERVER_AUTH],
    ...(duration ? { duration: goDuration(duration.toSeconds()) } : {}),
    ...(renewBefore ? { renewBefore: goDuration(renewBefore.toSeconds()) } : {}),
  };
}
