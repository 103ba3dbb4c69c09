// Test fixtures for the local tenant: a small tenant with an M2M client, served in-process (msw) or over loopback HTTP per test.
import { afterEach, beforeEach } from 'vitest';
import { ManagementClient } from 'auth0';
import { routedFetch, type Fetch } from '../../scripts/lib/routed-fetch.cjs';
import {
  type Client,
  createLocalTenant,
  DATABASE_CONNECTION,
  type InProcessTenant,
  type LocalTenant,
  type LocalTenantOptions,
  serveHttp,
  startInProcess,
  type TenantHttpServer,
} from '../../local-tenant/index.ts';

/** The test tenant's database connection: the one Auth0 makes with every tenant. */
export const DATABASE = DATABASE_CONNECTION;

/**
 * A password reset after the test users' signup dates (2020, 2024): the evidence a database account needs before the
 * policy links it silently (docs/security-model.md). Tests of a silent link give their database users this.
 */
export const RESET = '2025-06-01T00:00:00.000Z';

/** A password reset a minute after `createdAt` (default now): that evidence for a user created at any date. */
export function resetAfter(createdAt: string | undefined): { last_password_reset: string } {
  return { last_password_reset: new Date(Date.parse(createdAt ?? new Date().toISOString()) + 60_000).toISOString() };
}

export interface TestTenant {
  tenant: LocalTenant;
  /** An M2M client granted read:users and update:users, as the backfill script is. */
  client: Client;
}

/** A tenant with a database, a Google and a GitHub connection and one M2M client. */
export function createTestTenant(options: LocalTenantOptions = {}): TestTenant {
  const tenant = createLocalTenant(options);
  tenant.state.addConnection({ name: DATABASE, strategy: 'auth0' });
  tenant.state.addConnection({ name: 'google-oauth2', strategy: 'google-oauth2' });
  tenant.state.addConnection({ name: 'github', strategy: 'github' });
  const client = tenant.state.addClient({ name: 'auto-link backfill', scopes: ['read:users', 'update:users', 'delete:sessions', 'delete:grants'] });
  return { tenant, client };
}

/**
 * A tenant clock running `factor` times faster than real time, from now: Auth0's delays (Action builds, deploys going
 * live, export jobs) keep their real-looking lengths on the tenant while a test waits a fraction of them.
 */
export function spedUpClock(factor: number): () => Date {
  const start = Date.now();
  return () => new Date(start + (Date.now() - start) * factor);
}

/** A fresh tenant for each test, intercepted in-process; an unhandled request fails the test. */
export function useInProcessTenant(make: () => TestTenant = createTestTenant): () => TestTenant {
  let current: (TestTenant & { serving: InProcessTenant }) | undefined;
  beforeEach(() => {
    const made = make();
    current = { ...made, serving: startInProcess(made.tenant) };
  });
  afterEach(() => {
    current?.serving.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('the in-process tenant exists only inside a test');
    return current;
  };
}

export interface HttpTestTenant extends TestTenant {
  server: TenantHttpServer;
  /** A fetch that sends https://{domain} requests to the loopback server. */
  fetch: Fetch;
}

/** A fresh tenant for each test, served over HTTP on 127.0.0.1. */
export function useHttpTenant(make: () => TestTenant = createTestTenant): () => HttpTestTenant {
  let current: HttpTestTenant | undefined;
  beforeEach(async () => {
    const made = make();
    const server = await serveHttp(made.tenant);
    current = { ...made, server, fetch: routedFetch(made.tenant.domain, server.url) };
  });
  afterEach(async () => {
    await current?.server.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('the HTTP tenant exists only inside a test');
    return current;
  };
}

/** The unmodified SDK client for `client`; retries off unless asked, since the SDK retries 429/5xx on its own. */
export function managementClient(tenant: LocalTenant, client: Client, options: { fetch?: Fetch; maxRetries?: number } = {}): ManagementClient {
  return new ManagementClient({
    domain: tenant.domain,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    maxRetries: options.maxRetries ?? 0,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** A Management API token for `client`, got from the tenant's token endpoint through `fetcher`. */
export async function managementToken(tenant: LocalTenant, client: Client, fetcher: Fetch = fetch): Promise<string> {
  const response = await fetcher(`https://${tenant.domain}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: client.client_secret,
      audience: tenant.audience,
    }),
  });
  if (response.status !== 200) throw new Error(`token request failed with ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}
