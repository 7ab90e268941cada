/**
 * Canary plaintexts for the leak-proof tests. Fixed strings, so a test can also search the output of a whole Jest
 * run (the runner's own output) for them; none is ever a real secret.
 */
export const CANARIES = {
  sopsEnv: 'CANARY-sops-env-9f8e7d6c5b4a',
  sopsFile: 'CANARY-sops-file-1a2b3c4d5e6f',
  sealedValue: 'canary-value-5d1e0c3b7a96f284',
  derivationKey: 'canary-derivation-key-0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  shortKey: 'cnry7e6d5c4b3a29',
} as const;

/** Every form a plaintext could leak in: raw, base64 (and base64 of base64, as in a Secret's data), base64url, hex. */
export function leakForms(canary: string): string[] {
  const b = Buffer.from(canary, 'utf8');
  return [canary, b.toString('base64'), b.toString('base64url'), b.toString('hex'), b.toString('hex').toUpperCase(), Buffer.from(b.toString('base64')).toString('base64')];
}

/** The leak forms of every canary. */
export const ALL_LEAK_FORMS: readonly string[] = Object.values(CANARIES).flatMap(leakForms);
