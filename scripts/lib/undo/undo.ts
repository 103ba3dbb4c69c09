// Takes links back: each secondary's identity is unlinked from its primary (Auth0 re-creates it as a user without
// metadata), the metadata its audit record kept is written back on it, identities that had moved with it are linked
// under it again, and only then is its entry removed from the primary's audit record. Restore data is thus never
// dropped before it is written: an interrupted undo is finished by running it again, which skips what is done.
// Before its unlink, the entry is marked `restoring_at` on the primary: the Action and the backfill refuse to link an
// account so marked, so a login landing between the unlink and the undo's last write cannot link it again (the undo wins).
import { sameIdentity } from '../../../actions/policy.ts';
import { CHECKED_KEY, EXCLUDE_KEY, dropRecordsPatch, linkRecords, recordsPatch, type LinkRecordEntry } from '../../../actions/link-record.ts';
import { USER_FIELDS } from '../../../actions/link-protocol.ts';
import type { Identity, Metadata } from '../../../actions/types.ts';
import { statusOfError } from '../management/pacer.ts';
import type { TenantApi } from '../management/tenant-api.ts';
import { forEachConcurrently } from '../management/workers.ts';
import type { PrimaryTargets } from './targets.ts';

export type UndoStatus =
  /** Unlinked (or found unlinked) and restored; the audit entry is removed. With dryRun: would be. */
  | 'undone'
  /** No audit entry for it on the primary: already undone, or not linked by the Action or the backfill. */
  | 'no-record'
  | 'primary-missing'
  /** Its identity is not on the primary and no user of that id exists: linked elsewhere or deleted; the entry is kept. */
  | 'secondary-missing'
  | 'failed';

export interface UndoItem {
  primary: string;
  secondary: string;
  status: UndoStatus;
  linked_at?: string;
  by?: string;
  /** Metadata keys written back on the re-created user. */
  restored?: { app_metadata: string[]; user_metadata: string[] };
  error?: string;
}

export interface UndoOptions {
  dryRun: boolean;
  /** Also set app_metadata.auto_link_exclude on restored accounts, so that the Action does not link them again. */
  exclude: boolean;
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (settled: number) => void;
}

export interface UndoSummary {
  items: UndoItem[];
  interrupted: boolean;
}

/** Takes back every target, primaries side by side, each primary's links one after another (its audit record is one value). */
export async function undoLinks(api: TenantApi, targets: readonly PrimaryTargets[], options: UndoOptions): Promise<UndoSummary> {
  const items: UndoItem[] = [];
  let settled = 0;
  const done = (target: PrimaryTargets): void => {
    settled += target.secondaries.length;
    options.onProgress?.(settled);
  };
  await forEachConcurrently(
    targets,
    { concurrency: options.concurrency, signal: options.signal, doing: 'the undo' },
    async (target) => {
      items.push(...(await undoPrimary(api, target, options)));
      done(target);
    },
    (target, error) => {
      items.push(
        ...target.secondaries.map((secondary) => ({
          primary: target.primary,
          secondary,
          status: 'failed' as const,
          error: `links of ${target.primary}: ${error}`,
        })),
      );
      done(target);
    },
  );
  return { items, interrupted: options.signal?.aborted === true };
}

async function undoPrimary(api: TenantApi, target: PrimaryTargets, options: UndoOptions): Promise<UndoItem[]> {
  const primary = await api.getUser(target.primary, USER_FIELDS);
  if (!primary) return target.secondaries.map((secondary) => ({ primary: target.primary, secondary, status: 'primary-missing' }));
  const records = linkRecords(primary);
  const items: UndoItem[] = [];
  const undone = new Set<string>();
  let identities = primary.identities;
  for (const secondary of target.secondaries) {
    const entry = records.find((e) => e.user_id === secondary);
    if (!entry) {
      items.push({ primary: primary.user_id, secondary, status: 'no-record' });
      continue;
    }
    const item: UndoItem = {
      primary: primary.user_id,
      secondary,
      status: 'undone',
      linked_at: entry.linked_at,
      by: entry.by,
      restored: restoredKeys(entry, options.exclude),
    };
    if (!options.dryRun) {
      if (entry.restoring_at === undefined) {
        await api.patchMetadata(primary.user_id, { app_metadata: recordsPatch([{ ...entry, restoring_at: new Date().toISOString() }]) });
      }
      const result = await restore(api, primary.user_id, identities, entry, options.exclude);
      identities = result.identities;
      if (!result.found) item.status = 'secondary-missing';
    }
    if (item.status === 'undone') undone.add(secondary);
    items.push(item);
  }
  if (!options.dryRun && undone.size > 0) await dropEntries(api, primary.user_id, undone, target);
  return items;
}

/**
 * Unlinks the entry's identity (when still on the primary), writes its metadata back and links the identities that had
 * moved with it under it again. `found` is false when the secondary is neither on the primary nor a user of its own.
 */
async function restore(
  api: TenantApi,
  primaryId: string,
  identities: Identity[],
  entry: LinkRecordEntry,
  exclude: boolean,
): Promise<{ identities: Identity[]; found: boolean }> {
  const main = { provider: entry.provider, user_id: entry.identity_user_id };
  let current = identities;
  const unlink = async (identity: { provider: string; user_id: string }): Promise<void> => {
    await api.unlink(primaryId, identity.provider, identity.user_id);
    current = current.filter((i) => !sameIdentity(i, identity));
  };
  if (current.some((i) => sameIdentity(i, main))) await unlink(main);
  const moved = entry.moved_identities ?? [];
  if (moved.length > 0) {
    const secondary = await api.getUser(entry.user_id, ['user_id', 'identities']);
    if (!secondary) return { identities: current, found: false };
    for (const identity of moved) {
      if (secondary.identities.some((i) => sameIdentity(i, identity))) continue;
      if (current.some((i) => sameIdentity(i, identity))) await unlink(identity);
      await api.link(entry.user_id, identity);
    }
  }
  const patch = metadataPatch(entry, exclude);
  if (patch) {
    try {
      await api.patchMetadata(entry.user_id, patch);
    } catch (error) {
      if (statusOfError(error) === 404) return { identities: current, found: false };
      throw error;
    }
  }
  return { identities: current, found: true };
}

/** The PATCH that puts the recorded metadata back on a re-created user (which Auth0 makes with none); undefined if empty. */
function metadataPatch(entry: LinkRecordEntry, exclude: boolean): { app_metadata?: Metadata; user_metadata?: Metadata } | undefined {
  const app = { ...entry.app_metadata, ...(exclude ? { [EXCLUDE_KEY]: true } : {}) };
  const patch: { app_metadata?: Metadata; user_metadata?: Metadata } = {};
  if (Object.keys(app).length > 0) patch.app_metadata = app;
  if (Object.keys(entry.user_metadata ?? {}).length > 0) patch.user_metadata = entry.user_metadata;
  return Object.keys(patch).length > 0 ? patch : undefined;
}

function restoredKeys(entry: LinkRecordEntry, exclude: boolean): { app_metadata: string[]; user_metadata: string[] } {
  const patch = metadataPatch(entry, exclude);
  return { app_metadata: Object.keys(patch?.app_metadata ?? {}), user_metadata: Object.keys(patch?.user_metadata ?? {}) };
}

/**
 * Removes the undone entries from the primary's audit record, read again just before (the Action may have added one).
 * The checked mark goes back to what a journal says it was; without a journal it goes when no entry is left.
 */
async function dropEntries(api: TenantApi, primaryId: string, undone: ReadonlySet<string>, target: PrimaryTargets): Promise<void> {
  const fresh = await api.getUser(primaryId, ['user_id', 'app_metadata']);
  if (!fresh) return;
  const left = linkRecords(fresh).filter((e) => !undone.has(e.user_id));
  const allUndone = !left.some((e) => target.secondaries.includes(e.user_id));
  const app: Metadata = dropRecordsPatch(fresh, undone);
  if (target.checkedBefore !== undefined && allUndone) app[CHECKED_KEY] = target.checkedBefore;
  else if (left.length === 0) app[CHECKED_KEY] = null;
  await api.patchMetadata(primaryId, { app_metadata: app });
}
