// Seeding the local tenant from a JSON seed value: what loads, and messages that name the entry, the field and the fix.
import { describe, expect, it } from 'vitest';
import type { User } from '../../actions/types.ts';
import { DATABASE_CONNECTION as DB } from '../connection-names.ts';
import { ensureConnection, loadSeed, SeedError, validateSeed } from '../seed.ts';
import { TenantState } from '../state.ts';

const linkedUser: User = {
  user_id: 'auth0|aaaaaaaaaaaaaaaaaaaaaaaa',
  email: 'ann@example.com',
  email_verified: true,
  created_at: '2020-01-01T00:00:00.000Z',
  identities: [
    { provider: 'auth0', user_id: 'aaaaaaaaaaaaaaaaaaaaaaaa', connection: DB, isSocial: false },
    {
      provider: 'google-oauth2',
      user_id: '1111',
      connection: 'google-oauth2',
      isSocial: true,
      profileData: { email: 'Ann@Example.com', email_verified: true },
    },
  ],
  app_metadata: { plan: 'pro' },
};

function seed(overrides: Record<string, unknown> = {}) {
  return {
    connections: [
      { name: DB, strategy: 'auth0', id: 'con_aaaaaaaaaaaaaaaa' },
      { name: 'google-oauth2', strategy: 'google-oauth2' },
    ],
    clients: [{ name: 'backfill', client_id: 'client-1', client_secret: 'not-shown-anywhere', scopes: ['read:users', 'update:users'] }],
    users: [
      { connection: DB, email: 'Bob@Example.com', email_verified: false, user_metadata: { theme: 'dark' } },
      { connection: 'google-oauth2', id: '2222', email: 'Bob@Example.com', email_verified: true },
      linkedUser,
    ],
    ...overrides,
  };
}

/** The problems a seed is refused for. */
function problemsOf(value: unknown): string[] {
  try {
    validateSeed(value);
  } catch (error) {
    expect(error).toBeInstanceOf(SeedError);
    return (error as SeedError).problems;
  }
  throw new Error('the seed was accepted');
}

describe('loadSeed', () => {
  it('adds connections, clients, new users (as signups) and complete users (as given, already linked)', () => {
    const state = new TenantState();
    const result = loadSeed(state, structuredClone(seed()));
    expect(result.users).toBe(3);
    expect(result.connections.map((c) => c.name)).toEqual([DB, 'google-oauth2']);
    expect(state.connection(DB)!.id).toBe('con_aaaaaaaaaaaaaaaa');
    expect(state.client('client-1')).toMatchObject({ name: 'backfill', scopes: ['read:users', 'update:users'] });
    // The database signup is lowercased as Auth0 stores it; the Google account keeps the IdP's case.
    expect(state.usersByEmail('bob@example.com').map((u) => u.identities[0]!.connection)).toEqual([DB]);
    expect(state.usersByEmail('Bob@Example.com').map((u) => u.user_id)).toEqual(['google-oauth2|2222']);
    const ann = state.usersByEmail('ann@example.com');
    expect(ann).toHaveLength(1);
    expect(ann[0]!.identities).toHaveLength(2);
    // The seeded secondary links and unlinks like any other.
    state.unlink(linkedUser.user_id, 'google-oauth2', '1111');
    expect(state.getUser('google-oauth2|1111')).toMatchObject({ email: 'Ann@Example.com' });
  });

  it('reuses a connection the tenant already has with the same strategy, and refuses one with another', () => {
    const state = new TenantState();
    const existing = state.addConnection({ name: 'google-oauth2', strategy: 'google-oauth2' });
    expect(ensureConnection(state, { name: 'google-oauth2', strategy: 'google-oauth2' }, 'here')).toBe(existing);
    expect(() => ensureConnection(state, { name: 'google-oauth2', strategy: 'github' }, 'seed.json: connections[1]')).toThrow(
      /seed\.json: connections\[1\].*already has a connection "google-oauth2" \(strategy google-oauth2/s,
    );
  });

  it('refuses a user whose identity already exists in the tenant, naming the entry', () => {
    const state = new TenantState();
    loadSeed(state, structuredClone(seed()));
    const again = { connections: seed().connections, users: [{ connection: 'google-oauth2', id: '2222' }] };
    expect(() => loadSeed(state, again, 'more.json')).toThrow(/more\.json: users\[0\].*google-oauth2\|2222 already exists/s);
  });

  it('loads nothing from a seed with problems', () => {
    const state = new TenantState();
    expect(() => loadSeed(state, seed({ users: [{ connection: DB, email: 'a@x.io' }, { connection: 'nope' }] }))).toThrow(SeedError);
    expect(state.userCount()).toBe(0);
    expect(state.listConnections()).toHaveLength(0);
  });
});

describe('validateSeed messages', () => {
  it('name the entry, the field and what to do', () => {
    const problems = problemsOf(
      seed({
        users: [
          { connection: 'gogle-oauth2', email: 'a@x.io' },
          { connection: DB, mail: 'b@x.io', email_verified: 'yes' },
          { email: 'c@x.io' },
          { ...linkedUser, user_id: 'auth0|other', email: 'Ann@Example.com' },
          { user_id: 'google-oauth2|9', identities: [{ provider: 'github', user_id: '9', connection: 'google-oauth2' }] },
          { connection: DB, created_at: 'yesterday', app_metadata: [] },
          { connection: 'google-oauth2', id: '1111' },
          { connection: 'google-oauth2', id: '1111', email: 'other@x.io' },
        ],
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'users[0].connection "gogle-oauth2" is not a connection of the tenant or the seed: declare it in connections or fix the name',
        expect.stringMatching(/^users\[1\]: unknown field "mail" for a new user: use one of connection, id, email/),
        'users[1].email_verified must be true or false, got the string "yes"',
        'users[2] is neither a new user (give "connection" and a profile) nor a complete user (give "user_id" and "identities")',
        'users[3] (auth0|other): user_id must be "auth0|aaaaaaaaaaaaaaaaaaaaaaaa", the provider and user_id of identities[0]',
        'users[3] (auth0|other).email "Ann@Example.com": Auth0 stores database and passwordless emails in lower case: write "ann@example.com"',
        'users[7]: identity google-oauth2|1111 is already held by users[6]: an identity belongs to one user only',
        'users[4] (google-oauth2|9).identities[0].provider "github" differs from the strategy "google-oauth2" of connection "google-oauth2": an identity\'s provider is its connection\'s strategy',
        expect.stringMatching(/^users\[5\]\.created_at must be an ISO date/),
        'users[5].app_metadata must be an object, got an array',
      ]),
    );
  });

  it('explain a malformed top level and connections', () => {
    expect(problemsOf([])).toEqual(['the seed must be a JSON object { "connections": [...], "users": [...] }, got an array']);
    expect(problemsOf({ users: [], conections: [] })).toEqual([
      'unknown top-level field "conections": only plan, connections, clients and users are read',
      '"connections" must be an array (it may be empty), got nothing',
    ]);
    expect(problemsOf(seed({ connections: [{ name: DB }, { name: DB, strategy: 'auth0' }, { name: DB, strategy: 'auth0' }], users: [] }))).toEqual([
      'connections[0].strategy is missing: give e.g. "auth0" for a database, "google-oauth2", "samlp"',
      `connections[2].name "${DB}" is declared twice: keep one`,
    ]);
  });

  it('never echo a client secret, even a malformed one', () => {
    const problems = problemsOf(seed({ clients: [{ name: 'x', client_secret: 918273645, scopes: 'read:users' }] }));
    expect(problems).toEqual([
      'clients[0].scopes must be an array of scope strings such as ["read:users", "update:users"]',
      'clients[0].client_secret must be a non-empty string, or left out to generate one',
    ]);
    expect(problems.join('\n')).not.toContain('918273645');
  });

  it('list at most twenty problems in the error message, and all of them in `problems`', () => {
    const users = Array.from({ length: 30 }, () => ({ connection: 'missing' }));
    const error = (() => {
      try {
        validateSeed(seed({ users }), 'big.json');
      } catch (e) {
        return e as SeedError;
      }
      throw new Error('accepted');
    })();
    expect(error.problems).toHaveLength(30);
    expect(error.message).toMatch(/^big\.json cannot be loaded:\n/);
    expect(error.message).toContain('… and 10 more');
  });
});
