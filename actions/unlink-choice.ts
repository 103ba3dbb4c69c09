// The person's "keep these apart" after an unlink on the linking page, in the primary's user_metadata: read only to refuse a link.
import { hashedKey } from './link-record.ts';
import type { Identity, Metadata, User } from './types.ts';

/**
 * Prefix of the user_metadata keys: `auto_link_unlinked_` and a hash of the unlinked identity's `provider|user_id`. One
 * top-level key per identity, so it merges beside whatever else user_metadata holds. The person's token writes it, so
 * the policy reads it only to refuse a link, never as leave to make one (docs/security-model.md).
 */
export const UNLINKED_KEY_PREFIX = 'auto_link_unlinked_';

/** What the page records: when the person unlinked it, and from which provider (no id, no email). */
export interface UnlinkedEntry {
  at: string;
  provider: string;
}

/**
 * The user_metadata key for the identity `provider`/`identityUserId`, the standalone user's id after the unlink. Hashed:
 * metadata keys may not hold `.` or `$`, and ids may (`samlp|corp|mia@corp.example`), which would also put an email in it.
 */
export function unlinkedKey(provider: string, identityUserId: string): string {
  return hashedKey(UNLINKED_KEY_PREFIX, `${provider}|${identityUserId}`);
}

/** The user_metadata patch recording that the person unlinked `provider`/`identityUserId` now; merged at the top level. */
export function unlinkedPatch(provider: string, identityUserId: string, now: Date): Metadata {
  const entry: UnlinkedEntry = { at: now.toISOString(), provider };
  return { [unlinkedKey(provider, identityUserId)]: entry };
}

/** The user_metadata patch putting the entry of `provider`/`identityUserId` back as it was in `before` (none: removed). */
export function unlinkedAsBefore(before: Metadata | undefined, provider: string, identityUserId: string): Metadata {
  const key = unlinkedKey(provider, identityUserId);
  return { [key]: before?.[key] ?? null };
}

/**
 * The user_metadata patch removing the entries of identities the user holds again (linked back on the page): they name
 * no other account any more. Empty when there are none, so nothing is sent.
 */
export function relinkedPatch(metadata: Metadata | undefined, identities: ReadonlyArray<Pick<Identity, 'provider' | 'user_id'>>): Metadata {
  const patch: Metadata = {};
  for (const identity of identities) {
    const key = unlinkedKey(identity.provider, String(identity.user_id));
    if (metadata?.[key] !== undefined) patch[key] = null;
  }
  return patch;
}

/**
 * True when `holder`'s user_metadata says the person unlinked one of `other`'s identities. Any value counts, even one
 * that is not an UnlinkedEntry: the entry can only refuse a link, so reading a malformed one as a refusal is the safe side.
 */
export function unlinkedByPerson(holder: Pick<User, 'user_metadata'>, other: { identities: ReadonlyArray<Pick<Identity, 'provider' | 'user_id'>> }): boolean {
  const metadata = holder.user_metadata;
  // Most users hold no entry: no hashing at all for them.
  if (!metadata || !Object.keys(metadata).some((key) => key.startsWith(UNLINKED_KEY_PREFIX))) return false;
  return other.identities.some((identity) => {
    const value = metadata[unlinkedKey(identity.provider, String(identity.user_id))];
    return value !== undefined && value !== null && value !== false;
  });
}
