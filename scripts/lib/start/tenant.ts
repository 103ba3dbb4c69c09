// The demo tenant of `npm start`: seeds/demo.json plus the deployer application, the Action's own M2M application and the demo web app, database users with a known local password.
import { ACTION_SCOPES } from '../../../actions/config.ts';
import { type Client, createLocalTenant, DATABASE_CONNECTION, type LocalTenant, SEEDS, type TenantState } from '../../../local-tenant/index.ts';
import { loadSeedFile } from '../seed-file.ts';

export const DEMO_DOMAIN = 'demo-tenant.local';

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
    'read:connections',
    'read:users',
    'update:users',
    // The backfill ends a password account's sessions and refresh tokens before it links it, as the Action does.
    'delete:sessions',
    'delete:grants',
    'create:clients',
    'read:clients',
    'update:clients',
    // What a real tenant's admin application has to reuse the Action's application with --create-client: Auth0 shows a
    // client secret only to this scope.
    'read:client_keys',
    'create:client_grants',
    'read:client_grants',
    // The deploy prints the linking page's brand from the tenant's Universal Login branding and settings.
    'read:branding',
    'read:tenant_settings',
  ],
} as const;

/**
 * The Action's own M2M application, and the demo web application people sign in to with `--keep` (regular web app,
 * code flow and the password grants). Fixed, obviously-local values for the reason LOCAL_ADMIN's is: `--keep --json`
 * hands them to scripts and tests, and nothing generated is ever printed.
 */
export const LOCAL_ACTION_APP = {
  name: 'auto-link Action',
  client_id: 'local-action',
  client_secret: 'local-only-not-a-secret-action',
  scopes: ACTION_SCOPES,
} as const;

export const LOCAL_WEB_APP = {
  name: 'demo web app',
  client_id: 'local-web-app',
  client_secret: 'local-only-not-a-secret-web-app',
  app_type: 'regular_web',
  grant_types: ['authorization_code', 'refresh_token', 'password', 'http://auth0.com/oauth/grant-type/password-realm'],
} as const;

/** The password every database user of the demo tenant signs in with: a local stand-in, like the secrets above. */
export const DEMO_PASSWORD = 'local-demo-password';

export interface DemoTenant {
  tenant: LocalTenant;
  admin: Client;
  /** The Action's application (ACTION_SCOPES), passed to the Action as its secrets. */
  actionClient: Client;
  /** The demo web application; `--keep` registers the demo app's callback and logout URLs on it. */
  webApp: Client;
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
  const { users } = await loadSeedFile(tenant.state, SEEDS.demo);
  const admin = tenant.state.addClient({ ...LOCAL_ADMIN, scopes: [...LOCAL_ADMIN.scopes] });
  const actionClient = tenant.state.addClient({ ...LOCAL_ACTION_APP, scopes: [...LOCAL_ACTION_APP.scopes] });
  const webApp = tenant.state.addClient({ ...LOCAL_WEB_APP, grant_types: [...LOCAL_WEB_APP.grant_types], scopes: [], callbacks: [], allowed_logout_urls: [] });
  // The tenant setting "Default Directory": the connection the `password` grant checks (without it Auth0 answers 500).
  tenant.state.authentication.defaultDirectory = DATABASE_CONNECTION;
  setDemoPasswords(tenant.state);
  tenant.actions.setBuildDelay(delays.buildDelayMs);
  tenant.actions.setDeployDelay(delays.deployDelayMs);
  return { tenant, admin, actionClient, webApp, accounts: users };
}

/** Every database user signs in with DEMO_PASSWORD: the demo's own users and those a `--seed` file adds later. */
export function setDemoPasswords(state: TenantState): void {
  for (const user of state.allUsers()) {
    if (user.identities[0]!.provider === 'auth0') state.authentication.setPassword(user.user_id, DEMO_PASSWORD);
  }
}
