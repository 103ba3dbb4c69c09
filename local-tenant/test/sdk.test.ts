// The unmodified `auth0` SDK (v7 ManagementClient) works against the local tenant, intercepted in-process and over loopback HTTP.
import { describe, expect, it } from 'vitest';
import type { ManagementClient } from 'auth0';
import type { Client } from '../state.ts';
import { DATABASE, managementClient, useHttpTenant, useInProcessTenant, type TestTenant } from '../../test/support/tenant.ts';

interface Transport {
  name: string;
  /** Registers the per-test tenant in the current describe block; returns a getter for it and an SDK client maker. */
  setup(): () => TestTenant & { sdk: ManagementClient; sdkFor(client: Client): ManagementClient };
}

const transports: Transport[] = [
  {
    name: 'in-process (msw intercepting https://tenant.local)',
    setup() {
      const current = useInProcessTenant();
      return () => {
        const { tenant, client } = current();
        const sdkFor = (c: Client) => managementClient(tenant, c);
        return { tenant, client, sdk: sdkFor(client), sdkFor };
      };
    },
  },
  {
    name: 'over loopback HTTP (routedFetch)',
    setup() {
      const current = useHttpTenant();
      return () => {
        const { tenant, client, fetch } = current();
        const sdkFor = (c: Client) => managementClient(tenant, c, { fetch });
        return { tenant, client, sdk: sdkFor(client), sdkFor };
      };
    },
  },
];

describe.each(transports)('auth0 SDK $name', (transport) => {
  const current = transport.setup();

  it('looks users up by email case-sensitively and gets one by id', async () => {
    const { tenant, sdk } = current();
    const google = tenant.state.createUser({ connection: 'google-oauth2', email: 'Ann@Example.com', email_verified: true });
    expect((await sdk.users.listUsersByEmail({ email: 'Ann@Example.com' })).map((u) => u.user_id)).toEqual([google.user_id]);
    expect(await sdk.users.listUsersByEmail({ email: 'ann@example.com' })).toEqual([]);
    expect((await sdk.users.get(google.user_id)).email).toBe('Ann@Example.com');
  });

  it('asks for one token and reuses it across calls', async () => {
    const { tenant, sdk } = current();
    const user = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io' });
    await sdk.users.get(user.user_id);
    await sdk.users.listUsersByEmail({ email: 'a@x.io' });
    expect(tenant.requests.count({ route: '/oauth/token' })).toBe(1);
    expect(tenant.requests.managementApiCalls()).toBe(2);
  });

  it('updates metadata with a top-level merge', async () => {
    const { tenant, sdk } = current();
    const user = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io', app_metadata: { keep: 1, drop: 2 } });
    const updated = await sdk.users.update(user.user_id, { app_metadata: { drop: null, add: 3 } });
    expect(updated.app_metadata).toEqual({ keep: 1, add: 3 });
  });

  it('pages users with totals and follows getNextPage', async () => {
    const { tenant, sdk } = current();
    const ids = Array.from({ length: 5 }, (_, i) => tenant.state.createUser({ connection: DATABASE, email: `u${i}@x.io` }).user_id);
    const first = await sdk.users.list({ page: 0, per_page: 2, include_totals: true });
    expect(first.response).toMatchObject({ start: 0, limit: 2, length: 2, total: 5 });
    const seen = first.data.map((u) => u.user_id);
    let page = first;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      seen.push(...page.data.map((u) => u.user_id));
    }
    expect(seen).toEqual(ids);
  });

  it('links and unlinks identities, and reports the tenant errors as the SDK types them', async () => {
    const { tenant, sdk } = current();
    const primary = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io', email_verified: true });
    const secondary = tenant.state.createUser({ connection: 'github', email: 'a@x.io', email_verified: true });
    const secondaryId = secondary.identities[0]!.user_id;
    const linked = await sdk.users.identities.link(primary.user_id, { provider: 'github', user_id: secondaryId });
    expect(linked.map((i) => `${i.provider}|${i.user_id}`)).toEqual([primary.user_id, secondary.user_id]);
    await expect(sdk.users.get(secondary.user_id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(sdk.users.identities.link(primary.user_id, { provider: 'github', user_id: secondaryId })).rejects.toMatchObject({ statusCode: 409 });
    const remaining = await sdk.users.identities.delete(primary.user_id, 'github', secondaryId);
    expect(remaining.map((i) => i.provider)).toEqual(['auth0']);
    expect((await sdk.users.get(secondary.user_id)).identities).toHaveLength(1);
  });

  it('surfaces a 403 for a client without the scope', async () => {
    const { tenant, sdkFor } = current();
    const reader = tenant.state.addClient({ name: 'reader', scopes: ['read:users'] });
    const user = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io' });
    await expect(sdkFor(reader).users.update(user.user_id, { app_metadata: { a: 1 } })).rejects.toMatchObject({
      statusCode: 403,
      body: { message: 'Insufficient scope, expected any of: update:users' },
    });
  });
});
