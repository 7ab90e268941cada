import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { readIdentityFile } from '../../lib/secrets/sops/age-keys';
import { decryptSopsYaml, renderDecrypted, readSopsYaml } from '../../lib/secrets/sops/decrypt';
import { KUBERNETES_RULE } from '../../lib/secrets/sops/encryption-rule';

/** Real sops-, Flux- and independently-written fixtures; conformance tests alone may read ../shared. */
const VECTORS = path.resolve(__dirname, '../../../shared/vectors');
const SOPS = path.join(VECTORS, 'sops');

if (!fs.existsSync(SOPS)) {
  throw new Error(`conformance vectors missing: ${SOPS} does not exist. These tests need the shared vectors checked out beside the project.`);
}

const read = (rel: string) => fs.readFileSync(path.join(SOPS, rel), 'utf8');
const identities = (rel: string) => readIdentityFile(path.join(SOPS, rel), rel);
const FLUX = 'upstream/fluxcd-kustomize-controller';

describe('sops vectors decrypt and their MACs verify with our code', () => {
  test.each([
    [`${FLUX}/age.yaml`, `${FLUX}/keys/age.agekey`, `${FLUX}/expected/age.plain.yaml`],
    [`${FLUX}/age-pq.yaml`, `${FLUX}/keys/age-pq.agekey`, `${FLUX}/expected/age-pq.plain.yaml`],
    [`${FLUX}/global-secret.yaml`, `${FLUX}/keys/age-global.agekey`, `${FLUX}/expected/global-secret.plain.yaml`],
    [`${FLUX}/patches-merge1.yaml`, `${FLUX}/keys/age.agekey`, `${FLUX}/expected/patches-merge1.plain.yaml`],
    ['self-generated/secret.age-kms.enc.yaml', 'self-generated/keys/age.agekey', 'self-generated/secret.plain.yaml'],
    ['self-generated/secret.mac-only-encrypted.enc.yaml', 'self-generated/keys/age.agekey', 'self-generated/secret.plain.yaml'],
  ])('%s', async (file, key, expected) => {
    const out = await decryptSopsYaml(read(file), { ageIdentities: identities(key) }, file);
    expect(parse(renderDecrypted(out.documents))).toEqual(parse(read(expected)));
  });

  test('the Flux age.yaml MAC is SHA-512 of "v1Secretagevalue" (worked example)', async () => {
    const out = await decryptSopsYaml(read(`${FLUX}/age.yaml`), { ageIdentities: identities(`${FLUX}/keys/age.agekey`) }, 'age.yaml');
    expect(out.mac.hex.startsWith('5E6C78D06EF2D302')).toBe(true);
    expect(out.mac.hex.endsWith('B48862')).toBe(true);
  });

  test('mac_only_encrypted: a renamed file still verifies', async () => {
    const file = 'self-generated/secret.mac-only-encrypted.renamed.enc.yaml';
    const out = await decryptSopsYaml(read(file), { ageIdentities: identities('self-generated/keys/age.agekey') }, file);
    expect(parse(renderDecrypted(out.documents)).metadata.name).toBe('prefix-db-credentials');
  });

  test('the intended EncryptedSecret layout uses encrypted_regex ^(data|stringData)$', () => {
    expect(readSopsYaml(read('self-generated/secret.age-kms.enc.yaml'), 'v').metadata.rule).toEqual(KUBERNETES_RULE);
  });
});

describe('negative sops vectors are refused for the stated reason', () => {
  const key = () => ({ ageIdentities: identities('self-generated/keys/age.agekey') });
  test('metadata renamed: MAC mismatch', async () => {
    await expect(decryptSopsYaml(read('negative/secret.metadata-renamed.enc.yaml'), key(), 'f')).rejects.toThrow(/^f: MAC mismatch/);
  });
  test('values swapped: GCM authentication fails (the path is the AAD)', async () => {
    await expect(decryptSopsYaml(read('negative/secret.values-swapped.enc.yaml'), key(), 'f')).rejects.toThrow(/^f value at 'data\.password' does not decrypt/);
  });
  test('lastmodified edited: the MAC does not decrypt', async () => {
    await expect(decryptSopsYaml(read('negative/secret.lastmodified-edited.enc.yaml'), key(), 'f')).rejects.toThrow(/^f: sops\.mac does not decrypt/);
  });
  test('no mac: refused', async () => {
    await expect(decryptSopsYaml(read('upstream/getsops-sops/no_mac.yaml'), key(), 'f')).rejects.toThrow(/^f has no sops\.mac/);
  });
  test('everything encrypted: decrypts as SOPS but apiVersion/kind are not readable without the key', () => {
    const { documents, metadata } = readSopsYaml(read('negative/secret.everything-encrypted.enc.yaml'), 'f');
    expect(metadata.rule).not.toEqual(KUBERNETES_RULE);
    expect(JSON.stringify(documents[0])).toMatch(/"apiVersion",\{"kind":"scalar","scalar":\{"type":"str","value":"ENC\[/);
  });
});
