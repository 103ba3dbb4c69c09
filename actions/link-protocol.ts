// The one link protocol, for the Action and the backfill alike: the write before any link, the link, and the read-back
// that settles an answer which does not prove the link failed. The callers inject the I/O; no request is made here.
import { CHECKED_KEY, checkedMark, linkRecordFor, recordsPatch, type LinkedBy } from './link-record.ts';
import { POLICY_FIELDS, sameIdentity, sessionsToEnd } from './policy.ts';
import type { Identity, Metadata, User } from './types.ts';

/**
 * What the policy and the audit record read of a user; everything else of a user is left on the server. The policy's own
 * fields already hold user_metadata (the person's unlink choice), which is all the audit record adds.
 */
export const USER_FIELDS: typeof POLICY_FIELDS = POLICY_FIELDS;

/**
 * The app_metadata written on the primary BEFORE any link, in one PATCH: the audit record keeps the metadata Auth0
 * discards on link (one key per secondary, so concurrent links cannot drop each other's entry), and the primary's
 * checked mark rides along for free. A secondary whose link then fails stays unmarked, so it is checked again.
 */
export function preLinkMetadata(primary: User, secondaries: readonly User[], by: LinkedBy, now: Date): Metadata {
  return {
    ...recordsPatch(secondaries.map((s) => linkRecordFor(s, by, now))),
    [CHECKED_KEY]: checkedMark(primary.email!, now),
  };
}

/** Ends one account's sessions before a link, as END_SESSIONS says; the caller's client does the requests. */
export interface SessionEnder {
  deleteSessions(userId: string): Promise<unknown>;
  deleteGrants(userId: string): Promise<unknown>;
}

/**
 * Ends the SSO sessions (unless `refresh-only`) and the refresh tokens of every password account in a link, BEFORE any
 * write for it (policy: sessionsToEnd). Throws on the first failure: a link whose sessions could not be ended is not made,
 * and nothing else was written for it yet; an account whose sessions did end loses only its sign-ins elsewhere.
 */
export async function endSessionsBeforeLink(accounts: readonly User[], ender: SessionEnder, what: 'sso-and-refresh' | 'refresh-only'): Promise<string[]> {
  const ended: string[] = [];
  for (const account of sessionsToEnd(accounts)) {
    // One after the other: a plan without the session API refuses the first call, and then nothing at all was done.
    if (what === 'sso-and-refresh') await ender.deleteSessions(account.user_id);
    await ender.deleteGrants(account.user_id);
    ended.push(account.user_id);
  }
  return ended;
}

/** A failed link call as the caller's client saw it: the HTTP status and Auth0's message, or no status when no answer came. */
export interface LinkFailure {
  /** Undefined when no answer came: a timeout or a dropped connection. */
  status: number | undefined;
  message?: string | undefined;
}

/**
 * True when the failure does not prove the link was not made, so the primary must be read back. Two first logins of one
 * identity racing, or a retried request whose first answer was lost, get 409 "Specified identity already exists." or
 * 400 "Provided secondary account not found."; a 5xx, a timeout or a dropped connection may come after Auth0 linked.
 */
export function mayHaveLinked(failure: LinkFailure): boolean {
  return failure.status === undefined || failure.status >= 500 || secondaryGone(failure);
}

/**
 * True when the failure says the secondary is no longer a user of its own (already linked, or deleted): unless the
 * read-back finds it on this primary, it was linked elsewhere or removed, and there is nothing left to link.
 */
export function secondaryGone(failure: LinkFailure): boolean {
  return failure.status === 409 || (failure.status === 400 && /secondary account not found/i.test(failure.message ?? ''));
}

/** The I/O one link needs, from the caller's own client. */
export interface LinkIo {
  /** POST /api/v2/users/{primary}/identities for the secondary identity. */
  link(): Promise<unknown>;
  /** The primary's identities now; undefined when they cannot be read (the primary is gone, or the caller gives up). */
  readIdentities(): Promise<ReadonlyArray<Pick<Identity, 'provider' | 'user_id'>> | undefined>;
  /** The link error as a LinkFailure; undefined for an error that is no answer of the API (a bug, an abort): never read back. */
  failureOf(error: unknown): LinkFailure | undefined;
}

export type LinkResult =
  /** The link call succeeded. */
  | { linked: true; readBack: false }
  /** The call failed, but the read-back found the identity on the primary. */
  | { linked: true; readBack: true }
  /** Not linked: `error` is the link call's own; `failure` is undefined for an error that was no API answer. */
  | { linked: false; error: unknown; failure: LinkFailure | undefined };

/** Links `identity` into the primary, reading the primary back when the answer leaves it open whether the link exists. */
export async function linkIdentity(identity: Pick<Identity, 'provider' | 'user_id'>, io: LinkIo): Promise<LinkResult> {
  try {
    await io.link();
    return { linked: true, readBack: false };
  } catch (error) {
    const failure = io.failureOf(error);
    if (failure === undefined || !mayHaveLinked(failure)) return { linked: false, error, failure };
    const identities = await io.readIdentities();
    if (identities?.some((i) => sameIdentity(i, identity))) return { linked: true, readBack: true };
    return { linked: false, error, failure };
  }
}
