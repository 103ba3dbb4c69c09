// What ends a login's reach: refresh tokens belong to grants (offline_access, /oauth/revoke, GET/DELETE /grants), SSO
// sessions can be listed and ended (Enterprise plans only), both follow an identity linked under another user, and a
// session an Action ends during the login is gone once the login completes.
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { BrowserlessAgent } from '../browserless-agent.ts';
import { addWebApp, ANA, bindAction, CALLBACK, discoverOverLoopback } from '../../test/support/sign-in.ts';
import { createTestTenant, DATABASE, managementClient, useHttpTenant } from '../../test/support/tenant.ts';

const http = useHttpTenant();
const ADMIN_SCOPES = [
  'read:users',
  'update:users',
  'read:grants',
  'delete:grants',
  'read:sessions',
  'delete:sessions',
  'read:refresh_tokens',
  'delete:refresh_tokens',
];
const BOB = { email: 'bob@example.com', password: 'local-demo-bob' };

async function setUp() {
  const { tenant, server, fetch } = http();
  const { app, anaId } = addWebApp(tenant);
  const bob = tenant.state.createUser({ connection: DATABASE, email: BOB.email, email_verified: true, password: BOB.password });
  const google = tenant.state.createUser({ connection: 'google-oauth2', email: BOB.email, email_verified: true });
  const admin = tenant.state.addClient({ name: 'admin', scopes: ADMIN_SCOPES });
  const sdk = managementClient(tenant, admin, { fetch });
  const config = await discoverOverLoopback(tenant.domain, server.url, app);
  const authorize = (extra: Record<string, string> = {}) =>
    oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid email offline_access', state: 'st', ...extra }).href;
  /** A browser signed in with the password account `credentials`, and the tokens its login got. */
  const signIn = async (credentials: { email: string; password: string }, extra: Record<string, string> = {}) => {
    const browser = new BrowserlessAgent();
    const done = await browser.logIn((await browser.follow(authorize(extra), server.url)).url, server.url, credentials);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { expectedState: 'st' });
    return { browser, tokens };
  };
  /** Where prompt=none leads the browser: tokens when its session still signs it in, else the callback's error. */
  const silent = async (browser: BrowserlessAgent) => {
    const done = await browser.follow(authorize({ prompt: 'none' }), server.url);
    const error = new URL(done.url).searchParams.get('error');
    if (error) return { error };
    return { sub: (await oidc.authorizationCodeGrant(config, new URL(done.url), { expectedState: 'st' })).claims()!.sub };
  };
  const refresh = async (token: string) => {
    try {
      return { sub: (await oidc.refreshTokenGrant(config, token)).claims()!.sub };
    } catch (error) {
      return { error: (error as { error?: string }).error, description: (error as { error_description?: string }).error_description };
    }
  };
  const link = (primary: string, secondaryId: string) => sdk.users.identities.link(primary, { provider: 'auth0', user_id: secondaryId });
  return { tenant, server, app, anaId, bob, google, sdk, config, authorize, signIn, silent, refresh, link };
}

describe('refresh tokens and grants', () => {
  it('issues a refresh token only for offline_access, and none for the Management API, which does not allow offline access', async () => {
    const { tenant, signIn } = await setUp();
    expect((await signIn(ANA)).tokens.refresh_token).toEqual(expect.any(String));
    expect((await signIn(ANA, { scope: 'openid email' })).tokens.refresh_token).toBeUndefined();
    expect((await signIn(ANA, { audience: tenant.audience })).tokens.refresh_token).toBeUndefined();
  });

  it('records one grant per user, application and audience, listed with the SDK; deleting it revokes its refresh tokens', async () => {
    const { tenant, app, anaId, sdk, signIn, refresh } = await setUp();
    const first = (await signIn(ANA)).tokens.refresh_token!;
    const second = (await signIn(ANA)).tokens.refresh_token!;
    const listed = await sdk.userGrants.list({ user_id: anaId });
    expect(listed.data).toEqual([
      {
        id: expect.any(String),
        clientID: app.client_id,
        user_id: anaId,
        audience: `https://${tenant.domain}/userinfo`,
        scope: ['openid', 'email', 'offline_access'],
      },
    ]);
    expect(await refresh(first)).toEqual({ sub: anaId });
    await sdk.userGrants.delete(listed.data[0]!.id!);
    for (const token of [first, second]) expect(await refresh(token)).toEqual({ error: 'invalid_grant', description: 'Unknown or invalid refresh token.' });
    expect((await sdk.userGrants.list({ user_id: anaId })).data).toEqual([]);
  });

  it('revokes one refresh token at /oauth/revoke (200, also for an unknown token) and its siblings only when the tenant says so', async () => {
    const { tenant, config, signIn, refresh, anaId, server, app } = await setUp();
    const one = (await signIn(ANA)).tokens.refresh_token!;
    const other = (await signIn(ANA)).tokens.refresh_token!;
    await oidc.tokenRevocation(config, one);
    expect(await refresh(one)).toMatchObject({ error: 'invalid_grant' });
    expect(await refresh(other)).toEqual({ sub: anaId });
    const unknown = await fetch(`${server.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: app.client_id, client_secret: app.client_secret, token: 'not-a-token' }),
    });
    expect([unknown.status, await unknown.text()]).toEqual([200, '']);
    const wrongSecret = await fetch(`${server.url}/oauth/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: app.client_id, client_secret: 'nope', token: other }),
    });
    expect(wrongSecret.status).toBe(401);
    tenant.state.authentication.revocationDeletesGrant = true;
    const third = (await signIn(ANA)).tokens.refresh_token!;
    await oidc.tokenRevocation(config, third);
    expect(await refresh(other)).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('sessions', () => {
  it('lists and ends a user sessions with the SDK; an ended session no longer signs in and the login page asks again', async () => {
    const { sdk, anaId, signIn, silent, authorize, server } = await setUp();
    const { browser } = await signIn(ANA);
    expect(await silent(browser)).toEqual({ sub: anaId });
    const listed = await sdk.users.sessions.list(anaId);
    expect(listed.data).toEqual([
      expect.objectContaining({ user_id: anaId, clients: [expect.any(Object)], authentication: { methods: [expect.objectContaining({ name: 'pwd' })] } }),
    ]);
    expect((await sdk.sessions.get(listed.data[0]!.id!)).id).toBe(listed.data[0]!.id);
    await sdk.users.sessions.delete(anaId);
    expect(await silent(browser)).toEqual({ error: 'login_required' });
    expect((await browser.follow(authorize(), server.url)).url).toMatch(/\/u\/login\?state=/);

    const again = (await signIn(ANA)).browser;
    const [session] = (await sdk.users.sessions.list(anaId)).data;
    await sdk.sessions.delete(session!.id!);
    expect(await silent(again)).toEqual({ error: 'login_required' });
  });

  it("ends a user's refresh tokens with DELETE /users/{id}/refresh-tokens", async () => {
    const { sdk, anaId, signIn, refresh } = await setUp();
    const token = (await signIn(ANA)).tokens.refresh_token!;
    expect((await sdk.users.refreshToken.list(anaId)).data).toEqual([expect.objectContaining({ user_id: anaId, rotating: false })]);
    await sdk.users.refreshToken.delete(anaId);
    expect(await refresh(token)).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses session and refresh-token management on a plan without it, and still deletes grants there', async () => {
    const { tenant, sdk, anaId, signIn, refresh } = await setUp();
    tenant.state.plan = 'free';
    const token = (await signIn(ANA)).tokens.refresh_token!;
    await expect(sdk.users.sessions.list(anaId)).rejects.toMatchObject({ statusCode: 403 });
    await expect(sdk.users.sessions.delete(anaId)).rejects.toMatchObject({ statusCode: 403 });
    await expect(sdk.users.refreshToken.delete(anaId)).rejects.toMatchObject({ statusCode: 403 });
    await sdk.userGrants.deleteByUserId({ user_id: anaId });
    expect(await refresh(token)).toMatchObject({ error: 'invalid_grant' });
    expect(createTestTenant({ plan: 'essentials' }).tenant.state.plan).toBe('essentials');
  });
});

describe('sessions and refresh tokens of a linked identity', () => {
  it('reach the primary after the link: a prompt=none login and a refresh give tokens for the primary', async () => {
    const { bob, google, signIn, silent, refresh, link } = await setUp();
    const { browser, tokens } = await signIn(BOB);
    await link(google.user_id, bob.identities[0]!.user_id);
    expect(await silent(browser)).toEqual({ sub: google.user_id });
    expect(await refresh(tokens.refresh_token!)).toEqual({ sub: google.user_id });
  });

  it('are dead when the secondary user sessions and grants were ended before the link', async () => {
    const { bob, google, sdk, signIn, silent, refresh, link } = await setUp();
    const { browser, tokens } = await signIn(BOB);
    await sdk.users.sessions.delete(bob.user_id);
    await sdk.userGrants.deleteByUserId({ user_id: bob.user_id });
    await link(google.user_id, bob.identities[0]!.user_id);
    expect(await silent(browser)).toEqual({ error: 'login_required' });
    expect(await refresh(tokens.refresh_token!)).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('a session an Action ends during the login', () => {
  it('still ends the login with a code, and the session signs no one in afterwards', async () => {
    const { tenant, anaId, signIn, silent } = await setUp();
    const m2m = tenant.state.addClient({ name: 'action', scopes: ['delete:sessions'] });
    bindAction(
      tenant,
      'end-sessions',
      `exports.onExecutePostLogin = async (event, api) => {
        const token = await fetch('https://${tenant.domain}/oauth/token', { method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ grant_type: 'client_credentials', client_id: '${m2m.client_id}', client_secret: event.secrets.M2M, audience: 'https://${tenant.domain}/api/v2/' }) }).then((r) => r.json());
        const ended = await fetch('https://${tenant.domain}/api/v2/users/' + encodeURIComponent(event.user.user_id) + '/sessions', { method: 'DELETE', headers: { authorization: 'Bearer ' + token.access_token } });
        if (ended.status !== 202) throw new Error('ending sessions failed ' + ended.status);
      };`,
      { M2M: m2m.client_secret },
    );
    const { browser, tokens } = await signIn(ANA);
    expect(tokens.claims()!.sub).toBe(anaId);
    expect(await silent(browser)).toEqual({ error: 'login_required' });
  });
});

describe('an unlinked identity', () => {
  it('comes back as a new user without the metadata it had and without last_login', async () => {
    const { tenant, bob, google, sdk, signIn, link } = await setUp();
    await signIn(BOB);
    tenant.state.patchUser(bob.user_id, { app_metadata: { role: 'admin' }, user_metadata: { theme: 'dark' } });
    expect(tenant.state.getUser(bob.user_id)!.last_login).toEqual(expect.any(String));
    await link(google.user_id, bob.identities[0]!.user_id);
    await sdk.users.identities.delete(google.user_id, 'auth0', bob.identities[0]!.user_id);
    const back = await sdk.users.get(bob.user_id);
    expect(back.app_metadata ?? {}).toEqual({});
    expect(back.user_metadata ?? {}).toEqual({});
    expect(back.last_login).toBeUndefined();
    expect(back.logins_count).toBeUndefined();
    expect(back.email).toBe(BOB.email);
  });
});
