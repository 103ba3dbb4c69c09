// The audit record of a connected-accounts link: the Action's entry shape with by 'connected', kept in the primary's
// user_metadata (a person's own token cannot write app_metadata). Auth0 discards the secondary's metadata on link and the
// page cannot read it, so the entry records empty metadata: an undo restores the identity, not its old settings.
import { dropRecordsPatch, linkRecordFor, linkRecords, recordKey, recordsPatch, type LinkRecordEntry } from '../actions/link-record.ts';
import type { Metadata } from '../actions/types.ts';

/** The entry for linking the account `sub` signed in with (via `connection`, when the page asked for one). */
export function connectedLinkRecord(sub: string, connection: string | undefined, now: Date): LinkRecordEntry {
  const bar = sub.indexOf('|');
  const provider = bar > 0 ? sub.slice(0, bar) : sub;
  const secondary = { user_id: sub, created_at: '', identities: [{ provider, user_id: sub.slice(bar + 1), connection: connection ?? '', isSocial: false }] };
  return linkRecordFor(secondary, 'connected', now);
}

/** The records kept in `userMetadata`, in the Action's formats (one key per linked account, or the older array). */
export function userMetadataRecords(userMetadata: Metadata | undefined): LinkRecordEntry[] {
  return linkRecords({ app_metadata: userMetadata ?? {} });
}

/** The user_metadata patch adding `entry` under its own key (replacing an older record of the same secondary). */
export function withRecord(entry: LinkRecordEntry): Metadata {
  return recordsPatch([entry]);
}

/** The user_metadata patch that puts the record of `sub` back as it was in `userMetadata` (none: removed). */
export function recordAsBefore(userMetadata: Metadata | undefined, sub: string): Metadata {
  return { [recordKey(sub)]: userMetadata?.[recordKey(sub)] ?? null };
}

/** The user_metadata patch without the records of the identity `provider`/`identityUserId` (empty when there are none). */
export function withoutRecord(userMetadata: Metadata | undefined, provider: string, identityUserId: string): Metadata {
  const gone = userMetadataRecords(userMetadata).filter((e) => e.provider === provider && e.identity_user_id === identityUserId);
  return dropRecordsPatch(
    { app_metadata: userMetadata ?? {} },
    gone.map((e) => e.user_id),
  );
}
