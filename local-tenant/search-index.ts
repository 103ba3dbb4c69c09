// The user search index behind `GET /api/v2/users?q=`: eventually consistent, as Auth0's search engine v3 is
// ("Search results may not reflect a recently-completed write operation", https://auth0.com/docs/users/search).
// A user changed less than `delayMs` ago is seen as it was before its first change in that window (a new user not at
// all, a deleted one still), so the local tenant is never kinder than Auth0: a burst of changes restarts the wait.
import type { User } from '../actions/types.ts';

/** Auth0 documents no figure ("a short period of time"); a nonzero default keeps callers honest about the delay. */
export const DEFAULT_SEARCH_INDEX_DELAY_MS = 2000;

interface Pending {
  /** Epoch ms from which the live user is what the index shows. */
  visibleAt: number;
  /** What the index shows until then: the user before the window's first change (undefined: not indexed). */
  shown: User | undefined;
}

export class SearchIndex {
  /** Users changed within the last delay, oldest change first (re-inserted on each change, so the front expires first). */
  private readonly pending = new Map<string, Pending>();

  readonly delayMs: number;
  private readonly now: () => number;

  constructor(delayMs: number, now: () => number) {
    this.delayMs = delayMs;
    this.now = now;
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new Error(`the search index delay must be ≥ 0 ms, got ${String(delayMs)}`);
  }

  /** Call BEFORE a user is created, changed or removed, with the user as it is now (undefined when it does not exist yet). */
  willChange(userId: string, before: User | undefined): void {
    if (this.delayMs === 0) return;
    const now = this.now();
    this.purge(now);
    const open = this.pending.get(userId);
    this.pending.delete(userId);
    this.pending.set(userId, { visibleAt: now + this.delayMs, shown: open ? open.shown : before && structuredClone(before) });
  }

  /** The user as the index shows it, given the live one. */
  view(userId: string, live: User | undefined): User | undefined {
    const open = this.pending.get(userId);
    return open && open.visibleAt > this.now() ? open.shown : live;
  }

  /** Ids the index may show although the live state does not hold them under that email (stale entries). */
  staleIds(): IterableIterator<string> {
    this.purge(this.now());
    return this.pending.keys();
  }

  private purge(now: number): void {
    for (const [id, entry] of this.pending) {
      if (entry.visibleAt > now) break;
      this.pending.delete(id);
    }
  }
}

/** The fields a `q` may name: the user's own string fields a one-field query compares with. */
export const SEARCHABLE_FIELDS: ReadonlySet<string> = new Set(['email', 'username', 'user_id', 'name', 'nickname']);

/**
 * The one-field query `field:"…"` (a Lucene phrase, `\` escaping `"` and `\`) or `field:value` on a SEARCHABLE_FIELDS
 * field, as `{field, value}`; undefined for any other query (boolean operators, wildcards, ranges, other fields).
 */
export function fieldQuery(q: string): { field: string; value: string } | undefined {
  const match = /^\s*([a-z_]+):/.exec(q);
  if (!match || !SEARCHABLE_FIELDS.has(match[1]!)) return undefined;
  const field = match[1]!;
  const rest = q.trimStart().slice(field.length + 1);
  const phrase = /^"((?:[^"\\]|\\.)*)"\s*$/.exec(rest);
  if (phrase) return { field, value: phrase[1]!.replace(/\\(.)/g, '$1') };
  const bare = /^([^\s"\\():*?~^[\]{}!+-][^\s"\\():*?~^[\]{}!]*)\s*$/.exec(rest);
  return bare ? { field, value: bare[1]! } : undefined;
}
