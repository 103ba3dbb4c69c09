// The local tenant's rate limit, faults, request log and route groups, served in-process with a frozen clock where time matters.
import { describe, expect, it, vi } from 'vitest';
import { RATE_LIMITED_BODY } from '../rate-limit.ts';
import { createTestTenant, DATABASE, managementClient, managementToken, useInProcessTenant } from '../../test/support/tenant.ts';

/** A clock the tests move by hand. */
const clock = { ms: Date.now() };
const current = useInProcessTenant(() => createTestTenant({ now: () => new Date(clock.ms) }));

async function get(path: string, token?: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`https://tenant.local${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, ...(signal ? { signal } : {}) });
}

async function token(): Promise<string> {
  const { tenant, client } = current();
  return managementToken(tenant, client);
}

describe('rate limit', () => {
  it('reports the bucket on every response and answers 429 when it is empty, until it refills', async () => {
    const { tenant } = current();
    tenant.rateLimit.configure({ ratePerSecond: 2, burst: 2 });
    const issued = await token();
    const first = await get('/api/v2/users', issued);
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBe(Math.ceil((clock.ms + 500) / 1000));
    expect((await get('/api/v2/users', issued)).status).toBe(200);

    const limited = await get('/api/v2/users', issued);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual(RATE_LIMITED_BODY);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');

    clock.ms += 500;
    expect((await get('/api/v2/users', issued)).status).toBe(200);
    expect((await get('/api/v2/users', issued)).status).toBe(429);
    clock.ms += 1000;
    expect((await get('/api/v2/users', issued)).status).toBe(200);
    expect((await get('/api/v2/users', issued)).status).toBe(200);
    expect(tenant.requests.count({ status: 429 })).toBe(2);
  });

  it('does not count token requests against the Management API bucket', async () => {
    const { tenant } = current();
    tenant.rateLimit.configure({ ratePerSecond: 1, burst: 1 });
    await token();
    await token();
    expect((await get('/api/v2/users', await token())).status).toBe(200);
  });

  it('changes rate and burst at runtime', async () => {
    const { tenant } = current();
    const issued = await token();
    tenant.rateLimit.configure({ ratePerSecond: 16, burst: 50 });
    expect((await get('/api/v2/users', issued)).headers.get('x-ratelimit-limit')).toBe('50');
    expect(() => tenant.rateLimit.configure({ ratePerSecond: 0, burst: 1 })).toThrow(/ratePerSecond must be a positive number/);
  });
});

describe('faults', () => {
  it('fails a route the scripted number of times, then answers normally', async () => {
    const { tenant, client } = current();
    const primary = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io', email_verified: true });
    const github = tenant.state.createUser({ connection: 'github', email: 'a@x.io', email_verified: true });
    tenant.faults.fail({ method: 'POST', path: '/api/v2/users/:id/identities', status: 503, times: 2, headers: { 'retry-after': '7' } });
    const link = () =>
      managementClient(tenant, client).users.identities.link(primary.user_id, { provider: 'github', user_id: github.identities[0]!.user_id }).withRawResponse();
    for (let i = 0; i < 2; i++) {
      await expect(link()).rejects.toMatchObject({ statusCode: 503, rawResponse: { headers: expect.anything() } });
    }
    const { data } = await link();
    expect(data).toHaveLength(2);
    expect(tenant.requests.count({ route: '/api/v2/users/:id/identities', status: 503 })).toBe(2);
    expect(tenant.requests.count({ route: '/api/v2/users/:id/identities', status: 201 })).toBe(1);
  });

  it('answers a scripted failure with its headers on top of the rate-limit ones, and a default body', async () => {
    const { tenant } = current();
    tenant.faults.fail({ path: '/api/v2/users', status: 500, headers: { 'x-ratelimit-reset': '42' } });
    const failed = await get('/api/v2/users', await token());
    expect(failed.status).toBe(500);
    expect(failed.headers.get('x-ratelimit-reset')).toBe('42');
    expect(failed.headers.get('x-ratelimit-limit')).not.toBeNull();
    expect(await failed.json()).toMatchObject({ statusCode: 500, message: expect.stringContaining('Scripted failure') });
  });

  it('lets the SDK retry through a scripted 503 when maxRetries allows', async () => {
    const { tenant, client } = current();
    const user = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io' });
    tenant.faults.fail({ method: 'GET', path: '/api/v2/users/:id', status: 503 });
    // The SDK waits until x-ratelimit-reset by its own Date.now() (≤ 60 s): keep the tenant clock on real time here.
    clock.ms = Date.now();
    const sdk = managementClient(tenant, client, { maxRetries: 1 });
    expect((await sdk.users.get(user.user_id)).user_id).toBe(user.user_id);
    expect(tenant.requests.count({ route: '/api/v2/users/:id' })).toBe(2);
  });

  it('refuses a fault target that names no route', () => {
    const { tenant } = current();
    expect(() => tenant.faults.fail({ method: 'POST', path: '/api/v2/users/:id/identity', status: 503 })).toThrow(
      /no route matches fault target POST \/api\/v2\/users\/:id\/identity/,
    );
  });

  it('delays every request by the configured latency', async () => {
    const { tenant } = current();
    const issued = await token();
    tenant.faults.setLatency(40);
    const started = performance.now();
    expect((await get('/api/v2/users', issued)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
  });

  it('holds a slow route for its ms, then answers normally', async () => {
    const { tenant } = current();
    const issued = await token();
    tenant.faults.hang({ path: '/api/v2/users', ms: 30 });
    const started = performance.now();
    expect((await get('/api/v2/users', issued)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('hangs a route until the client times out, or until the faults are cleared', async () => {
    const { tenant } = current();
    const issued = await token();
    tenant.faults.hang({ path: '/api/v2/users', times: 2 });
    await expect(get('/api/v2/users', issued, AbortSignal.timeout(50))).rejects.toMatchObject({ name: 'TimeoutError' });
    const released = get('/api/v2/users', issued);
    await expect.poll(() => tenant.faults.hanging).toBe(1);
    tenant.faults.clear();
    expect((await released).status).toBe(200);
  });
});

describe('request log', () => {
  it('counts requests by route and status, tells Management API calls apart, and resets', async () => {
    const { tenant } = current();
    const issued = await token();
    await get('/api/v2/users', issued);
    await get('/api/v2/users', issued);
    await get('/api/v2/users/auth0%7Cnobody', issued);
    await get('/api/v2/users');
    expect(tenant.requests.byRoute()).toEqual({ 'POST /oauth/token': 1, 'GET /api/v2/users': 3, 'GET /api/v2/users/:id': 1 });
    expect(tenant.requests.count({ method: 'get', status: 200 })).toBe(2);
    expect(tenant.requests.count({ status: 401 })).toBe(1);
    expect(tenant.requests.managementApiCalls()).toBe(4);
    expect(tenant.requests.total).toBe(5);
    tenant.requests.reset();
    expect(tenant.requests.total).toBe(0);
  });
});

describe('serving', () => {
  it('serves a route group added while running, and refuses a route served twice', async () => {
    const { tenant } = current();
    tenant.addRoutes([{ method: 'GET', path: '/api/v2/stats/active-users', scopes: ['read:stats'], handle: ({ state }) => ({ body: state.userCount() }) }]);
    const stats = tenant.state.addClient({ name: 'stats', scopes: ['read:stats'] });
    const answer = await get('/api/v2/stats/active-users', await managementToken(tenant, stats));
    expect([answer.status, await answer.json()]).toEqual([200, 0]);
    expect(() => tenant.addRoutes([{ method: 'GET', path: '/api/v2/users', scopes: ['read:users'], handle: () => ({ body: [] }) }])).toThrow(/served twice/);
  });

  it('fails a request to any other host', async () => {
    // msw reports the unhandled request on console.error: expected here, so it is asserted rather than printed in a passing run.
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await expect(fetch('https://example.org/')).rejects.toThrow();
      expect(String(report.mock.calls[0]?.[0])).toContain('intercepted a request without a matching request handler');
    } finally {
      report.mockRestore();
    }
  });
});
