// The logins of the login-path benchmark: a generated tenant's users returning, refreshing tokens, and new signups with and
// without an older account sharing their email, in a seeded order, identical for every Action benchmarked.
import { eligibility } from '../../../actions/policy.ts';
import type { User } from '../../../actions/types.ts';
import { DATABASE_CONNECTION, type LoginIdentity, type NewUser, type TenantState } from '../../../local-tenant/index.ts';

/** What a login in the mix is: a returning user, a refresh-token exchange, or a first login (signup) alone or with a duplicate. */
export type LoginCategory = 'returning' | 'refresh' | 'first-alone' | 'first-duplicate';
export const CATEGORIES: readonly LoginCategory[] = ['returning', 'refresh', 'first-alone', 'first-duplicate'];

/** Shares of the logins per category; they must add up to 1. */
export type LoginMix = Record<LoginCategory, number>;

/**
 * Mostly returning users, as a tenant past its launch sees them; one login in twenty a signup, one in a hundred by
 * someone who already has an account with the same email. An assumption, not a measurement: change it with --mix.
 */
export const DEFAULT_MIX: LoginMix = { returning: 0.85, refresh: 0.1, 'first-alone': 0.04, 'first-duplicate': 0.01 };

/** Connections a signup of an existing person arrives on: each proves the email (Google, GitHub, passwordless email). */
const VERIFYING_CONNECTIONS = ['google-oauth2', 'github', 'email'] as const;
/** Share of lone signups on Google (email verified); the rest sign up with a password and have not verified yet. */
const SOCIAL_SIGNUP_SHARE = 0.6;

/** One login of the mix: an existing identity logging in, or a signup created right before its first login. */
export interface PlannedLogin {
  category: LoginCategory;
  identity?: LoginIdentity;
  signup?: NewUser;
}

export interface MixCounts {
  returning: number;
  refresh: number;
  'first-alone': number;
  'first-duplicate': number;
}

/** Logins per category for `total` logins: rounded shares, the remainder going to returning users. */
export function mixCounts(total: number, mix: LoginMix): MixCounts {
  const refresh = Math.round(total * mix.refresh);
  const alone = Math.round(total * mix['first-alone']);
  const duplicate = Math.round(total * mix['first-duplicate']);
  return { returning: Math.max(0, total - refresh - alone - duplicate), refresh, 'first-alone': alone, 'first-duplicate': duplicate };
}

/** Parses `returning,refresh,first-alone,first-duplicate` shares, e.g. `0.85,0.1,0.04,0.01`; throws naming the problem. */
export function parseMix(text: string): LoginMix {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || parts.some((p) => !Number.isFinite(p) || p < 0)) {
    throw new RangeError(`the mix must be four shares ≥ 0 for ${CATEGORIES.join(',')}, e.g. 0.85,0.1,0.04,0.01; got "${text}"`);
  }
  const sum = parts.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new RangeError(`the mix shares must add up to 1, got ${sum.toFixed(4)} from "${text}"`);
  const [returning, refresh, alone, duplicate] = parts as [number, number, number, number];
  return { returning, refresh, 'first-alone': alone, 'first-duplicate': duplicate };
}

/**
 * The logins for a tenant holding exactly the returning population (`counts.returning + counts.refresh` generated users):
 * each existing user logs in once, as returning or refreshing; each signup is a new account; a duplicate signup takes the
 * email of an existing user that both Actions may link to (verified, eligible, alone with its email, lower-case).
 */
export function planLogins(state: TenantState, counts: MixCounts, seed: number): { warmUp: LoginIdentity[]; window: PlannedLogin[] } {
  const random = seededRandom(seed);
  const existing = [...state.allUsers()];
  const wanted = counts.returning + counts.refresh;
  if (existing.length !== wanted) throw new Error(`the tenant holds ${existing.length} users, the mix needs ${wanted} returning users`);
  // Shuffled: the generator emits a duplicate group's members one after another, and logging them in at the same
  // instant would race their links, which real logins of one person seldom do.
  const people = shuffle(existing, random);
  const warmUp = shuffle(existing, random).map(mainIdentity);
  const window: PlannedLogin[] = people.map((user, i) => ({ category: i < counts.refresh ? 'refresh' : 'returning', identity: mainIdentity(user) }));

  const partners = shuffle(
    existing.filter((user) => isLinkPartner(state, user)),
    random,
  );
  if (partners.length < counts['first-duplicate']) {
    throw new Error(
      `only ${partners.length} users can take a duplicate signup, the mix needs ${counts['first-duplicate']}: raise the login count or lower the first-duplicate share`,
    );
  }
  for (const partner of partners.slice(0, counts['first-duplicate'])) {
    const connection = VERIFYING_CONNECTIONS.find((c) => c !== partner.identities[0]!.connection)!;
    window.push({ category: 'first-duplicate', signup: { connection, email: partner.email!, email_verified: true } });
  }
  for (let i = 0; i < counts['first-alone']; i++) {
    const social = random() < SOCIAL_SIGNUP_SHARE;
    const email = `new-${seed}-${i}@signup.example`;
    window.push({
      category: 'first-alone',
      signup: social ? { connection: 'google-oauth2', email, email_verified: true } : { connection: DATABASE_CONNECTION, email, email_verified: false },
    });
  }
  return { warmUp, window: shuffle(window, random) };
}

function mainIdentity(user: User): LoginIdentity {
  const main = user.identities[0]!;
  return { provider: main.provider, user_id: String(main.user_id) };
}

/** A user a same-email signup would be linked to by this project's Action and by the baseline alike. */
function isLinkPartner(state: TenantState, user: User): boolean {
  const email = user.email;
  return (
    email !== undefined &&
    email === email.toLowerCase() &&
    user.identities.length === 1 &&
    eligibility(user, { connections: undefined }).eligible &&
    state.usersByEmail(email).length === 1
  );
}

/** mulberry32: a small seeded PRNG, so every run plans the same logins. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
