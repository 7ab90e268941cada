/**
 * Regenerates the practice table in README.md from the catalogue (`npm run docs` passes --write).
 * Without --write it only checks, and exits 1 when the README's table is stale or its markers are missing.
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { extractPracticeTable, renderPracticeTable, replacePracticeTable } from '../lib/practices/practice-table';

const README = join(__dirname, '..', 'README.md');

function main(args: readonly string[]): number {
  const readme = readFileSync(README, 'utf8');
  const table = renderPracticeTable();
  let updated: string;
  try {
    updated = replacePracticeTable(readme, table);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  if (args.includes('--write')) {
    if (updated !== readme) writeFileSync(README, updated);
    process.stdout.write(updated !== readme ? 'README.md: practice table regenerated\n' : 'README.md: practice table already up to date\n');
    return 0;
  }
  if (extractPracticeTable(readme) !== table) {
    process.stderr.write('README.md: the practice table is stale. Fix: run `npm run docs` (ts-node -T scripts/practice-table.ts --write).\n');
    return 1;
  }
  process.stdout.write('README.md: practice table up to date\n');
  return 0;
}

process.exitCode = main(process.argv.slice(2));
