// The BUILT Action within Auth0's runtime limits: its whole console output per execution fits the 256 characters Auth0
// keeps, and every api.cache entry it writes has the lifetime it chose, whatever the runtime's default.
import { describe, expect, it } from 'vitest';
import { cacheKey } from '../actions/token-cache.ts';
import { loadAction, succeeded } from './support/action.ts';
import { createTestTenant, DATABASE, useInProcessTenant, RESET, resetAfter } from './support/tenant.ts';

const current = useInProcessTenant(() => createTestTenant());

describe('the built Action', () => {
  it('keeps the whole output of an execution within 256 characters, however long the ids it names', async () => {
    const { tenant } = current();
    // As long as ids get without looking like a token (the log check refuses 60 id characters in a row).
    const long = (n: number) => `${'9'.repeat(55)}${n}`;
    const primary = tenant.state.createUser({
      connection: DATABASE,
      email: 'long@x.io',
      email_verified: true,
      created_at: '2020-01-01T00:00:00.000Z',
      last_password_reset: RESET,
    });
    for (const [i, connection] of [
      [1, 'google-oauth2'],
      [2, 'github'],
    ] as const) {
      tenant.state.createUser({ connection, id: long(i), email: 'long@x.io', email_verified: true });
    }
    const { action } = await loadAction(current());
    const result = succeeded(await action.login({ userId: primary.user_id }), current());
    expect(result.logs).toHaveLength(1);
    expect(result.logs.join('').length).toBeLessThanOrEqual(256);
    expect(tenant.state.getUser(primary.user_id)!.identities).toHaveLength(3);
  });

  it("sets its api.cache entry's lifetime itself: the same expiry under a 15 min and a 24 h default", async () => {
    const expiries: number[] = [];
    for (const cacheDefaultTtlMs of [15 * 60_000, 24 * 60 * 60_000]) {
      const { tenant, client } = current();
      const user = tenant.state.createUser({ connection: 'github', email: `ttl-${cacheDefaultTtlMs}@x.io`, email_verified: true });
      tenant.state.createUser({ connection: DATABASE, email: `ttl-${cacheDefaultTtlMs}@x.io`, email_verified: true, ...resetAfter(undefined) });
      const { action, runtime } = await loadAction(current(), {}, { cacheDefaultTtlMs });
      succeeded(await action.login({ userId: user.user_id }), current());
      const entry = runtime.cache.get(cacheKey(client.client_id));
      expect(entry).toBeDefined();
      expiries.push(entry!.expires_at - tenant.state.now().getTime());
    }
    // A 24 h token, handed out until 10 min before it expires (the Action's clock and the tenant's differ by a few ms).
    for (const expiry of expiries) expect(Math.abs(expiry - (86_400_000 - 600_000))).toBeLessThan(1000);
  });
});
