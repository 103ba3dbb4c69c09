// The signs that make a link between two accounts unsafe to make silently, each read from the user alone, with no I/O:
// an untrusted connection, a custom database, a password nobody showed to come from the mailbox, a login while the email
// was unverified, a long dormancy.
// The Action records the unverified login itself, for free (api.user.setAppMetadata), so the policy can see it later.
import type { Metadata, User } from './types.ts';

/** app_metadata key the Action sets on a login whose email is not verified: `{ at }`, the first such login seen. */
export const UNVERIFIED_LOGIN_KEY = 'auto_link_unverified_login';

/** Days without a login after which an account is dormant: a risk sign (secret DORMANT_DAYS). */
export const DEFAULT_DORMANT_DAYS = 365;

const DAY_MS = 86_400_000;

export type RiskSign =
  /** A connection not trusted for silent linking (TRUSTED_CONNECTIONS, or not one of the default kinds). */
  | 'untrusted-connection'
  /** A database connection whose login script the admin wrote (CUSTOM_DATABASES): its email_verified is the script's word. */
  | 'custom-database'
  /**
   * A password (database) account with no positive evidence that whoever holds its password holds its mailbox: anyone may
   * sign up with someone else's address, and the owner's click on the verification mail proves the mailbox, not the password.
   */
  | 'password-unproven'
  /** The account logged in while its email was unverified and has not proven control of the mailbox since. */
  | 'unverified-use'
  /** No login for more than the dormancy threshold: the address may have changed hands since (recycled addresses). */
  | 'dormant';

/** The mark of a login made while the email was unverified. */
export interface UnverifiedLoginMark {
  at: string;
}

/** The mark to set on a login with an unverified email; undefined when one is already there (nothing to write). */
export function unverifiedLoginMark(user: Pick<User, 'app_metadata'>, now: Date): UnverifiedLoginMark | undefined {
  return markTime(user.app_metadata) === undefined ? { at: now.toISOString() } : undefined;
}

/**
 * Positive evidence that whoever holds the account's password holds its mailbox: a password reset after the account was
 * created and after any login while its email was unverified. A reset goes through a mail to the address and replaces the
 * password whoever signed up had chosen; the sessions and refresh tokens issued before it are ended before any link
 * (sessionsToEnd). Absence of evidence is no evidence: without a reset the account is linked only once the person proves it.
 */
export function hasPasswordEvidence(user: Pick<User, 'app_metadata' | 'last_password_reset' | 'created_at'>): boolean {
  const reset = user.last_password_reset === undefined ? NaN : Date.parse(user.last_password_reset);
  const created = Date.parse(user.created_at);
  if (Number.isNaN(reset) || Number.isNaN(created) || !(reset > created)) return false;
  const marked = markTime(user.app_metadata);
  return marked === undefined || reset > marked;
}

/**
 * True when this login authenticated after the account's last password reset: the newest of `event.authentication`'s
 * method timestamps is later. A session signed in before the reset may be whoever chose the password before the owner
 * reset it (an SSO session survives a reset on Auth0): it must not make a link that the reset's evidence allows.
 * No authentication methods, or unreadable ones, are not later (the safe reading).
 */
export function authenticatedSinceReset(user: Pick<User, 'last_password_reset'>, methods: ReadonlyArray<{ timestamp: string }> | undefined): boolean {
  if (user.last_password_reset === undefined) return true;
  const reset = Date.parse(user.last_password_reset);
  const latest = Math.max(...(methods ?? []).map((m) => Date.parse(m.timestamp)).filter((t) => !Number.isNaN(t)));
  return Number.isFinite(latest) && !Number.isNaN(reset) && latest > reset;
}

/**
 * True when the account was used unverified and nothing proved control of the mailbox since. A password reset after
 * the mark clears it: it went through the mailbox and replaced whatever password an earlier holder had set. A
 * confirmed link clears it too (the Action removes the mark from the primary when the person proved both accounts).
 */
export function usedUnverified(user: Pick<User, 'app_metadata' | 'last_password_reset'>): boolean {
  const marked = markTime(user.app_metadata);
  if (marked === undefined) return false;
  const reset = user.last_password_reset === undefined ? NaN : Date.parse(user.last_password_reset);
  return !(reset > marked);
}

/**
 * True when the account's last login is more than `days` before `now`. An account that never logged in (no
 * last_login: created by an import or the Management API) is judged by nothing here: see the security model.
 */
export function isDormant(user: Pick<User, 'last_login'>, dormancy: { days: number; now: number }): boolean {
  if (user.last_login === undefined) return false;
  const last = Date.parse(user.last_login);
  // An unreadable last_login is dormant: the safe reading.
  return Number.isNaN(last) || dormancy.now - last > dormancy.days * DAY_MS;
}

/** The mark's time in epoch ms, undefined when there is none; a malformed mark is never cleared (the safe reading). */
function markTime(app: Metadata | undefined): number | undefined {
  const value = app?.[UNVERIFIED_LOGIN_KEY];
  if (value === undefined || value === null) return undefined;
  const at = typeof value === 'object' ? Date.parse(String((value as Partial<UnverifiedLoginMark>).at)) : NaN;
  return Number.isNaN(at) ? Number.MAX_SAFE_INTEGER : at;
}
