// Applies a backfill plan group by group, as the Action links one login: re-read the group, re-plan it with the policy,
// write the audit record and the checked mark on the primary BEFORE any link, then link each secondary. Every step is
// journaled; a group already done in the journal costs no request, and a link the journal missed is found on the tenant.
import { CHECKED_KEY, dropRecordsPatch, type CheckedMark } from '../../../actions/link-record.ts';
import type { EndSessions } from '../../../actions/config.ts';
import { endSessionsBeforeLink, linkIdentity, preLinkMetadata, secondaryGone, USER_FIELDS } from '../../../actions/link-protocol.ts';
import { planGroups, sameIdentity, type PolicyOptions } from '../../../actions/policy.ts';
import type { Identity, User } from '../../../actions/types.ts';
import type { GroupResult, GroupToApply, Journal, JournalRecord } from './journal.ts';
import { linkFailureOf, type TenantApi } from '../management/tenant-api.ts';
import { forEachConcurrently } from '../management/workers.ts';

/** What earlier runs on the same journal did. */
export interface PriorProgress {
  /** Emails of groups finished (done or found changed). */
  finished: ReadonlySet<string>;
  /** Secondaries linked, by user_id. */
  linked: ReadonlySet<string>;
}

export interface ApplyOptions {
  policy: PolicyOptions;
  /** What of a password account's sessions ends before its link (END_SESSIONS, as the Action reads it). */
  endSessions: EndSessions;
  /** Groups worked on at once (each group's own requests are sequential). */
  concurrency: number;
  now?: () => Date;
  signal?: AbortSignal;
  /** Called after each group, with the links settled so far (made, found made, or given up). */
  onProgress?: (settledLinks: number) => void;
  /** Called after each link is journaled (tests stop a run here to simulate a crash). */
  onLinked?: (secondary: string) => void;
}

export interface ApplySummary {
  groups: number;
  /** Groups finished by an earlier run on this journal: no request made for them. */
  finishedBefore: number;
  linkedGroups: number;
  partialGroups: number;
  changedGroups: number;
  failedGroups: number;
  /** Links made by this run. */
  linked: number;
  /** Links found already made (by an earlier, interrupted run, or by the Action). */
  alreadyLinked: number;
  /** Secondaries that were gone (deleted, or linked elsewhere) when their turn came. */
  gone: number;
  failures: Array<{ email: string; primary: string; error: string }>;
  interrupted: boolean;
}

/** Applies `groups`, skipping those `prior` finished; a failed group is journaled and the others go on. */
export async function applyGroups(
  api: TenantApi,
  journal: Journal,
  groups: readonly GroupToApply[],
  prior: PriorProgress,
  options: ApplyOptions,
): Promise<ApplySummary> {
  const summary: ApplySummary = {
    groups: groups.length,
    finishedBefore: 0,
    linkedGroups: 0,
    partialGroups: 0,
    changedGroups: 0,
    failedGroups: 0,
    linked: 0,
    alreadyLinked: 0,
    gone: 0,
    failures: [],
    interrupted: false,
  };
  const now = options.now ?? (() => new Date());
  let settled = 0;
  const todo: GroupToApply[] = [];
  for (const group of groups) {
    if (prior.finished.has(group.email)) {
      summary.finishedBefore += 1;
      settled += group.secondaries.length;
    } else {
      todo.push(group);
    }
  }
  options.onProgress?.(settled);
  await forEachConcurrently(
    todo,
    { concurrency: options.concurrency, signal: options.signal, doing: 'linking' },
    async (group) => {
      const result = await applyGroup(api, journal, group, prior, options, now, summary);
      summary[`${result}Groups`] += 1;
      settled += group.secondaries.length;
      options.onProgress?.(settled);
    },
    (group, error) => {
      journal.append({ type: 'group-failed', email: group.email, primary: group.primary, error: `group ${group.email}: ${error}` });
      summary.failedGroups += 1;
      summary.failures.push({ email: group.email, primary: group.primary, error: `group ${group.email}: ${error}` });
      settled += group.secondaries.length;
      options.onProgress?.(settled);
    },
  );
  summary.interrupted = options.signal?.aborted === true;
  return summary;
}

async function applyGroup(
  api: TenantApi,
  journal: Journal,
  group: GroupToApply,
  prior: PriorProgress,
  options: ApplyOptions,
  now: () => Date,
  summary: ApplySummary,
): Promise<GroupResult> {
  const record = (entry: JournalRecord, durable = false): void => journal.append(entry, { durable });
  const at = (): string => now().toISOString();
  const pending = group.secondaries.filter((id) => !prior.linked.has(id));
  const members: User[] = [];
  const missing: string[] = [];
  for (const id of [group.primary, ...pending]) {
    const user = await api.getUser(id, USER_FIELDS);
    if (user) members.push(user);
    else missing.push(id);
  }
  // A secondary that no longer exists may be linked already: by an earlier run that stopped before journaling it,
  // or by the Action at a login. Only the planned primary holding its identity counts as done.
  const primaryNow = members.find((u) => u.user_id === group.primary);
  for (const id of missing.filter((m) => m !== group.primary)) {
    if (primaryNow && holds(primaryNow.identities, id)) {
      record({ type: 'linked', email: group.email, primary: group.primary, secondary: id, at: at(), verified: true });
      summary.alreadyLinked += 1;
    } else {
      summary.gone += 1;
    }
  }
  const plan = planGroups(members, options.policy).groups.find((g) => g.email === group.email);
  if (!plan || plan.secondaries.length === 0) {
    const note = missing.includes(group.primary) ? 'the primary no longer exists' : 'nothing left to link';
    record({ type: 'group-done', email: group.email, primary: group.primary, outcome: 'changed', note }, true);
    return 'changed';
  }
  const { primary, secondaries } = plan;
  // As the Action does: the password accounts' sessions and refresh tokens end before anything is written for the link.
  await endSessionsBeforeLink([primary, ...secondaries], api, options.endSessions);
  const stamp = now();
  // Journaled before the write: a run killed after Auth0 applied it but before its answer came must not take this
  // run's own mark for the one the primary had.
  const checkedBefore = (primary.app_metadata?.[CHECKED_KEY] as CheckedMark | undefined) ?? null;
  record({
    type: 'patching',
    email: group.email,
    primary: primary.user_id,
    secondaries: secondaries.map((s) => s.user_id),
    checked_before: checkedBefore,
    at: at(),
  });
  await api.patchMetadata(primary.user_id, { app_metadata: preLinkMetadata(primary, secondaries, 'backfill', stamp) });
  const gone: string[] = [];
  for (const secondary of secondaries) {
    options.signal?.throwIfAborted();
    const made = await linkOne(api, primary.user_id, secondary);
    if (made === 'gone') {
      gone.push(secondary.user_id);
      continue;
    }
    record({
      type: 'linked',
      email: group.email,
      primary: primary.user_id,
      secondary: secondary.user_id,
      at: at(),
      ...(made === 'found' ? { verified: true } : {}),
    });
    if (made === 'made') summary.linked += 1;
    else summary.alreadyLinked += 1;
    options.onLinked?.(secondary.user_id);
  }
  if (gone.length > 0) {
    summary.gone += gone.length;
    // The audit record must not claim links that were never made: drop their entries again.
    const current = await api.getUser(primary.user_id, ['user_id', 'app_metadata']);
    const drop = dropRecordsPatch(current ?? primary, gone);
    if (Object.keys(drop).length > 0) await api.patchMetadata(primary.user_id, { app_metadata: drop });
  }
  const result: GroupResult = gone.length > 0 ? 'partial' : 'linked';
  const note = primary.user_id !== group.primary ? `primary is now ${primary.user_id}` : undefined;
  record({ type: 'group-done', email: group.email, primary: primary.user_id, outcome: result, ...(note ? { note } : {}) }, true);
  return result;
}

/**
 * Links one secondary with the link protocol: `found` when the read-back after an open answer finds it linked, `gone`
 * when the answer and the read-back say it is no longer a user to link; any other failure fails the group.
 */
async function linkOne(api: TenantApi, primaryId: string, secondary: User): Promise<'made' | 'found' | 'gone'> {
  const identity = secondary.identities[0]!;
  const result = await linkIdentity(identity, {
    link: () => api.link(primaryId, identity),
    readIdentities: async () => (await api.getUser(primaryId, ['user_id', 'identities']))?.identities,
    failureOf: linkFailureOf,
  });
  if (result.linked) return result.readBack ? 'found' : 'made';
  if (result.failure !== undefined && secondaryGone(result.failure)) return 'gone';
  throw result.error;
}

/** True when `identities` hold the main identity of `userId` (`provider|id`). */
function holds(identities: readonly Identity[], userId: string): boolean {
  const bar = userId.indexOf('|');
  return bar > 0 && identities.some((i) => sameIdentity(i, { provider: userId.slice(0, bar), user_id: userId.slice(bar + 1) }));
}
