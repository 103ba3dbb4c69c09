// The demo tenant of `npm start`: seeds/demo.json plus the deployer application and the Action's own M2M application.
import { fileURLToPath } from 'node:url';
import { createLocalTenant, type LocalTenant } from '../../local-tenant/local-tenant.ts';
import { loadSeedFile } from '../../local-tenant/seed.ts';
import type { Client } from '../../local-tenant/state.ts';

export const DEMO_DOMAIN = 'demo-tenant.local';
export const DEMO_SEED = fileURLToPath(new URL('../../local-tenant/seeds/demo.json', import.meta.url));

/**
 * The local admin application. Its secret is a fixed, documented, obviously-local value, not a secret: it opens an
 * in-memory tenant of made-up users that listens on 127.0.0.1 only and is gone when the process ends. A fixed value
 * lets `npm start -- --keep` say how to use the tenant without printing or writing a generated secret anywhere.
 */
export const LOCAL_ADMIN = {
  name: 'local admin (deployer)',
  client_id: 'local-admin',
  client_secret: 'local-only-not-a-secret',
  scopes: [
    'read:actions',
    'create:actions',
    'update:actions',
    'read:users',
    'update:users',
    'create:clients',
    'read:clients',
    'create:client_grants',
    'read:client_grants',
  ],
} as const;

/**
 * The Action's own M2M application. A fixed, obviously-local value for the reason LOCAL_ADMIN's is: `--keep --json`
 * hands it to scripts and tests, and nothing generated is ever printed.
 */
export const LOCAL_ACTION_APP = {
  name: 'auto-link Action',
  client_id: 'local-action',
  client_secret: 'local-only-not-a-secret-action',
  scopes: ['read:users', 'update:users'],
} as const;

export interface DemoTenant {
  tenant: LocalTenant;
  admin: Client;
  /** The Action's application (read:users update:users), passed to the Action as its secrets. */
  actionClient: Client;
  accounts: number;
}

/**
 * The demo's Action timing: shorter than the local tenant's defaults (4 s builds, live 1.5 s after a deploy), which are
 * themselves shorter than Auth0's, but not zero, so the deploy still shows both of its waits.
 */
export const DEMO_DELAYS = { buildDelayMs: 1500, deployDelayMs: 500 } as const;

/** A fresh demo tenant; Action builds and deploys take `delays`. */
export async function createDemoTenant(delays: { buildDelayMs: number; deployDelayMs: number } = DEMO_DELAYS): Promise<DemoTenant> {
  const tenant = createLocalTenant({ domain: DEMO_DOMAIN });
  const { users } = await loadSeedFile(tenant.state, DEMO_SEED);
  const admin = tenant.state.addClient({ ...LOCAL_ADMIN, scopes: [...LOCAL_ADMIN.scopes] });
  const actionClient = tenant.state.addClient({ ...LOCAL_ACTION_APP, scopes: [...LOCAL_ACTION_APP.scopes] });
  tenant.actions.setBuildDelay(delays.buildDelayMs);
  tenant.actions.setDeployDelay(delays.deployDelayMs);
  return { tenant, admin, actionClient, accounts: users };
}
