/**
 * Removes compiled output whose source is gone. `tsc` compiles lib/ in place; when a module moves, its old `.js` and
 * `.d.ts` stay behind in a working checkout, and an import of the old path still resolves (to stale code) under
 * ts-node, Jest and even `tsc`, so a broken import passes locally and fails on a clean clone. Run before compile.
 *
 *   ts-node -T scripts/orphan-output.ts lib bin
 */
import * as fs from 'fs';
import * as path from 'path';

/** The compiled files under `dir` (`.js`, `.d.ts`) with no `.ts` source beside them. */
export function orphanOutput(dir: string): string[] {
  const out: string[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...orphanOutput(file));
      continue;
    }
    const stem = entry.name.endsWith('.d.ts') ? entry.name.slice(0, -5) : entry.name.endsWith('.js') ? entry.name.slice(0, -3) : undefined;
    if (stem !== undefined && !fs.existsSync(path.join(dir, `${stem}.ts`))) out.push(file);
  }
  return out;
}

if (require.main === module) {
  for (const file of process.argv.slice(2).flatMap(orphanOutput)) {
    fs.rmSync(file);
    process.stdout.write(`removed stale ${file} (its source is gone)\n`);
  }
}
