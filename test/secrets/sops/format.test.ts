import { createHash } from 'crypto';
import { isEncryptedPath, KUBERNETES_RULE, DEFAULT_RULE } from '../../../lib/secrets/sops/encryption-rule';
import { decryptMac, encryptMac, MacHasher } from '../../../lib/secrets/sops/mac';
import { decryptTree, pathAad } from '../../../lib/secrets/sops/tree-cipher';
import { decryptValue, encryptValue, isEncryptedValue } from '../../../lib/secrets/sops/value-cipher';
import { formatGoFloat, parseSopsYaml, resolvePlainScalar, scalarBytes } from '../../../lib/secrets/sops/yaml-tree';

const KEY = Buffer.alloc(32, 7);
const IV = Buffer.alloc(32, 9);

describe('sops value cipher', () => {
  test('writes ENC[AES256_GCM,data,iv,tag,type] with standard base64 and a 32-byte IV', () => {
    const enc = encryptValue(Buffer.from('value'), KEY, IV, 'stringData:key:', 'str');
    expect(enc).toMatch(/^ENC\[AES256_GCM,data:[A-Za-z0-9+/]{7}=,iv:CQkJ[A-Za-z0-9+/]{39}=,tag:[A-Za-z0-9+/]{22}==,type:str\]$/);
    expect(isEncryptedValue(enc)).toBe(true);
  });

  test('binds the value to its path: another AAD fails authentication', () => {
    const enc = encryptValue(Buffer.from('s3cret'), KEY, IV, 'data:password:', 'str');
    expect(decryptValue(enc, KEY, 'data:password:', 'v').plaintext.toString()).toBe('s3cret');
    expect(() => decryptValue(enc, KEY, 'data:username:', 'v')).toThrow(/^v does not decrypt \(GCM authentication failed/);
  });

  test('the AAD is the path keys joined with ":" plus a trailing ":"', () => {
    expect(pathAad(['data', 'password'])).toBe('data:password:');
    expect(pathAad(['app2', 'db', 'password'])).toBe('app2:db:password:');
  });

  test('the MAC is encrypted with lastmodified as AAD', () => {
    const enc = encryptMac('AB'.repeat(64), KEY, '2024-11-12T13:33:42Z', IV);
    expect(decryptMac(enc, KEY, '2024-11-12T13:33:42Z', 'f').macHex).toBe('AB'.repeat(64));
    expect(() => decryptMac(enc, KEY, '2024-11-12T13:33:43Z', 'f')).toThrow(/^f: sops\.mac does not decrypt/);
  });
});

describe('sops MAC', () => {
  test('is uppercase hex SHA-512 over the leaves in order, no separators (the Flux age.yaml worked example)', () => {
    const hasher = new MacHasher(false);
    for (const leaf of ['v1', 'Secret', 'age', 'value']) hasher.add(Buffer.from(leaf), leaf === 'value');
    expect(hasher.digest()).toBe(createHash('sha512').update('v1Secretagevalue').digest('hex').toUpperCase());
  });

  test('mac_only_encrypted hashes SHA-256("sops") first and only the encrypted leaves', () => {
    const hasher = new MacHasher(true);
    hasher.add(Buffer.from('v1'), false);
    hasher.add(Buffer.from('value'), true);
    const expected = createHash('sha512').update(createHash('sha256').update('sops').digest()).update('value').digest('hex').toUpperCase();
    expect(hasher.digest()).toBe(expected);
  });

  test('covers clear-text values as go-yaml types them (booleans as True/False, octal ints in decimal)', () => {
    const key = KEY;
    const enc = encryptValue(Buffer.from('x'), key, IV, 'data:k:', 'str');
    const tree = parseSopsYaml(`a: true\nb: 0o17\nc: "0o17"\nd: 1e3\ne: ~\ndata:\n  k: ${enc}\n`, 't');
    const got = decryptTree(tree, KUBERNETES_RULE, false, key, 't').macHex;
    expect(got).toBe(createHash('sha512').update('True150o171000x').digest('hex').toUpperCase());
  });
});

describe('go-yaml scalar typing', () => {
  test.each([
    ['true', 'bool', 'True'], ['False', 'bool', 'False'], ['yes', 'str', 'yes'], ['0777', 'int', '511'], ['0x1F', 'int', '31'],
    ['1_000', 'int', '1000'], ['1.5', 'float', '1.5'], ['1e3', 'float', '1000'], ['.inf', 'float', '+Inf'],
    ['2024-01-01', 'time', '2024-01-01T00:00:00Z'], ['2024-11-12T13:33:42+00:00', 'time', '2024-11-12T13:33:42Z'], ['v1', 'str', 'v1'],
  ])('%s reads as %s and hashes as %s', (text, type, bytes) => {
    const scalar = resolvePlainScalar(text);
    expect(scalar.type).toBe(type);
    expect(scalarBytes(scalar)!.toString()).toBe(bytes);
  });

  test('floats are written without exponent', () => {
    expect(formatGoFloat(1.234568e9)).toBe('1234568000');
    expect(formatGoFloat(1e-7)).toBe('0.0000001');
    expect(formatGoFloat(1234.56789)).toBe('1234.56789');
  });
});

describe('sops encryption rules', () => {
  test('encrypted_regex ^(data|stringData)$ selects data and stringData only', () => {
    expect(isEncryptedPath(KUBERNETES_RULE, ['data', 'password'])).toBe(true);
    expect(isEncryptedPath(KUBERNETES_RULE, ['stringData', 'x'])).toBe(true);
    expect(isEncryptedPath(KUBERNETES_RULE, ['metadata', 'name'])).toBe(false);
    expect(isEncryptedPath(KUBERNETES_RULE, ['metadata', 'labels', 'data'])).toBe(true);
  });

  test('the default rule leaves every path with a *_unencrypted key in clear', () => {
    expect(isEncryptedPath(DEFAULT_RULE, ['nested_unencrypted', 'this'])).toBe(false);
    expect(isEncryptedPath(DEFAULT_RULE, ['myapp1'])).toBe(true);
  });
});
