/** Aligns rows into columns two spaces apart; the last column, often long text, is left unpadded. */
export function alignColumns(rows: string[][], indent = ''): string[] {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows.map(
    (row) =>
      indent +
      row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '),
  );
}

/**
 * A verdict as a table shows it, beside user names: `grace` would read as a user of that name (the
 * demo has one), so the grace period is named whole. The JSON keeps the verdict's value.
 */
export const verdictLabel = (verdict: string) => (verdict === 'grace' ? 'grace-period' : verdict);
