// The declines report: who answered "Not now" or "Never" on the linking page (app_metadata.auto_link_declined), as rows without an email.
import { DECLINED_KEY, isDeclined } from '../../../actions/decline-memory.ts';
import type { User } from '../../../actions/types.ts';
import { columns, moreLines } from '../columns.ts';

export interface DeclineRow {
  user_id: string;
  /** 'never' or 'later' as the Action writes it; whatever else a hand-edited record holds, as text. */
  decision: string;
  at: string;
  /** Only "Not now" has one: when the Action may ask again. */
  until: string | null;
  /** A "Not now" whose time has passed: the Action already asks again, the record is only left over. */
  expired: boolean;
  /** The user_ids the person was offered (never their emails). */
  offers: string[];
}

/** The user's decline as a row, or undefined when it holds none. Expired-or-not is the Action's own reading (isDeclined). */
export function declineRowOf(user: Pick<User, 'user_id' | 'app_metadata'>, now: number): DeclineRow | undefined {
  const value = user.app_metadata?.[DECLINED_KEY];
  if (value === undefined || value === null) return undefined;
  const record = (typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const offers = Array.isArray(record.offers) ? record.offers.filter((o): o is string => typeof o === 'string') : [];
  return {
    user_id: user.user_id,
    decision: typeof record.decision === 'string' ? record.decision : 'unknown',
    at: typeof record.at === 'string' ? record.at : '',
    until: typeof record.until === 'string' ? record.until : null,
    expired: !isDeclined(user, now),
    offers,
  };
}

/** Declines made at or after `since` (a record without a readable `at` is then left out). */
export function madeSince(row: DeclineRow, since: Date | undefined): boolean {
  return since === undefined || Date.parse(row.at) >= since.getTime();
}

/** Oldest first, then by user_id, so that runs compare line by line. */
export function byDate(a: DeclineRow, b: DeclineRow): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.user_id < b.user_id ? -1 : 1;
}

export interface DeclineTotals {
  declines: number;
  never: number;
  /** "Not now" still in force. */
  later: number;
  expired: number;
  /** Records the Action cannot read as "never" or "later": they hold (the Action asks nothing) until removed. */
  other: number;
}

export function totalsOf(rows: readonly DeclineRow[]): DeclineTotals {
  return {
    declines: rows.length,
    never: rows.filter((r) => r.decision === 'never').length,
    later: rows.filter((r) => r.decision === 'later' && !r.expired).length,
    expired: rows.filter((r) => r.expired).length,
    other: rows.filter((r) => r.decision !== 'never' && r.decision !== 'later').length,
  };
}

export const CSV_HEADER = ['user_id', 'decision', 'at', 'until', 'expired', 'offers'] as const;

export function csvRow(row: DeclineRow): string[] {
  return [row.user_id, row.decision, row.at, row.until ?? '', String(row.expired), row.offers.join(' ')];
}

const shortTime = (iso: string): string => iso.slice(0, 19).replace('T', ' ') || '-';

/** One aligned line per decline, at most `shown` of them. */
export function rowLines(rows: readonly DeclineRow[], shown: number): string[] {
  const cells = rows
    .slice(0, shown)
    .map((r) => [
      r.user_id,
      r.decision,
      shortTime(r.at),
      r.until ? `until ${shortTime(r.until)}` : '',
      r.expired ? 'EXPIRED' : '',
      r.offers.length ? `offered ${r.offers.join(', ')}` : 'offers not recorded',
    ]);
  return [...columns(cells), ...moreLines(rows.length, shown)];
}

/** The totals line of a listing. */
export function totalsLine(totals: DeclineTotals, since: Date | undefined): string {
  const scope = since ? ` since ${since.toISOString()}` : '';
  if (totals.declines === 0) return `No declines recorded${scope}: nobody answered "Not now" or "Never" on the linking page (or it was cleared).`;
  const parts = [`${totals.never} "Never"`, `${totals.later} "Not now" in force`, `${totals.expired} "Not now" expired`];
  if (totals.other) parts.push(`${totals.other} unreadable (they hold: the Action asks nothing until cleared)`);
  return (
    `${totals.declines} decline${totals.declines === 1 ? '' : 's'}${scope}: ${parts.join(', ')}.` +
    (totals.expired ? ' The Action already asks the expired ones again; --clear-expired removes their records.' : '')
  );
}
