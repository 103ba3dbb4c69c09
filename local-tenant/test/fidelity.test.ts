// Where a real tenant is less kind than a naive fake: full user ids and connection_id checks on link, an empty metadata
// object deleting all of it, the 401 body's attributes, and export jobs (200, 60 s links, the tenant as of the job).
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LOCATION_LIFETIME_MS } from '../jobs-store.ts';
import { createTestTenant, DATABASE, managementToken, useInProcessTenant } from '../../test/support/tenant.ts';

let offset = 0;
const get = useInProcessTenant(() => createTestTenant({ now: () => new Date(Date.now() + offset) }));

async function call(method: string, path: string, body?: unknown, token?: string): Promise<Response> {
  const { tenant, client } = get();
  return fetch(`https://${tenant.domain}${path}`, {
    method,
    headers: { authorization: `Bearer ${token ?? (await managementToken(tenant, client))}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('link', () => {
  it('accepts the secondary by its full user_id, as a real tenant does, and by its own id', async () => {
    const { tenant } = get();
    const primary = tenant.state.createUser({ connection: 'google-oauth2', email: 'a@x.io', email_verified: true });
    const full = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io', email_verified: true });
    const own = tenant.state.createUser({ connection: 'github', email: 'a@x.io', email_verified: true });
    const database = tenant.state.connection(DATABASE)!.id;
    const byFull = await call('POST', `/api/v2/users/${primary.user_id}/identities`, { provider: 'auth0', connection_id: database, user_id: full.user_id });
    expect(byFull.status).toBe(201);
    const byOwn = await call('POST', `/api/v2/users/${primary.user_id}/identities`, { provider: 'github', user_id: own.identities[0]!.user_id });
    expect(byOwn.status).toBe(201);
    expect(tenant.state.getUser(primary.user_id)!.identities.map((i) => `${i.provider}|${i.user_id}`)).toEqual([primary.user_id, full.user_id, own.user_id]);
    const again = await call('POST', `/api/v2/users/${primary.user_id}/identities`, { provider: 'auth0', user_id: full.user_id });
    expect(again.status).toBe(409);
  });

  it("checks connection_id's format with Auth0's 400", async () => {
    const { tenant } = get();
    const primary = tenant.state.createUser({ connection: 'google-oauth2', email: 'b@x.io', email_verified: true });
    const secondary = tenant.state.createUser({ connection: DATABASE, email: 'b@x.io', email_verified: true });
    for (const connection_id of ['Username-Password-Authentication', 'con_short', 'con_0123456789abcdef0']) {
      const answer = await call('POST', `/api/v2/users/${primary.user_id}/identities`, {
        provider: 'auth0',
        user_id: secondary.identities[0]!.user_id,
        connection_id,
      });
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { message: string }).message).toContain('^con_[A-Za-z0-9]{16}$');
    }
    expect(tenant.state.getUser(secondary.user_id)).toBeDefined();
  });
});

describe('PATCH /api/v2/users/{id}', () => {
  it('merges metadata at the top level, and an empty object removes all of it', async () => {
    const { tenant } = get();
    const user = tenant.state.createUser({ connection: DATABASE, email: 'c@x.io', app_metadata: { a: 1, b: 2 }, user_metadata: { theme: 'dark' } });
    expect((await call('PATCH', `/api/v2/users/${user.user_id}`, { app_metadata: { b: null, c: 3 } })).status).toBe(200);
    expect(tenant.state.getUser(user.user_id)).toMatchObject({ app_metadata: { a: 1, c: 3 }, user_metadata: { theme: 'dark' } });
    await call('PATCH', `/api/v2/users/${user.user_id}`, { app_metadata: {} });
    await call('PATCH', `/api/v2/users/${user.user_id}`, { user_metadata: {} });
    expect(tenant.state.getUser(user.user_id)).toMatchObject({ app_metadata: {}, user_metadata: {} });
  });
});

describe('401', () => {
  it('answers with the attributes of a real tenant', async () => {
    const answer = await call('GET', '/api/v2/users', undefined, 'not-a-token');
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid token', attributes: { error: 'Invalid token' } });
  });
});

describe('users-export jobs', () => {
  async function lines(location: string): Promise<string[]> {
    const response = await fetch(location);
    expect(response.status).toBe(200);
    return gunzipSync(Buffer.from(await response.arrayBuffer()))
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '');
  }

  it('are created with 200; each GET gives a fresh link valid 60 s, to the tenant as of the job', async () => {
    const { tenant } = get();
    offset = 0;
    tenant.jobs.configure({ processingMs: 0 });
    const kept = tenant.state.createUser({ connection: DATABASE, email: 'd@x.io' });
    const created = await call('POST', '/api/v2/jobs/users-exports', { format: 'json', fields: [{ name: 'user_id' }, { name: 'email' }] });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    // Changes after the job was made are not in its file.
    tenant.state.createUser({ connection: DATABASE, email: 'late@x.io' });
    tenant.state.patchUser(kept.user_id, { email: 'changed@x.io' });
    const job = async () => ((await (await call('GET', `/api/v2/jobs/${id}`)).json()) as { location: string }).location;
    const first = await job();
    const second = await job();
    expect(second).not.toBe(first);
    expect(await lines(first)).toEqual([JSON.stringify({ user_id: kept.user_id, email: 'd@x.io' })]);
    offset += LOCATION_LIFETIME_MS + 1;
    expect((await fetch(second)).status).toBe(403);
    expect(await lines(await job())).toEqual([JSON.stringify({ user_id: kept.user_id, email: 'd@x.io' })]);
    offset = 0;
  });
});
