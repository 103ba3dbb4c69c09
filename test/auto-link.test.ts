// The BUILT Action in the local Actions runtime against the local tenant: when it calls nothing, what it links, records and marks.
import { describe, expect, it } from 'vitest';
import { CHECKED_KEY, LINKS_KEY, linkRecords, recordKey } from '../actions/link-record.ts';
import { UNVERIFIED_LOGIN_KEY } from '../actions/risk-signs.ts';
import type { User } from '../actions/types.ts';
import { calls, loadAction, succeeded, END_SESSIONS_CALLS } from './support/action.ts';
import { createTestTenant, DATABASE, useInProcessTenant, type TestTenant, RESET, resetAfter } from './support/tenant.ts';

const CLAIM = 'https://auto-link/linked';
const LOOKUP = ['POST /oauth/token', 'GET /api/v2/users-by-email'];
/** A first check that finds no other account by exact email adds one case-insensitive search. */
const ALONE = [...LOOKUP, 'GET /api/v2/users'];
const LINK_AS_SECONDARY = [...LOOKUP, ...END_SESSIONS_CALLS, 'PATCH /api/v2/users/{id}', 'POST /api/v2/users/{id}/identities'];

/** The test tenant plus the connections the Action must not trust by default. */
function tenantWithUntrusted(): TestTenant {
  const made = createTestTenant();
  made.tenant.state.addConnection({ name: 'entra', strategy: 'waad' });
  made.tenant.state.addConnection({ name: 'sms', strategy: 'sms' });
  made.tenant.state.addConnection({ name: 'custom-oauth', strategy: 'oauth2' });
  return made;
}

const current = useInProcessTenant(tenantWithUntrusted);

function create(
  connection: string,
  fields: {
    email?: string;
    email_verified?: boolean;
    created_at?: string;
    last_password_reset?: string;
    app_metadata?: Record<string, unknown>;
    user_metadata?: Record<string, unknown>;
  } = {},
): User {
  // Database users here have reset their password since signup: the evidence a silent link needs (the security model).
  const evidence = connection === DATABASE ? resetAfter(fields.created_at) : {};
  return current().tenant.state.createUser({ connection, email: 'ann@x.io', email_verified: true, ...evidence, ...fields });
}

const OLD = '2020-01-01T00:00:00.000Z';
const NEW = '2024-01-01T00:00:00.000Z';

describe('zero HTTP calls', () => {
  it('with LINK_MODE=off, on a refresh-token exchange, and when the user is already checked for its email', async () => {
    create(DATABASE, { created_at: OLD });
    const google = create('google-oauth2', { created_at: NEW });
    const off = await loadAction(current(), { LINK_MODE: 'off' });
    expect(succeeded(await off.action.login({ userId: google.user_id }), current())).toMatchObject({ subject: google.user_id, httpCalls: [], logs: [] });
    const { action } = await loadAction(current());
    const refresh = succeeded(await action.login({ userId: google.user_id, protocol: 'oauth2-refresh-token' }), current());
    expect(refresh).toMatchObject({ subject: google.user_id, httpCalls: [], logs: [] });

    const lone = create('github', { email: 'bob@y.io' });
    current().tenant.state.patchUser(lone.user_id, { app_metadata: { [CHECKED_KEY]: { email: 'bob@y.io', at: NEW } } });
    expect(succeeded(await action.login({ userId: lone.user_id }), current())).toMatchObject({ httpCalls: [], logs: [] });
  });

  it('when a secret is missing or malformed, logging the secret by name', async () => {
    const google = create('google-oauth2');
    for (const [secrets, line] of [
      [{ AUTH0_CLIENT_SECRET: undefined }, 'auto-link: skipped, secret AUTH0_CLIENT_SECRET is missing'],
      [{ TIME_BUDGET_MS: 'soon' }, 'auto-link: skipped, secret TIME_BUDGET_MS is malformed'],
      [{ LINK_MODE: 'yes' }, 'auto-link: skipped, secret LINK_MODE is malformed'],
    ] as const) {
      const { action } = await loadAction(current(), secrets);
      const result = succeeded(await action.login({ userId: google.user_id }), current());
      expect(result.httpCalls).toEqual([]);
      expect(result.logs).toHaveLength(1);
      expect(result.logs[0]).toContain(line);
    }
  });

  it('when the login user has no email, an unverified email, an untrusted identity, an exclusion or a block', async () => {
    create(DATABASE, { created_at: OLD });
    const { state } = current().tenant;
    const cases: Array<[User, string]> = [
      [state.createUser({ connection: 'sms' }), 'the user has no email'],
      [create('google-oauth2', { email_verified: false }), 'email not verified'],
      [create('entra'), 'not trusted'],
      [create('custom-oauth'), 'not trusted'],
      [create('github', { app_metadata: { auto_link_exclude: true } }), 'excluded'],
    ];
    const blocked = create('google-oauth2');
    state.patchUser(blocked.user_id, { blocked: true });
    cases.push([blocked, 'blocked']);
    const { action } = await loadAction(current());
    for (const [user, reason] of cases) {
      const result = succeeded(await action.login({ userId: user.user_id }), current());
      // The unverified login is recorded as a risk sign, for free: the one write, and no HTTP call.
      const mark = reason === 'email not verified' ? { [UNVERIFIED_LOGIN_KEY]: { at: expect.any(String) } } : undefined;
      expect(result).toMatchObject({ subject: user.user_id, httpCalls: [], appMetadataApplied: mark });
      expect(result.logs[0]).toContain(reason);
    }
    const again = succeeded(await action.login({ userId: cases[1]![0].user_id }), current());
    expect(again).toMatchObject({ httpCalls: [], appMetadataApplied: undefined });
  });
});

describe('a login with no other account to link', () => {
  it('marks the user with api.user (no write call) and costs nothing from the second login on', async () => {
    const google = create('google-oauth2');
    const { action } = await loadAction(current());
    const first = succeeded(await action.login({ userId: google.user_id }), current());
    expect(calls(first)).toEqual(ALONE);
    expect(first.appMetadataApplied).toEqual({ [CHECKED_KEY]: { email: 'ann@x.io', at: expect.any(String) } });
    expect(first.logs).toEqual(['auto-link: no other account to link, marked checked']);
    expect(first.idTokenClaims).toEqual({});
    const second = succeeded(await action.login({ userId: google.user_id }), current());
    expect(second).toMatchObject({ httpCalls: [], logs: [] });
  });

  it('looks the email up as given and lower-cased when they differ (users-by-email is case-sensitive)', async () => {
    const db = create(DATABASE, { email: 'Ann@X.io', created_at: OLD });
    const google = create('google-oauth2', { email: 'Ann@X.io', created_at: NEW });
    const { action } = await loadAction(current());
    const result = succeeded(await action.login({ userId: google.user_id }), current());
    expect(calls(result)).toEqual([
      ...LOOKUP,
      'GET /api/v2/users-by-email',
      ...END_SESSIONS_CALLS,
      'PATCH /api/v2/users/{id}',
      'POST /api/v2/users/{id}/identities',
    ]);
    expect(result.subject).toBe(db.user_id);
  });

  it('never links an account an attacker could have registered: unverified, untrusted, excluded', async () => {
    const attacker = create(DATABASE, { email_verified: false, created_at: OLD });
    const enterprise = create('entra', { created_at: OLD });
    const excluded = create('github', { created_at: OLD, app_metadata: { auto_link_exclude: true } });
    const victim = create('google-oauth2', { created_at: NEW });
    const { action } = await loadAction(current());
    const result = succeeded(await action.login({ userId: victim.user_id }), current());
    expect(result).toMatchObject({ subject: victim.user_id, idTokenClaims: {} });
    expect(calls(result)).toEqual(LOOKUP);
    const { state } = current().tenant;
    for (const other of [attacker, enterprise, excluded, victim]) expect(state.getUser(other.user_id)!.identities).toHaveLength(1);
  });
});

describe('Unicode lookalikes', () => {
  it('never links a verified "\u212Aate@…" (Kelvin sign) into "kate@…": JavaScript would lower-case it to the victim’s address', async () => {
    const victim = create(DATABASE, { email: 'kate@mail.io', created_at: OLD });
    const attacker = create('github', { email: '\u212Aate@mail.io', created_at: NEW });
    const { action } = await loadAction(current());
    const result = succeeded(await action.login({ userId: attacker.user_id }), current());
    expect(result.subject).toBe(attacker.user_id);
    expect(calls(result)).toEqual(ALONE);
    expect(current().tenant.state.getUser(victim.user_id)!.identities).toHaveLength(1);
    expect(current().tenant.state.getUser(attacker.user_id)).toBeDefined();
  });
});

describe('a login that links', () => {
  it('links the login user into the older account: audit record and mark first, then the link, then setPrimaryUser and the claim', async () => {
    const db = create(DATABASE, { created_at: OLD, app_metadata: { plan: 'pro', [LINKS_KEY]: [{ user_id: 'github|earlier', by: 'backfill' }] } });
    const google = create('google-oauth2', { created_at: NEW, app_metadata: { role: 'beta' }, user_metadata: { theme: 'dark' } });
    const { action } = await loadAction(current());
    const result = succeeded(await action.login({ userId: google.user_id }), current());
    expect(calls(result)).toEqual(LINK_AS_SECONDARY);
    expect(result).toMatchObject({ subject: db.user_id, idTokenClaims: { [CLAIM]: [google.user_id] }, appMetadataApplied: undefined });
    expect(result.logs).toEqual([`auto-link: linked ${google.user_id} into ${db.user_id}, login continues as ${db.user_id}`]);

    const { state } = current().tenant;
    expect(state.getUser(google.user_id)).toBeUndefined();
    const primary = state.getUser(db.user_id)!;
    expect(primary.identities.map((i) => `${i.provider}|${i.user_id}`)).toEqual([db.user_id, google.user_id]);
    expect(primary.app_metadata).toMatchObject({ plan: 'pro', [CHECKED_KEY]: { email: 'ann@x.io' } });
    // The new entry under its own key; the entry in today's array format is left as it is, and both read as records.
    expect(primary.app_metadata![LINKS_KEY]).toEqual([{ user_id: 'github|earlier', by: 'backfill' }]);
    expect(linkRecords(primary).map((e) => e.user_id)).toEqual(['github|earlier', google.user_id]);
    expect(primary.app_metadata![recordKey(google.user_id)]).toEqual({
      user_id: google.user_id,
      provider: 'google-oauth2',
      identity_user_id: google.identities[0]!.user_id,
      connection: 'google-oauth2',
      linked_at: expect.any(String),
      by: 'action',
      app_metadata: { role: 'beta' },
      user_metadata: { theme: 'dark' },
    });

    // Steady state: the identity now logs in as the marked primary, and so does the primary itself.
    const again = succeeded(await action.login({ identity: { provider: 'google-oauth2', user_id: google.identities[0]!.user_id } }), current());
    expect(again).toMatchObject({ eventUserId: db.user_id, subject: db.user_id, httpCalls: [], logs: [] });
    expect(succeeded(await action.login({ userId: db.user_id }), current()).httpCalls).toEqual([]);
  });

  it("sends connection_id with the login user's own database identity, which Auth0 needs among several database connections", async () => {
    const { state } = current().tenant;
    const other = state.addConnection({ name: 'Other-Database', strategy: 'auth0' });
    const google = create('google-oauth2', { created_at: OLD });
    const db = create('Other-Database', { created_at: NEW, last_password_reset: RESET });
    const github = create('github', { created_at: '2025-01-01T00:00:00.000Z' });
    const links: unknown[] = [];
    const recording: typeof fetch = async (input, init) => {
      if (init?.method === 'POST' && String(input).endsWith('/identities')) links.push(JSON.parse(String(init.body)));
      return fetch(input, init);
    };
    const { action } = await loadAction(current(), {}, { fetch: recording });
    const result = succeeded(await action.login({ userId: db.user_id }), current());
    expect(result.subject).toBe(google.user_id);
    expect(links).toEqual([
      { provider: 'auth0', user_id: db.identities[0]!.user_id, connection_id: other.id },
      { provider: 'github', user_id: github.identities[0]!.user_id },
    ]);
    expect(state.getUser(google.user_id)!.identities.map((i) => i.connection)).toEqual(['google-oauth2', 'Other-Database', 'github']);
  });

  it('links the others into the login user when it is the primary, without setPrimaryUser', async () => {
    const db = create(DATABASE, { created_at: OLD });
    const google = create('google-oauth2', { created_at: NEW });
    const github = create('github', { created_at: '2025-01-01T00:00:00.000Z' });
    const { action } = await loadAction(current());
    const result = succeeded(await action.login({ userId: db.user_id }), current());
    expect(calls(result)).toEqual([
      ...LOOKUP,
      ...END_SESSIONS_CALLS,
      'PATCH /api/v2/users/{id}',
      'POST /api/v2/users/{id}/identities',
      'POST /api/v2/users/{id}/identities',
    ]);
    expect(result).toMatchObject({ subject: db.user_id, idTokenClaims: { [CLAIM]: [google.user_id, github.user_id] }, appMetadataApplied: undefined });
    expect(current().tenant.state.getUser(db.user_id)!.identities).toHaveLength(3);
  });

  it('links the login user first when it is one of several secondaries', async () => {
    const db = create(DATABASE, { created_at: OLD });
    const google = create('google-oauth2', { created_at: NEW });
    const github = create('github', { created_at: '2025-01-01T00:00:00.000Z' });
    const { action } = await loadAction(current());
    const result = succeeded(await action.login({ userId: github.user_id }), current());
    expect(result).toMatchObject({ subject: db.user_id, idTokenClaims: { [CLAIM]: [github.user_id, google.user_id] } });
  });

  it('honours PRIMARY_CONNECTION and a custom claim namespace', async () => {
    const google = create('google-oauth2', { created_at: OLD });
    const db = create(DATABASE, { created_at: NEW });
    const { action } = await loadAction(current(), { PRIMARY_CONNECTION: DATABASE, CLAIM_NAMESPACE: 'https://example.com/auth' });
    const result = succeeded(await action.login({ userId: google.user_id }), current());
    expect(result).toMatchObject({ subject: db.user_id, idTokenClaims: { 'https://example.com/auth/linked': [google.user_id] } });
  });

  it('trusts exactly TRUSTED_CONNECTIONS when set', async () => {
    const entra = create('entra', { created_at: OLD });
    const google = create('google-oauth2', { created_at: NEW });
    const { action } = await loadAction(current(), { TRUSTED_CONNECTIONS: 'entra,google-oauth2' });
    expect(succeeded(await action.login({ userId: google.user_id }), current()).subject).toBe(entra.user_id);
  });
});

describe('LINK_MODE=dry-run', () => {
  it('looks up and logs the plan naming the user ids, and changes nothing', async () => {
    const db = create(DATABASE, { created_at: OLD });
    const google = create('google-oauth2', { created_at: NEW });
    const { state } = current().tenant;
    const before = structuredClone([...state.allUsers()]);
    const { action } = await loadAction(current(), { LINK_MODE: 'dry-run' });
    const result = succeeded(await action.login({ userId: google.user_id }), current());
    expect(calls(result)).toEqual(LOOKUP);
    expect(result).toMatchObject({ subject: google.user_id, idTokenClaims: {}, appMetadataApplied: undefined });
    expect(result.logs).toEqual([`auto-link: dry-run, would link ${google.user_id} into ${db.user_id} and continue as ${db.user_id}`]);
    const after = [...state.allUsers()].map(({ last_login: _l, logins_count: _c, ...rest }) => rest);
    expect(after).toEqual(before.map(({ last_login: _l, logins_count: _c, ...rest }) => rest));

    const lone = create('github', { email: 'bob@y.io' });
    const alone = succeeded(await action.login({ userId: lone.user_id }), current());
    expect(alone).toMatchObject({ appMetadataApplied: undefined, logs: ['auto-link: dry-run, no other account to link'] });
  });

  it('still moves the login when something else linked its identity while it ran (else Auth0 fails the login)', async () => {
    const db = create(DATABASE, { created_at: OLD });
    const google = create('google-oauth2', { created_at: NEW });
    const { action } = await loadAction(current(), { LINK_MODE: 'dry-run' });
    const login = action.login({ userId: google.user_id });
    current().tenant.state.link(db.user_id, { provider: 'google-oauth2', user_id: google.identities[0]!.user_id });
    const result = succeeded(await login, current());
    expect(result).toMatchObject({ eventUserId: google.user_id, subject: db.user_id, idTokenClaims: {} });
    expect(result.logs).toEqual([`auto-link: dry-run, continuing as ${db.user_id}: this identity is already linked to it`]);
  });
});
