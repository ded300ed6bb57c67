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
