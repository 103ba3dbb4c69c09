// The local tenant's users-export jobs: scopes, the pending → processing → completed → expired timeline, and the streamed gzipped NDJSON file.
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ManagementError } from 'auth0';
import { createTestTenant, DATABASE, managementClient, useHttpTenant, useInProcessTenant } from '../../test/support/tenant.ts';

let clock = Date.parse('2025-03-01T12:00:00Z');
const frozen = () => createTestTenant({ now: () => new Date(clock) });

async function download(location: string, fetcher: typeof fetch = fetch): Promise<Array<Record<string, unknown>>> {
  const response = await fetcher(location);
  expect(response.status).toBe(200);
  const text = gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('users-export jobs', () => {
  const current = useInProcessTenant(frozen);

  it('goes pending → processing → completed on the tenant clock, then expires after 24 h', async () => {
    const { tenant, client } = current();
    tenant.jobs.configure({ processingMs: 1000 });
    const sdk = managementClient(tenant, client);
    const created = await sdk.jobs.usersExports.create({ format: 'json', fields: [{ name: 'user_id' }] });
    expect(created).toMatchObject({ type: 'users_export', status: 'pending', format: 'json', fields: [{ name: 'user_id' }] });
    expect(created.id).toMatch(/^job_/);
    expect((await sdk.jobs.get(created.id)).status).toBe('pending');
    clock += 600;
    expect((await sdk.jobs.get(created.id)).status).toBe('processing');
    clock += 400;
    const done = await sdk.jobs.get(created.id);
    expect(done.status).toBe('completed');
    expect(new URL(done.location!).host).toBe(tenant.domain);
    clock += 24 * 60 * 60 * 1000;
    // The SDK's token has expired with the day too: a new client asks for another.
    const expired = await managementClient(tenant, client).jobs.get(created.id);
    expect(expired.status).toBe('expired');
    expect(expired.location).toBeUndefined();
  });

  it('needs read:users to export; an unknown job is a 404; csv is refused by name', async () => {
    const { tenant, client } = current();
    const writer = tenant.state.addClient({ name: 'writer', scopes: ['update:users'] });
    const denied = await managementClient(tenant, writer)
      .jobs.usersExports.create({ format: 'json' })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(ManagementError);
    expect((denied as ManagementError).statusCode).toBe(403);
    const sdk = managementClient(tenant, client);
    expect(((await sdk.jobs.get('job_nope').catch((e: unknown) => e)) as ManagementError).statusCode).toBe(404);
    const csv = (await sdk.jobs.usersExports.create({ format: 'csv' }).catch((e: unknown) => e)) as ManagementError;
    expect(csv.statusCode).toBe(400);
    expect(JSON.stringify(csv.body)).toContain("format 'json'");
  });

  it('serves the tenant as gzipped NDJSON with the requested fields, limit and connection; a wrong signature is refused', async () => {
    const { tenant, client } = current();
    tenant.jobs.configure({ processingMs: 0 });
    const ann = tenant.state.createUser({ connection: DATABASE, email: 'ann@example.com', email_verified: true, user_metadata: { plan: 'pro' } });
    const bob = tenant.state.createUser({ connection: 'google-oauth2', email: 'Bob@Example.com', email_verified: true });
    tenant.state.createUser({ connection: DATABASE, email: 'cy@example.com' });
    const sdk = managementClient(tenant, client);

    const all = await sdk.jobs.usersExports.create({
      format: 'json',
      fields: [{ name: 'user_id' }, { name: 'identities' }, { name: 'user_metadata.plan', export_as: 'plan' }],
    });
    const lines = await download((await sdk.jobs.get(all.id)).location!);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({ user_id: ann.user_id, identities: ann.identities, plan: 'pro' });
    expect(lines[1]).toEqual({ user_id: bob.user_id, identities: bob.identities });

    const database = tenant.state.connection(DATABASE)!;
    const some = await sdk.jobs.usersExports.create({ format: 'json', connection_id: database.id, limit: 1 });
    const location = (await sdk.jobs.get(some.id)).location!;
    const [only, ...rest] = await download(location);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ user_id: ann.user_id, email: 'ann@example.com', user_metadata: { plan: 'pro' } });

    const forged = new URL(location);
    forged.searchParams.set('sig', 'forged');
    expect((await fetch(forged)).status).toBe(403);
  });
});

describe('users-export download over HTTP', () => {
  const current = useHttpTenant();

  it('streams a file of every user through the loopback server', async () => {
    const { tenant, client, fetch: routed } = current();
    tenant.jobs.configure({ processingMs: 0 });
    for (let i = 0; i < 2000; i++) tenant.state.createUser({ connection: DATABASE, email: `user${i}@example.com`, email_verified: i % 2 === 0 });
    const sdk = managementClient(tenant, client, { fetch: routed });
    const job = await sdk.jobs.usersExports.create({ format: 'json' });
    const lines = await download((await sdk.jobs.get(job.id)).location!, routed);
    expect(lines).toHaveLength(2000);
    expect(lines[1999]).toMatchObject({ email: 'user1999@example.com', email_verified: false });
  });
});
