// The policy's three answers per account pair (silent, confirm, never) and their reasons; properties over arbitrary pairs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordKey } from '../actions/link-record.ts';
import { confirmCandidates, mayProve, pairAnswer, planGroups, planLogin, sessionsToEnd, type TrustRule } from '../actions/policy.ts';
import { UNVERIFIED_LOGIN_KEY } from '../actions/risk-signs.ts';
import type { User } from '../actions/types.ts';
import { unlinkedPatch } from '../actions/unlink-choice.ts';

const NOW = Date.parse('2026-12-01T00:00:00.000Z');
const DAY = 86_400_000;
const TRUST: TrustRule = { connections: undefined, customDatabases: new Set(['legacy-db']), dormancy: { days: 365, now: NOW } };

/** Connection name → strategy. */
const CONNECTIONS = {
  'Username-Password-Authentication': 'auth0',
  'legacy-db': 'auth0',
  email: 'email',
  sms: 'sms',
  'google-oauth2': 'google-oauth2',
  github: 'github',
  apple: 'apple',
  windowslive: 'windowslive',
  facebook: 'facebook',
  salesforce: 'salesforce',
  box: 'box',
  shopify: 'shopify',
  yammer: 'yammer',
  'contoso-azure': 'waad',
  'acme-saml': 'samlp',
  custom: 'oauth2',
} as const;
type ConnectionName = keyof typeof CONNECTIONS;
const NAMES = Object.keys(CONNECTIONS) as ConnectionName[];

let serial = 0;
function account(connection: ConnectionName, fields: Partial<User> = {}): User {
  const id = `u${++serial}`;
  const provider = CONNECTIONS[connection];
  return {
    user_id: `${provider}|${id}`,
    email: 'ann@x.io',
    email_verified: true,
    created_at: '2024-01-01T00:00:00.000Z',
    last_login: new Date(NOW - DAY).toISOString(),
    // Database accounts here have reset their password since signup (the evidence a silent link needs) unless a test says otherwise.
    ...(provider === 'auth0' ? { last_password_reset: '2024-02-01T00:00:00.000Z' } : {}),
    identities: [{ provider, user_id: id, connection, isSocial: !['auth0', 'email', 'sms', 'waad', 'samlp'].includes(provider) }],
    app_metadata: {},
    user_metadata: {},
    ...fields,
  };
}

const answer = (a: User, b: User, trust: TrustRule = TRUST) => pairAnswer(a, b, trust).answer;

describe('pairAnswer', () => {
  it('links silently between the default trusted connections: database, passwordless email, Google, GitHub, Apple, Microsoft', () => {
    const trusted: ConnectionName[] = ['Username-Password-Authentication', 'email', 'google-oauth2', 'github', 'apple', 'windowslive'];
    for (const a of trusted) for (const b of trusted) expect(answer(account(a), account(b)), `${a} + ${b}`).toBe('silent');
  });

  it('asks for confirmation on custom databases, long-tail social providers, enterprise, custom social and SMS', () => {
    const google = account('google-oauth2');
    const untrusted: ConnectionName[] = ['legacy-db', 'facebook', 'salesforce', 'box', 'shopify', 'yammer', 'contoso-azure', 'acme-saml', 'custom', 'sms'];
    for (const c of untrusted) {
      const other = account(c);
      const result = pairAnswer(google, other, TRUST);
      expect(result, c).toEqual({
        answer: 'confirm',
        signs: [{ user_id: other.user_id, reason: c === 'legacy-db' ? 'custom-database' : 'untrusted-connection' }],
      });
    }
  });

  it('keeps meaning exactly TRUSTED_CONNECTIONS when set: a listed custom database or enterprise connection links silently', () => {
    const explicit: TrustRule = { ...TRUST, connections: new Set(['legacy-db', 'contoso-azure']) };
    expect(answer(account('legacy-db'), account('contoso-azure'), explicit)).toBe('silent');
    expect(answer(account('legacy-db'), account('google-oauth2'), explicit)).toBe('confirm');
  });

  it('asks for confirmation when an account was used unverified, until a later password reset clears the sign', () => {
    const marked = { [UNVERIFIED_LOGIN_KEY]: { at: '2025-01-01T00:00:00.000Z' } };
    const google = account('google-oauth2');
    const attacker = account('Username-Password-Authentication', { app_metadata: marked });
    expect(pairAnswer(google, attacker, TRUST)).toEqual({
      answer: 'confirm',
      signs: [
        { user_id: attacker.user_id, reason: 'password-unproven' },
        { user_id: attacker.user_id, reason: 'unverified-use' },
      ],
    });
    expect(answer(google, { ...attacker, last_password_reset: '2024-12-01T00:00:00.000Z' })).toBe('confirm');
    expect(answer(google, { ...attacker, last_password_reset: '2025-02-01T00:00:00.000Z' })).toBe('silent');
    expect(answer(google, { ...attacker, app_metadata: { [UNVERIFIED_LOGIN_KEY]: 'garbage' }, last_password_reset: '2025-02-01T00:00:00.000Z' })).toBe(
      'confirm',
    );
  });

  it('asks for confirmation when an account has not logged in for DORMANT_DAYS (recycled addresses)', () => {
    const fresh = account('google-oauth2');
    const dormant = account('Username-Password-Authentication', { last_login: new Date(NOW - 400 * DAY).toISOString() });
    expect(pairAnswer(fresh, dormant, TRUST)).toEqual({ answer: 'confirm', signs: [{ user_id: dormant.user_id, reason: 'dormant' }] });
    expect(answer(fresh, dormant, { ...TRUST, dormancy: { days: 500, now: NOW } })).toBe('silent');
    expect(answer(fresh, { ...dormant, last_login: 'not a date' })).toBe('confirm');
  });

  it('never links nor offers an unverified, blocked or excluded account, or two mailboxes', () => {
    const google = account('google-oauth2');
    for (const [fields, reason] of [
      [{ email_verified: false }, 'unverified'],
      [{ blocked: true }, 'blocked'],
      [{ app_metadata: { auto_link_exclude: true } }, 'excluded'],
      [{ email: '' }, 'no-email'],
    ] as const) {
      const other = account('Username-Password-Authentication', fields);
      expect(pairAnswer(google, other, TRUST)).toEqual({ answer: 'never', reasons: [{ user_id: other.user_id, reason }] });
    }
    const bob = account('github', { email: 'bob@x.io' });
    expect(pairAnswer(google, bob, TRUST)).toEqual({ answer: 'never', reasons: [{ user_id: bob.user_id, reason: 'different-email' }] });
  });
});

/** `holder` with the entry the linking page writes when the person unlinks `other`'s main identity from it. */
function unlinking(holder: User, other: User, extra: Record<string, unknown> = {}): User {
  const identity = other.identities[0]!;
  return { ...holder, user_metadata: { ...holder.user_metadata, ...unlinkedPatch(identity.provider, identity.user_id, new Date(NOW)), ...extra } };
}

describe('the person unlinked one account from the other (linking page, user_metadata)', () => {
  it('answers never for the pair, from either side, naming the account that was unlinked', () => {
    const primary = account('Username-Password-Authentication', { created_at: '2020-01-01T00:00:00.000Z' });
    const google = account('google-oauth2');
    expect(answer(primary, google)).toBe('silent');
    const chose = unlinking(primary, google, { theme: 'dark' });
    expect(pairAnswer(chose, google, TRUST)).toEqual({ answer: 'never', reasons: [{ user_id: google.user_id, reason: 'unlinked-by-person' }] });
    expect(pairAnswer(google, chose, TRUST)).toEqual({ answer: 'never', reasons: [{ user_id: google.user_id, reason: 'unlinked-by-person' }] });
    // Recorded on the standalone side instead: the other one is named.
    expect(pairAnswer(unlinking(google, primary), primary, TRUST)).toEqual({
      answer: 'never',
      reasons: [{ user_id: primary.user_id, reason: 'unlinked-by-person' }],
    });
  });

  it('matches any identity of the other account, reads a malformed entry as a refusal, and ignores other identities and keys', () => {
    const primary = account('Username-Password-Authentication');
    const google = account('google-oauth2');
    const github = account('github');
    // The unlinked identity was since linked under another account: that account is refused as well.
    const merged: User = { ...github, identities: [...github.identities, ...google.identities] };
    const chose = unlinking(primary, google);
    expect(answer(chose, merged)).toBe('never');
    const key = Object.keys(chose.user_metadata!).find((k) => k.startsWith('auto_link_unlinked_'))!;
    for (const value of ['yes', 1, {}, true]) expect(answer({ ...primary, user_metadata: { [key]: value } }, google), String(value)).toBe('never');
    for (const value of [null, false]) expect(answer({ ...primary, user_metadata: { [key]: value } }, google), String(value)).toBe('silent');
    expect(answer(chose, github)).toBe('silent');
    expect(answer({ ...primary, user_metadata: { theme: 'dark', auto_link_unlinked_: { at: 'x' } } }, google)).toBe('silent');
  });

  it('keeps the unlinked account out of its group (the others still link), out of its own login and out of any offer', () => {
    const primary = account('Username-Password-Authentication', { created_at: '2020-01-01T00:00:00.000Z' });
    const google = account('google-oauth2', { created_at: '2021-01-01T00:00:00.000Z' });
    const github = account('github', { created_at: '2022-01-01T00:00:00.000Z' });
    const chose = unlinking(primary, google);
    const [group] = planGroups([chose, google, github], { trust: TRUST }).groups;
    expect(group!.primary).toBe(chose);
    expect(group!.secondaries).toEqual([github]);
    expect(group!.skipped).toEqual([{ user: google, reason: 'unlinked-by-person' }]);
    expect(planLogin(google, [chose, google, github], { trust: TRUST })).toEqual({ kind: 'none', reason: 'unlinked-by-person' });
    expect(planLogin(github, [chose, google, github], { trust: TRUST })).toMatchObject({
      kind: 'link',
      primary: chose,
      secondaries: [{ user_id: github.user_id }],
    });
    // A pair the person could otherwise confirm is not offered either: they already chose.
    const entra = account('contoso-azure');
    const choseEntra = unlinking(primary, entra);
    expect(confirmCandidates(entra, [choseEntra, entra], { trust: TRUST })).toEqual([]);
    expect(confirmCandidates(entra, [primary, entra], { trust: TRUST })).toEqual([primary]);
  });

  it("an entry on an account that is itself never or confirm-only refuses only that account's own pairs", () => {
    const database = account('Username-Password-Authentication', { created_at: '2020-01-01T00:00:00.000Z' });
    const google = account('google-oauth2', { created_at: '2021-01-01T00:00:00.000Z' });
    // An attacker's unverified signup and an enterprise login asserting the address, each naming the victim's Google identity.
    for (const attacker of [account('Username-Password-Authentication', { email_verified: false }), account('contoso-azure')]) {
      const naming = unlinking(attacker, google);
      expect(answer(naming, google)).toBe('never');
      expect(planLogin(google, [database, google, naming], { trust: TRUST })).toMatchObject({ kind: 'link', primary: database });
      expect(planGroups([database, google, naming], { trust: TRUST }).groups[0]!.secondaries).toEqual([google]);
    }
  });
});

describe('confirmCandidates', () => {
  it('offers the victim-verified pre-registration instead of merging it: the attacker account is confirm, never silent', () => {
    const attacker = account('Username-Password-Authentication', {
      created_at: '2023-01-01T00:00:00.000Z',
      app_metadata: { [UNVERIFIED_LOGIN_KEY]: { at: '2023-01-01T00:00:00.000Z' } },
      last_password_reset: undefined,
    });
    const victim = account('google-oauth2');
    expect(planLogin(victim, [attacker, victim], { trust: TRUST })).toEqual({ kind: 'none', reason: 'alone' });
    expect(confirmCandidates(victim, [attacker, victim], { trust: TRUST })).toEqual([attacker]);
  });
});

describe('what a proof proves (issue 17: a proof counts only where signing in needs a credential)', () => {
  const unproven = () => account('Username-Password-Authentication', { last_password_reset: undefined });

  it('asks for the password of a database account with no reset since signup, from a login that proves the mailbox only', () => {
    const google = account('google-oauth2');
    const db = unproven();
    expect(pairAnswer(google, db, TRUST)).toEqual({ answer: 'confirm', signs: [{ user_id: db.user_id, reason: 'password-unproven' }] });
    expect(confirmCandidates(google, [google, db], { trust: TRUST })).toEqual([db]);
    expect(confirmCandidates(db, [google, db], { trust: TRUST })).toEqual([google]);
    // An Entra login proves nothing about the mailbox, nor does an unproven password: that pair is never offered.
    const entra = account('contoso-azure');
    expect(mayProve(entra, db, TRUST)).toBe(false);
    expect(mayProve(db, entra, TRUST)).toBe(false);
    // Once the password was reset through the mailbox, the Entra login may prove it.
    expect(mayProve(entra, { ...db, last_password_reset: '2024-06-01T00:00:00.000Z' }, TRUST)).toBe(true);
  });

  it('never invites a login to prove an account whose IdP may sign anyone in, but lets that login prove a trusted one', () => {
    const google = account('google-oauth2');
    const entra = account('contoso-azure', { created_at: '2020-01-01T00:00:00.000Z' });
    expect(confirmCandidates(google, [entra, google], { trust: TRUST })).toEqual([]);
    expect(confirmCandidates(entra, [entra, google], { trust: TRUST })).toEqual([google]);
  });

  it('never links an account holding identities someone else may have linked (a trojan identity), unless this project linked them', () => {
    const google = account('google-oauth2');
    const trojan = { provider: 'github', user_id: 'attacker-gh', connection: 'github', isSocial: true };
    const preHijacked = account('Username-Password-Authentication', { created_at: '2020-01-01T00:00:00.000Z' });
    preHijacked.identities.push(trojan);
    expect(pairAnswer(google, preHijacked, TRUST)).toEqual({ answer: 'never', reasons: [{ user_id: preHijacked.user_id, reason: 'unvouched' }] });
    expect(confirmCandidates(google, [preHijacked, google], { trust: TRUST })).toEqual([]);
    // The same account whose GitHub identity the Action linked (its audit record in app_metadata) is vouched for.
    const entry = {
      user_id: 'github|attacker-gh',
      provider: 'github',
      identity_user_id: 'attacker-gh',
      connection: 'github',
      linked_at: '2024-05-01T00:00:00.000Z',
    };
    const recorded = { ...preHijacked, app_metadata: { [recordKey(entry.user_id)]: { ...entry, by: 'action', app_metadata: {}, user_metadata: {} } } };
    expect(pairAnswer(google, recorded, TRUST).answer).toBe('silent');
    // A record the page wrote for the person (by: connected) is in user_metadata, which the person can write: not vouched.
    const connected = { ...preHijacked, app_metadata: { [recordKey(entry.user_id)]: { ...entry, by: 'connected', app_metadata: {}, user_metadata: {} } } };
    expect(pairAnswer(google, connected, TRUST).answer).toBe('never');
    // Under a main identity that proves the mailbox, only its holder could have linked more.
    const googleMain = account('google-oauth2', { created_at: '2020-01-01T00:00:00.000Z' });
    googleMain.identities.push(trojan);
    expect(pairAnswer(account('github'), googleMain, TRUST).answer).toBe('silent');
  });

  it('ends the sessions of every password account of a link, and only theirs', () => {
    const db = account('Username-Password-Authentication');
    const google = account('google-oauth2');
    const merged = account('google-oauth2');
    merged.identities.push({ provider: 'auth0', user_id: 'x', connection: 'Username-Password-Authentication', isSocial: false });
    expect(sessionsToEnd([google, db, merged])).toEqual([db, merged]);
  });
});

// --- properties --------------------------------------------------------------------------------------------------

const accountArb = fc.record({
  connection: fc.constantFrom(...NAMES),
  email: fc.constantFrom('ann@x.io', 'Ann@X.io', 'bob@y.io', '', undefined),
  verified: fc.oneof(fc.boolean(), fc.constant(undefined)),
  blocked: fc.boolean(),
  excluded: fc.constantFrom(undefined, true, false),
  mark: fc.constantFrom(undefined, '2024-06-01T00:00:00.000Z', 'garbage'),
  reset: fc.constantFrom(undefined, 'none', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'),
  lastLoginDaysAgo: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
});

/** Accounts of one verified mailbox, neither blocked nor excluded: the pairs where the answer is silent or confirm. */
const verifiedArb = fc
  .tuple(accountArb, fc.constantFrom<ConnectionName>('Username-Password-Authentication', 'google-oauth2', 'github', 'email', 'contoso-azure'), fc.boolean())
  .map(([a, connection, keepMark]) => ({
    ...a,
    // Weighted to the connections where the answers differ most, and mostly without the unverified-login mark.
    connection,
    mark: keepMark ? a.mark : undefined,
    email: 'ann@x.io' as const,
    verified: true,
    blocked: false,
    excluded: undefined,
  }));

const trustArb: fc.Arbitrary<TrustRule> = fc.record({
  connections: fc.option(
    fc.subarray(NAMES).map((names) => new Set<string>(names)),
    { nil: undefined },
  ),
  customDatabases: fc.option(fc.constant(new Set(['legacy-db'])), { nil: undefined }),
  dormancy: fc.option(fc.record({ days: fc.integer({ min: 1, max: 800 }), now: fc.constant(NOW) }), { nil: undefined }),
});

type AccountSpec = typeof accountArb extends fc.Arbitrary<infer T> ? T : never;

function made(a: AccountSpec): User {
  const user = account(a.connection, { blocked: a.blocked });
  if (a.email === undefined) delete user.email;
  else user.email = a.email;
  if (a.verified === undefined) delete user.email_verified;
  else user.email_verified = a.verified;
  if (a.excluded !== undefined) user.app_metadata = { ...user.app_metadata, auto_link_exclude: a.excluded };
  if (a.mark !== undefined) user.app_metadata = { ...user.app_metadata, [UNVERIFIED_LOGIN_KEY]: a.mark === 'garbage' ? a.mark : { at: a.mark } };
  if (a.reset === 'none') delete user.last_password_reset;
  else if (a.reset !== undefined) user.last_password_reset = a.reset;
  if (a.lastLoginDaysAgo === undefined) delete user.last_login;
  else user.last_login = new Date(NOW - a.lastLoginDaysAgo * DAY).toISOString();
  return user;
}

/** The never rule written apart from the policy. */
function neverOracle(u: User): boolean {
  const excluded = u.app_metadata?.auto_link_exclude;
  return u.email_verified !== true || !u.email || u.blocked === true || (excluded !== undefined && excluded !== false);
}

/** Whether signing in to the account shows the mailbox, written apart from the policy: a trusted non-password main identity, or a password reset since signup and since any unverified login. */
function mailboxOracle(u: User, trust: TrustRule): boolean {
  const main = u.identities[0]!;
  if (main.provider === 'auth0') {
    const reset = Date.parse(u.last_password_reset ?? '');
    const mark = u.app_metadata?.[UNVERIFIED_LOGIN_KEY] as { at?: string } | string | undefined;
    const markAt = mark === undefined ? -Infinity : typeof mark === 'object' ? Date.parse(mark.at ?? '') : NaN;
    return reset > Date.parse(u.created_at) && reset > (Number.isNaN(markAt) ? Infinity : markAt);
  }
  return trust.connections ? trust.connections.has(main.connection) : ['email', 'google-oauth2', 'github', 'apple', 'windowslive'].includes(main.provider);
}

/** Whether a sign-in to the account needs a credential an attacker lacks: a password, or a mailbox identity. */
function credentialOracle(u: User, trust: TrustRule): boolean {
  return u.identities[0]!.provider === 'auth0' || mailboxOracle(u, trust);
}

/** The risk rule written apart from the policy: anything here keeps a pair from a silent link. */
function riskOracle(u: User, trust: TrustRule): boolean {
  const identity = u.identities[0]!;
  const trusted = trust.connections
    ? trust.connections.has(identity.connection)
    : ['auth0', 'email', 'google-oauth2', 'github', 'apple', 'windowslive'].includes(identity.provider) && !trust.customDatabases?.has(identity.connection);
  const mark = u.app_metadata?.[UNVERIFIED_LOGIN_KEY] as { at?: string } | string | undefined;
  const markAt = mark === undefined ? undefined : typeof mark === 'object' ? Date.parse(mark.at ?? '') : NaN;
  const usedUnverified =
    markAt !== undefined && !(u.last_password_reset !== undefined && Date.parse(u.last_password_reset) > (Number.isNaN(markAt) ? Infinity : markAt));
  const dormant = trust.dormancy !== undefined && u.last_login !== undefined && trust.dormancy.now - Date.parse(u.last_login) > trust.dormancy.days * DAY;
  // A password needs a reset after signup and after any unverified login: the one positive evidence of the mailbox.
  const reset = Date.parse(u.last_password_reset ?? '');
  const passwordUnproven =
    identity.provider === 'auth0' && !(reset > Date.parse(u.created_at) && (markAt === undefined || reset > (Number.isNaN(markAt) ? Infinity : markAt)));
  return !trusted || usedUnverified || dormant || passwordUnproven;
}

const sameMailbox = (a: User, b: User) => a.email !== undefined && b.email !== undefined && a.email.toLowerCase() === b.email.toLowerCase();

/** Which side, if any, records that the person unlinked the other (the entry the linking page writes). */
const unlinkArb = fc.constantFrom('none', 'a-unlinked-b', 'b-unlinked-a', 'both');

describe('pair answer properties', () => {
  it('never offers nor links an unverified, blocked, excluded or person-unlinked account; silent only without a risk sign; else confirm', () => {
    fc.assert(
      fc.property(accountArb, accountArb, trustArb, unlinkArb, (x, y, trust, unlinked) => {
        const plainA = made(x);
        const plainB = made(y);
        const a = unlinked === 'a-unlinked-b' || unlinked === 'both' ? unlinking(plainA, plainB) : plainA;
        const b = unlinked === 'b-unlinked-a' || unlinked === 'both' ? unlinking(plainB, plainA) : plainB;
        const result = pairAnswer(a, b, trust);
        if (unlinked !== 'none')
          expect(result).toMatchObject({ answer: 'never', reasons: expect.arrayContaining([expect.objectContaining({ reason: 'unlinked-by-person' })]) });
        if (neverOracle(a) || neverOracle(b) || !sameMailbox(a, b) || unlinked !== 'none') expect(result.answer).toBe('never');
        else if (riskOracle(a, trust) || riskOracle(b, trust)) expect(result.answer).toBe('confirm');
        else expect(result.answer).toBe('silent');
        // Every reason names one of the two accounts, and the answer does not depend on the order.
        const reasons = result.answer === 'never' ? result.reasons : result.answer === 'confirm' ? result.signs : [];
        for (const r of reasons) expect([a.user_id, b.user_id]).toContain(r.user_id);
        expect(pairAnswer(b, a, trust).answer).toBe(result.answer);
      }),
      { numRuns: 1000 },
    );
  });

  it('a login is offered exactly its confirm pairs, never an account it would link silently or never', () => {
    fc.assert(
      fc.property(accountArb, fc.array(accountArb, { maxLength: 6 }), trustArb, (l, others, trust) => {
        const login = made(l);
        const candidates = [login, ...others.map(made)];
        const offered = confirmCandidates(login, candidates, { trust });
        for (const c of candidates.slice(1)) {
          const provable = credentialOracle(c, trust) && (mailboxOracle(login, trust) || mailboxOracle(c, trust));
          expect(offered.includes(c)).toBe(pairAnswer(login, c, trust).answer === 'confirm' && provable);
        }
        for (const o of offered) expect(neverOracle(o)).toBe(false);
        const plan = planLogin(login, candidates, { trust });
        if (plan.kind === 'link') for (const s of [plan.primary, ...plan.secondaries]) expect(offered).not.toContain(s);
      }),
      { numRuns: 500 },
    );
  });

  it('never links silently without evidence: a silent pair has no password account lacking a reset since signup', () => {
    fc.assert(
      fc.property(verifiedArb, verifiedArb, trustArb, (a, b, trust) => {
        const [x, y] = [made(a), made(b)];
        if (pairAnswer(x, y, trust).answer === 'silent') for (const u of [x, y]) expect(mailboxOracle(u, trust), u.user_id).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('never offers an account whose sign-in proves nothing, nor a pair where neither side proves the mailbox', () => {
    fc.assert(
      fc.property(verifiedArb, fc.array(verifiedArb, { minLength: 1, maxLength: 4 }), trustArb, (l, others, trust) => {
        const login = made(l);
        for (const offered of confirmCandidates(login, [login, ...others.map(made)], { trust })) {
          expect(credentialOracle(offered, trust)).toBe(true);
          expect(mailboxOracle(login, trust) || mailboxOracle(offered, trust)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("the backfill's needs-confirmation groups hold no never account and always a risk sign", () => {
    fc.assert(
      fc.property(fc.array(accountArb, { maxLength: 10 }), trustArb, (accounts, trust) => {
        const users = accounts.map(made);
        for (const group of planGroups(users, { trust }).confirm) {
          expect(group.accounts.length).toBeGreaterThanOrEqual(2);
          for (const u of group.accounts) expect(neverOracle(u)).toBe(false);
          expect(group.accounts.some((u) => riskOracle(u, trust))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
