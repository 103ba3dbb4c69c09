// Rows of cells as lines of text in columns, each as wide as its widest cell: the human listings of links, declines and the backfill's plan.

/** Aligned lines; a row `whole` picks (a heading such as a group's email) is printed as it is and does not widen a column. */
export function columns(rows: readonly (readonly string[])[], whole: (row: readonly string[]) => boolean = () => false): string[] {
  const widths: number[] = [];
  for (const row of rows) if (!whole(row)) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    whole(row)
      ? row.join('')
      : row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
  );
}

/** What a listing cut to `shown` of `total` rows says of the rest; nothing when it showed them all. */
export function moreLines(total: number, shown: number): string[] {
  return total > shown ? [`… and ${total - shown} more (--show, --json or --csv list all)`] : [];
}
