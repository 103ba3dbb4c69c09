// The linking policy, pure: per account pair link silently, link once the person confirms, or never; which account is the
// primary; what a login or a whole tenant should link. The one source of truth shared by the Action (planLogin,
// confirmCandidates) and the backfill (planGroups); no I/O and no clock reads (the caller passes `now`).
import { connectionKind, type ConnectionKind } from './strategies.ts';
import { foldEmail } from './email.ts';
import { isExcluded, linkRecords, restoringIds } from './link-record.ts';
import { authenticatedSinceReset, hasPasswordEvidence, isDormant, usedUnverified, type RiskSign } from './risk-signs.ts';
import { unlinkedByPerson } from './unlink-choice.ts';
import type { Identity, User } from './types.ts';

/** The fields of a user the policy reads: what users-by-email and the plan's read of the tenant ask for. */
export const POLICY_FIELDS = [
  'user_id',
  'email',
  'email_verified',
  'created_at',
  'identities',
  'app_metadata',
  // The person's unlink on the linking page is kept here (a user's token cannot write app_metadata): read by the same lookup.
  'user_metadata',
  'blocked',
  'last_login',
  'last_password_reset',
] as const satisfies ReadonlyArray<keyof User>;

/** The parts of a user the policy reads. */
export type PolicyUser = Pick<User, (typeof POLICY_FIELDS)[number]>;

/**
 * Which connections' verified emails are believed for a silent link, and what else signals risk. `connections` set
 * (secret TRUSTED_CONNECTIONS) → exactly those connection names; undefined → the default kinds and social providers
 * below, except the database connections named in `customDatabases`.
 */
export interface TrustRule {
  connections: ReadonlySet<string> | undefined;
  /** Database connections with a custom login script (secret CUSTOM_DATABASES): not silently trusted by default. */
  customDatabases?: ReadonlySet<string> | undefined;
  /** An account with no login for more than `days` at `now` (epoch ms) is dormant. Undefined: no dormancy sign. */
  dormancy?: { days: number; now: number } | undefined;
}

/**
 * Kinds whose `email_verified` means the address owner proved control of it to Auth0: its own database (a
 * verification mail) and passwordless email (the login itself). Social providers are trusted one by one below.
 * Not trusted: enterprise (the IdP asserts email_verified for addresses nobody checked: nOAuth), custom social `oauth2`
 * (email_verified is whatever the admin's fetchUserProfile script says), passwordless SMS (no email is verified).
 */
export const DEFAULT_TRUSTED_KINDS: ReadonlySet<ConnectionKind> = new Set(['database', 'passwordless-email']);

/**
 * Social providers whose verified email is the provider's own check of a mailbox the person controls, and whose
 * addresses a third party cannot assign: Google, GitHub, Apple, Microsoft personal accounts. Not the others, in
 * particular directories where an organisation's admin sets the address (Salesforce, Box, Shopify, Yammer, …).
 */
export const DEFAULT_TRUSTED_SOCIAL: ReadonlySet<string> = new Set(['google-oauth2', 'github', 'apple', 'windowslive']);

/**
 * Why an account never takes part in a link, nor is offered for one: whatever the other side, whatever it proves.
 * `restoring`: an undo is taking this account's link back (its record on another member is marked restoring_at).
 * `unlinked-by-person`: the person unlinked this account from another member on the linking page (that member's
 * user_metadata says so); a pair's reason, like `restoring`.
 * `unvouched`: the account holds identities beyond its main one that someone other than the mailbox's owner may have
 * linked (see vouched): a link would carry them into the other account, and no proof of the main identity covers them.
 */
export type NeverReason = 'no-email' | 'unverified' | 'excluded' | 'blocked' | 'unvouched' | 'restoring' | 'unlinked-by-person';

/** Why an account is not linked silently: it can never be, or a risk sign asks the person to confirm. */
export type IneligibleReason = NeverReason | RiskSign;

const NEVER: ReadonlySet<IneligibleReason> = new Set<NeverReason>([
  'no-email',
  'unverified',
  'excluded',
  'blocked',
  'unvouched',
  'restoring',
  'unlinked-by-person',
]);

/** True for the reasons that keep an account out of every link, confirmed ones included. */
export function isNeverReason(reason: IneligibleReason): reason is NeverReason {
  return NEVER.has(reason);
}

/** The never reasons that belong to a pair of accounts, not to either alone. */
type PairNeverReason = 'restoring' | 'unlinked-by-person';

export type Eligibility = { eligible: true } | { eligible: false; reason: IneligibleReason };

export interface PolicyOptions {
  trust: TrustRule;
  /** Prefer the oldest eligible account whose main identity is on this connection. */
  primaryConnection?: string | undefined;
}

export function isTrustedIdentity(identity: Pick<Identity, 'provider' | 'connection'>, trust: TrustRule): boolean {
  if (trust.connections) return trust.connections.has(identity.connection);
  return DEFAULT_TRUSTED_SOCIAL.has(identity.provider) || DEFAULT_TRUSTED_KINDS.has(connectionKind(identity.provider));
}

/**
 * What a fresh sign-in to an identity proves about the person at the browser. `mailbox`: they hold the mailbox of its
 * verified email (a trusted social provider, passwordless email, or a connection listed in TRUSTED_CONNECTIONS). `password`:
 * they hold its password, which whoever signed up chose (a database), so the mailbox only with evidence. `nothing`: its IdP
 * may sign anyone in as anyone (enterprise, custom social, an untrusted provider): a "proof" there proves nothing.
 */
export type SignInProof = 'mailbox' | 'password' | 'nothing';

export function signInProof(identity: Pick<Identity, 'provider' | 'connection'>, trust: TrustRule): SignInProof {
  if (connectionKind(identity.provider) === 'database') return 'password';
  return isTrustedIdentity(identity, trust) ? 'mailbox' : 'nothing';
}

/** True when a fresh sign-in to the account shows its holder holds the mailbox: a mailbox identity, or a password with evidence. */
export function provesMailbox(user: PolicyUser, trust: TrustRule): boolean {
  const main = user.identities[0];
  if (!main) return false;
  const proof = signInProof(main, trust);
  return proof === 'mailbox' || (proof === 'password' && hasPasswordEvidence(user));
}

/**
 * True when every identity of the account was put there by the owner of its mailbox: it has no identity beyond its main
 * one; or its main identity proves the mailbox (only its holder can sign in to it and link more, on connected accounts, with
 * a fresh sign-in); or each further identity was linked by this project's Action or backfill under these rules (its audit
 * record, in app_metadata, which no user's token can write). An account built by whoever chose a database password may
 * hold their "trojan" identity: linking it anywhere would carry that identity along.
 */
export function vouched(user: PolicyUser, trust: TrustRule): boolean {
  const [main, ...others] = user.identities;
  if (!main || others.length === 0) return true;
  if (signInProof(main, trust) === 'mailbox') return true;
  const recorded = new Set<string>();
  for (const entry of linkRecords(user)) {
    if (entry.by === 'connected') continue;
    recorded.add(`${entry.provider}|${entry.identity_user_id}`);
    for (const moved of entry.moved_identities ?? []) recorded.add(`${moved.provider}|${moved.user_id}`);
  }
  return others.every((identity) => recorded.has(`${identity.provider}|${String(identity.user_id)}`));
}

/**
 * Whether the person signed in to `login` may be asked to prove `other` on the linking page. Signing in to `other` must need
 * a credential an attacker does not have (not an IdP that signs anyone in), and one of the two must prove the mailbox: a
 * person who holds only two credentials that whoever signed up chose (a nOAuth login and an unproven password) proves
 * nothing about the address. Directional: the login side only has to have signed in, the other side is proven on the page.
 */
export function mayProve(login: PolicyUser, other: PolicyUser, trust: TrustRule): boolean {
  const main = other.identities[0];
  if (!main || signInProof(main, trust) === 'nothing') return false;
  return provesMailbox(login, trust) || provesMailbox(other, trust);
}

/**
 * The accounts of a link whose SSO sessions and refresh tokens end before it: every account with a password identity.
 * Whoever signed up with the address chose that password and may still hold a session or a refresh token from before the
 * owner reset it or proved it; after the link such a session would reach the other account too.
 */
export function sessionsToEnd<U extends PolicyUser>(accounts: readonly U[]): U[] {
  return accounts.filter((u) => u.identities.some((i) => connectionKind(i.provider) === 'database'));
}

/**
 * True when the login signed in to a password account before that account's last reset: such a session may be whoever
 * chose the password before the owner reset it, so it neither links nor offers (the reset's evidence is for later sign-ins).
 */
export function signedInBeforeReset(user: PolicyUser, methods: ReadonlyArray<{ timestamp: string }> | undefined): boolean {
  return sessionsToEnd([user]).length > 0 && !authenticatedSinceReset(user, methods);
}

/** The reason an account never takes part in a link on its own account (not the pair reasons), or undefined. */
export function neverReason(user: PolicyUser, trust: TrustRule): Exclude<NeverReason, PairNeverReason> | undefined {
  if (isExcluded(user)) return 'excluded';
  if (user.blocked === true) return 'blocked';
  if (typeof user.email !== 'string' || user.email === '') return 'no-email';
  if (user.email_verified !== true) return 'unverified';
  if (!vouched(user, trust)) return 'unvouched';
  return undefined;
}

/** Every risk sign of an account, in a fixed order; empty when it may be linked silently (if it is not `never`). */
export function riskSigns(user: PolicyUser, trust: TrustRule): RiskSign[] {
  const signs: RiskSign[] = [];
  // An account with no identity at all is not something this policy understands: not trusted.
  if (user.identities.length === 0 || !user.identities.every((identity) => isTrustedIdentity(identity, trust))) signs.push('untrusted-connection');
  // An explicit TRUSTED_CONNECTIONS means exactly what it lists: a custom database named there is trusted.
  else if (!trust.connections && user.identities.some((i) => connectionKind(i.provider) === 'database' && trust.customDatabases?.has(i.connection))) {
    signs.push('custom-database');
  }
  const main = user.identities[0];
  if (main && signInProof(main, trust) === 'password' && !hasPasswordEvidence(user)) signs.push('password-unproven');
  if (usedUnverified(user)) signs.push('unverified-use');
  if (trust.dormancy && isDormant(user, trust.dormancy)) signs.push('dormant');
  return signs;
}

/** Whether an account may take part in a silent link, on either side; the first failing rule is the reason. */
export function eligibility(user: PolicyUser, trust: TrustRule): Eligibility {
  const never = neverReason(user, trust);
  if (never) return { eligible: false, reason: never };
  const [sign] = riskSigns(user, trust);
  return sign ? { eligible: false, reason: sign } : { eligible: true };
}

/** One account's part in a pair's answer. */
export interface AccountReason<R> {
  user_id: string;
  reason: R;
}

/** The answer for one pair of accounts with the same email, with every reason behind it. */
export type PairAnswer =
  | { answer: 'silent' }
  /** Linked only once the person proves they hold the other account too; `signs` say why not silently. */
  | { answer: 'confirm'; signs: Array<AccountReason<RiskSign>> }
  | { answer: 'never'; reasons: Array<AccountReason<NeverReason | 'different-email'>> };

/**
 * Link silently, link once the person confirms, or never. Never: an unverified, blocked or excluded account (or no
 * email) on either side, an undo taking their link back, the person having unlinked them, or two different mailboxes.
 * Silent: no risk sign on either side. Confirm: everything else, since a person who signs in to both proves they hold both.
 */
export function pairAnswer(a: PolicyUser, b: PolicyUser, trust: TrustRule): PairAnswer {
  const never: Array<AccountReason<NeverReason | 'different-email'>> = [a, b].flatMap((u) => {
    const reason = neverReason(u, trust);
    return reason ? [{ user_id: u.user_id, reason }] : [];
  });
  if (restoringIds(a).includes(b.user_id)) never.push({ user_id: b.user_id, reason: 'restoring' });
  if (restoringIds(b).includes(a.user_id)) never.push({ user_id: a.user_id, reason: 'restoring' });
  if (unlinkedByPerson(a, b)) never.push({ user_id: b.user_id, reason: 'unlinked-by-person' });
  if (unlinkedByPerson(b, a)) never.push({ user_id: a.user_id, reason: 'unlinked-by-person' });
  if (never.length > 0) return { answer: 'never', reasons: never };
  if (foldEmail(a.email!) !== foldEmail(b.email!)) return { answer: 'never', reasons: [{ user_id: b.user_id, reason: 'different-email' }] };
  const signs = [a, b].flatMap((u) => riskSigns(u, trust).map((reason) => ({ user_id: u.user_id, reason })));
  return signs.length === 0 ? { answer: 'silent' } : { answer: 'confirm', signs };
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

/** One email whose accounts a person could link by confirming: two or more that are not `never`, one with a risk sign. */
export interface ConfirmGroup<U extends PolicyUser = User> {
  email: string;
  /** The accounts that take part in a pair a person could link by proving one side on the page, oldest first. */
  accounts: U[];
  /** The risk signs that keep them from a silent link. */
  signs: Array<AccountReason<RiskSign>>;
}

export interface GroupsPlan<U extends PolicyUser = User> {
  /** Every email with at least one eligible account (also those with nothing to link), sorted by email. */
  groups: Array<LinkGroup<U>>;
  /** Ineligible accounts whose email no eligible account shares (or that have no email). */
  skipped: Array<SkippedAccount<U>>;
  /** Emails that need the person's confirmation for some link (their accounts are also in groups or skipped), sorted. */
  confirm: Array<ConfirmGroup<U>>;
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
  const confirm: Array<ConfirmGroup<U>> = [];
  for (const [email, bucket] of [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // The undo wins: an account whose link an undo is taking back stays out of every link until the undo is done.
    const everyone = [...bucket.eligible, ...bucket.skipped.map((s) => s.user)];
    const restoring = new Set(everyone.flatMap((u) => restoringIds(u)));
    holdOut(bucket, restoring, 'restoring');
    // The person's unlink wins too: an account they unlinked from a member that takes part in this group's links stays
    // out of them. Only such members' entries count here: an entry on an account that is never linked, or only once
    // its holder confirms, refuses nothing but that account's own pairs (pairAnswer), so it cannot keep others apart.
    const holders = bucket.eligible;
    const unlinked = new Set(everyone.filter((u) => holders.some((holder) => holder !== u && unlinkedByPerson(holder, u))).map((u) => u.user_id));
    holdOut(bucket, unlinked, 'unlinked-by-person');
    const held = (u: U): boolean => restoring.has(u.user_id) || unlinked.has(u.user_id);
    // Accounts a person could link by proving one of them on the page, from one side or the other (mayProve).
    const signed = bucket.skipped.filter((s) => !isNeverReason(s.reason) && !held(s.user)).map((s) => s.user);
    const members = [...bucket.eligible, ...signed];
    const confirmable = members.filter((m) =>
      members.some((n) => n !== m && pairAnswer(m, n, options.trust).answer === 'confirm' && (mayProve(m, n, options.trust) || mayProve(n, m, options.trust))),
    );
    if (confirmable.length > 0) {
      const signs = confirmable.flatMap((u) => riskSigns(u, options.trust).map((reason) => ({ user_id: u.user_id, reason })));
      confirm.push({ email, accounts: confirmable.sort(compareAge), signs });
    }
    if (bucket.eligible.length === 0) {
      loose.push(...bucket.skipped);
      continue;
    }
    groups.push({ email, ...splitPrimary(bucket.eligible, options.primaryConnection), skipped: bucket.skipped });
  }
  return { groups, skipped: loose, confirm };
}

/** Moves the eligible accounts among `ids` to the bucket's skipped ones, with `reason`. */
function holdOut<U extends PolicyUser>(bucket: { eligible: U[]; skipped: Array<SkippedAccount<U>> }, ids: ReadonlySet<string>, reason: NeverReason): void {
  if (ids.size === 0) return;
  bucket.skipped.push(...bucket.eligible.filter((u) => ids.has(u.user_id)).map((user) => ({ user, reason })));
  bucket.eligible = bucket.eligible.filter((u) => !ids.has(u.user_id));
}

/** The primary among eligible accounts (the oldest, or the oldest on the preferred connection) and the rest, oldest first. */
export function splitPrimary<U extends PolicyUser>(eligible: U[], primaryConnection: string | undefined): { primary: U; secondaries: U[] } {
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
  const login = loggingIn(candidates.find((c) => c.user_id === loginUser.user_id) ?? loginUser);
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

/**
 * The accounts the login user may link only once the person confirms: same email, neither side `never`, a risk sign on one
 * side, and a proof on the page that would prove something (mayProve). Oldest first. An account already holding the login
 * identity is not one (planLogin moves the login there).
 */
export function confirmCandidates<U extends PolicyUser>(loginUser: U, candidates: readonly U[], options: PolicyOptions): U[] {
  const login = loggingIn(candidates.find((c) => c.user_id === loginUser.user_id) ?? loginUser);
  const main = login.identities[0];
  return candidates
    .filter((c) => c.user_id !== login.user_id && !(main && c.identities.some((i) => sameIdentity(i, main))))
    .filter((c) => pairAnswer(login, c, options.trust).answer === 'confirm' && mayProve(login, c, options.trust))
    .sort(compareAge);
}

/**
 * The login user as the policy judges it: never dormant, since it is logging in now. Its own last_login is already this
 * login's (Auth0 updates it before the Actions run), or, read a moment earlier, the previous one: neither says anything.
 */
export function loggingIn<U extends PolicyUser>(user: U): U {
  if (user.last_login === undefined) return user;
  const copy = { ...user };
  delete copy.last_login;
  return copy;
}

export function sameIdentity(a: Pick<Identity, 'provider' | 'user_id'>, b: Pick<Identity, 'provider' | 'user_id'>): boolean {
  return a.provider === b.provider && String(a.user_id) === String(b.user_id);
}
