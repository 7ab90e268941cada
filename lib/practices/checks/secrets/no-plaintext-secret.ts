import { hasSopsBlock, looksSopsEncrypted, secretEntries } from './util';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-SECRETS-001: judged on every `kind: Secret`, whatever made it; messages name keys, never values. */
export const noPlaintextSecret: Practice = {
  id: 'HK-SECRETS-001',
  group: PracticeGroup.SECRETS,
  title: 'No plaintext Secret data in synthesized YAML',
  severity: Severity.CRITICAL,
  why: 'Base64 is encoding, not encryption; a `Secret` in the GitOps repo is readable by everyone with repo access, forever (history).',
  criterion: 'No object of kind Secret has a non-empty value under data or stringData unless it is SOPS-encrypted: a top-level sops '
    + 'metadata block and every non-empty value starting with ENC[AES256_GCM, (the full format is judged by HK-SECRETS-002). '
    + 'Empty values (which sops leaves unencrypted) and Secrets without data pass; secret material travels as SealedSecret, '
    + 'SOPS-encrypted Secret or ExternalSecret.',
  library: 'Refuses plaintext Secret data (cdk8s-plus Secret emits stringData in clear); EncryptedSecret emits SOPS, SealedSecret or ExternalSecret. '
    + 'Error messages and snapshots never echo values.',
  fix: 'Replace the Secret with EncryptedSecret (SOPS with KMS, a SealedSecret or an ExternalSecret), and rotate the value: it is in Git history.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'A plaintext secret in Git cannot be made safe by a reason.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Secrets (ks C-0012)'],
    cis: ['5.4.2'],
    polaris: ['sensitiveConfigmapContent'],
    kubescape: ['C-0012', 'C-0208', 'C-0234'],
  },
  evaluate: perObject(['Secret'], (secret) => {
    const sops = hasSopsBlock(secret);
    const plain = secretEntries(secret)
      .filter(([, , value]) => value !== null && value !== undefined && value !== '')
      .filter(([, , value]) => !sops || !looksSopsEncrypted(value));
    return plain.map(([field, key]) => sops
      ? `${field} key "${key}" is not encrypted although the Secret carries a sops block`
      : field === 'data' ? `data key "${key}" holds plaintext (base64 is not encryption)` : `stringData key "${key}" holds plaintext`);
  }),
};
