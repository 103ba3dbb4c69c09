// /continue resumes a suspended login only in the browser that was redirected, also after a nested login there (another
// account signed in with prompt=login while the redirect waits, as the linking page does).
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { addWebApp, ANA, bindAction, CALLBACK, discoverOverLoopback } from '../../test/support/sign-in.ts';
import { BrowserlessAgent } from '../browserless-agent.ts';
import { DATABASE, useHttpTenant } from '../../test/support/tenant.ts';

const http = useHttpTenant();
const PAGE = 'https://page.example/wait';
const REDIRECT_ACTION = `
exports.onExecutePostLogin = async (event, api) => {
  if (event.client.client_id !== event.secrets.NESTED_CLIENT) api.redirect.sendUserTo(event.secrets.PAGE);
};
exports.onContinuePostLogin = async () => {};`;
const BOB = { email: 'bob@example.com', password: 'local-demo-bob' };

describe('/continue and the redirected browser', () => {
  it('resumes after a nested login for another account in the same browser, and refuses the state from another browser', async () => {
    const { tenant, server } = http();
    const { app, anaId } = addWebApp(tenant);
    const nested = tenant.state.addClient({ name: 'nested', scopes: [], app_type: 'regular_web', callbacks: [CALLBACK], grant_types: ['authorization_code'] });
    tenant.state.createUser({ connection: DATABASE, email: BOB.email, email_verified: true, password: BOB.password });
    bindAction(tenant, 'wait', REDIRECT_ACTION, { PAGE, NESTED_CLIENT: nested.client_id });
    const config = await discoverOverLoopback(tenant.domain, server.url, app);
    const nestedConfig = await discoverOverLoopback(tenant.domain, server.url, nested);
    const authorize = (c: oidc.Configuration, extra: Record<string, string> = {}) =>
      oidc.buildAuthorizationUrl(c, { redirect_uri: CALLBACK, scope: 'openid', state: 'st', ...extra }).href;
    const resume = (agent: BrowserlessAgent, state: string) =>
      agent.follow(`${server.url}/continue`, server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ state }),
      });

    const browser = new BrowserlessAgent();
    const waiting = await browser.logIn((await browser.follow(authorize(config), server.url)).url, server.url, ANA);
    expect(waiting.url.startsWith(`${PAGE}?`)).toBe(true);
    const nestedLogin = await browser.follow(authorize(nestedConfig, { prompt: 'login' }), server.url);
    expect((await browser.logIn(nestedLogin.url, server.url, BOB)).url.startsWith(`${CALLBACK}?code=`)).toBe(true);
    const resumed = await resume(browser, new URL(waiting.url).searchParams.get('state')!);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(resumed.url), { expectedState: 'st' });
    expect(tokens.claims()!.sub).toBe(anaId);

    const again = await browser.logIn((await browser.follow(authorize(config, { prompt: 'login' }), server.url)).url, server.url, ANA);
    const other = new BrowserlessAgent();
    await other.logIn((await other.follow(authorize(nestedConfig), server.url)).url, server.url, BOB);
    const refused = await resume(other, new URL(again.url).searchParams.get('state')!);
    expect(refused.response.status).toBe(400);
    expect(await refused.response.text()).toContain('The transaction was not found');
  });
});
