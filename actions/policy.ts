// The linking policy, pure: which accounts may be linked, which one is the primary, what a login or a whole tenant should link.
// The one source of truth shared by the Action (planLogin) and the backfill (planGroups); no I/O and no clock reads.
import { connectionKind, type ConnectionKind } from './strategies.ts';
import { foldEmail } from './email.ts';
import { isExcluded, restoringIds } from './link-record.ts';
import type { Identity, User } from './types.ts';

/** The fields of a user the policy reads: what users-by-email and the plan's read of the tenant ask for. */
export const POLICY_FIELDS = ['user_id', 'email', 'email_verified', 'created_at', 'identities', 'app_metadata', 'blocked'] as const satisfies ReadonlyArray<
  keyof User
>;

/** The parts of a user the policy reads. */
export type PolicyUser = Pick<User, (typeof POLICY_FIELDS)[number]>;

/**
 * Which connections' verified emails are believed. `connections` set (secret TRUSTED_CONNECTIONS) → exactly those
 * connection names; undefined → every connection of a DEFAULT_TRUSTED_KINDS kind.
 */
export interface TrustRule {
  connections: ReadonlySet<string> | undefined;
}

/**
 * Kinds whose `email_verified` means the address owner proved control of it to Auth0 or to a major IdP.
 * Not trusted: enterprise (the IdP asserts email_verified for addresses nobody checked: nOAuth), custom social `oauth2`
 * (email_verified is whatever the admin's fetchUserProfile script says), passwordless SMS (no email is verified).
 */
export const DEFAULT_TRUSTED_KINDS: ReadonlySet<ConnectionKind> = new Set(['database', 'passwordless-email', 'social']);

/** `restoring`: an undo is taking this account's link back (its record on another member is marked restoring_at). */
export type IneligibleReason = 'no-email' | 'unverified' | 'untrusted-connection' | 'excluded' | 'blocked' | 'restoring';

export type Eligibility = { eligible: true } | { eligible: false; reason: IneligibleReason };

export interface PolicyOptions {
  trust: TrustRule;
  /** Prefer the oldest eligible account whose main identity is on this connection. */
  primaryConnection?: string | undefined;
}

export function isTrustedIdentity(identity: Pick<Identity, 'provider' | 'connection'>, trust: TrustRule): boolean {
  return trust.connections ? trust.connections.has(identity.connection) : DEFAULT_TRUSTED_KINDS.has(connectionKind(identity.provider));
}

/** Whether an account may take part in an automatic link, on either side; the first failing rule is the reason. */
export function eligibility(user: PolicyUser, trust: TrustRule): Eligibility {
  if (isExcluded(user)) return { eligible: false, reason: 'excluded' };
  if (user.blocked === true) return { eligible: false, reason: 'blocked' };
  if (typeof user.email !== 'string' || user.email === '') return { eligible: false, reason: 'no-email' };
  if (user.email_verified !== true) return { eligible: false, reason: 'unverified' };
  // An account with no identity at all is not something this policy understands: not trusted.
  if (user.identities.length === 0 || !user.identities.every((identity) => isTrustedIdentity(identity, trust))) {
    return { eligible: false, reason: 'untrusted-connection' };
  }
  return { eligible: true };
}

/** Oldest first (unparseable dates last), then smallest user_id: a total order, so every caller picks the same primary. */
export function compareAge(a: PolicyUser, b: PolicyUser): number {
  const at = Date.parse(a.created_at);
  const bt = Date.parse(b.created_at);
  const ak = Number.isNaN(at) ? Infinity : at;
  const bk = Number.isNaN(bt) ? Infinity : bt;
  if (ak !== bk) return ak < bk ? -1 : 1;
  return a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0;
}

export interface SkippedAccount<U extends PolicyUser = User> {
  user: U;
  reason: IneligibleReason;
}

/** One person: eligible accounts sharing a lower-cased verified email, and the accounts with that email that stay out. */
export interface LinkGroup<U extends PolicyUser = User> {
  email: string;
  primary: U;
  /** The other eligible accounts, oldest first: each is linked into the primary. */
  secondaries: U[];
  /** Accounts with this email that must not be linked, with why. */
  skipped: Array<SkippedAccount<U>>;
}

export interface GroupsPlan<U extends PolicyUser = User> {
  /** Every email with at least one eligible account (also those with nothing to link), sorted by email. */
  groups: Array<LinkGroup<U>>;
  /** Ineligible accounts whose email no eligible account shares (or that have no email). */
  skipped: Array<SkippedAccount<U>>;
}

/** Every user lands in exactly one place: a group's primary, secondaries or skipped, or the plan's skipped. */
export function planGroups<U extends PolicyUser>(users: Iterable<U>, options: PolicyOptions): GroupsPlan<U> {
  const byKey = new Map<string, { eligible: U[]; skipped: Array<SkippedAccount<U>> }>();
  const loose: Array<SkippedAccount<U>> = [];
  for (const user of users) {
    const verdict = eligibility(user, options.trust);
    if (typeof user.email !== 'string' || user.email === '') {
      if (!verdict.eligible) loose.push({ user, reason: verdict.reason });
      continue;
    }
    const key = foldEmail(user.email);
    let bucket = byKey.get(key);
    if (!bucket) byKey.set(key, (bucket = { eligible: [], skipped: [] }));
    if (verdict.eligible) bucket.eligible.push(user);
    else bucket.skipped.push({ user, reason: verdict.reason });
  }
  const groups: Array<LinkGroup<U>> = [];
  for (const [email, bucket] of [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // The undo wins: an account whose link an undo is taking back stays out of every link until the undo is done.
    const restoring = new Set([...bucket.eligible, ...bucket.skipped.map((s) => s.user)].flatMap((u) => restoringIds(u)));
    if (restoring.size > 0) {
      bucket.skipped.push(...bucket.eligible.filter((u) => restoring.has(u.user_id)).map((user) => ({ user, reason: 'restoring' as const })));
      bucket.eligible = bucket.eligible.filter((u) => !restoring.has(u.user_id));
    }
    if (bucket.eligible.length === 0) {
      loose.push(...bucket.skipped);
      continue;
    }
    groups.push({ email, ...splitPrimary(bucket.eligible, options.primaryConnection), skipped: bucket.skipped });
  }
  return { groups, skipped: loose };
}

/** The primary among eligible accounts (the oldest, or the oldest on the preferred connection) and the rest, oldest first. */
function splitPrimary<U extends PolicyUser>(eligible: U[], primaryConnection: string | undefined): { primary: U; secondaries: U[] } {
  const sorted = [...eligible].sort(compareAge);
  const preferred = primaryConnection === undefined ? undefined : sorted.find((u) => u.identities[0]?.connection === primaryConnection);
  const primary = preferred ?? sorted[0]!;
  return { primary, secondaries: sorted.filter((u) => u !== primary) };
}

export type LoginPlan<U extends PolicyUser = User> =
  | { kind: 'none'; reason: IneligibleReason | 'alone' }
  /** The login identity already sits under another account (a concurrent login linked it): end the login there. */
  | { kind: 'already-linked'; primary: U }
  /** Link `secondaries` into `primary`; `setPrimaryUser` when the login user is one of the secondaries. */
  | { kind: 'link'; primary: U; secondaries: U[]; setPrimaryUser: boolean };

/**
 * What one login should do, given the accounts found by its email. It is planGroups restricted to the login's group,
 * so the Action and the backfill cannot disagree. The candidates' copy of the login user wins over the event's (fresher).
 */
export function planLogin<U extends PolicyUser>(loginUser: U, candidates: readonly U[], options: PolicyOptions): LoginPlan<U> {
  const main = loginUser.identities[0];
  const holder = main && candidates.find((c) => c.user_id !== loginUser.user_id && c.identities.some((i) => sameIdentity(i, main)));
  const login = candidates.find((c) => c.user_id === loginUser.user_id) ?? loginUser;
  const verdict = eligibility(login, options.trust);
  if (!verdict.eligible) return { kind: 'none', reason: verdict.reason };
  if (holder) return { kind: 'already-linked', primary: holder };
  const key = foldEmail(login.email!);
  const members = [login, ...candidates.filter((c) => c.user_id !== login.user_id && typeof c.email === 'string' && foldEmail(c.email) === key)];
  const grouped = planGroups(members, options);
  const group = grouped.groups[0];
  const skipped = [...(group?.skipped ?? []), ...grouped.skipped].find((s) => s.user.user_id === login.user_id);
  if (skipped) return { kind: 'none', reason: skipped.reason };
  if (!group || group.secondaries.length === 0) return { kind: 'none', reason: 'alone' };
  return { kind: 'link', primary: group.primary, secondaries: group.secondaries, setPrimaryUser: group.primary.user_id !== login.user_id };
}

export function sameIdentity(a: Pick<Identity, 'provider' | 'user_id'>, b: Pick<Identity, 'provider' | 'user_id'>): boolean {
  return a.provider === b.provider && String(a.user_id) === String(b.user_id);
}
