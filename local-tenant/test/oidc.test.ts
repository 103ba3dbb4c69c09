// The Authentication API judged by openid-client (discovery, code flow with PKCE, ID-token validation, refresh,
// userinfo) and by the auth0 SDK's AuthenticationClient (password-realm), plus Auth0's refusals.
import * as oidc from 'openid-client';
import { AuthenticationClient } from 'auth0/legacy';
import { describe, expect, it } from 'vitest';
import { DATABASE, useHttpTenant, useInProcessTenant, createTestTenant } from '../../test/support/tenant.ts';
import { addWebApp, ANA, CALLBACK, discoverOverLoopback } from '../../test/support/sign-in.ts';
import { BrowserlessAgent } from '../browserless-agent.ts';

const http = useHttpTenant();

function discover(app: { client_id: string; client_secret: string }): Promise<oidc.Configuration> {
  const { tenant, server } = http();
  return discoverOverLoopback(tenant.domain, server.url, app);
}

async function codeFlow(config: oidc.Configuration, extra: Record<string, string> = {}) {
  const { server } = http();
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const authorizeUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid profile email offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  expect(authorizeUrl.origin).toBe(server.url);
  const agent = new BrowserlessAgent();
  const login = await agent.follow(authorizeUrl.href, server.url);
  expect(login.url).toContain('/u/login?state=');
  const done = await agent.logIn(login.url, server.url, ANA);
  expect(done.url.startsWith(CALLBACK)).toBe(true);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  return { tokens, agent, verifier, state, nonce, callbackUrl: done.url };
}

describe('openid-client against the local tenant', () => {
  it('discovers the issuer https://{domain}/ with loopback endpoints', async () => {
    const { tenant, server } = http();
    const { app } = addWebApp(tenant);
    const config = await discover(app);
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(`https://${tenant.domain}/`);
    expect(metadata.token_endpoint).toBe(`${server.url}/oauth/token`);
    expect(metadata.code_challenge_methods_supported).toContain('S256');
  });

  it('signs in with the code flow and PKCE: a valid RS256 ID token for the user, refresh and userinfo', async () => {
    const { tenant } = http();
    const { app, anaId } = addWebApp(tenant);
    const config = await discover(app);
    const { tokens } = await codeFlow(config, { max_age: '600' });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ sub: anaId, aud: app.client_id, iss: `https://${tenant.domain}/`, email: ANA.email, email_verified: true });
    expect(typeof claims.auth_time).toBe('number');
    expect(tokens.refresh_token).toBeTruthy();
    const info = await oidc.fetchUserInfo(config, tokens.access_token, anaId);
    expect(info).toMatchObject({ sub: anaId, email: ANA.email });
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.claims()!.sub).toBe(anaId);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
  });

  it('refuses a code used twice, a wrong code verifier and a foreign refresh token as Auth0 does', async () => {
    const { tenant, server } = http();
    const { app } = addWebApp(tenant);
    const config = await discover(app);
    const { callbackUrl, verifier, state, nonce } = await codeFlowRaw(config);
    await expect(
      oidc.authorizationCodeGrant(config, new URL(callbackUrl), { pkceCodeVerifier: `${verifier}x`, expectedState: state, expectedNonce: nonce }),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: 'Failed to verify code verifier',
    });
    // The code was spent by the failed attempt.
    await expect(
      oidc.authorizationCodeGrant(config, new URL(callbackUrl), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: 'Invalid authorization code',
    });
    await expect(oidc.refreshTokenGrant(config, 'not-a-refresh-token')).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: 'Unknown or invalid refresh token.',
    });
    const mismatch = await fetch(
      `${server.url}/authorize?client_id=${app.client_id}&response_type=code&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
      { redirect: 'manual' },
    );
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('Callback URL mismatch. https://evil.example/cb is not in the list of allowed callback URLs.');
  });

  it('escapes what a request puts on its pages: an unknown client_id on the error page, a login_hint in the login form', async () => {
    const { tenant, server } = http();
    const { app } = addWebApp(tenant);
    const markup = `"><script>alert(1)</script>`;
    const escaped = '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;';
    const unknown = await fetch(`${server.url}/authorize?${new URLSearchParams({ client_id: markup, response_type: 'code', redirect_uri: CALLBACK })}`, {
      redirect: 'manual',
    });
    const errorPage = await unknown.text();
    expect(unknown.status).toBe(400);
    expect(errorPage).not.toContain(markup);
    expect(errorPage).toContain(`Unknown client: ${escaped}`);

    const config = await discover(app);
    const agent = new BrowserlessAgent();
    const authorizeUrl = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'st', login_hint: markup });
    const login = await agent.follow(authorizeUrl.href, server.url);
    expect(login.url).toContain('/u/login?state=');
    const loginPage = await login.response.text();
    expect(loginPage).not.toContain(markup);
    expect(loginPage).toContain(`name="username" type="email" autocomplete="username" value="${escaped}"`);
  });

  it('answers prompt=none with login_required without a session, and with a code from the session', async () => {
    const { tenant, server } = http();
    const { app, anaId } = addWebApp(tenant);
    const config = await discover(app);
    const silent = (agent: BrowserlessAgent) =>
      agent.follow(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', prompt: 'none', state: 's1' }).href, server.url);
    const stranger = await silent(new BrowserlessAgent());
    expect(new URL(stranger.url).searchParams.get('error')).toBe('login_required');
    const { agent } = await codeFlow(config);
    const sso = await silent(agent);
    expect(new URL(sso.url).searchParams.get('code')).toBeTruthy();
    const tokens = await oidc.authorizationCodeGrant(config, new URL(sso.url), { expectedState: 's1' });
    expect(tokens.claims()!.sub).toBe(anaId);
  });

  async function codeFlowRaw(config: oidc.Configuration) {
    const { server } = http();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const agent = new BrowserlessAgent();
    const login = await agent.follow(url.href, server.url);
    const done = await agent.logIn(login.url, server.url, ANA);
    return { callbackUrl: done.url, verifier, state, nonce };
  }
});

describe('the auth0 SDK AuthenticationClient against the local tenant', () => {
  const inProcess = useInProcessTenant(() => createTestTenant());

  // Without `openid`: the SDK would check an ID token against the JWKS with jose's own https client, which msw cannot
  // reach (openid-client's test above validates ID tokens).
  it("gets a Management API token for the user with the password-realm grant, and Auth0's error for a wrong password", async () => {
    const { tenant } = inProcess();
    const { app, anaId } = addWebApp(tenant);
    const auth = new AuthenticationClient({ domain: tenant.domain, clientId: app.client_id, clientSecret: app.client_secret });
    const { data } = await auth.oauth.passwordGrant({
      username: ANA.email,
      password: ANA.password,
      realm: DATABASE,
      scope: 'read:current_user update:current_user_identities update:current_user_metadata',
      audience: tenant.audience,
    });
    expect((data as { scope?: string }).scope).toBe('read:current_user update:current_user_identities update:current_user_metadata');
    expect(tenant.state.verifyToken(data.access_token)).toMatchObject({ subject: anaId, clientId: app.client_id });
    await expect(auth.oauth.passwordGrant({ username: ANA.email, password: 'wrong-password', realm: DATABASE, scope: 'openid' })).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: 'Wrong email or password.',
    });
  });
});
