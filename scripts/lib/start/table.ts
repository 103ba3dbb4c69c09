// The table `npm start` prints: one row a login, in columns wide enough for their contents.
import { columns } from '../columns.ts';
import { maskEmail } from '../email-mask.ts';
import type { LoginRow } from './logins.ts';

const HEADERS = ['#', 'login (connection, email)', 'case', 'linked into the user', 'tokens for (sub)', 'calls'] as const;

/** The table, emails masked unless `email` shows them (npm start --show-emails). */
export function loginTable(rows: readonly LoginRow[], email: (email: string) => string = maskEmail): string {
  const cells = rows.map((row) => [
    String(row.n),
    `${row.connection}  ${row.email === '(none)' ? row.email : email(row.email)}`,
    row.note,
    row.linked.length > 0 ? row.linked.map((l) => l.connection).join(' + ') : row.outcome === 'ok' ? '-' : row.outcome,
    row.subject,
    String(row.httpCalls),
  ]);
  // The login's number and its count of calls align right.
  return columns(cells, { headers: HEADERS, right: [0, HEADERS.length - 1] }).join('\n');
}
