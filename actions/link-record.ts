// What this project keeps in a user's app_metadata: the audit record of links, the "already checked" mark, the exclude flag.
// Each lives under its own top-level key because PATCH /users merges app_metadata at the top level only:
// writing the mark must never overwrite the audit record, and an admin setting the exclude flag must not either.
// The audit record is one top-level key per linked account for the same reason: two links into one primary at the same
// moment each write their own key, and neither can drop the other's entry (a read-modify-write of one array could).
import { createHash } from 'node:crypto';
import { foldEmail } from './email.ts';
import type { Identity, Metadata, User } from './types.ts';

/** app_metadata key of the audit record as first written: an array of LinkRecordEntry. Still read, no longer written. */
export const LINKS_KEY = 'auto_links';
/** Prefix of the per-account audit keys: `auto_links_` and a hash of the secondary's user_id (see recordKey). */
export const RECORD_KEY_PREFIX = 'auto_links_';
/** app_metadata key of the steady-state mark: `{ email, at }` once the user's email has been checked. */
export const CHECKED_KEY = 'auto_link_checked';
/**
 * app_metadata key of `{ email, at }` on a user whose accounts only the person can link, seen on a login that could not be
 * sent to the linking page (prompt=none, a password grant, IdP-initiated): its later such logins skip the lookup, for
 * they could not be sent either; an interactive login still looks and asks.
 */
export const PENDING_KEY = 'auto_link_pending';
/** app_metadata key an admin sets to keep an account out of any automatic link: any value but `false` excludes. */
export const EXCLUDE_KEY = 'auto_link_exclude';

/** Who made a link: `confirmed` links the Action made once the person proved the other account on the linking page; `connected` links are the linking page's (link_with), recorded in the primary's user_metadata. */
export type LinkedBy = 'action' | 'backfill' | 'connected' | 'confirmed';

/** One link, recorded on the primary before it is made, so it can be undone with what Auth0 discards. */
export interface LinkRecordEntry {
  /** The secondary's user_id before the link, e.g. `google-oauth2|1234`. */
  user_id: string;
  provider: string;
  /** The secondary identity's own id (the part after `provider|`), as the unlink endpoint takes it. */
  identity_user_id: string;
  connection: string;
  /** ISO time of the link. */
  linked_at: string;
  by: LinkedBy;
  /** The metadata the secondary had, which Auth0 discards on link. */
  app_metadata: Metadata;
  user_metadata: Metadata;
  /** Identities that were linked under the secondary itself and moved with it. */
  moved_identities?: Array<Pick<Identity, 'provider' | 'user_id' | 'connection'>>;
  /**
   * ISO time an undo started taking this link back, written on the primary BEFORE its unlink: from then on no
   * automatic link may join the two again, so a login landing between the unlink and the undo's last write cannot relink.
   */
  restoring_at?: string;
}

export interface CheckedMark {
  /** The lower-cased email that was checked: a change of email makes the user due for a check again. */
  email: string;
  at: string;
}

/**
 * The app_metadata key of the record of `secondaryUserId`'s link. Metadata keys may not contain `.` or `$`, and user ids
 * may (`samlp|corp|mia@corp.example`), so the key is a hash: 80 bits of SHA-256, hex.
 */
export function recordKey(secondaryUserId: string): string {
  return hashedKey(RECORD_KEY_PREFIX, secondaryUserId);
}

/** `prefix` and 80 bits of SHA-256 of `id`, hex: a metadata key for an id, free of `.`, `$` and any email the id holds. */
export function hashedKey(prefix: string, id: string): string {
  return `${prefix}${createHash('sha256').update(id).digest('hex').slice(0, 20)}`;
}

/**
 * Every recorded link of the user, in both formats: the per-account keys and the `auto_links` array written before them.
 * The only reader of the audit record. A per-account entry wins over an array entry of the same secondary (it is newer).
 */
export function linkRecords(user: Pick<User, 'app_metadata'>): LinkRecordEntry[] {
  const app = user.app_metadata ?? {};
  const byId = new Map<string, LinkRecordEntry>();
  const legacy = app[LINKS_KEY];
  if (Array.isArray(legacy)) for (const entry of legacy) if (isEntry(entry)) byId.set(entry.user_id, entry);
  for (const [key, value] of Object.entries(app)) {
    if (key.startsWith(RECORD_KEY_PREFIX) && isEntry(value) && recordKey(value.user_id) === key) byId.set(value.user_id, value);
  }
  return [...byId.values()];
}

function isEntry(value: unknown): value is LinkRecordEntry {
  return typeof value === 'object' && value !== null && typeof (value as { user_id?: unknown }).user_id === 'string';
}

/** The app_metadata PATCH that writes `entries`, each under its own key (a retried link replaces its older entry). */
export function recordsPatch(entries: readonly LinkRecordEntry[]): Metadata {
  return Object.fromEntries(entries.map((entry) => [recordKey(entry.user_id), entry]));
}

/** The app_metadata PATCH that removes the records of `secondaryUserIds` from `user`, in both formats. */
export function dropRecordsPatch(user: Pick<User, 'app_metadata'>, secondaryUserIds: Iterable<string>): Metadata {
  const drop = new Set(secondaryUserIds);
  const patch: Metadata = {};
  for (const id of drop) if (user.app_metadata?.[recordKey(id)] !== undefined) patch[recordKey(id)] = null;
  const legacy = user.app_metadata?.[LINKS_KEY];
  if (Array.isArray(legacy) && legacy.some((e) => isEntry(e) && drop.has(e.user_id))) {
    const kept = legacy.filter((e) => !(isEntry(e) && drop.has(e.user_id)));
    patch[LINKS_KEY] = kept.length > 0 ? kept : null;
  }
  return patch;
}

/** The user_ids an undo is taking back from this user (their records carry `restoring_at`): never to be linked again meanwhile. */
export function restoringIds(user: Pick<User, 'app_metadata'>): string[] {
  return linkRecords(user)
    .filter((e) => e.restoring_at !== undefined)
    .map((e) => e.user_id);
}

/** The entry describing a link of `secondary` into a primary, made now by `by`. */
export function linkRecordFor(secondary: User, by: LinkedBy, now: Date): LinkRecordEntry {
  const [main, ...moved] = secondary.identities;
  const provider = main?.provider ?? secondary.user_id.split('|')[0] ?? '';
  const entry: LinkRecordEntry = {
    user_id: secondary.user_id,
    provider,
    identity_user_id: main ? String(main.user_id) : secondary.user_id.slice(provider.length + 1),
    connection: main?.connection ?? '',
    linked_at: now.toISOString(),
    by,
    app_metadata: secondary.app_metadata ?? {},
    user_metadata: secondary.user_metadata ?? {},
  };
  if (moved.length > 0) {
    entry.moved_identities = moved.map(({ provider: p, user_id, connection }) => ({ provider: p, user_id: String(user_id), connection }));
  }
  return entry;
}

/** The mark for a user whose email has just been checked. */
export function checkedMark(email: string, now: Date): CheckedMark {
  return { email: foldEmail(email), at: now.toISOString() };
}

/** True when the user carries a mark for its current email: its logins need no lookup. */
export function isChecked(user: Pick<User, 'app_metadata' | 'email'>): boolean {
  return marksEmail(user, CHECKED_KEY);
}

/** True when the user carries a pending-confirmation mark for its current email (PENDING_KEY). */
export function isPending(user: Pick<User, 'app_metadata' | 'email'>): boolean {
  return marksEmail(user, PENDING_KEY);
}

function marksEmail(user: Pick<User, 'app_metadata' | 'email'>, key: string): boolean {
  const mark = user.app_metadata?.[key] as Partial<CheckedMark> | undefined;
  return typeof mark?.email === 'string' && typeof user.email === 'string' && mark.email === foldEmail(user.email);
}

/**
 * True when the account is excluded from automatic linking: the exclusion fails closed. Any value other than absent or
 * `false` excludes (`"true"` from a CSV import, `1`, `"yes"`, `{}`), since a typo in an exclusion must not link an account.
 */
export function isExcluded(user: Pick<User, 'app_metadata'>): boolean {
  const value = user.app_metadata?.[EXCLUDE_KEY];
  return value !== undefined && value !== null && value !== false;
}
