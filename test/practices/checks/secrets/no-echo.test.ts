import { audit } from '../../../../lib/audit/audit';
import { SECRETS_CASES } from '../../cases/secrets';

const CANARY = 'canary-not-a-secret';

describe('secret material never reaches a finding', () => {
  const cases = Object.values(SECRETS_CASES).flatMap((t) => t.fail).filter((c) => JSON.stringify(c.objects).includes(CANARY));

  test('the canary is planted in several failing cases', () => {
    expect(cases.length).toBeGreaterThan(4);
  });

  test.each(cases.map((c) => [c.name, c] as const))('no message echoes the value: %s', (_name, c) => {
    const messages = audit(c.objects).findings.map((f) => f.message);
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(m).not.toContain(CANARY);
  });
});
