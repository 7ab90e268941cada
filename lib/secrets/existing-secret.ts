import { Construct } from 'constructs';
import { IMountableSecret } from './mountable-secret';
import { enclosingNamespace } from '../namespace/enclosing-namespace';
import { isAcceptableReason, MIN_REASON_LENGTH } from '../practices/exceptions';
import { DNS_SUBDOMAIN } from '../practices/manifest';
import { refuser, shown } from '../refusal';

/** What the API server accepts as a key of a Secret's data. */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** Props of ExistingSecret. */
export interface ExistingSecretProps {
  /** Name of the Secret, in the namespace of the workloads that mount it. */
  readonly name: string;
  /** The keys the Secret holds (each becomes one file when mounted); never the values. */
  readonly keys: string[];
  /**
   * Who creates the Secret and why, at least 10 characters, e.g. 'issued by cert-manager (Certificate api-tls)';
   * recorded on every workload that mounts it as its external-references annotation.
   */
  readonly createdElsewhere: string;
}

/**
 * A Secret this app does not create (a certificate cert-manager issues, a credential the platform provisions), so a
 * workload can mount it as files (HK-SECRETS-005, HK-SECRETS-007). Synth refuses a mounted Secret the app does not
 * define; this is the explicit way out, and its reason is recorded in the manifest for the reviewer.
 * It emits no object.
 *
 * @example
 * const ca = new ExistingSecret(ns, 'platform-ca', { name: 'platform-ca', keys: ['ca.crt'], createdElsewhere: 'copied into every namespace by trust-manager' });
 * api.mountSecret(ca, '/etc/platform-ca');
 */
export class ExistingSecret extends Construct implements IMountableSecret {
  /** @see IMountableSecret */
  public readonly secretName: string;
  /** @see IMountableSecret */
  public readonly secretNamespace?: string;
  /** @see IMountableSecret */
  public readonly keys: string[];
  /** @see IMountableSecret */
  public readonly createdElsewhere: string;

  constructor(scope: Construct, id: string, props: ExistingSecretProps) {
    super(scope, id);
    const refuse = refuser(this, 'ExistingSecret');
    if (props === null || typeof props !== 'object') refuse('props', `are ${shown(props)}`, 'pass { name, keys, createdElsewhere }.');
    const { name, keys, createdElsewhere } = props;
    if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      refuse('name', `is ${shown(name)}, not a Secret name`, 'use lowercase letters, digits, \'-\' and \'.\', e.g. \'platform-ca\'.');
    }
    if (!Array.isArray(keys)) refuse('keys', `is ${shown(keys)}, not a list of keys`, 'list the keys the Secret holds, e.g. [\'ca.crt\'].');
    if (keys.length === 0) refuse('keys', 'is empty', 'list the keys the Secret holds, e.g. [\'ca.crt\'].');
    const bad = keys.findIndex((k) => typeof k !== 'string' || k.length > 253 || !SECRET_KEY.test(k));
    if (bad >= 0) refuse('keys', `holds ${shown(keys[bad])}, not a Secret key`, 'use letters, digits, \'-\', \'_\' and \'.\'.');
    if (new Set(keys).size !== keys.length) refuse('keys', 'lists a key twice', 'list each key once.');
    if (!isAcceptableReason(createdElsewhere)) {
      refuse('createdElsewhere', `is ${shown(createdElsewhere)}, not a reason of at least ${MIN_REASON_LENGTH} characters`,
        'say who creates the Secret, e.g. \'issued by cert-manager (Certificate api-tls)\'.', 'HK-AUDIT-003');
    }
    this.secretName = name;
    this.secretNamespace = enclosingNamespace(scope);
    this.keys = [...keys];
    this.createdElsewhere = createdElsewhere.trim();
  }
}
