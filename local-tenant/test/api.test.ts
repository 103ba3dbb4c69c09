// The local tenant's Management API answers as Auth0 does: tokens, 401/403, users-by-email, users paging, PATCH, linking.
import { describe, expect, it } from 'vitest';
import type { LocalTenant } from '../local-tenant.ts';
import { DATABASE, managementToken, useInProcessTenant } from '../../test/support/tenant.ts';

const current = useInProcessTenant();

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`https://tenant.local${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** A token for the fixture's client, which holds read:users and update:users. */
async function token(): Promise<string> {
  const { tenant, client } = current();
  return managementToken(tenant, client);
}

function tokenRequest(tenant: LocalTenant, fields: Record<string, string>): Promise<Answer> {
  return fetch(`https://${tenant.domain}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  }).then(async (response) => ({ status: response.status, headers: response.headers, body: await response.json() }));
}

describe('POST /oauth/token', () => {
  it('issues a Bearer token carrying the client grant, from a form or a JSON body', async () => {
    const { tenant, client } = current();
    const fields = { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, audience: tenant.audience };
    const form = await tokenRequest(tenant, fields);
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ expires_in: 86400, scope: 'read:users update:users delete:sessions delete:grants', token_type: 'Bearer' });
    const json = await fetch(`https://${tenant.domain}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fields),
    });
    expect(json.status).toBe(200);
    const { access_token } = (await json.json()) as { access_token: string };
    expect(tenant.state.verifyToken(access_token)?.clientId).toBe(client.client_id);
  });

  it('refuses a wrong secret or an unknown client with 401 access_denied, alike', async () => {
    const { tenant, client } = current();
    const base = { grant_type: 'client_credentials', audience: tenant.audience };
    const wrongSecret = await tokenRequest(tenant, { ...base, client_id: client.client_id, client_secret: 'nope' });
    const unknown = await tokenRequest(tenant, { ...base, client_id: 'nobody', client_secret: client.client_secret });
    for (const answer of [wrongSecret, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
    }
  });

  it('refuses an audience other than the Management API with 403, naming it', async () => {
    const { tenant, client } = current();
    const answer = await tokenRequest(tenant, {
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: client.client_secret,
      audience: 'https://api.example.com/',
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ error: 'access_denied', error_description: 'Service not enabled within domain: https://api.example.com/' });
  });

  it('answers other grant types as Auth0 does: known ones 403 unauthorized_client, unknown ones 400', async () => {
    const { tenant, client } = current();
    const credentials = { client_id: client.client_id, client_secret: client.client_secret, audience: tenant.audience };
    const password = await tokenRequest(tenant, { ...credentials, grant_type: 'password' });
    expect(password.status).toBe(403);
    expect(password.body.error).toBe('unauthorized_client');
    const made_up = await tokenRequest(tenant, { ...credentials, grant_type: 'magic' });
    expect(made_up.status).toBe(400);
    expect(made_up.body.error).toBe('unsupported_grant_type');
  });

  it('refuses a client without a grant on the Management API', async () => {
    const { tenant } = current();
    const idle = tenant.state.addClient({ name: 'no grant', scopes: [] });
    const answer = await tokenRequest(tenant, {
      grant_type: 'client_credentials',
      client_id: idle.client_id,
      client_secret: idle.client_secret,
      audience: tenant.audience,
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error_description).toContain('is not authorized to access resource server');
  });
});

describe('bearer and scope guard', () => {
  it('answers 401 without a token and for a token it never issued', async () => {
    const missing = await call('GET', '/api/v2/users-by-email?email=a@x.io');
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: 'Missing authentication' });
    const invalid = await call('GET', '/api/v2/users-by-email?email=a@x.io', { token: 'not-a-token' });
    expect(invalid.status).toBe(401);
    expect(invalid.body.message).toBe('Invalid token');
  });

  it('answers 401 once the token expires, by the tenant clock', async () => {
    const { tenant } = current();
    const issued = await token();
    const later = new Date(Date.now() + 86_401_000);
    tenant.state.setClock(() => later);
    expect((await call('GET', '/api/v2/users-by-email?email=a@x.io', { token: issued })).status).toBe(401);
  });

  it('answers 403 naming the scope the route needs', async () => {
    const { tenant } = current();
    const reader = tenant.state.addClient({ name: 'reader', scopes: ['read:users'] });
    const readOnly = await managementToken(tenant, reader);
    const user = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io', email_verified: true });
    const patch = await call('PATCH', `/api/v2/users/${encodeURIComponent(user.user_id)}`, { token: readOnly, body: { app_metadata: { a: 1 } } });
    expect(patch.status).toBe(403);
    expect(patch.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope, expected any of: update:users',
      errorCode: 'insufficient_scope',
    });
    const connections = await call('GET', '/api/v2/connections', { token: readOnly });
    expect(connections.body.message).toBe('Insufficient scope, expected any of: read:connections');
  });
});

describe('every response', () => {
  it('is JSON and carries the rate-limit headers, errors and unknown paths included', async () => {
    const issued = await token();
    const answers = [
      await call('GET', '/api/v2/users-by-email?email=a@x.io', { token: issued }),
      await call('GET', '/api/v2/users/auth0%7Cnobody', { token: issued }),
      await call('GET', '/api/v2/no-such-thing', { token: issued }),
      await call('GET', '/api/v2/users-by-email?email=a@x.io'),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 404, 404, 401]);
    for (const answer of answers) {
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) expect(answer.headers.get(name)).toMatch(/^\d+$/);
    }
  });
});

describe('GET /api/v2/users-by-email', () => {
  it('matches case-sensitively, with database emails stored lowercased', async () => {
    const { tenant } = current();
    const database = tenant.state.createUser({ connection: DATABASE, email: 'Ann@Example.com', email_verified: true });
    const google = tenant.state.createUser({ connection: 'google-oauth2', email: 'Ann@Example.com', email_verified: true });
    const issued = await token();
    const lower = await call('GET', `/api/v2/users-by-email?email=${encodeURIComponent('ann@example.com')}`, { token: issued });
    expect(lower.body.map((u: { user_id: string }) => u.user_id)).toEqual([database.user_id]);
    const mixed = await call('GET', `/api/v2/users-by-email?email=${encodeURIComponent('Ann@Example.com')}`, { token: issued });
    expect(mixed.body.map((u: { user_id: string }) => u.user_id)).toEqual([google.user_id]);
    const other = await call('GET', `/api/v2/users-by-email?email=${encodeURIComponent('ANN@EXAMPLE.COM')}`, { token: issued });
    expect(other.body).toEqual([]);
  });

  it('narrows with fields and include_fields, and wants an email', async () => {
    const { tenant } = current();
    tenant.state.createUser({ connection: DATABASE, email: 'a@x.io', email_verified: true, app_metadata: { plan: 'pro' } });
    const issued = await token();
    const only = await call('GET', '/api/v2/users-by-email?email=a@x.io&fields=user_id,email', { token: issued });
    expect(Object.keys(only.body[0]).sort()).toEqual(['email', 'user_id']);
    const without = await call('GET', '/api/v2/users-by-email?email=a@x.io&fields=app_metadata,identities&include_fields=false', { token: issued });
    expect(without.body[0]).not.toHaveProperty('app_metadata');
    expect(without.body[0]).not.toHaveProperty('identities');
    expect(without.body[0]).toHaveProperty('email', 'a@x.io');
    const missing = await call('GET', '/api/v2/users-by-email', { token: issued });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('email');
  });
});

describe('GET /api/v2/users/:id', () => {
  it('finds a user by its URL-encoded id and answers 404 inexistent_user for an unknown one', async () => {
    const { tenant } = current();
    const user = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io' });
    const issued = await token();
    const found = await call('GET', `/api/v2/users/${encodeURIComponent(user.user_id)}?fields=email`, { token: issued });
    expect(found.body).toEqual({ email: 'a@x.io' });
    const raw = await call('GET', `/api/v2/users/${user.user_id}`, { token: issued });
    expect(raw.body.user_id).toBe(user.user_id);
    const missing = await call('GET', '/api/v2/users/auth0%7C000000000000000000000000', { token: issued });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The user does not exist.', errorCode: 'inexistent_user' });
  });
});

describe('GET /api/v2/users', () => {
  function seed(tenant: LocalTenant, count: number): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(tenant.state.createUser({ connection: DATABASE, email: `u${i}@x.io` }).user_id);
    return ids;
  }

  it('pages in a stable order, with totals when asked', async () => {
    const { tenant } = current();
    const ids = seed(tenant, 7);
    const issued = await token();
    const pages: string[] = [];
    for (let page = 0; page < 3; page++) {
      const answer = await call('GET', `/api/v2/users?page=${page}&per_page=3&include_totals=true`, { token: issued });
      expect(answer.body).toMatchObject({ start: page * 3, limit: 3, total: 7, length: Math.min(3, 7 - page * 3) });
      pages.push(...answer.body.users.map((u: { user_id: string }) => u.user_id));
    }
    expect(pages).toEqual(ids);
    const plain = await call('GET', '/api/v2/users?page=0&per_page=2', { token: issued });
    expect(plain.body.map((u: { user_id: string }) => u.user_id)).toEqual(ids.slice(0, 2));
    const defaults = await call('GET', '/api/v2/users', { token: issued });
    expect(defaults.body).toHaveLength(7);
  });

  it('refuses per_page over 100 and pages reaching past the first 1000 records', async () => {
    const { tenant } = current();
    seed(tenant, 1001);
    const issued = await token();
    const big = await call('GET', '/api/v2/users?per_page=101', { token: issued });
    expect(big.status).toBe(400);
    expect(big.body.message).toContain('per_page');
    const last = await call('GET', '/api/v2/users?page=9&per_page=100', { token: issued });
    expect(last.body).toHaveLength(100);
    const beyond = await call('GET', '/api/v2/users?page=10&per_page=100&include_totals=true', { token: issued });
    expect(beyond.status).toBe(400);
    expect(beyond.body).toMatchObject({ errorCode: 'invalid_paging', message: expect.stringContaining('You can only page through the first 1000 records') });
  });
});

describe('PATCH /api/v2/users/:id', () => {
  it('merges metadata at the top level and removes keys set to null', async () => {
    const { tenant } = current();
    const user = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io', app_metadata: { plan: 'pro', keep: { deep: 1 }, drop: true } });
    const answer = await call('PATCH', `/api/v2/users/${encodeURIComponent(user.user_id)}`, {
      token: await token(),
      body: { app_metadata: { drop: null, keep: { other: 2 } }, user_metadata: { theme: 'dark' } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.app_metadata).toEqual({ plan: 'pro', keep: { other: 2 } });
    expect(tenant.state.getUser(user.user_id)!.user_metadata).toEqual({ theme: 'dark' });
  });

  it('refuses a body it cannot apply, naming the property', async () => {
    const { tenant } = current();
    const user = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io' });
    const path = `/api/v2/users/${encodeURIComponent(user.user_id)}`;
    const issued = await token();
    const wrongType = await call('PATCH', path, { token: issued, body: { app_metadata: 'x' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain('app_metadata');
    const notJson = await call('PATCH', path, { token: issued, body: '{nope' });
    expect(notJson.body.message).toBe('Invalid request payload JSON format');
    const unmodelled = await call('PATCH', path, { token: issued, body: { username: 'hunter2' } });
    expect(unmodelled.status).toBe(400);
    expect(unmodelled.body.message).toContain("'username'");
  });
});

describe('POST /api/v2/users/:id/identities', () => {
  it("links with a connection_id only when it is the secondary's connection", async () => {
    const { tenant } = current();
    const other = tenant.state.addConnection({ name: 'Other-Database', strategy: 'auth0' });
    const primary = tenant.state.createUser({ connection: 'google-oauth2', email: 'a@x.io', email_verified: true });
    const secondary = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io', email_verified: true });
    const path = `/api/v2/users/${encodeURIComponent(primary.user_id)}/identities`;
    const body = { provider: 'auth0', user_id: secondary.identities[0]!.user_id };
    const issued = await token();
    const wrong = await call('POST', path, { token: issued, body: { ...body, connection_id: other.id } });
    expect(wrong).toMatchObject({ status: 400, body: { message: 'Provided secondary account not found.' } });
    const malformed = await call('POST', path, { token: issued, body: { ...body, connection_id: 7 } });
    expect(malformed).toMatchObject({
      status: 400,
      body: { message: "Payload validation error: 'Expected type string but found type number' on property connection_id." },
    });
    expect(tenant.state.getUser(secondary.user_id)).toBeDefined();
    const linked = await call('POST', path, { token: issued, body: { ...body, connection_id: tenant.state.connection(DATABASE)!.id } });
    expect(linked.status).toBe(201);
    expect(linked.body.map((i: { connection: string }) => i.connection)).toEqual(['google-oauth2', DATABASE]);
  });
});

describe('GET /api/v2/connections', () => {
  it('lists connections, narrowed by strategy', async () => {
    const { tenant } = current();
    const admin = tenant.state.addClient({ name: 'admin', scopes: ['read:connections'] });
    const answer = await call('GET', '/api/v2/connections?strategy=google-oauth2&strategy=github', { token: await managementToken(tenant, admin) });
    expect(answer.body.map((c: { name: string }) => c.name).sort()).toEqual(['github', 'google-oauth2']);
  });

  it("answers each connection's options, a custom database's enabledDatabaseCustomization among them, in the shapes Auth0 pages with", async () => {
    const { tenant } = current();
    tenant.state.addConnection({
      name: 'legacy-db',
      strategy: 'auth0',
      options: { enabledDatabaseCustomization: true, customScripts: { login: 'function login() {}' } },
    });
    const admin = await managementToken(tenant, tenant.state.addClient({ name: 'admin', scopes: ['read:connections'] }));
    const plain = await call('GET', '/api/v2/connections?strategy=auth0&fields=name,options', { token: admin });
    expect(plain.body).toEqual([
      {
        name: DATABASE,
        options: { mfa: { active: true, return_enroll_settings: true }, passwordPolicy: 'good', strategy_version: 2, brute_force_protection: true },
      },
      { name: 'legacy-db', options: expect.objectContaining({ enabledDatabaseCustomization: true, customScripts: { login: 'function login() {}' } }) },
    ]);
    const checkpoint = await call('GET', '/api/v2/connections?strategy=auth0&take=1&include_totals=true&fields=name', { token: admin });
    expect(checkpoint.body).toEqual({ connections: [{ name: DATABASE }], next: '1' });
    const totals = await call('GET', '/api/v2/connections?include_totals=true&fields=name&per_page=2', { token: admin });
    expect(totals.body).toMatchObject({ total: 4, start: 0, limit: 2, connections: [{ name: DATABASE }, { name: 'google-oauth2' }] });
  });
});
