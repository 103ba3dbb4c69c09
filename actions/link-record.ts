// What this project keeps in a user's app_metadata: the audit record of links, the "already checked" mark, the opt-out flag.
// Each lives under its own top-level key because PATCH /users merges app_metadata at the top level only:
// writing the mark must never overwrite the audit record, and an admin setting the opt-out must not either.
import { foldEmail } from './email.ts';
import type { Identity, Metadata, User } from './types.ts';

/** app_metadata key of the audit record: an array of LinkRecordEntry, newest last. */
export const LINKS_KEY = 'auto_links';
/** app_metadata key of the steady-state mark: `{ email, at }` once the user's email has been checked. */
export const CHECKED_KEY = 'auto_link_checked';
/** app_metadata key an admin sets to `true` to keep an account out of any automatic link. */
export const EXCLUDE_KEY = 'auto_link_exclude';

/** Who made a link: `connected` links are the linking page's (link_with), recorded in the primary's user_metadata. */
export type LinkedBy = 'action' | 'backfill' | 'connected';

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
}

export interface CheckedMark {
  /** The lower-cased email that was checked: a change of email makes the user due for a check again. */
  email: string;
  at: string;
}

/** The user's recorded links (an empty list when none or malformed). */
export function linkRecords(user: Pick<User, 'app_metadata'>): LinkRecordEntry[] {
  const value = user.app_metadata?.[LINKS_KEY];
  return Array.isArray(value) ? (value as LinkRecordEntry[]) : [];
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

/** The records after adding `entries`, replacing an older record of the same secondary (a retried link). */
export function mergeLinkRecords(existing: LinkRecordEntry[], entries: LinkRecordEntry[]): LinkRecordEntry[] {
  const replaced = new Set(entries.map((e) => e.user_id));
  return [...existing.filter((e) => !replaced.has(e.user_id)), ...entries];
}

/** The mark for a user whose email has just been checked. */
export function checkedMark(email: string, now: Date): CheckedMark {
  return { email: foldEmail(email), at: now.toISOString() };
}

/** True when the user carries a mark for its current email: its logins need no lookup. */
export function isChecked(user: Pick<User, 'app_metadata' | 'email'>): boolean {
  const mark = user.app_metadata?.[CHECKED_KEY] as Partial<CheckedMark> | undefined;
  return typeof mark?.email === 'string' && typeof user.email === 'string' && mark.email === foldEmail(user.email);
}

/** True when an admin has excluded the account from automatic linking. */
export function isExcluded(user: Pick<User, 'app_metadata'>): boolean {
  return user.app_metadata?.[EXCLUDE_KEY] === true;
}
