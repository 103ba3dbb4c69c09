// Sign-in fixtures: a login application on a test tenant, and a browserless walk through /authorize and the login page.
import * as oidc from 'openid-client';
import { type Client, type LocalTenant, PASSWORD_REALM_GRANT } from '../../local-tenant/index.ts';
import { DATABASE } from './tenant.ts';

export const CALLBACK = 'http://127.0.0.1:9/callback';
export const ANA = { email: 'ana@example.com', password: 'local-demo-ana' } as const;

/** A regular web app with code, refresh and password grants, and Ana, a verified database user with a known password. */
export function addWebApp(tenant: LocalTenant, callbacks: string[] = [CALLBACK]): { app: Client; anaId: string } {
  const app = tenant.state.addClient({
    name: 'Local web app',
    scopes: [],
    app_type: 'regular_web',
    callbacks,
    allowed_logout_urls: ['http://127.0.0.1:9/'],
    grant_types: ['authorization_code', 'refresh_token', 'password', PASSWORD_REALM_GRANT],
    token_endpoint_auth_method: 'client_secret_post',
  });
  const ana = tenant.state.createUser({ connection: DATABASE, email: ANA.email, email_verified: true, name: 'Ana', password: ANA.password });
  return { app, anaId: ana.user_id };
}

/** openid-client configured for the tenant's issuer https://{domain}/, reached over loopback (plain HTTP allowed for that server only). */
export async function discoverOverLoopback(domain: string, serverUrl: string, app: { client_id: string; client_secret: string }): Promise<oidc.Configuration> {
  const loopbackOnly: oidc.CustomFetch = (url, options) => {
    const target = url.startsWith(`https://${domain}/`) ? serverUrl + url.slice(`https://${domain}`.length) : url;
    if (!target.startsWith(`${serverUrl}/`)) throw new Error(`refusing a non-loopback request to ${url}`);
    return fetch(target, options as RequestInit);
  };
  return oidc.discovery(new URL(`https://${domain}/`), app.client_id, app.client_secret, undefined, {
    execute: [oidc.allowInsecureRequests],
    [oidc.customFetch]: loopbackOnly,
  });
}

/** Creates, deploys and appends a post-login Action to the tenant's flow, as the deploy command would. */
export function bindAction(tenant: LocalTenant, name: string, code: string, secrets: Record<string, string> = {}): void {
  const store = tenant.actions;
  // Sign-in tests are not about deploy timing (test/deploy.test.ts is): this tenant builds and deploys at once.
  store.setBuildDelay(0);
  store.setDeployDelay(0);
  const action = store.create({
    name,
    code,
    runtime: 'node22',
    supported_triggers: [{ id: 'post-login', version: 'v3' }],
    secrets: Object.entries(secrets).map(([secretName, value]) => ({ name: secretName, value })),
  });
  store.deploy(action.id);
  const existing = store.bindingsOf('post-login').map((b) => ({ ref: { type: 'action_id', value: b.action.id } }));
  store.setBindings('post-login', [...existing, { ref: { type: 'action_id', value: action.id } }]);
}
