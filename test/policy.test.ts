// The linking policy: who may be linked, who is primary, what a login and a whole tenant plan; properties over arbitrary tenants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eligibility, planGroups, planLogin, type PolicyOptions, type TrustRule } from '../actions/policy.ts';
import type { Identity, User } from '../actions/types.ts';

const DEFAULT_TRUST: TrustRule = { connections: undefined };
const OPTIONS: PolicyOptions = { trust: DEFAULT_TRUST };

/** Connection name → strategy (an identity's provider is its connection's strategy). */
const CONNECTIONS = {
  db: 'auth0',
  'google-oauth2': 'google-oauth2',
  github: 'github',
  email: 'email',
  sms: 'sms',
  okta: 'okta',
  waad: 'waad',
  samlp: 'samlp',
  custom: 'oauth2',
} as const;
type ConnectionName = keyof typeof CONNECTIONS;

function identity(connection: ConnectionName, id: string): Identity {
  const provider = CONNECTIONS[connection];
  return { provider, user_id: id, connection, isSocial: provider === 'google-oauth2' || provider === 'github' || provider === 'oauth2' };
}

/** A password reset after signup: the evidence a database account needs to be linked silently (see the security model). */
const RESET = { last_password_reset: '2024-02-01T00:00:00.000Z' };

let serial = 0;
function user(connection: ConnectionName, fields: Partial<User> & { linked?: ConnectionName[] } = {}): User {
  const id = String(++serial);
  const { linked = [], ...rest } = fields;
  const main = identity(connection, id);
  return {
    user_id: `${main.provider}|${id}`,
    email: 'ann@x.io',
    email_verified: true,
    created_at: '2024-01-01T00:00:00.000Z',
    // Database accounts here have reset their password since signup unless a test says otherwise.
    ...(main.provider === 'auth0' ? RESET : {}),
    identities: [main, ...linked.map((c, i) => identity(c, `${id}-${i}`))],
    app_metadata: {},
    user_metadata: {},
    ...rest,
  };
}

describe('eligibility', () => {
  it('trusts database, passwordless email and social connections by default, and nothing else', () => {
    const verdicts = Object.fromEntries((Object.keys(CONNECTIONS) as ConnectionName[]).map((c) => [c, eligibility(user(c), DEFAULT_TRUST)]));
    expect(verdicts).toEqual({
      db: { eligible: true },
      'google-oauth2': { eligible: true },
      github: { eligible: true },
      email: { eligible: true },
      sms: { eligible: false, reason: 'untrusted-connection' },
      okta: { eligible: false, reason: 'untrusted-connection' },
      waad: { eligible: false, reason: 'untrusted-connection' },
      samlp: { eligible: false, reason: 'untrusted-connection' },
      custom: { eligible: false, reason: 'untrusted-connection' },
    });
  });

  it('with TRUSTED_CONNECTIONS, trusts exactly the listed connection names', () => {
    const trust: TrustRule = { connections: new Set(['google-oauth2', 'okta']) };
    expect(eligibility(user('okta'), trust)).toEqual({ eligible: true });
    expect(eligibility(user('google-oauth2'), trust)).toEqual({ eligible: true });
    expect(eligibility(user('db'), trust)).toEqual({ eligible: false, reason: 'untrusted-connection' });
  });

  it('requires every identity of the account to be trusted, not only its main one', () => {
    expect(eligibility(user('google-oauth2', { linked: ['db'] }), DEFAULT_TRUST)).toEqual({ eligible: true });
    expect(eligibility(user('google-oauth2', { linked: ['waad'] }), DEFAULT_TRUST)).toEqual({ eligible: false, reason: 'untrusted-connection' });
    expect(eligibility(user('db', { identities: [] }), DEFAULT_TRUST)).toEqual({ eligible: false, reason: 'untrusted-connection' });
  });

  it('requires an email verified with the boolean true', () => {
    expect(eligibility(user('db', { email_verified: false }), DEFAULT_TRUST)).toEqual({ eligible: false, reason: 'unverified' });
    expect(eligibility(user('db', { email_verified: 'true' as unknown as boolean }), DEFAULT_TRUST)).toEqual({ eligible: false, reason: 'unverified' });
    const noVerified = user('db');
    delete noVerified.email_verified;
    expect(eligibility(noVerified, DEFAULT_TRUST)).toEqual({ eligible: false, reason: 'unverified' });
    const noEmail = user('db');
    delete noEmail.email;
    expect(eligibility(noEmail, DEFAULT_TRUST)).toEqual({ eligible: false, reason: 'no-email' });
    expect(eligibility(user('db', { email: '' }), DEFAULT_TRUST)).toEqual({ eligible: false, reason: 'no-email' });
  });

  it('keeps out accounts an admin excluded (any value but absent or false: the exclusion fails closed) and blocked accounts', () => {
    for (const value of [true, 'true', 'false', 1, 0, 'yes', '', {}, []]) {
      expect(eligibility(user('db', { app_metadata: { auto_link_exclude: value } }), DEFAULT_TRUST)).toEqual({ eligible: false, reason: 'excluded' });
    }
    for (const app_metadata of [{}, { auto_link_exclude: false }, { auto_link_exclude: null }]) {
      expect(eligibility(user('db', { app_metadata }), DEFAULT_TRUST)).toEqual({ eligible: true });
    }
    expect(eligibility(user('db', { blocked: true }), DEFAULT_TRUST)).toEqual({ eligible: false, reason: 'blocked' });
  });
});

describe('planGroups', () => {
  it('groups by lower-cased email, picks the oldest as primary and lists the rest oldest first', () => {
    const newest = user('github', { email: 'ANN@x.io', created_at: '2024-03-01T00:00:00.000Z' });
    const oldest = user('google-oauth2', { email: 'Ann@X.io', created_at: '2020-01-01T00:00:00.000Z' });
    const middle = user('db', { created_at: '2022-01-01T00:00:00.000Z' });
    const other = user('db', { email: 'bob@y.io' });
    const plan = planGroups([newest, oldest, middle, other], OPTIONS);
    expect(plan.groups.map((g) => [g.email, g.primary.user_id, g.secondaries.map((s) => s.user_id)])).toEqual([
      ['ann@x.io', oldest.user_id, [middle.user_id, newest.user_id]],
      ['bob@y.io', other.user_id, []],
    ]);
    expect(plan.skipped).toEqual([]);
  });

  it('folds the case of ASCII letters only: a Kelvin sign or a long s is another mailbox, never grouped with k or s', () => {
    const victim = user('db', { email: 'kate@x.io', created_at: '2020-01-01T00:00:00.000Z' });
    const kelvin = user('github', { email: '\u212Aate@x.io' });
    const longS = user('github', { email: 'ki\u017F@x.io' });
    const kis = user('db', { email: 'kis@x.io', created_at: '2020-01-01T00:00:00.000Z' });
    const plan = planGroups([victim, kelvin, longS, kis], OPTIONS);
    expect(plan.groups.every((g) => g.secondaries.length === 0)).toBe(true);
    expect(planLogin(kelvin, [kelvin, victim], OPTIONS)).toEqual({ kind: 'none', reason: 'alone' });
  });

  it('breaks a created_at tie by the smallest user_id, and puts unparseable dates last', () => {
    const b = user('db', { user_id: 'auth0|b' });
    const a = user('db', { user_id: 'auth0|a' });
    const undated = user('github', { user_id: 'auth0|0', created_at: 'not a date' });
    expect(planGroups([undated, b, a], OPTIONS).groups[0]).toMatchObject({ primary: a, secondaries: [b, undated] });
  });

  it('prefers the oldest account on PRIMARY_CONNECTION when there is one, else the oldest', () => {
    const old = user('google-oauth2', { created_at: '2020-01-01T00:00:00.000Z' });
    const db = user('db', { created_at: '2023-01-01T00:00:00.000Z' });
    expect(planGroups([old, db], { trust: DEFAULT_TRUST, primaryConnection: 'db' }).groups[0]).toMatchObject({ primary: db, secondaries: [old] });
    expect(planGroups([old, db], { trust: DEFAULT_TRUST, primaryConnection: 'github' }).groups[0]).toMatchObject({ primary: old, secondaries: [db] });
  });

  it('skips ineligible accounts with their reason, in their group or at the top when no eligible account shares the email', () => {
    const ok = user('db');
    const unverified = user('google-oauth2', { email_verified: false });
    const lonelyEnterprise = user('waad', { email: 'carl@z.io' });
    const noEmail = user('sms', { email: undefined });
    const plan = planGroups([ok, unverified, lonelyEnterprise, noEmail], OPTIONS);
    expect(plan.groups).toEqual([{ email: 'ann@x.io', primary: ok, secondaries: [], skipped: [{ user: unverified, reason: 'unverified' }] }]);
    expect(plan.skipped).toEqual([
      { user: noEmail, reason: 'no-email' },
      { user: lonelyEnterprise, reason: 'untrusted-connection' },
    ]);
  });
});

describe('planLogin', () => {
  const older = () => user('db', { created_at: '2020-01-01T00:00:00.000Z' });
  const newer = () => user('google-oauth2', { created_at: '2024-01-01T00:00:00.000Z' });

  it('links the login user into the older account and moves the login there', () => {
    const primary = older();
    const login = newer();
    expect(planLogin(login, [primary, login], OPTIONS)).toEqual({ kind: 'link', primary, secondaries: [login], setPrimaryUser: true });
  });

  it('links the others into the login user when it is the primary, without setPrimaryUser', () => {
    const login = older();
    const other = newer();
    const third = user('github', { created_at: '2025-01-01T00:00:00.000Z' });
    expect(planLogin(login, [other, third], OPTIONS)).toEqual({ kind: 'link', primary: login, secondaries: [other, third], setPrimaryUser: false });
  });

  it('is alone when no other eligible account shares the email', () => {
    const login = newer();
    const unverified = older();
    unverified.email_verified = false;
    expect(planLogin(login, [login, unverified, user('db', { email: 'bob@y.io' })], OPTIONS)).toEqual({ kind: 'none', reason: 'alone' });
  });

  it('never links an account an attacker could hold: unverified, untrusted, excluded or blocked on either side', () => {
    const login = newer();
    const candidates = [
      older(),
      user('db', { email_verified: false, created_at: '2019-01-01T00:00:00.000Z' }),
      user('waad', { created_at: '2019-01-01T00:00:00.000Z' }),
      user('custom', { created_at: '2019-01-01T00:00:00.000Z' }),
      user('db', { app_metadata: { auto_link_exclude: true }, created_at: '2019-01-01T00:00:00.000Z' }),
      user('db', { blocked: true, created_at: '2019-01-01T00:00:00.000Z' }),
    ];
    expect(planLogin(login, candidates, OPTIONS)).toEqual({ kind: 'link', primary: candidates[0], secondaries: [login], setPrimaryUser: true });
    expect(planLogin(user('waad'), candidates, OPTIONS)).toEqual({ kind: 'none', reason: 'untrusted-connection' });
  });

  it('judges the login user by its fresh copy among the candidates', () => {
    const login = newer();
    const fresh = { ...login, email_verified: false };
    expect(planLogin(login, [older(), fresh], OPTIONS)).toEqual({ kind: 'none', reason: 'unverified' });
  });

  it('ends the login on the account that already holds the login identity (a concurrent login linked it)', () => {
    const login = newer();
    const primary = older();
    const merged = { ...primary, identities: [...primary.identities, login.identities[0]!] };
    expect(planLogin(login, [merged], OPTIONS)).toEqual({ kind: 'already-linked', primary: merged });
  });
});

// --- properties over arbitrary tenants --------------------------------------------------------------------------

// The Kelvin sign (\u212A) and the long s (\u017F) are distinct mailboxes that Unicode case mapping confuses with k and s.
const EMAILS = [
  'ann@x.io',
  'Ann@X.io',
  'ANN@x.io',
  'bob@y.io',
  'Bob@y.io',
  'cy@z.io',
  'kate@x.io',
  '\u212Aate@x.io',
  'sam@x.io',
  '\u017Fam@x.io',
  '',
  undefined,
] as const;
const DATES = ['2020-01-01T00:00:00.000Z', '2021-06-01T00:00:00.000Z', '2022-01-01T00:00:00.000Z', 'garbage'] as const;
const NAMES = Object.keys(CONNECTIONS) as ConnectionName[];

const accountArb = fc.record({
  connection: fc.constantFrom(...NAMES),
  email: fc.constantFrom(...EMAILS),
  verified: fc.oneof(fc.boolean(), fc.constant(undefined)),
  created: fc.constantFrom(...DATES),
  excluded: fc.boolean(),
  blocked: fc.boolean(),
  linked: fc.array(fc.constantFrom(...NAMES), { maxLength: 2 }),
  reset: fc.option(fc.constantFrom(...DATES), { nil: undefined }),
});

/** A tenant of up to 12 accounts (fresh objects on every call, so plans can be applied to it). */
const tenantArb = fc.array(accountArb, { maxLength: 12 }).map(
  (accounts) => () =>
    accounts.map((a, index): User => {
      const main = identity(a.connection, `u${index}`);
      const made: User = {
        user_id: `${main.provider}|u${index}`,
        created_at: a.created,
        identities: [main, ...a.linked.map((c, i) => identity(c, `u${index}-${i}`))],
        app_metadata: a.excluded ? { auto_link_exclude: true } : {},
        user_metadata: {},
      };
      if (a.email !== undefined) made.email = a.email;
      if (a.verified !== undefined) made.email_verified = a.verified;
      if (a.blocked) made.blocked = true;
      if (a.reset !== undefined) made.last_password_reset = a.reset;
      return made;
    }),
);

const optionsArb: fc.Arbitrary<PolicyOptions> = fc.record({
  trust: fc.oneof(
    fc.constant(DEFAULT_TRUST),
    fc.subarray(NAMES).map((names): TrustRule => ({ connections: new Set(names) })),
  ),
  primaryConnection: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
});

/** Applies links as Auth0 does: the secondary's identities move to the primary and the secondary disappears. */
function applyLinks(users: User[], primary: User, secondaries: User[]): User[] {
  const gone = new Set(secondaries.map((s) => s.user_id));
  for (const s of secondaries) primary.identities.push(...s.identities);
  return users.filter((u) => !gone.has(u.user_id));
}

/** The security rule stated independently of the policy's code: what an account must be to take part in a silent link. */
function safeToLink(u: User, trust: TrustRule): boolean {
  const trusted = (i: Identity) =>
    trust.connections ? trust.connections.has(i.connection) : ['auth0', 'email', 'google-oauth2', 'github'].includes(i.provider);
  const main = u.identities[0];
  // Signing in to the main identity proves the mailbox: a trusted identity other than a password.
  const mailboxMain = main !== undefined && main.provider !== 'auth0' && trusted(main);
  // A password proves the mailbox only after a reset since signup; extra identities only under a mailbox main (no records here).
  const passwordEvidence = main?.provider !== 'auth0' || Date.parse(u.last_password_reset ?? '') > Date.parse(u.created_at);
  return (
    passwordEvidence &&
    (u.identities.length <= 1 || mailboxMain) &&
    u.email_verified === true &&
    typeof u.email === 'string' &&
    u.email !== '' &&
    u.blocked !== true &&
    u.app_metadata?.auto_link_exclude !== true &&
    u.identities.length > 0 &&
    u.identities.every(trusted)
  );
}

/** Same mailbox as far as linking goes: equal but for the case of ASCII letters (an oracle written apart from the policy). */
function sameMailbox(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length !== b.length) return false;
  const fold = (code: number) => (code >= 65 && code <= 90 ? code + 32 : code);
  for (let i = 0; i < a.length; i++) if (fold(a.charCodeAt(i)) !== fold(b.charCodeAt(i))) return false;
  return true;
}

function sameKey(a: User, b: User): boolean {
  return sameMailbox(a.email, b.email);
}

describe('policy properties', () => {
  it('never links an ineligible account, and puts every account in exactly one place', () => {
    fc.assert(
      fc.property(tenantArb, optionsArb, (make, options) => {
        const users = make();
        const plan = planGroups(users, options);
        const placed = [...plan.groups.flatMap((g) => [g.primary, ...g.secondaries, ...g.skipped.map((s) => s.user)]), ...plan.skipped.map((s) => s.user)];
        expect(placed.map((u) => u.user_id).sort()).toEqual(users.map((u) => u.user_id).sort());
        for (const group of plan.groups) {
          for (const linked of [group.primary, ...group.secondaries]) expect(safeToLink(linked, options.trust)).toBe(true);
          for (const { user: skipped } of group.skipped) expect(safeToLink(skipped, options.trust)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives each person (lower-cased verified email) exactly one primary, the oldest eligible', () => {
    fc.assert(
      fc.property(tenantArb, (make) => {
        const users = make();
        const plan = planGroups(users, OPTIONS);
        expect(new Set(plan.groups.map((g) => g.email)).size).toBe(plan.groups.length);
        for (const group of plan.groups) {
          const members = [group.primary, ...group.secondaries];
          const eligibleWithKey = users.filter((u) => sameMailbox(u.email, group.email) && eligibility(u, DEFAULT_TRUST).eligible);
          expect(members.map((u) => u.user_id).sort()).toEqual(eligibleWithKey.map((u) => u.user_id).sort());
          const times = members.map((u) => Date.parse(u.created_at)).map((t) => (Number.isNaN(t) ? Infinity : t));
          expect(times[0]).toBe(Math.min(...times));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is idempotent: after applying the plan, planning again links nothing and keeps the primaries', () => {
    fc.assert(
      fc.property(tenantArb, optionsArb, (make, options) => {
        let users = make();
        const first = planGroups(users, options);
        for (const group of first.groups) users = applyLinks(users, group.primary, group.secondaries);
        const second = planGroups(users, options);
        expect(second.groups.every((g) => g.secondaries.length === 0)).toBe(true);
        expect(second.groups.map((g) => g.primary.user_id)).toEqual(first.groups.map((g) => g.primary.user_id));
      }),
      { numRuns: 300 },
    );
  });

  it('planLogin agrees with planGroups for every login user, whatever the candidates order', () => {
    fc.assert(
      fc.property(tenantArb, optionsArb, fc.nat(), (make, options, seed) => {
        const users = make();
        const groups = planGroups(users, options).groups;
        for (const [index, login] of users.entries()) {
          const candidates = users.filter((u) => sameKey(u, login));
          const rotated = [...candidates.slice((seed + index) % (candidates.length || 1)), ...candidates.slice(0, (seed + index) % (candidates.length || 1))];
          const plan = planLogin(login, rotated, options);
          const verdict = eligibility(login, options.trust);
          if (!verdict.eligible) {
            expect(plan).toEqual({ kind: 'none', reason: verdict.reason });
            continue;
          }
          const group = groups.find((g) => sameMailbox(g.email, login.email))!;
          if (group.secondaries.length === 0) expect(plan).toEqual({ kind: 'none', reason: 'alone' });
          else expect(plan).toEqual({ kind: 'link', primary: group.primary, secondaries: group.secondaries, setPrimaryUser: group.primary !== login });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('logins one by one, in any order, end where the backfill plan ends: one primary per person, nothing left to link', () => {
    fc.assert(
      fc.property(tenantArb, optionsArb, fc.array(fc.nat(), { maxLength: 30 }), (make, options, order) => {
        const expected = planGroups(make(), options).groups.map((g) => g.primary.user_id);
        let users = make();
        for (const pick of order) {
          if (users.length === 0) break;
          const login = users[pick % users.length]!;
          const plan = planLogin(
            login,
            users.filter((u) => sameKey(u, login)),
            options,
          );
          if (plan.kind === 'link') users = applyLinks(users, plan.primary, plan.secondaries);
        }
        // Every account that has not logged in yet is linked when it does: let each remaining one log in once.
        for (const login of [...users]) {
          if (!users.includes(login)) continue;
          const plan = planLogin(
            login,
            users.filter((u) => sameKey(u, login)),
            options,
          );
          if (plan.kind === 'link') users = applyLinks(users, plan.primary, plan.secondaries);
        }
        const final = planGroups(users, options).groups;
        expect(final.every((g) => g.secondaries.length === 0)).toBe(true);
        expect(final.map((g) => g.primary.user_id)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
