import * as fs from 'node:fs';
import * as path from 'node:path';

export const README = path.join(__dirname, '..', 'README.md');

/** A generated part of the README, between two marker comments. */
export interface ReadmeSection {
  readonly begin: string;
  readonly end: string;
  /** What the section says, e.g. "diagram"; used in the generator's messages. */
  readonly name: string;
  /** Where it is generated from, for the generator's message. */
  readonly source: string;
}

/** The section as the README holds it now, markers included, or undefined without markers. */
export function currentSection(
  section: ReadmeSection,
  text = fs.readFileSync(README, 'utf8'),
): string | undefined {
  const start = text.indexOf(section.begin);
  const end = text.indexOf(section.end);
  return start < 0 || end < 0 ? undefined : text.slice(start, end + section.end.length);
}

/** The body of an `npm run` generator: rewrites the section if it is stale, and says which it was. */
export function regenerateSection(section: ReadmeSection, fresh: string): void {
  const readme = fs.readFileSync(README, 'utf8');
  const current = currentSection(section, readme);
  if (!current) {
    console.error(
      `README.md has no ${section.name} markers; add the begin and end markers where it belongs.`,
    );
    process.exit(1);
  }
  if (current === fresh) {
    console.log(`README.md ${section.name} is up to date.`);
  } else {
    fs.writeFileSync(README, readme.replace(current, fresh));
    console.log(`README.md ${section.name} regenerated from ${section.source}.`);
  }
}

/** A section's text: a markdown table between its markers, formatted as prettier formats one, so the file stays lint-clean. */
export function tableSection(section: ReadmeSection, rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  const rule = `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`;
  return [section.begin, '', line(rows[0]!), rule, ...rows.slice(1).map(line), '', section.end].join('\n');
}
