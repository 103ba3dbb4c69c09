// Reading named users' declines and removing them: one PATCH per user that sets app_metadata.auto_link_declined to null, paced, a few at a time.
// Auth0 merges app_metadata at the top level and drops a key set to null, so every other key of the user stays as it is
// (manage-users/user-accounts/metadata/manage-metadata-api); an empty app_metadata object would wipe them all.
import { DECLINED_KEY } from '../../../actions/decline-memory.ts';
import { CliError } from '../cli.ts';
import { statusOfError } from '../management/pacer.ts';
import type { TenantApi } from '../management/tenant-api.ts';
import { forEachConcurrently } from '../management/workers.ts';
import { declineRowOf, type DeclineRow } from './report.ts';

/** The one write this command makes: the decline record's own key, and nothing else. */
export const CLEAR_PATCH = { app_metadata: { [DECLINED_KEY]: null } } as const;

const FIELDS = ['user_id', 'app_metadata'] as const;

export type ClearStatus =
  /** Removed (with dryRun: would be). */
  | 'cleared'
  /** The user or its record was gone by the time of the write: nothing to do. */
  | 'gone'
  /** --clear-expired found a fresh decline in place of the expired one (the person was asked again and declined): kept. */
  | 'kept'
  | 'failed';

export interface ClearItem {
  user_id: string;
  status: ClearStatus;
  error?: string;
}

export interface WorkOptions {
  concurrency: number;
  signal?: AbortSignal | undefined;
  onProgress?: (settled: number) => void;
}

/**
 * The declines of the named users, read one GET each. Any that does not exist or holds no decline refuses the whole
 * command before anything is changed, in one line.
 */
export async function declinesOf(api: TenantApi, userIds: readonly string[], now: number, options: WorkOptions): Promise<DeclineRow[]> {
  const rows = new Map<string, DeclineRow>();
  const missing: string[] = [];
  const without: string[] = [];
  const failures: string[] = [];
  let settled = 0;
  await forEachConcurrently(
    userIds,
    { concurrency: options.concurrency, signal: options.signal, doing: 'reading the users to clear' },
    async (userId) => {
      const user = await api.getUser(userId, FIELDS);
      const row = user && declineRowOf(user, now);
      if (!user) missing.push(userId);
      else if (!row) without.push(userId);
      else rows.set(userId, row);
      options.onProgress?.(++settled);
    },
    (userId, message) => {
      failures.push(`${message} (reading ${userId})`);
      options.onProgress?.(++settled);
    },
  );
  if (failures.length > 0) throw new CliError(`${failures[0]}${failures.length > 1 ? ` and ${failures.length - 1} more` : ''}; nothing was changed`);
  if (missing.length > 0) throw new CliError(`${listed(missing)} ${missing.length === 1 ? 'is' : 'are'} no user of this tenant: nothing was changed`);
  if (without.length > 0)
    throw new CliError(`${listed(without)} ${without.length === 1 ? 'holds' : 'hold'} no decline (app_metadata.${DECLINED_KEY}): nothing was changed`);
  return userIds.filter((id, i) => userIds.indexOf(id) === i).map((id) => rows.get(id)!);
}

const listed = (ids: readonly string[]): string => (ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`);

/**
 * Removes each row's decline. With `expiredOnly`, each user is read again just before its write, so that a decline made
 * since the tenant was read (a person asked again who declined again) is kept.
 */
export async function clearDeclines(
  api: TenantApi,
  rows: readonly DeclineRow[],
  expiredOnly: boolean,
  now: number,
  options: WorkOptions,
): Promise<ClearItem[]> {
  const items: ClearItem[] = [];
  await forEachConcurrently(
    rows,
    { concurrency: options.concurrency, signal: options.signal, doing: 'clearing declines' },
    async (row) => {
      items.push({ user_id: row.user_id, status: await clearOne(api, row.user_id, expiredOnly, now) });
      options.onProgress?.(items.length);
    },
    (row, error) => {
      items.push({ user_id: row.user_id, status: 'failed', error });
      options.onProgress?.(items.length);
    },
  );
  return items;
}

async function clearOne(api: TenantApi, userId: string, expiredOnly: boolean, now: number): Promise<ClearStatus> {
  if (expiredOnly) {
    const user = await api.getUser(userId, FIELDS);
    const row = user && declineRowOf(user, now);
    if (!row) return 'gone';
    if (!row.expired) return 'kept';
  }
  try {
    await api.patchMetadata(userId, CLEAR_PATCH);
    return 'cleared';
  } catch (error) {
    if (statusOfError(error) === 404) return 'gone';
    throw error;
  }
}
