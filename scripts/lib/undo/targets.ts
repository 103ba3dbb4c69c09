// Which links to take back: those a backfill journal made, the one of a given account, or all recorded since a date.
// The audit records on primaries (app_metadata.auto_links) are the source for --user and --since: the tenant is read
// whole (paging, or a users export past 1000 users) and only the matching records are kept.
import { linkRecords, type CheckedMark, type LinkRecordEntry } from '../../../actions/link-record.ts';
import { CliError } from '../cli.ts';
import { loadJournal } from '../backfill/journal.ts';
import type { TenantApi } from '../management/tenant-api.ts';
import { openUserSource, type SourceOptions } from '../management/user-source.ts';

/** The links of one primary to undo. */
export interface PrimaryTargets {
  primary: string;
  /** Secondaries' user_ids (as before their link). */
  secondaries: string[];
  /** From a journal: the checked mark the primary had before the backfill (null: none), put back once all are undone. */
  checkedBefore?: CheckedMark | null;
}

export type TargetSelector = { journal: string } | { user: string } | { since: Date };

export interface TargetOptions {
  pollMs?: SourceOptions['pollMs'];
  signal?: AbortSignal;
  onRead?: (users: number, total: number) => void;
}

/** Fields the search reads: who holds which identities and audit records. */
const SEARCH_FIELDS = ['user_id', 'identities', 'app_metadata'] as const;

export async function findTargets(api: TenantApi, selector: TargetSelector, options: TargetOptions = {}): Promise<PrimaryTargets[]> {
  if ('journal' in selector) return fromJournal(selector.journal);
  const matches =
    'user' in selector ? (e: LinkRecordEntry) => e.user_id === selector.user : (e: LinkRecordEntry) => Date.parse(e.linked_at) >= selector.since.getTime();
  const source = await openUserSource(api, {
    fields: SEARCH_FIELDS,
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const found: PrimaryTargets[] = [];
  let read = 0;
  for await (const user of source.users) {
    options.onRead?.(++read, source.total);
    const secondaries = linkRecords(user)
      .filter(matches)
      .map((e) => e.user_id);
    if (secondaries.length > 0) found.push({ primary: user.user_id, secondaries });
  }
  if ('user' in selector && found.length === 0) {
    throw new CliError(
      `no primary holds an audit record of a link of ${selector.user}: it was not linked by the Action or the backfill, or that link was already undone`,
    );
  }
  return found;
}

/** Every link a backfill journal records, by primary, with the mark each primary had before. */
async function fromJournal(path: string): Promise<PrimaryTargets[]> {
  const state = await loadJournal(path);
  const byPrimary = new Map<string, PrimaryTargets>();
  for (const { primary, secondary } of state.links) {
    let targets = byPrimary.get(primary);
    if (!targets) {
      targets = { primary, secondaries: [] };
      // A primary the backfill never patched (its link was found made, e.g. by the Action) keeps its mark as is.
      if (state.checkedBefore.has(primary)) targets.checkedBefore = state.checkedBefore.get(primary)!;
      byPrimary.set(primary, targets);
    }
    if (!targets.secondaries.includes(secondary)) targets.secondaries.push(secondary);
  }
  return [...byPrimary.values()];
}
