// The backfill's plan for a whole tenant: the Action's own policy (planGroups) run over every user, in bounded memory.
// Users are reduced to what the policy reads and, for large tenants, spread over partition files on disk by a hash of
// their folded email (foldEmail), so that a whole group always lands in one partition; each partition is then
// planned on its own. What is kept is the linkable groups, the skip counts and (when a report lists them) the skipped
// accounts — not the tenant.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { CHECKED_KEY, EXCLUDE_KEY, linkRecords, recordKey } from '../../../actions/link-record.ts';
import { foldEmail } from '../../../actions/email.ts';
import { planGroups, type AccountReason, type IneligibleReason, type PolicyOptions, type PolicyUser, type GroupsPlan } from '../../../actions/policy.ts';
import { UNVERIFIED_LOGIN_KEY, type RiskSign } from '../../../actions/risk-signs.ts';
import { UNLINKED_KEY_PREFIX } from '../../../actions/unlink-choice.ts';
import type { Metadata, User } from '../../../actions/types.ts';
import { readNdjson } from '../ndjson.ts';

/** An account as the plan reports it. */
export interface AccountRef {
  user_id: string;
  email?: string;
  connection: string;
  created_at: string;
}

export interface SkippedRef extends AccountRef {
  reason: IneligibleReason;
}

/** Why the policy chose the primary: the oldest eligible account, or the oldest on PRIMARY_CONNECTION. */
export type PrimaryReason = 'oldest' | 'primary-connection';

export interface PlannedGroup {
  email: string;
  primary: AccountRef;
  why: PrimaryReason;
  secondaries: AccountRef[];
  /** Accounts with this email the policy keeps out, with why. */
  skipped: SkippedRef[];
}

/** Accounts sharing an email that only the person can link, by proving both at a login (the backfill cannot). */
export interface ConfirmRef {
  email: string;
  accounts: AccountRef[];
  signs: Array<AccountReason<RiskSign>>;
}

export interface PlanTotals {
  users: number;
  /** Accounts the policy allows to be linked (primaries, secondaries and accounts alone with their email). */
  eligible: number;
  /** Groups with something to link. */
  groups: number;
  links: number;
  /** Eligible accounts no other eligible account shares an email with. */
  alone: number;
  skipped: number;
  skippedByReason: Partial<Record<IneligibleReason, number>>;
  /** Emails whose accounts need the person's confirmation: not linked by the backfill. */
  confirmGroups: number;
}

export interface TenantPlan {
  groups: PlannedGroup[];
  /**
   * Every ineligible account, with why (those sharing an email with a group are also listed in that group); empty
   * unless asked for, as a third of a large tenant may be skipped and only a full listing needs them.
   */
  skipped: SkippedRef[];
  /** The emails that need the person's confirmation, sorted by email. */
  confirm: ConfirmRef[];
  totals: PlanTotals;
}

export interface PlanStorage {
  /** 1 plans in memory; more spread the users over that many temporary files first. */
  partitions: number;
  /** Keep every skipped account in `skipped` (default: counts only). */
  listSkipped?: boolean;
  /** Where the partition files go (default: a new directory under the system's temp directory, removed afterwards). */
  dir?: string;
}

/** Users per partition: planning one takes some 50 MB. */
export const USERS_PER_PARTITION = 25_000;

/** The partition count for a tenant of `users` users. */
export function partitionsFor(users: number): number {
  return Math.max(1, Math.ceil(users / USERS_PER_PARTITION));
}

/** Plans every user of `users` with the Action's policy. */
export async function planTenant(users: AsyncIterable<User>, options: PolicyOptions, storage: PlanStorage = { partitions: 1 }): Promise<TenantPlan> {
  const result = emptyPlan(storage.listSkipped ?? false);
  if (storage.partitions <= 1) {
    const all: PolicyUser[] = [];
    for await (const user of users) all.push(policyView(user));
    addPartition(result, planGroups(all, options), options);
    return finish(result);
  }
  const dir = storage.dir ?? (await mkdtemp(join(tmpdir(), 'auto-link-plan-')));
  const paths = Array.from({ length: storage.partitions }, (_, i) => join(dir, `partition-${i}.ndjson`));
  try {
    await spread(users, paths);
    for (const path of paths) {
      const members: PolicyUser[] = [];
      for await (const { value } of readNdjson(path)) members.push(value as PolicyUser);
      addPartition(result, planGroups(members, options), options);
    }
  } finally {
    await Promise.all(paths.map((path) => rm(path, { force: true })));
    if (!storage.dir) await rm(dir, { recursive: true, force: true });
  }
  return finish(result);
}

/**
 * What the policy reads of a user and nothing more: identities without their profileData, of app_metadata only this
 * project's small keys and an undo's marks (the audit record can be large), of user_metadata the unlink choices.
 */
export function policyView(user: User): PolicyUser {
  const view: PolicyUser = {
    user_id: user.user_id,
    created_at: user.created_at,
    identities: user.identities.map(({ provider, user_id, connection, isSocial }) => ({ provider, user_id: String(user_id), connection, isSocial })),
  };
  if (user.email !== undefined) view.email = user.email;
  if (user.email_verified !== undefined) view.email_verified = user.email_verified;
  if (user.blocked !== undefined) view.blocked = user.blocked;
  if (user.last_login !== undefined) view.last_login = user.last_login;
  if (user.last_password_reset !== undefined) view.last_password_reset = user.last_password_reset;
  const kept: Metadata = {};
  for (const key of [EXCLUDE_KEY, CHECKED_KEY, UNVERIFIED_LOGIN_KEY]) if (user.app_metadata?.[key] !== undefined) kept[key] = user.app_metadata[key];
  // Of the audit records, only an undo's restoring_at marks, which the policy reads, without the metadata they keep.
  for (const entry of linkRecords(user)) {
    if (entry.restoring_at !== undefined) kept[recordKey(entry.user_id)] = { user_id: entry.user_id, restoring_at: entry.restoring_at };
  }
  if (Object.keys(kept).length > 0) view.app_metadata = kept;
  // Of user_metadata, only the person's unlink choices: the rest is the person's own and the policy does not read it.
  const choices = Object.entries(user.user_metadata ?? {}).filter(([key]) => key.startsWith(UNLINKED_KEY_PREFIX));
  if (choices.length > 0) view.user_metadata = Object.fromEntries(choices);
  return view;
}

/** Writes each user's policy view to the partition file of its folded email. */
async function spread(users: AsyncIterable<User>, paths: string[]): Promise<void> {
  const streams: WriteStream[] = paths.map((path) => createWriteStream(path));
  try {
    for await (const user of users) {
      const stream = streams[hash(user.email === undefined ? '' : foldEmail(user.email)) % streams.length]!;
      if (!stream.write(`${JSON.stringify(policyView(user))}\n`)) await once(stream, 'drain');
    }
  } finally {
    await Promise.all(
      streams.map((stream) => new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())))),
    );
  }
}

/** FNV-1a, 32 bits: cheap and spreads emails evenly. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

interface PlanBuilder extends TenantPlan {
  listSkipped: boolean;
}

function emptyPlan(listSkipped: boolean): PlanBuilder {
  return {
    groups: [],
    skipped: [],
    confirm: [],
    totals: { users: 0, eligible: 0, groups: 0, links: 0, alone: 0, skipped: 0, skippedByReason: {}, confirmGroups: 0 },
    listSkipped,
  };
}

function addPartition(plan: PlanBuilder, partition: GroupsPlan<PolicyUser>, options: PolicyOptions): void {
  const { totals } = plan;
  for (const group of partition.groups) {
    const members = 1 + group.secondaries.length;
    totals.users += members + group.skipped.length;
    totals.eligible += members;
    for (const skipped of group.skipped) addSkipped(plan, skipped.user, skipped.reason);
    if (group.secondaries.length === 0) {
      totals.alone += 1;
      continue;
    }
    totals.groups += 1;
    totals.links += group.secondaries.length;
    plan.groups.push({
      email: group.email,
      primary: ref(group.primary),
      why: options.primaryConnection !== undefined && group.primary.identities[0]?.connection === options.primaryConnection ? 'primary-connection' : 'oldest',
      secondaries: group.secondaries.map(ref),
      skipped: group.skipped.map(({ user, reason }) => ({ ...ref(user), reason })),
    });
  }
  for (const { user, reason } of partition.skipped) {
    totals.users += 1;
    addSkipped(plan, user, reason);
  }
  for (const group of partition.confirm) {
    totals.confirmGroups += 1;
    plan.confirm.push({ email: group.email, accounts: group.accounts.map(ref), signs: group.signs });
  }
}

function addSkipped(plan: PlanBuilder, user: PolicyUser, reason: IneligibleReason): void {
  if (plan.listSkipped) plan.skipped.push({ ...ref(user), reason });
  plan.totals.skipped += 1;
  plan.totals.skippedByReason[reason] = (plan.totals.skippedByReason[reason] ?? 0) + 1;
}

function ref(user: PolicyUser): AccountRef {
  const out: AccountRef = { user_id: user.user_id, connection: user.identities[0]?.connection ?? '', created_at: user.created_at };
  if (user.email !== undefined) out.email = user.email;
  return out;
}

function finish({ groups, skipped, confirm, totals }: PlanBuilder): TenantPlan {
  const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  groups.sort((a, b) => byText(a.email, b.email));
  skipped.sort((a, b) => byText(a.user_id, b.user_id));
  confirm.sort((a, b) => byText(a.email, b.email));
  return { groups, skipped, confirm, totals };
}
