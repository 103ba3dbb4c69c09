// The links report: every link the Action or the backfill recorded (the app_metadata auto_links_<hash> keys of each primary), as rows,
// and the id map an application needs to move data it keeps under a former user_id (its `sub`) onto the primary.
import { linkRecords } from '../../../actions/link-record.ts';
import type { User } from '../../../actions/types.ts';
import { columns, moreLines } from '../columns.ts';

export interface LinkRow {
  linked_at: string;
  by: string;
  /** The secondary's user_id before the link: the `sub` applications saw for that account. */
  former_user_id: string;
  primary_user_id: string;
  connection: string;
  /** Identities that had been linked under the secondary and moved with it (their own former ids). */
  moved: string[];
  /** False when the primary no longer holds the identity (an undo stopped half-way, or an unlink by hand). */
  in_place: boolean;
}

/** The rows of one user's audit record linked at or after `since`. */
export function linkRowsOf(user: Pick<User, 'user_id' | 'identities' | 'app_metadata'>, since: Date | undefined): LinkRow[] {
  const held = new Set(user.identities.map((i) => `${i.provider}|${i.user_id}`));
  return linkRecords(user)
    .filter((entry) => since === undefined || Date.parse(entry.linked_at) >= since.getTime())
    .map((entry) => ({
      linked_at: entry.linked_at,
      by: entry.by,
      former_user_id: entry.user_id,
      primary_user_id: user.user_id,
      connection: entry.connection,
      moved: (entry.moved_identities ?? []).map((m) => `${m.provider}|${m.user_id}`),
      in_place: held.has(`${entry.provider}|${entry.identity_user_id}`),
    }));
}

/** Former user_id → primary, for every link still in place (moved identities included). */
export function idMapOf(rows: readonly LinkRow[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const row of rows.filter((r) => r.in_place)) {
    for (const former of [row.former_user_id, ...row.moved]) map[former] = row.primary_user_id;
  }
  return map;
}

export interface LinkTotals {
  links: number;
  primaries: number;
  /** Silent links by the Action. */
  byAction: number;
  /** Links the Action made on /continue once the person proved the other account on the linking page. */
  byConfirmed: number;
  /** Links the person made with their own token on the page's connected accounts. */
  byConnected: number;
  byBackfill: number;
  notInPlace: number;
}

export function totalsOf(rows: readonly LinkRow[]): LinkTotals {
  return {
    links: rows.length,
    primaries: new Set(rows.map((r) => r.primary_user_id)).size,
    byAction: rows.filter((r) => r.by === 'action').length,
    byConfirmed: rows.filter((r) => r.by === 'confirmed').length,
    byConnected: rows.filter((r) => r.by === 'connected').length,
    byBackfill: rows.filter((r) => r.by === 'backfill').length,
    notInPlace: rows.filter((r) => !r.in_place).length,
  };
}

export const CSV_HEADER = ['linked_at', 'by', 'former_user_id', 'primary_user_id', 'connection', 'moved_identities', 'in_place'] as const;

export function csvRow(row: LinkRow): string[] {
  return [row.linked_at, row.by, row.former_user_id, row.primary_user_id, row.connection, row.moved.join(' '), String(row.in_place)];
}

/** The human report: one line per link, oldest first, at most `shown` of them, and the totals. */
export function linksText(rows: readonly LinkRow[], totals: LinkTotals, shown: number, since: Date | undefined): string {
  const scope = since ? ` since ${since.toISOString()}` : '';
  if (rows.length === 0) return `No links recorded${scope}: the Action and the backfill have linked nothing yet (or it was undone).`;
  const cells = rows
    .slice(0, shown)
    .map((r) => [
      r.linked_at.slice(0, 19).replace('T', ' '),
      r.by,
      `${r.former_user_id}${r.moved.length ? ` (+${r.moved.join(', ')})` : ''}`,
      '→',
      r.primary_user_id,
      r.in_place ? '' : 'NOT IN PLACE',
    ]);
  const lines = [...columns(cells), ...moreLines(rows.length, shown)];
  lines.push(
    '',
    `${totals.links} links${scope} into ${totals.primaries} primaries: ${totals.byAction} by the Action, ${totals.byConfirmed} confirmed on the linking page, ` +
      `${totals.byConnected} on connected accounts, ${totals.byBackfill} by the backfill.` +
      (totals.notInPlace ? ` ${totals.notInPlace} recorded but not in place (finish the undo: npm run undo).` : ''),
    'The id map (former user_id → primary) for applications that key their data on the user_id: --json (idMap) or --csv.',
  );
  return lines.join('\n');
}
