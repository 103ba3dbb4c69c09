// Logins nobody in the browser asked for: an IdP-initiated SAML response posted to /login/callback (the stand-in IdP's,
// replayable from another browser) logs in to the connection's default application without an application state, and a
// stand-in IdP configured never to prompt signs a browser sent to /authorize in as its own account (login CSRF).
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { BrowserlessAgent, hiddenField } from '../browserless-agent.ts';
import { addWebApp, bindAction, CALLBACK, discoverOverLoopback } from '../../test/support/sign-in.ts';
import { useHttpTenant } from '../../test/support/tenant.ts';

const http = useHttpTenant();
const CLAIMS_ACTION = `exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://example.com/login', { state: event.transaction.state ?? null, connection: event.connection.name });
};`;

async function setUp(idpinitiated: Record<string, unknown> = {}) {
  const { tenant, server } = http();
  const { app } = addWebApp(tenant);
  tenant.state.addConnection({
    name: 'acme-saml',
    strategy: 'samlp',
    options: {
      idpinitiated: {
        enabled: true,
        client_id: app.client_id,
        client_protocol: 'oidc',
        client_authorizequery: 'response_type=code&scope=openid email',
        ...idpinitiated,
      },
    },
  });
  bindAction(tenant, 'claims', CLAIMS_ACTION);
  const config = await discoverOverLoopback(tenant.domain, server.url, app);
  /** The stand-in IdP's response for the attacker's own account, got in the attacker's browser. */
  const attackerResponse = async () => {
    const html = await (
      await fetch(`${server.url}/local/idp/acme-saml`, {
        method: 'POST',
        body: new URLSearchParams({ user_id: 'mallory', email: 'victim@example.com', email_verified: 'true' }),
      })
    ).text();
    return hiddenField(html, 'SAMLResponse')!;
  };
  const post = (browser: BrowserlessAgent, response: string, connection = 'acme-saml') =>
    browser.follow(`${server.url}/login/callback?connection=${connection}`, server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: response }),
    });
  return { tenant, server, app, config, attackerResponse, post };
}

describe('IdP-initiated login at /login/callback', () => {
  it("logs the victim's browser in to the default application as the response's account, with no application state", async () => {
    const { config, attackerResponse, post, server } = await setUp();
    const victim = new BrowserlessAgent();
    const done = await post(victim, await attackerResponse());
    expect(done.url.startsWith(`${CALLBACK}?code=`)).toBe(true);
    expect(new URL(done.url).searchParams.has('state')).toBe(false);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { expectedState: oidc.skipStateCheck });
    expect(tokens.claims()).toMatchObject({ sub: 'samlp|mallory', 'https://example.com/login': { state: null, connection: 'acme-saml' } });
    const silent = await victim.follow(
      oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'st', prompt: 'none' }).href,
      server.url,
    );
    expect(new URL(silent.url).searchParams.get('code')).not.toBeNull();
  });

  it('refuses a connection that does not accept IdP-initiated logins, a forged or expired response, and another connection', async () => {
    const { tenant, attackerResponse, post } = await setUp();
    const response = await attackerResponse();
    const forged = `${response.split('.')[0]}.${'A'.repeat(43)}`;
    expect((await post(new BrowserlessAgent(), forged)).response.status).toBe(400);
    tenant.state.addConnection({ name: 'closed-saml', strategy: 'samlp' });
    expect((await post(new BrowserlessAgent(), response, 'closed-saml')).response.status).toBe(400);
    const open = tenant.state.connectionOptions('acme-saml')!;
    tenant.state.addConnection({ name: 'other-saml', strategy: 'samlp', options: open });
    expect((await post(new BrowserlessAgent(), response, 'other-saml')).response.status).toBe(400);
    const now = Date.now();
    tenant.state.setClock(() => new Date(now + 5 * 60 * 1000 + 1));
    const late = await post(new BrowserlessAgent(), response);
    expect([late.response.status, await late.response.text()]).toEqual([400, expect.stringContaining('signature or expiry')]);
  });

  it('asks for response_type=code, the one flow the local tenant serves', async () => {
    const { attackerResponse, post } = await setUp({ client_authorizequery: 'scope=openid' });
    expect((await post(new BrowserlessAgent(), await attackerResponse())).response.status).toBe(400);
  });
});

describe('a stand-in IdP that never prompts', () => {
  it('signs a browser sent to /authorize in as its account without any input (login CSRF)', async () => {
    const { tenant, server, config } = await setUp();
    tenant.state.addConnection({
      name: 'evil-idp',
      strategy: 'samlp',
      options: { localStandIn: { signInWithoutPrompt: { user_id: 'mallory-evil', email: 'victim@example.com', email_verified: true } } },
    });
    const victim = new BrowserlessAgent();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid email', state: 'forged', connection: 'evil-idp' }).href;
    const done = await victim.follow(url, server.url);
    expect(done.url.startsWith(`${CALLBACK}?code=`)).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { expectedState: 'forged' });
    expect(tokens.claims()).toMatchObject({ sub: 'samlp|mallory-evil', email: 'victim@example.com', email_verified: true });
  });
});
