// The user search index behind `GET /api/v2/users?q=`: eventually consistent, as Auth0's search engine v3 is
// ("Search results may not reflect a recently-completed write operation", https://auth0.com/docs/users/search).
// A user changed less than `delayMs` ago is seen as it was before its first change in that window (a new user not at
// all, a deleted one still), so the local tenant is never kinder than Auth0: a burst of changes restarts the wait.
import type { User } from '../../actions/types.ts';

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

/**
 * The email a `q` asks for, when it is the one query the local tenant models: `email:"…"` (a Lucene phrase, `\` escaping
 * `"` and `\`) or `email:value`. Undefined for any other query.
 */
export function emailQuery(q: string): string | undefined {
  const phrase = /^\s*email:"((?:[^"\\]|\\.)*)"\s*$/.exec(q);
  if (phrase) return phrase[1]!.replace(/\\(.)/g, '$1');
  const bare = /^\s*email:([^\s"\\():*?~^[\]{}!+-][^\s"\\():*?~^[\]{}!]*)\s*$/.exec(q);
  return bare ? bare[1] : undefined;
}
