// The BUILT Action under trouble: one token for many executions, failures and timeouts that never fail a login, concurrent logins.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHECKED_KEY } from '../actions/link-record.ts';
import { cacheKey } from '../actions/token-cache.ts';
import type { User } from '../actions/types.ts';
import type { Fetch } from '../scripts/lib/routed-fetch.cjs';
import type { LoginResult } from '../local-tenant/index.ts';
import { calls, loadAction, succeeded, END_SESSIONS_CALLS } from './support/action.ts';
import { DATABASE, useHttpTenant, useInProcessTenant, type TestTenant, RESET } from './support/tenant.ts';

const LOOKUP = ['POST /oauth/token', 'GET /api/v2/users-by-email'];
const SEARCH = 'GET /api/v2/users';
/** A loner's first check: the exact lookup finds no one, then one case-insensitive search. */
const ALONE = [...LOOKUP, SEARCH];
const OLD = '2020-01-01T00:00:00.000Z';
const NEW = '2024-01-01T00:00:00.000Z';

function pair(t: TestTenant): { db: User; google: User } {
  const { state } = t.tenant;
  return {
    db: state.createUser({ connection: DATABASE, email: 'ann@x.io', email_verified: true, created_at: OLD, last_password_reset: RESET }),
    google: state.createUser({ connection: 'google-oauth2', email: 'ann@x.io', email_verified: true, created_at: NEW }),
  };
}

function loner(t: TestTenant, email: string): User {
  return t.tenant.state.createUser({ connection: 'github', email, email_verified: true });
}

describe('the Management API token', () => {
  const current = useInProcessTenant();

  it('is fetched once and reused across executions, and by a new instance through api.cache', async () => {
    const { runtime, action } = await loadAction(current());
    expect(calls(succeeded(await action.login({ userId: loner(current(), 'a@x.io').user_id }), current()))).toEqual(ALONE);
    expect(calls(succeeded(await action.login({ userId: loner(current(), 'b@x.io').user_id }), current()))).toEqual(['GET /api/v2/users-by-email', SEARCH]);
    const cold = action.newInstance();
    expect(calls(succeeded(await cold.login({ userId: loner(current(), 'c@x.io').user_id }), current()))).toEqual(['GET /api/v2/users-by-email', SEARCH]);
    expect(current().tenant.state.tokenCount()).toBe(1);
    // Auth0 may evict the cache: a cold instance then asks for a new token.
    runtime.cache.clear();
    expect(calls(succeeded(await action.newInstance().login({ userId: loner(current(), 'd@x.io').user_id }), current()))).toEqual(ALONE);
  });

  it('is kept in api.cache sealed: another Action of the trigger reads nothing it can use', async () => {
    const issued: string[] = [];
    const recording: Fetch = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      if (String(input instanceof Request ? input.url : input).endsWith('/oauth/token'))
        issued.push(((await response.clone().json()) as { access_token: string }).access_token);
      return response;
    };
    const { runtime, action } = await loadAction(current(), {}, { fetch: recording });
    succeeded(await action.login({ userId: loner(current(), 'a@x.io').user_id }), current());
    const stored = runtime.cache.get(cacheKey(current().client.client_id))!.value;
    expect(issued).toHaveLength(1);
    expect(stored).not.toContain(issued[0]!.slice(0, 40));
    const response = await fetch(`https://${current().tenant.domain}/api/v2/users-by-email?email=a%40x.io`, { headers: { authorization: `Bearer ${stored}` } });
    expect(response.status).toBe(401);
  });

  it('ignores a cache entry it did not seal and asks for a new token', async () => {
    const { runtime, action } = await loadAction(current());
    runtime.cache.set(cacheKey(current().client.client_id), 'v1.forged.value.here');
    expect(calls(succeeded(await action.login({ userId: loner(current(), 'a@x.io').user_id }), current()))).toEqual(ALONE);
  });

  it('is replaced once when the API refuses a reused one', async () => {
    const { action } = await loadAction(current());
    succeeded(await action.login({ userId: loner(current(), 'a@x.io').user_id }), current());
    current().tenant.faults.fail({
      method: 'GET',
      path: '/api/v2/users-by-email',
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: 'Invalid token' },
    });
    const result = succeeded(await action.login({ userId: loner(current(), 'b@x.io').user_id }), current());
    expect(calls(result)).toEqual(['GET /api/v2/users-by-email', 'POST /oauth/token', 'GET /api/v2/users-by-email', SEARCH]);
    expect(result.logs).toEqual(['auto-link: no other account to link, marked checked']);
  });

  it('is not asked for again when a fresh one is refused', async () => {
    const { action } = await loadAction(current());
    current().tenant.faults.fail({
      method: 'GET',
      path: '/api/v2/users-by-email',
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: 'Invalid token' },
    });
    const result = succeeded(await action.login({ userId: loner(current(), 'a@x.io').user_id }), current());
    expect(calls(result)).toEqual(LOOKUP);
    expect(result.logs).toEqual(['auto-link: Management API 401 on GET /users-by-email: Invalid token, will retry next login']);
  });
});

describe('failures never fail the login, and leave the login user unmarked to retry', () => {
  const current = useInProcessTenant();

  /** Logs the Google account in while `arrange` makes something fail; checks the login went on unchanged, then retries. */
  async function failingLogin(arrange: (t: TestTenant) => void, extra: Record<string, string> = {}, fetch?: Fetch): Promise<LoginResult> {
    const { db, google } = pair(current());
    const { action, runtime } = await loadAction(current(), extra, fetch ? { fetch } : {});
    arrange(current());
    const result = succeeded(await action.login({ userId: google.user_id }), current());
    expect(result).toMatchObject({ subject: google.user_id, idTokenClaims: {}, appMetadataApplied: undefined });
    const { state } = current().tenant;
    expect(state.getUser(google.user_id)!.app_metadata![CHECKED_KEY]).toBeUndefined();
    current().tenant.faults.clear();
    // A later login, once any rate-limit note in api.cache has expired (here the cache is emptied).
    runtime.cache.clear();
    const retry = succeeded(await action.login({ userId: google.user_id }), current());
    expect(retry.subject).toBe(db.user_id);
    return result;
  }

  it('a network error', async () => {
    let broken = true;
    const flaky: Fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (broken && url.includes('/users-by-email')) {
        broken = false;
        return Promise.reject(new TypeError('fetch failed'));
      }
      return globalThis.fetch(input, init);
    };
    const result = await failingLogin(() => undefined, {}, flaky);
    expect(result.logs).toEqual(['auto-link: Management API unreachable on GET /users-by-email, will retry next login']);
  });

  it('a 5xx on the link: nothing linked, no setPrimaryUser', async () => {
    const result = await failingLogin((t) => t.tenant.faults.fail({ method: 'POST', path: '/api/v2/users/:id/identities', status: 503 }));
    expect(result.logs[0]).toMatch(/^auto-link: 1 link not made: Management API 503 on POST \/users\/\{id\}\/identities: .*, will retry next login$/);
  });

  it('a 4xx on the audit-record write: nothing linked', async () => {
    const result = await failingLogin((t) => t.tenant.faults.fail({ method: 'PATCH', path: '/api/v2/users/:id', status: 403 }));
    expect(calls(result)).toEqual([...LOOKUP, ...END_SESSIONS_CALLS, 'PATCH /api/v2/users/{id}']);
    expect(result.logs[0]).toMatch(/^auto-link: Management API 403 on PATCH \/users\/\{id\}/);
  });

  it('an error message echoing the email: the address never reaches the log', async () => {
    const body = { statusCode: 400, error: 'Bad Request', message: 'Query validation error: "ann@example.com" is not valid' };
    const result = await failingLogin((t) => t.tenant.faults.fail({ method: 'GET', path: '/api/v2/users-by-email', status: 400, body }));
    expect(result.logs[0]).toBe('auto-link: Management API 400 on GET /users-by-email: Query validation error: <email> is not valid, will retry next login');
  });

  it('a token endpoint failure', async () => {
    const result = await failingLogin((t) => t.tenant.faults.fail({ path: '/oauth/token', status: 500 }));
    expect(result.logs[0]).toMatch(/^auto-link: Management API 500 on POST \/oauth\/token/);
  });

  it('a request that hangs past the time budget', async () => {
    const result = await failingLogin((t) => t.tenant.faults.hang({ method: 'POST', path: '/api/v2/users/:id/identities' }), { TIME_BUDGET_MS: '500' });
    expect(result.logs).toEqual(['auto-link: 1 link not made: Management API timeout on POST /users/{id}/identities, will retry next login']);
  });

  it('a 429 whose reset is beyond the budget: gives up at once', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 60);
    const result = await failingLogin((t) =>
      t.tenant.faults.fail({ method: 'GET', path: '/api/v2/users-by-email', status: 429, headers: { 'x-ratelimit-reset': reset } }),
    );
    expect(calls(result)).toEqual(LOOKUP);
    expect(result.logs).toEqual(['auto-link: Management API 429 on GET /users-by-email: rate limited, not waited out, will retry next login']);
  });
});

describe('a link whose answer is lost', () => {
  const current = useInProcessTenant();

  it('reads the primary back and, finding the identity there, still ends the login on it', async () => {
    const { db, google } = pair(current());
    const dropAfterLink: Fetch = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      if ((init?.method ?? 'GET') === 'POST' && String(input).endsWith('/identities')) throw new TypeError('fetch failed: socket hang up');
      return response;
    };
    const { action } = await loadAction(current(), {}, { fetch: dropAfterLink });
    const result = succeeded(await action.login({ userId: google.user_id }), current());
    expect(result).toMatchObject({ subject: db.user_id, idTokenClaims: { 'https://auto-link/linked': [google.user_id] } });
    expect(calls(result).slice(-2)).toEqual(['POST /api/v2/users/{id}/identities', 'GET /api/v2/users/{id}']);
  });
});

describe('rate limits within the budget', () => {
  const current = useInProcessTenant();
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a 429 whose x-ratelimit-reset falls within the budget is waited out, on the clock, until the reset', async () => {
    const { db, google } = pair(current());
    // The test's clock, on a whole second: the built Action reads the global Date and sleeps with the global setTimeout
    // (the runtime compiles it in this context), and the tenant's clock is a new Date too.
    const start = Math.ceil(Date.now() / 1000) * 1000;
    const resetAt = start + 1000;
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], now: start });
    // users-by-email is rate limited until resetAt on that clock: a retry before it meets another 429, and the Action
    // retries once only, so nothing is linked unless it waited the reset out.
    const lookups: number[] = [];
    let answered429!: () => void;
    const limited = new Promise<void>((resolve) => (answered429 = resolve));
    const rateLimited: Fetch = async (input, init) => {
      if (!String(input instanceof Request ? input.url : input).includes('/api/v2/users-by-email')) return globalThis.fetch(input, init);
      lookups.push(Date.now());
      if (Date.now() >= resetAt) return globalThis.fetch(input, init);
      answered429();
      const body = { statusCode: 429, error: 'Too Many Requests', message: 'Global limit has been reached', errorCode: 'too_many_requests' };
      return Response.json(body, { status: 429, headers: { 'x-ratelimit-reset': String(resetAt / 1000) } });
    };
    const { action } = await loadAction(current(), {}, { fetch: rateLimited });
    const login = action.login({ userId: google.user_id });
    await limited;
    // Each advance first lets the Action run up to its next timer: it is asleep, and still is a millisecond before the reset.
    await vi.advanceTimersByTimeAsync(999);
    expect(lookups).toEqual([start]);
    // At the reset it wakes and asks again (were it still asleep, the clock stands still and the login would never end).
    await vi.advanceTimersByTimeAsync(1);
    expect(lookups).toEqual([start, resetAt]);
    const result = succeeded(await login, current());
    expect(result.subject).toBe(db.user_id);
    expect(calls(result).filter((c) => c === 'GET /api/v2/users-by-email')).toHaveLength(2);
  });
});

describe('two first logins of the same account at once', () => {
  const current = useInProcessTenant();

  async function both(arrange: (t: TestTenant) => void): Promise<{ results: LoginResult[]; db: User; google: User }> {
    const { db, google } = pair(current());
    const { action } = await loadAction(current());
    arrange(current());
    const results = await Promise.all([action.login({ userId: google.user_id }), action.newInstance().login({ userId: google.user_id })]);
    for (const result of results) expect(succeeded(result, current()).subject).toBe(db.user_id);
    const { state } = current().tenant;
    expect([...state.allUsers()].map((u) => u.user_id)).toEqual([db.user_id]);
    expect(state.getUser(db.user_id)!.identities).toHaveLength(2);
    return { results, db, google };
  }

  it('both end on the primary', async () => {
    await both(() => undefined);
  });

  it('the one whose link loses the race re-reads the primary and finds its identity there', async () => {
    const { results } = await both((t) => t.tenant.faults.hang({ method: 'POST', path: '/api/v2/users/:id/identities', ms: 300 }));
    expect(results.flatMap(calls)).toContain('GET /api/v2/users/{id}');
  });

  it('the one that looks up late finds its identity already linked and just moves the login', async () => {
    const { results, db } = await both((t) => t.tenant.faults.hang({ method: 'GET', path: '/api/v2/users-by-email', ms: 300 }));
    const late = results.find((r) => r.logs.some((l) => l.includes('already linked')))!;
    expect(late.logs).toEqual([`auto-link: continuing as ${db.user_id}: this identity is already linked to it`]);
    expect(calls(late).filter((c) => c !== 'POST /oauth/token')).toEqual(['GET /api/v2/users-by-email']);
  });
});

describe('over loopback HTTP', () => {
  const current = useHttpTenant();

  it('links through the routed fetch exactly as in-process', async () => {
    const { db, google } = pair(current());
    const { action } = await loadAction(current(), {}, { fetch: current().fetch });
    const result = succeeded(await action.login({ userId: google.user_id }), current());
    expect(result.subject).toBe(db.user_id);
    expect(calls(result)).toEqual([...LOOKUP, ...END_SESSIONS_CALLS, 'PATCH /api/v2/users/{id}', 'POST /api/v2/users/{id}/identities']);
  });
});
