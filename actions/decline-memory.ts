// The person's "Not now" and "Never" on the linking page, kept on the login user with api.user.setAppMetadata (no HTTP):
// while one holds, the Action neither looks the user up nor redirects, so a declined login costs nothing.
import type { Decision } from './link-page-tokens.ts';
import type { User } from './types.ts';

/** app_metadata key of the decline: `{decision, at, until?, offers}`. "never" holds until an admin removes the key. */
export const DECLINED_KEY = 'auto_link_declined';

export interface DeclineRecord {
  decision: Exclude<Decision, 'link'>;
  at: string;
  /** Only for "later": when the Action may ask again. */
  until?: string;
  /** The user_ids that were offered, when the Action still knew them. */
  offers: string[];
}

const DAY_MS = 86_400_000;

export function declineRecord(decision: DeclineRecord['decision'], now: Date, laterDays: number, offers: string[]): DeclineRecord {
  const record: DeclineRecord = { decision, at: now.toISOString(), offers };
  if (decision === 'later') record.until = new Date(now.getTime() + laterDays * DAY_MS).toISOString();
  return record;
}

/** True while the user's decline holds: "never" always, "later" until its time. A malformed record holds (asks nothing). */
export function isDeclined(user: Pick<User, 'app_metadata'>, now: number): boolean {
  const value = user.app_metadata?.[DECLINED_KEY] as Partial<DeclineRecord> | undefined | null;
  if (value === undefined || value === null) return false;
  if (value.decision !== 'later') return true;
  const until = Date.parse(String(value.until));
  return Number.isNaN(until) || until > now;
}
