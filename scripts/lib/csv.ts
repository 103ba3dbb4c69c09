// CSV output for the scripts' --csv files: RFC 4180 quoting, rows streamed to the file with backpressure.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/** A field quoted when it holds a quote, a comma or a line break. */
export function csvField(value: string | undefined): string {
  const text = value ?? '';
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes `header` and then every row of `rows` to `path`. */
export async function writeCsv(path: string, header: readonly string[], rows: Iterable<ReadonlyArray<string | undefined>>): Promise<void> {
  const out = createWriteStream(path);
  for (const row of [header, ...rows]) {
    if (!out.write(`${row.map(csvField).join(',')}\n`)) await once(out, 'drain');
  }
  out.end();
  await finished(out);
}
