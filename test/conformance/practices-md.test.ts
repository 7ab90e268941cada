import { readFileSync } from 'fs';
import { join } from 'path';
import { CATALOGUE } from '../../lib/practices/catalogue';

const PRACTICES_MD = join(__dirname, '..', '..', '..', 'shared', 'design', 'practices.md');

describe('the catalogue against the design catalogue (../shared/design/practices.md)', () => {
  test('holds exactly the practice ids practices.md defines', () => {
    const designed = [...new Set(readFileSync(PRACTICES_MD, 'utf8').match(/HK-[A-Z]+-\d{3}/g) ?? [])].sort();
    expect(designed.length).toBeGreaterThan(0);
    expect(CATALOGUE.map((p) => p.id).sort()).toEqual(designed);
  });
});
