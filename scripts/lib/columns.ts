// Rows of cells as lines of text in columns, each as wide as its widest cell: the one text table of the CLI, for the
// listings of links and declines, the backfill's plan, the logins `npm start` prints and the bench's Markdown report.

export interface ColumnsOptions {
  /** A heading row, underlined by a rule of dashes as wide as each column. */
  headers?: readonly string[];
  /** The columns (by index) whose cells align right, such as counts; the others align left. */
  right?: readonly number[];
  /** Rows printed as they are, widening no column: a heading such as a group's email. */
  whole?: (row: readonly string[]) => boolean;
  /** A Markdown table (`| a | b |`), readable as plain text too; otherwise two spaces between columns and no trailing blanks. */
  markdown?: boolean;
}

/** The table's lines: the headers and their rule when given, then one line a row. */
export function columns(rows: readonly (readonly string[])[], options: ColumnsOptions = {}): string[] {
  const { headers, right = [], whole = () => false, markdown = false } = options;
  const widths: number[] = [];
  for (const row of [...(headers ? [headers] : []), ...rows.filter((row) => !whole(row))]) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  }
  const line = (cells: readonly string[]): string => {
    const padded = cells.map((cell, i) => (right.includes(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)));
    return markdown ? `| ${padded.join(' | ')} |` : padded.join('  ').trimEnd();
  };
  const heading = headers ? [line(headers), line(widths.map((width) => '-'.repeat(width)))] : [];
  return [...heading, ...rows.map((row) => (whole(row) ? row.join('') : line(row)))];
}

/** What a listing cut to `shown` of `total` rows says of the rest; nothing when it showed them all. */
export function moreLines(total: number, shown: number): string[] {
  return total > shown ? [`… and ${total - shown} more (--show, --json or --csv list all)`] : [];
}
