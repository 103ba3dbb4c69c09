// A real Chromium signs in to the local tenant: app → /authorize → login page → post-login flow → callback → tokens,
// SSO with prompt=none, and a redirect Action that sends the browser to a page and continues on /continue.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, launchBrowser, type LaunchedBrowser } from '../../test/support/browser.ts';
import { addWebApp, ANA, bindAction, discoverOverLoopback } from '../../test/support/sign-in.ts';
import { useHttpTenant } from '../../test/support/tenant.ts';

const REDIRECT_SECRET = 'local-test-redirect-secret';

const CLAIMS_ACTION = `
exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://example.com/connection', event.connection.name);
  api.idToken.setCustomClaim('https://example.com/prompt', event.transaction.prompt);
};`;

const REDIRECT_ACTION = `
exports.onExecutePostLogin = async (event, api) => {
  const token = api.redirect.encodeToken({ secret: event.secrets.REDIRECT_SECRET, payload: { email: event.user.email } });
  api.redirect.sendUserTo(event.secrets.CONSENT_URL, { query: { session_token: token } });
};
exports.onContinuePostLogin = async (event, api) => {
  const payload = api.redirect.validateToken({ secret: event.secrets.REDIRECT_SECRET, tokenParameterName: 'consent_token' });
  api.idToken.setCustomClaim('https://example.com/consent', payload.answer);
};`;

/** The relying party's side: a callback page and the consent page a redirect Action sends the browser to. */
async function startApp(): Promise<{ url: string; server: Server; tenantUrl: { value: string } }> {
  const tenantUrl = { value: '' };
  const secret = new TextEncoder().encode(REDIRECT_SECRET);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    void (async () => {
      if (url.pathname === '/consent') {
        const state = url.searchParams.get('state') ?? '';
        const { payload } = await jwtVerify(url.searchParams.get('session_token') ?? '', secret, { algorithms: ['HS256'] });
        const answer = await new SignJWT({ state, answer: 'yes' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(String(payload.sub))
          .setExpirationTime('2m')
          .sign(secret);
        res.setHeader('content-type', 'text/html');
        res.end(`<h1>Consent for ${String(payload.email)}</h1><form method="post" action="${tenantUrl.value}/continue">
<input type="hidden" name="state" value="${state}"><input type="hidden" name="consent_token" value="${answer}"><button id="agree">Agree</button></form>`);
        return;
      }
      res.setHeader('content-type', 'text/html');
      res.end('<h1 id="callback">callback</h1>');
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, tenantUrl };
}

describe.skipIf(!browserTestsRun)('signing in with a real browser', () => {
  const http = useHttpTenant();
  let browser: LaunchedBrowser;
  let app: Awaited<ReturnType<typeof startApp>>;

  beforeAll(async () => {
    browser = await launchBrowser();
    app = await startApp();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => app?.server.close(resolve));
  });

  async function setUp(actions: Array<[string, string]>) {
    const { tenant, server } = http();
    app.tenantUrl.value = server.url;
    const callback = `${app.url}/callback`;
    const { app: client, anaId } = addWebApp(tenant, [callback]);
    for (const [name, code] of actions) bindAction(tenant, name, code, { REDIRECT_SECRET, CONSENT_URL: `${app.url}/consent` });
    const config = await discoverOverLoopback(tenant.domain, server.url, client);
    return { config, callback, anaId, server };
  }

  function authorizeUrl(config: oidc.Configuration, callback: string, extra: Record<string, string> = {}) {
    return oidc.buildAuthorizationUrl(config, { redirect_uri: callback, scope: 'openid email', state: 'app-state', nonce: 'app-nonce', ...extra });
  }

  it('signs in through the login page and the post-login flow; prompt=none then gets a code from the session', async () => {
    const { config, callback, anaId } = await setUp([['claims', CLAIMS_ACTION]]);
    const page = await browser.context.newPage();
    await page.goto(authorizeUrl(config, callback).href);
    await page.locator('#login input[name=username]').fill(ANA.email);
    await page.locator('#login input[name=password]').fill(ANA.password);
    await page.locator('#login button').click();
    await page.waitForURL(`${callback}?**`);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), { expectedState: 'app-state', expectedNonce: 'app-nonce' });
    expect(tokens.claims()).toMatchObject({ sub: anaId, email: ANA.email, 'https://example.com/connection': 'Username-Password-Authentication' });

    await page.goto(authorizeUrl(config, callback, { prompt: 'none', nonce: 'n2' }).href);
    await page.waitForURL(`${callback}?**`);
    const silent = await oidc.authorizationCodeGrant(config, new URL(page.url()), { expectedState: 'app-state', expectedNonce: 'n2' });
    expect(silent.claims()).toMatchObject({ sub: anaId, 'https://example.com/prompt': ['none'] });
    await page.close();
  });

  it('follows a redirect Action to its page and back through /continue; prompt=none is then interaction_required', async () => {
    const { config, callback, anaId } = await setUp([['consent', REDIRECT_ACTION]]);
    const page = await browser.context.newPage();
    await page.goto(authorizeUrl(config, callback).href);
    await page.locator('#login input[name=username]').fill(ANA.email);
    await page.locator('#login input[name=password]').fill(ANA.password);
    await page.locator('#login button').click();
    await page.waitForURL(`${app.url}/consent?**`);
    expect(await page.locator('h1').textContent()).toBe(`Consent for ${ANA.email}`);
    await page.locator('#agree').click();
    await page.waitForURL(`${callback}?**`);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), { expectedState: 'app-state', expectedNonce: 'app-nonce' });
    expect(tokens.claims()).toMatchObject({ sub: anaId, 'https://example.com/consent': 'yes' });

    await page.goto(authorizeUrl(config, callback, { prompt: 'none' }).href);
    await page.waitForURL(`${callback}?**`);
    expect(new URL(page.url()).searchParams.get('error')).toBe('interaction_required');
    await page.close();
  });
});
