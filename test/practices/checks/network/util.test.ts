import { cidrContains, parseCidr, policyTypesOf } from '../../../../lib/practices/checks/network/util';

const contains = (outer: string, inner: string) => cidrContains(parseCidr(outer)!, parseCidr(inner)!);

describe('parseCidr', () => {
  test.each([
    ['0.0.0.0/0', { family: 4, bits: 0n, prefix: 0 }],
    ['169.254.169.254/32', { family: 4, bits: 0xa9fea9fen, prefix: 32 }],
    ['10.1.2.3', { family: 4, bits: 0x0a010203n, prefix: 32 }],
    ['::/0', { family: 6, bits: 0n, prefix: 0 }],
    ['fd00:ec2::254/128', { family: 6, bits: 0xfd000ec2000000000000000000000254n, prefix: 128 }],
    ['::ffff:169.254.169.254/128', { family: 6, bits: 0xffffa9fea9fen, prefix: 128 }],
  ])('reads %s', (text, expected) => {
    expect(parseCidr(text)).toEqual(expected);
  });

  test.each(['169.254.169.254/33', '256.0.0.0/8', '1.2.3/24', 'fd00::ec2::1/64', '::/129', '1:2:3:4:5:6:7:8:9/64', 'fd00:ec2::/x', '', undefined, 42])(
    'refuses %p', (text) => {
      expect(parseCidr(text)).toBeUndefined();
    });
});

describe('cidrContains', () => {
  test('a block contains the addresses under its prefix only', () => {
    expect(contains('0.0.0.0/0', '169.254.169.254/32')).toBe(true);
    expect(contains('128.0.0.0/1', '169.254.169.254/32')).toBe(true);
    expect(contains('0.0.0.0/1', '169.254.169.254/32')).toBe(false);
    expect(contains('169.254.169.252/30', '169.254.169.254/32')).toBe(true);
    expect(contains('169.254.169.252/31', '169.254.169.254/32')).toBe(false);
  });

  test('a narrower block never contains a wider one', () => {
    expect(contains('169.254.169.254/32', '169.254.0.0/16')).toBe(false);
  });

  test('families never mix', () => {
    expect(contains('::/0', '169.254.169.254/32')).toBe(false);
    expect(contains('0.0.0.0/0', 'fd00:ec2::254/128')).toBe(false);
  });

  test('IPv6 containment works across compressed and full notation', () => {
    expect(contains('fd00::/8', 'fd00:ec2::254/128')).toBe(true);
    expect(contains('fd00:0ec2:0000:0000:0000:0000:0000:0200/120', 'fd00:ec2::254/128')).toBe(true);
    expect(contains('fd00:ec2::/120', 'fd00:ec2::254/128')).toBe(false);
  });
});

describe('policyTypesOf', () => {
  test('defaults to Ingress, plus Egress when egress rules exist, as the API server does', () => {
    expect(policyTypesOf({ kind: 'NetworkPolicy', spec: { podSelector: {} } })).toEqual(['Ingress']);
    expect(policyTypesOf({ kind: 'NetworkPolicy', spec: { podSelector: {}, egress: [] } })).toEqual(['Ingress', 'Egress']);
    expect(policyTypesOf({ kind: 'NetworkPolicy', spec: { podSelector: {}, policyTypes: ['Egress'] } })).toEqual(['Egress']);
  });
});
