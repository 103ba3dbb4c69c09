// Helpers for the backfill and undo tests: env for a tenant's client, a bare tenant, temp dirs and a tenant snapshot.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { User } from '../../actions/types.ts';
import type { Env } from '../../scripts/lib/env.ts';
import { type Client, createLocalTenant, type LocalTenant, type LocalTenantOptions, type TenantState } from '../../local-tenant/index.ts';
import type { TestTenant } from './tenant.ts';

export function envFor(tenant: LocalTenant, client: Client, extra: Env = {}): Env {
  return { AUTH0_DOMAIN: tenant.domain, AUTH0_CLIENT_ID: client.client_id, AUTH0_CLIENT_SECRET: client.client_secret, ...extra };
}

/** A tenant with no connections yet (the generator adds its own) and a client granted read:users and update:users. */
export function bareTenant(options: LocalTenantOptions = {}): TestTenant {
  const tenant = createLocalTenant(options);
  const client = tenant.state.addClient({ name: 'auto-link scripts', scopes: ['read:users', 'update:users', 'delete:sessions', 'delete:grants'] });
  return { tenant, client };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'auto-link-test-'));
}

/** What undo must restore of a user: identities (without the linked profile copies) and both metadata objects. */
export interface UserSnapshot {
  user_id: string;
  email: string | undefined;
  identities: Array<{ provider: string; user_id: string; connection: string }>;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
}

/** Every user of the tenant, sorted by user_id, as undo must restore it (created_at and updated_at left out). */
export function snapshot(state: TenantState): UserSnapshot[] {
  return [...state.allUsers()].map(view).sort((a, b) => (a.user_id < b.user_id ? -1 : 1));
}

function view(user: User): UserSnapshot {
  return {
    user_id: user.user_id,
    email: user.email,
    identities: user.identities.map(({ provider, user_id, connection }) => ({ provider, user_id: String(user_id), connection })),
    app_metadata: user.app_metadata ?? {},
    user_metadata: user.user_metadata ?? {},
  };
}
