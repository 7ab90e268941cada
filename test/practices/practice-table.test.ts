import { readFileSync } from 'fs';
import { join } from 'path';
import { CATALOGUE } from '../../lib/practices/catalogue';
import { Practice } from '../../lib/practices/practice';
import { extractPracticeTable, renderPracticeTable, replacePracticeTable, TABLE_END, TABLE_START } from '../../lib/practices/practice-table';

const README = join(__dirname, '..', '..', 'README.md');

describe('renderPracticeTable', () => {
  const lines = renderPracticeTable().split('\n');

  test('has a header, a separator and one row per practice in catalogue order', () => {
    expect(lines[0]).toBe('| id | title | severity | exception | checkability | what the library does |');
    expect(lines[1]).toBe('| --- | --- | --- | --- | --- | --- |');
    expect(lines.slice(2).map((l) => l.split(' | ')[0].slice(2))).toEqual(CATALOGUE.map((p) => p.id));
  });

  test.each(CATALOGUE.map((p, i) => [p.id, p, i] as const))('row of %s shows its metadata', (_id, p, i) => {
    expect(lines[i + 2]).toBe(`| ${p.id} | ${p.title} | ${p.severity} | ${p.exception} | ${p.checkability} | ${p.library.replace(/\|/g, '\\|')} |`);
  });

  test('escapes pipes and folds newlines so a cell cannot break the table', () => {
    const p = { ...CATALOGUE[0], title: 'a | b', library: 'one\n  two' } as Practice;
    expect(renderPracticeTable([p]).split('\n')[2]).toBe(`| ${p.id} | a \\| b | ${p.severity} | ${p.exception} | ${p.checkability} | one two |`);
  });
});

describe('replacePracticeTable', () => {
  const readme = `# Title\n\n${TABLE_START}\nold table\n${TABLE_END}\n\n## After\n`;

  test('replaces only the text between the markers and is idempotent', () => {
    const once = replacePracticeTable(readme, '| new |');
    expect(once).toBe(`# Title\n\n${TABLE_START}\n| new |\n${TABLE_END}\n\n## After\n`);
    expect(replacePracticeTable(once, '| new |')).toBe(once);
    expect(extractPracticeTable(once)).toBe('| new |');
  });

  test('refuses a README without markers', () => {
    expect(() => replacePracticeTable('# Title\n', 'x')).toThrow(
      `README has no practice table markers. Fix: add a line '${TABLE_START}' followed by a line '${TABLE_END}' where the table belongs.`);
    expect(extractPracticeTable(`${TABLE_END}\n${TABLE_START}`)).toBeUndefined();
  });
});

describe('README.md', () => {
  test('holds the table generated from the catalogue (run `npm run docs` when this fails)', () => {
    const readme = readFileSync(README, 'utf8');
    const block = extractPracticeTable(readme);
    if (block === undefined) {
      throw new Error(`README.md lacks the markers ${TABLE_START} / ${TABLE_END}: add them where the practice table belongs, then run \`npm run docs\``);
    }
    expect(block).toBe(renderPracticeTable());
  });
});
