// The post-login flow on real logins, browserless: api.access.deny, setPrimaryUser deciding `sub`, redirect tokens
// checked as documented, redirects refused on back-channel grants, and a signup verified later through the outbox.
import { SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { addWebApp, ANA, bindAction, CALLBACK, discoverOverLoopback } from '../../test/support/sign-in.ts';
import { BrowserlessAgent } from '../browserless-agent.ts';
import { DATABASE, useHttpTenant } from '../../test/support/tenant.ts';

const http = useHttpTenant();
const SECRET = 'local-test-redirect-secret';
const CONSENT = 'https://consent.example/page';

const REDIRECT_ACTION = `
exports.onExecutePostLogin = async (event, api) => {
  api.redirect.sendUserTo(event.secrets.CONSENT_URL, { query: { session_token: api.redirect.encodeToken({ secret: event.secrets.SECRET, payload: { hello: 'page' } }) } });
};
exports.onContinuePostLogin = async (event, api) => {
  const payload = api.redirect.validateToken({ secret: event.secrets.SECRET });
  api.idToken.setCustomClaim('https://example.com/answer', payload.answer);
};`;

async function setUp(actions: Array<[string, string]> = []) {
  const { tenant, server } = http();
  const { app, anaId } = addWebApp(tenant);
  for (const [name, code] of actions) bindAction(tenant, name, code, { SECRET, CONSENT_URL: CONSENT });
  const config = await discoverOverLoopback(tenant.domain, server.url, app);
  const agent = new BrowserlessAgent();
  const start = (extra: Record<string, string> = {}) =>
    agent.follow(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid email offline_access', state: 'st', ...extra }).href, server.url);
  const logIn = async (credentials: { email: string; password: string } = ANA) => agent.logIn((await start()).url, server.url, credentials);
  return { tenant, server, app, anaId, config, agent, start, logIn };
}

function param(url: string, name: string): string | null {
  return new URL(url).searchParams.get(name);
}

describe('the post-login flow on a real login', () => {
  it('ends at the callback with error=access_denied and the reason of api.access.deny', async () => {
    const { logIn } = await setUp([['deny', `exports.onExecutePostLogin = async (event, api) => { api.access.deny('Not on weekends'); };`]]);
    const done = await logIn();
    expect(done.url.startsWith(CALLBACK)).toBe(true);
    expect(param(done.url, 'error')).toBe('access_denied');
    expect(param(done.url, 'error_description')).toBe('Not on weekends');
    expect(param(done.url, 'state')).toBe('st');
  });

  it('issues the tokens for the primary that setPrimaryUser names, after the Action linked the login user into it', async () => {
    const { tenant, config, logIn, anaId } = await setUp();
    const primary = tenant.state.createUser({ connection: 'google-oauth2', email: ANA.email, email_verified: true });
    const m2m = tenant.state.addClient({ name: 'linker', scopes: ['update:users'] });
    bindAction(
      tenant,
      'link',
      `exports.onExecutePostLogin = async (event, api) => {
        const token = await fetch('https://${tenant.domain}/oauth/token', { method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ grant_type: 'client_credentials', client_id: '${m2m.client_id}', client_secret: event.secrets.M2M, audience: 'https://${tenant.domain}/api/v2/' }) }).then((r) => r.json());
        const linked = await fetch('https://${tenant.domain}/api/v2/users/${encodeURIComponent(primary.user_id)}/identities', { method: 'POST',
          headers: { authorization: 'Bearer ' + token.access_token, 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'auth0', user_id: event.user.identities[0].user_id }) });
        if (linked.status !== 201) throw new Error('link failed ' + linked.status);
        api.authentication.setPrimaryUser('${primary.user_id}');
      };`,
    );
    tenant.actions.update(tenant.actions.list({ actionName: 'link' })[0]!.id, { secrets: [{ name: 'M2M', value: m2m.client_secret }] });
    tenant.actions.deploy(tenant.actions.list({ actionName: 'link' })[0]!.id);
    const done = await logIn();
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { expectedState: 'st' });
    expect(tokens.claims()!.sub).toBe(primary.user_id);
    expect(tenant.state.getUser(anaId)).toBeUndefined();
  });

  it('resumes a redirect on POST /continue with a token whose state matches, and refuses forged, expired or replayed ones', async () => {
    const { agent, server, config, logIn, anaId, start } = await setUp([['consent', REDIRECT_ACTION]]);
    const sent = await logIn();
    expect(sent.url.startsWith(`${CONSENT}?`)).toBe(true);
    const state = param(sent.url, 'state')!;
    const key = new TextEncoder().encode(SECRET);
    const sessionToken = param(sent.url, 'session_token')!;
    expect(JSON.parse(Buffer.from(sessionToken.split('.')[1]!, 'base64url').toString())).toMatchObject({
      sub: anaId,
      hello: 'page',
      iss: http().tenant.domain,
    });
    const back = (token: string, stateSent = state) =>
      agent.follow(`${server.url}/continue`, server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ state: stateSent, session_token: token }),
      });
    const answer = (claims: Record<string, unknown>, secret = key, exp = '2m') =>
      new SignJWT({ answer: 'yes', ...claims }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(secret);

    const forged = await back(await answer({ state }, new TextEncoder().encode('another-secret')));
    expect(param(forged.url, 'error')).toBe('access_denied');
    expect(param(forged.url, 'error_description')).toContain('invalid token signature');
    const replay = await back(await answer({ state }));
    expect(replay.response.status).toBe(400);

    const again = await start();
    const state2 = param(again.url, 'state')!;
    const wrongState = await back(await answer({ state: 'another-transaction' }), state2);
    expect(param(wrongState.url, 'error_description')).toContain('state claim');

    const third = await start();
    const state3 = param(third.url, 'state')!;
    const expired = await back(await answer({ state: state3 }, key, '-1m'), state3);
    expect(param(expired.url, 'error_description')).toContain('expired');

    const fourth = await start();
    const state4 = param(fourth.url, 'state')!;
    const ok = await back(await answer({ state: state4 }), state4);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(ok.url), { expectedState: 'st' });
    expect(tokens.claims()).toMatchObject({ sub: anaId, 'https://example.com/answer': 'yes' });
  });

  it('fails a redirect on the refresh-token and password grants, as Auth0 does', async () => {
    const { tenant, server, app, config, logIn } = await setUp();
    const done = await logIn();
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { expectedState: 'st' });
    bindAction(tenant, 'consent', REDIRECT_ACTION, { SECRET, CONSENT_URL: CONSENT });
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'access_denied' });
    const password = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'http://auth0.com/oauth/grant-type/password-realm',
        realm: DATABASE,
        username: ANA.email,
        password: ANA.password,
        client_id: app.client_id,
        client_secret: app.client_secret,
      }),
    });
    expect(password.status).toBe(403);
    expect(await password.json()).toMatchObject({ error: 'access_denied' });
  });

  it('plays a signup that starts unverified and is verified later through the local outbox', async () => {
    const { tenant, server, agent, start, config } = await setUp([
      [
        'verified',
        `exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('https://example.com/verified', event.user.email_verified); };`,
      ],
    ]);
    const login = await start();
    const signup = await agent.follow(`${server.url}/u/signup`, server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ state: param(login.url, 'state')!, email: 'new.person@example.com', password: 'a-local-password' }),
    });
    const first = await oidc.authorizationCodeGrant(config, new URL(signup.url), { expectedState: 'st' });
    expect(first.claims()!['https://example.com/verified']).toBe(false);
    const mail = tenant.state.authentication.outbox.find((m) => m.to === 'new.person@example.com')!;
    const outbox = await (await fetch(`${server.url}/local/outbox`)).text();
    expect(outbox).toContain(mail.link!.replace(/&/g, '&amp;'));
    expect(await (await fetch(`${server.url}${mail.link}`)).text()).toContain('successfully verified');
    const second = await agent.follow((await start({ prompt: 'login' })).url, server.url);
    const done = await agent.logIn(second.url, server.url, { email: 'new.person@example.com', password: 'a-local-password' });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { expectedState: 'st' });
    expect(tokens.claims()!['https://example.com/verified']).toBe(true);
  });
});
