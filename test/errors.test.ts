import { Testing } from 'cdk8s';
import { HardenedError } from '../lib/errors';
import { refuser, shown } from '../lib/refusal';
import { SealingError } from '../lib/secrets/sealing/sealing-error';
import { SopsError } from '../lib/secrets/sops/sops-error';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('one error family', () => {
  test('a refusal names path, prop, practice and the way out', () => {
    const chart = Testing.chart();
    const e = thrown(() => refuser(chart, 'SecureDeployment')('image', 'is \'nginx\', a tag that can move', 'pin it by digest.', 'HK-IMAGE-001')) as HardenedError;
    expect(e.message).toBe(`[${chart.node.path}] SecureDeployment prop 'image' is 'nginx', a tag that can move.\n`
      + 'Practice HK-IMAGE-001 (Pin every image by digest) refuses it.\nFix: pin it by digest.');
    expect([e.name, e.constructPath, e.prop, e.practiceId, e.fix]).toEqual(['HardenedError', chart.node.path, 'image', 'HK-IMAGE-001', 'pin it by digest.']);
  });

  test('the exception is offered as a way out only where the construct honours it and the practice allows one', () => {
    const chart = Testing.chart();
    const refuse = refuser(chart, 'SecureDeployment');
    expect((thrown(() => refuse('image', 'is bad', 'pin it.', 'HK-IMAGE-001', true)) as Error).message)
      .toMatch(/\nFix: pin it, or add exceptions: \[\{ practice: 'HK-IMAGE-001', reason: '…' \}\]\.$/);
    expect((thrown(() => refuse('image', 'is bad', 'pin it.', 'HK-IMAGE-001')) as Error).message).toMatch(/\nFix: pin it\.$/);
    // HK-AUDIT-004 allows no exception, so none is offered even where the construct would honour one.
    expect((thrown(() => refuse('labels', 'is bad', 'keep them.', 'HK-AUDIT-004', true)) as Error).message).toMatch(/\nFix: keep them\.$/);
  });

  test('every subclass is a HardenedError, detected by symbol', () => {
    const sops = new SopsError('the file has no sops metadata', 'encrypt it with sops');
    const sealing = new SealingError('is not a certificate', 'give the controller\'s PEM certificate');
    expect([HardenedError.isHardenedError(sops), HardenedError.isHardenedError(sealing)]).toEqual([true, true]);
    expect([SopsError.isSopsError(sops), SopsError.isSopsError(sealing), SealingError.isSealingError(sealing)]).toEqual([true, false, true]);
    expect([sops.message, sops.problem, sops.fix, sops.constructPath]).toEqual(['the file has no sops metadata\nFix: encrypt it with sops', 'the file has no sops metadata', 'encrypt it with sops', undefined]);
    expect([sealing.name, sealing.message]).toEqual(['SealingError', 'is not a certificate. Fix: give the controller\'s PEM certificate']);
  });

  test('detection does not depend on instanceof: an error of another copy of the library is recognised', () => {
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('cdk8s-hardened.HardenedError'), { value: true });
    expect(HardenedError.isHardenedError(foreign)).toBe(true);
    expect(HardenedError.isHardenedError(new Error('x'))).toBe(false);
    expect(HardenedError.isHardenedError(null)).toBe(false);
  });
});

describe('shown: a value as a refusal shows it', () => {
  test('numbers JSON cannot write are named, not shown as null', () => {
    expect([shown(Number.NaN), shown(Infinity), shown(-Infinity), shown(null), shown(3), shown('x')]).toEqual(['NaN', 'Infinity', '-Infinity', 'null', '3', '"x"']);
  });

  test('lists and objects by their kind, never their content', () => {
    expect([shown(['secret']), shown({ password: 'p' }), shown(undefined)]).toEqual(['a list', 'an object', 'undefined']);
  });
});
