import { readFileSync } from 'fs';
import { join } from 'path';
import { CATALOGUE } from '../../lib/practices/catalogue';

const PRACTICES_MD = join(__dirname, '..', '..', '..', 'shared', 'design', 'practices.md');

describe('the catalogue against the design catalogue (../shared/design/practices.md)', () => {
  test('holds every practice id practices.md defines (later practices, e.g. the Gateway API ones, may follow)', () => {
    const designed = [...new Set(readFileSync(PRACTICES_MD, 'utf8').match(/HK-[A-Z]+-\d{3}/g) ?? [])].sort();
    expect(designed.length).toBeGreaterThan(0);
    const ids = new Set(CATALOGUE.map((p) => p.id));
    expect(designed.filter((id) => !ids.has(id))).toEqual([]);
  });
});
