// What one execution of the Action did, and the single log line (or none) that says so: no token, secret or email in it
// (every part of the line that holds an `@` is masked, whatever it came from: a user id, an error message).
import { LOG_LIMIT } from './auth0-limits.ts';
import { maskEmails } from './email.ts';
import { ManagementApiError } from './management-client.ts';
import type { IneligibleReason } from './policy.ts';

export type Outcome =
  /** LINK_MODE=off, a refresh-token exchange, or a user already checked for its email: nothing to say. */
  | { kind: 'quiet' }
  | { kind: 'invalid-config'; description: string }
  | { kind: 'ineligible'; reason: IneligibleReason }
  /** No account this login can link or offer; `elsewhere` others only their own logins can offer (this one cannot prove them). */
  | { kind: 'alone'; dryRun: boolean; elsewhere: number }
  | { kind: 'already-linked'; primary: string; dryRun: boolean }
  | { kind: 'would-link'; primary: string; secondaries: string[]; setPrimaryUser: boolean }
  /** Links made (`linked`, maybe fewer than planned when `error` stopped them); `endsOn` is the user the login continues as. */
  | { kind: 'linked'; primary: string; linked: string[]; planned: number; endsOn: string; error: unknown }
  /** A silent link withheld: this login's session began before the password account's last reset (not marked, so a fresh one links). */
  | { kind: 'stale-session' }
  /** Skipped without a call: a note in api.cache says the Management API answers 429 for `seconds` more. */
  | { kind: 'rate-limited'; seconds: number }
  /** Accounts that only the person can link, sent to the linking page to prove one. */
  | { kind: 'offered'; offered: string[] }
  /** Accounts that only the person can link, not offered: no page, a login that cannot be redirected, or dry-run. */
  | { kind: 'confirm-unavailable'; count: number; why: string }
  /** The person answered "Not now" or "Never" on the page: remembered, nothing linked. */
  | { kind: 'declined'; decision: 'later' | 'never' | 'not-me' }
  /** /continue brought a proof the Action refused (forged, expired, replayed, not offered, no longer eligible): nothing linked. */
  | { kind: 'proof-refused'; why: string }
  | { kind: 'failed'; error: unknown };

const REASONS: Record<IneligibleReason, string> = {
  'no-email': 'the user has no email',
  unverified: 'email not verified',
  'untrusted-connection': 'an identity is on a connection not trusted for silent linking',
  'custom-database': 'an identity is on a custom database (CUSTOM_DATABASES)',
  'password-unproven': 'a password account with no reset since signup: the person proves it first',
  'unverified-use': 'the account was used while its email was unverified',
  dormant: 'the account is dormant (DORMANT_DAYS)',
  excluded: 'account excluded (app_metadata.auto_link_exclude)',
  blocked: 'user is blocked',
  unvouched: 'an identity in the account may have been linked by someone else',
  restoring: 'an undo is taking back this link',
  'unlinked-by-person': 'the person unlinked this account on the linking page',
};

/** The log line of an outcome, one short of Auth0's limit so nothing of it is cut; undefined when there is nothing to say. */
export function logLine(outcome: Outcome): string | undefined {
  const line = describe(outcome);
  return line === undefined ? undefined : maskEmails(`auto-link: ${line}`).slice(0, LOG_LIMIT - 1);
}

function describe(outcome: Outcome): string | undefined {
  switch (outcome.kind) {
    case 'quiet':
      return undefined;
    case 'invalid-config':
      return `skipped, ${outcome.description}`;
    case 'ineligible':
      return `skipped, ${REASONS[outcome.reason]}`;
    case 'alone': {
      if (outcome.elsewhere === 0) return outcome.dryRun ? 'dry-run, no other account to link' : 'no other account to link, marked checked';
      const what = `no other account this login can link, ${outcome.elsewhere} only from ${outcome.elsewhere === 1 ? 'its' : 'their'} own login`;
      return outcome.dryRun ? `dry-run, ${what}` : `${what}, marked checked`;
    }
    case 'already-linked':
      return `${outcome.dryRun ? 'dry-run, ' : ''}continuing as ${outcome.primary}: this identity is already linked to it`;
    case 'would-link':
      return `dry-run, would link ${ids(outcome.secondaries)} into ${outcome.primary}${outcome.setPrimaryUser ? ` and continue as ${outcome.primary}` : ''}`;
    case 'linked': {
      const done = outcome.linked.length > 0 ? `linked ${ids(outcome.linked)} into ${outcome.primary}, ` : '';
      if (outcome.error === undefined) return `${done}login continues as ${outcome.endsOn}`;
      const left = outcome.planned - outcome.linked.length;
      return `${done}${left} link${left === 1 ? '' : 's'} not made: ${failure(outcome.error)}`;
    }
    case 'stale-session':
      return "not linked: this sign-in's session began before the password was last reset; a fresh sign-in links";
    case 'rate-limited':
      return `skipped, Management API rate-limited for ${outcome.seconds} s more, will retry next login`;
    case 'offered':
      return `${accounts(outcome.offered.length)} the person's confirmation (${ids(outcome.offered)}), sent to the linking page`;
    case 'confirm-unavailable':
      return `${accounts(outcome.count)} the person's confirmation, not linked: ${outcome.why}`;
    case 'declined':
      if (outcome.decision === 'not-me') return 'the person did not start this sign-in (linking page): recorded as "Never", login denied';
      return `the person chose ${outcome.decision === 'later' ? '"Not now"' : '"Never"'} on the linking page, nothing linked`;
    case 'proof-refused':
      return `link proof refused (${outcome.why}), nothing linked, login continues unchanged`;
    case 'failed':
      return failure(outcome.error);
  }
}

function failure(error: unknown): string {
  if (error instanceof ManagementApiError) return `${error.message}, will retry next login`;
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return `internal error (${name}: ${message.slice(0, 100)}), login continues unchanged`;
}

/** A list of user ids short enough for one log line. */
function ids(list: string[]): string {
  const shown: string[] = [];
  let length = 0;
  for (const id of list) {
    if (shown.length > 0 && length + id.length > 110) break;
    shown.push(id);
    length += id.length + 2;
  }
  const more = list.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` (+${more} more)` : ''}`;
}

/** "1 account needs", "2 accounts need". */
function accounts(count: number): string {
  return count === 1 ? '1 account needs' : `${count} accounts need`;
}
