// The local tenant over real HTTP on loopback: link/unlink semantics and errors, keep-alive, streamed bodies, hangs and close.
import { request as httpRequest, Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DATABASE, managementToken, useHttpTenant } from '../../test/support/tenant.ts';

const current = useHttpTenant();

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const { tenant, client, fetch } = current();
  const token = await managementToken(tenant, client, fetch);
  const response = await fetch(`https://${tenant.domain}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

const userPath = (id: string) => `/api/v2/users/${encodeURIComponent(id)}`;

describe('linking over HTTP', () => {
  it('moves every identity of the secondary, drops its metadata, and unlinking restores it as a bare user', async () => {
    const { tenant } = current();
    const primary = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io', email_verified: true, app_metadata: { plan: 'pro' } });
    const secondary = tenant.state.createUser({
      connection: 'google-oauth2',
      email: 'a@x.io',
      email_verified: true,
      name: 'Ann',
      user_metadata: { theme: 'dark' },
    });
    const third = tenant.state.createUser({ connection: 'github', email: 'a@x.io', email_verified: true });
    tenant.state.link(secondary.user_id, { provider: 'github', user_id: third.identities[0]!.user_id });

    const linked = await call('POST', `${userPath(primary.user_id)}/identities`, { provider: 'google-oauth2', user_id: secondary.identities[0]!.user_id });
    expect(linked.status).toBe(201);
    expect(linked.body.map((i: { provider: string }) => i.provider)).toEqual(['auth0', 'google-oauth2', 'github']);
    // profileData without `name`, and the primary's identity with one too (go-auth0 recording TestUserManager_Link).
    expect(linked.body[1].profileData).toMatchObject({ email: 'a@x.io' });
    expect(linked.body[1].profileData).not.toHaveProperty('name');
    expect(linked.body[0].profileData).toMatchObject({ email: expect.any(String) });
    expect((await call('GET', userPath(secondary.user_id))).status).toBe(404);
    const byEmail = await call('GET', '/api/v2/users-by-email?email=a@x.io');
    expect(byEmail.body.map((u: { user_id: string }) => u.user_id)).toEqual([primary.user_id]);
    expect(byEmail.body[0].app_metadata).toEqual({ plan: 'pro' });

    const unlinked = await call('DELETE', `${userPath(primary.user_id)}/identities/google-oauth2/${secondary.identities[0]!.user_id}`);
    expect(unlinked.status).toBe(200);
    expect(unlinked.body.map((i: { provider: string }) => i.provider)).toEqual(['auth0', 'github']);
    const restored = await call('GET', userPath(secondary.user_id));
    // A bare user: no metadata keys at all, as Auth0 answers a user without metadata (go-auth0 recording
    // TestJobManager_ImportUsers); its profileData carried no name, so Auth0's default (the email) is its name.
    expect(restored.body).toMatchObject({ email: 'a@x.io', name: 'a@x.io', nickname: 'a' });
    expect(restored.body).not.toHaveProperty('app_metadata');
    expect(restored.body).not.toHaveProperty('user_metadata');
    expect(restored.body.identities).toHaveLength(1);
  });

  it('answers the link and unlink errors with their statuses and messages', async () => {
    const { tenant } = current();
    const primary = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io', email_verified: true });
    const github = tenant.state.createUser({ connection: 'github', email: 'a@x.io', email_verified: true });
    const githubId = github.identities[0]!.user_id;
    const identities = `${userPath(primary.user_id)}/identities`;

    const same = await call('POST', identities, { provider: 'auth0', user_id: primary.identities[0]!.user_id });
    expect([same.status, same.body.message]).toEqual([400, 'Main identity and the new one are the same.']);
    const unknown = await call('POST', identities, { provider: 'github', user_id: '404' });
    expect([unknown.status, unknown.body.message]).toEqual([400, 'Provided secondary account not found.']);
    const noPrimary = await call('POST', `${userPath('auth0|nobody')}/identities`, { provider: 'github', user_id: githubId });
    expect(noPrimary.status).toBe(404);
    expect((await call('POST', identities, { provider: 'github', user_id: githubId })).status).toBe(201);
    const again = await call('POST', identities, { provider: 'github', user_id: githubId });
    expect([again.status, again.body.message]).toEqual([409, 'Specified identity already exists.']);

    const main = await call('DELETE', `${identities}/auth0/${primary.identities[0]!.user_id}`);
    expect(main.status).toBe(400);
    const notLinked = await call('DELETE', `${identities}/google-oauth2/123`);
    expect(notLinked.status).toBe(400);
    const gone = await call('DELETE', `${userPath('auth0|nobody')}/identities/github/${githubId}`);
    expect(gone.status).toBe(404);
  });
});

describe('the HTTP server', () => {
  it('keeps connections alive between requests', async () => {
    const { server } = current();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const reused: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      reused.push(
        await new Promise<boolean>((resolve, reject) => {
          const req = httpRequest(`${server.url}/api/v2/users`, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(req.reusedSocket));
          });
          req.on('error', reject);
          req.end();
        }),
      );
    }
    agent.destroy();
    expect(reused).toEqual([false, true, true]);
  });

  it('reads a request body sent in chunks', async () => {
    const { tenant, client, server, fetch } = current();
    const user = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io' });
    const token = await managementToken(tenant, client, fetch);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${server.url}${userPath(user.user_id)}`,
        { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.write('{"app_metadata":');
      req.end('{"chunked":true}}');
    });
    expect(status).toBe(200);
    expect(tenant.state.getUser(user.user_id)!.app_metadata).toEqual({ chunked: true });
  });

  it('lets a hanging route go when the client gives up, and keeps serving', async () => {
    const { tenant, fetch } = current();
    tenant.faults.hang({ method: 'GET', path: '/api/v2/users' });
    await expect(fetch(`https://${tenant.domain}/api/v2/users`, { signal: AbortSignal.timeout(100) })).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect.poll(() => tenant.requests.count({ route: '/api/v2/users', status: 499 })).toBe(1);
    expect((await call('GET', '/api/v2/users')).status).toBe(200);
  });

  it('closes while a request hangs', async () => {
    const { tenant, server, fetch } = current();
    tenant.faults.hang({ path: '/api/v2/users' });
    const pending = fetch(`https://${tenant.domain}/api/v2/users`).catch((error: unknown) => error);
    await expect.poll(() => tenant.faults.hanging).toBe(1);
    await server.close();
    expect(await pending).toBeInstanceOf(Error);
    await expect.poll(() => tenant.faults.hanging).toBe(0);
  });
});
