import { CATALOGUE } from './catalogue';
import { Practice } from './practice';
import { HardenedError } from '../errors';

/** Marker before the generated table in README.md. */
export const TABLE_START = '<!-- practice-table:start -->';

/** Marker after the generated table in README.md. */
export const TABLE_END = '<!-- practice-table:end -->';

/**
 * The README practice table: one row per practice, in catalogue order, with id, title, severity, exception
 * policy, where it can be checked and what the library does. Generated, never hand-edited (style.md §6).
 */
export function renderPracticeTable(practices: readonly Practice[] = CATALOGUE): string {
  const rows = practices.map((p) => row([p.id, p.title, p.severity, p.exception, p.checkability, p.library]));
  return [
    row(['id', 'title', 'severity', 'exception', 'checkability', 'what the library does']),
    row(['---', '---', '---', '---', '---', '---']),
    ...rows,
  ].join('\n');
}

/** The text between the markers of `readme`, without the newlines next to them; undefined when a marker is missing. */
export function extractPracticeTable(readme: string): string | undefined {
  const bounds = markerBounds(readme);
  return bounds ? readme.slice(bounds.from, bounds.to).replace(/^\n/, '').replace(/\n$/, '') : undefined;
}

/** `readme` with the text between the markers replaced by `table`; throws when the markers are missing. */
export function replacePracticeTable(readme: string, table: string): string {
  const bounds = markerBounds(readme);
  if (!bounds) {
    const fix = `add a line '${TABLE_START}' followed by a line '${TABLE_END}' where the table belongs.`;
    throw new HardenedError({ message: `README has no practice table markers. Fix: ${fix}`, fix });
  }
  return `${readme.slice(0, bounds.from)}\n${table}\n${readme.slice(bounds.to)}`;
}

function markerBounds(readme: string): { from: number; to: number } | undefined {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) return undefined;
  return { from: start + TABLE_START.length, to: end };
}

/** One Markdown table row; a `|` inside a cell would end it, a newline would end the table. */
function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')).join(' | ')} |`;
}
