// Connected accounts in memory (app.request, the test's clock) against the local tenant's real sign-in over HTTP: the
// sign-in is always fresh and short, a link signs in fresh to the other account, unlink asks first and names the identity,
// and sign-out offers to end the tenant's session too.
import { afterEach, describe, expect, it } from 'vitest';
import { unlinkedKey } from '../actions/unlink-choice.ts';
import { signedOutUrl } from '../link-page/settings.ts';
import { BrowserlessAgent, type Client, hiddenField, refreshTarget, SESSION_COOKIE } from '../local-tenant/index.ts';
import { pageInMemoryOnTenant, visibleText, type PageInMemory } from './support/link-page.ts';
import { DATABASE, useHttpTenant } from './support/tenant.ts';

const http = useHttpTenant();
const ANA = { email: 'ana@example.com', password: 'local-demo-ana' };
const HALF_AN_HOUR_MS = 30 * 60_000;

/** The page's clock: the real one, moved on by `ahead` ms. */
let ahead = 0;
afterEach(() => {
  ahead = 0;
});
const now = () => Date.now() + ahead;

type Page = PageInMemory & { client: Client };

function ana(): string {
  return http().tenant.state.createUser({ connection: DATABASE, email: ANA.email, email_verified: true, password: ANA.password }).user_id;
}

async function pageOnTenant(options: { connections?: string; pageFetch?: typeof fetch } = {}): Promise<Page> {
  const { tenant, server } = http();
  return pageInMemoryOnTenant(tenant, server.url, { now, ...options });
}

/** Runs `step` with the tenant's clock half an hour back: what it authenticates, it authenticated half an hour ago. */
async function halfAnHourAgo<T>(step: () => Promise<T>): Promise<T> {
  const { tenant } = http();
  tenant.state.setClock(() => new Date(Date.now() - HALF_AN_HOUR_MS));
  try {
    return await step();
  } finally {
    tenant.state.setClock(() => new Date());
  }
}

/** The authorization URL the page's sign-in button leads to. */
async function signInStarted(agent: BrowserlessAgent, page: Page): Promise<URL> {
  const signedOut = await (await agent.get(`${page.url}/accounts`)).text();
  const step = await agent.post(`${page.url}/accounts/sign-in`, { csrf: hiddenField(signedOut, 'csrf')! });
  return new URL(refreshTarget(await step.text())!);
}

/** Ana signs in to connected accounts with her password; the form token of the view she sees. */
async function signedIn(agent: BrowserlessAgent, page: Page): Promise<string> {
  const { server } = http();
  const login = await agent.follow((await signInStarted(agent, page)).href, server.url);
  const back = await agent.logIn(login.url, server.url, ANA);
  expect((await agent.get(back.url)).headers.get('location')).toBe(`${page.url}/accounts`);
  const listed = await (await agent.get(`${page.url}/accounts`)).text();
  expect(visibleText(listed)).toContain('Ways you sign in');
  return hiddenField(listed, 'csrf')!;
}

async function accountsText(agent: BrowserlessAgent, page: Page): Promise<string> {
  return visibleText(await (await agent.get(`${page.url}/accounts`)).text());
}

describe('the sign-in to connected accounts is fresh and short', () => {
  it('a tenant session left in the browser does not open the view: the sign-in asks again, and a stale auth_time is refused', async () => {
    const { server } = http();
    ana();
    const page = await pageOnTenant();
    const agent = new BrowserlessAgent(page.fetch);
    // Half an hour ago Ana signed in to an application of the tenant in this (shared) browser, and left.
    await halfAnHourAgo(async () => {
      const authorize = `${server.url}/authorize?${new URLSearchParams({ client_id: page.client.client_id, redirect_uri: `${page.url}/callback`, response_type: 'code', scope: 'openid', state: 'elsewhere' })}`;
      const login = await agent.follow(authorize, server.url);
      expect((await agent.logIn(login.url, server.url, ANA)).url.startsWith(`${page.url}/callback?`)).toBe(true);
    });

    // Someone else opens connected accounts: the tenant is told to ask for the password again.
    const authorize = await signInStarted(agent, page);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ prompt: 'login', max_age: '0' });
    expect((await agent.follow(authorize.href, server.url)).url).toContain('/u/login?');

    // Edited out of the URL, the tenant reuses Ana's session; the page refuses its old auth_time.
    authorize.searchParams.delete('prompt');
    authorize.searchParams.delete('max_age');
    const reused = await agent.follow(authorize.href, server.url);
    expect(reused.url.startsWith(`${page.url}/callback?`)).toBe(true);
    const refused = await agent.get(reused.url);
    expect(refused.status).toBe(401);
    expect(page.logs.join('\n')).toContain('GET /callback 401');
    expect(page.logs.join('\n')).toContain('sign_in_failed');
    expect(await accountsText(agent, page)).not.toContain('Ways you sign in');
  });

  it('the session ends 10 minutes after the sign-in', async () => {
    ana();
    const page = await pageOnTenant({ connections: 'google-oauth2' });
    const agent = new BrowserlessAgent(page.fetch);
    const csrf = await signedIn(agent, page);
    ahead = 9 * 60_000;
    expect(await accountsText(agent, page)).toContain('Ways you sign in');
    ahead = 10 * 60_000 + 1_000;
    const text = await accountsText(agent, page);
    expect(text).not.toContain('Ways you sign in');
    expect(text).toContain('Sign in');
    expect((await agent.post(`${page.url}/accounts/link`, { csrf, connection: 'google-oauth2' })).status).toBe(401);
  });

  it('and sooner when its token does', async () => {
    ana();
    // A tenant whose user tokens live two minutes.
    const shortTokens: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input instanceof Request ? input.url : input).endsWith('/oauth/token') || !response.ok) return response;
      return Response.json({ ...((await response.json()) as object), expires_in: 120 });
    };
    const page = await pageOnTenant({ pageFetch: shortTokens });
    const agent = new BrowserlessAgent(page.fetch);
    await signedIn(agent, page);
    ahead = 60_000;
    expect(await accountsText(agent, page)).toContain('Ways you sign in');
    ahead = 121_000;
    expect(await accountsText(agent, page)).not.toContain('Ways you sign in');
  });

  it('linking another account signs in to it fresh: an old authentication of it links nothing', async () => {
    const { tenant, server } = http();
    const anaId = ana();
    tenant.state.createUser({ connection: 'google-oauth2', id: 'ana-google', email: ANA.email, email_verified: true });
    const page = await pageOnTenant({ connections: 'google-oauth2' });
    const agent = new BrowserlessAgent(page.fetch);
    const csrf = await signedIn(agent, page);
    const step = await agent.post(`${page.url}/accounts/link`, { csrf, connection: 'google-oauth2' });
    const authorize = new URL(refreshTarget(await step.text())!);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ prompt: 'login', max_age: '0', connection: 'google-oauth2' });
    const refused = await halfAnHourAgo(async () => {
      const idp = await agent.follow(authorize.href, server.url);
      const back = await agent.pickIdentity(idp.url, server.url, { connection: 'google-oauth2', userId: 'ana-google' });
      return agent.get(back.url);
    });
    expect(refused.status).toBe(401);
    expect(tenant.state.getUser(anaId)!.identities).toHaveLength(1);
    expect(tenant.state.getUser('google-oauth2|ana-google')).toBeDefined();
  });
});

describe('unlink', () => {
  it("asks first, naming the identity with a masked address; only the confirmation's POST unlinks, and the result says what happened", async () => {
    const { tenant } = http();
    const anaId = ana();
    tenant.state.createUser({ connection: 'google-oauth2', id: 'ana-google', email: ANA.email, email_verified: true });
    tenant.state.link(anaId, { provider: 'google-oauth2', user_id: 'ana-google' });
    const page = await pageOnTenant();
    const agent = new BrowserlessAgent(page.fetch);
    const csrf = await signedIn(agent, page);
    expect(await accountsText(agent, page)).toContain('Unlink Google (a•••@e•••.com)');
    const identity = { provider: 'google-oauth2', user_id: 'ana-google' };

    const asked = await agent.post(`${page.url}/accounts/unlink`, { csrf, ...identity });
    expect(asked.status).toBe(200);
    const askedHtml = await asked.text();
    const askedText = visibleText(askedHtml);
    expect(askedText).toContain('Unlink Google (a•••@e•••.com)?');
    expect(askedText).toContain('After this you can no longer sign in to this account with Google (a•••@e•••.com).');
    expect(askedText).toContain('Keep it linked');
    expect(askedHtml).toContain(`action="${page.url}/accounts/unlink/confirm"`);
    expect(askedHtml).not.toContain(ANA.email);
    // Asking changed nothing: still linked, no choice recorded.
    expect(tenant.state.getUser(anaId)!.identities).toHaveLength(2);
    expect(tenant.state.getUser(anaId)!.user_metadata?.[unlinkedKey('google-oauth2', 'ana-google')]).toBeUndefined();
    expect((await agent.post(`${page.url}/accounts/unlink/confirm`, identity)).status).toBe(403);
    expect(tenant.state.getUser(anaId)!.identities).toHaveLength(2);

    const done = await agent.post(`${page.url}/accounts/unlink/confirm`, { csrf, ...identity });
    expect(done.status).toBe(200);
    expect(visibleText(await done.text())).toContain(
      'The account was unlinked: Google (a•••@e•••.com) is a separate account again, and you can no longer sign in to this account with it.',
    );
    expect(tenant.state.getUser(anaId)!.identities).toHaveLength(1);
    expect(tenant.state.getUser('google-oauth2|ana-google')).toBeDefined();
  });

  it('the main identity is never offered, and naming it is refused at both steps', async () => {
    const anaId = ana();
    const page = await pageOnTenant();
    const agent = new BrowserlessAgent(page.fetch);
    const csrf = await signedIn(agent, page);
    const main = { provider: 'auth0', user_id: anaId.slice('auth0|'.length) };
    expect((await agent.post(`${page.url}/accounts/unlink`, { csrf, ...main })).status).toBe(400);
    expect((await agent.post(`${page.url}/accounts/unlink/confirm`, { csrf, ...main })).status).toBe(400);
    expect(http().tenant.state.getUser(anaId)!.identities).toHaveLength(1);
  });
});

describe('sign-out', () => {
  it("ends the page's session and offers the tenant's logout, which returns to the page's signed-out view", async () => {
    const { server } = http();
    ana();
    const page = await pageOnTenant();
    const agent = new BrowserlessAgent(page.fetch);
    const csrf = await signedIn(agent, page);
    const out = await agent.post(`${page.url}/accounts/sign-out`, { csrf });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe(`${page.url}/accounts/signed-out`);
    const html = await (await agent.get(`${page.url}/accounts/signed-out`)).text();
    expect(visibleText(html)).toContain('You are signed out of this page.');
    expect(visibleText(html)).toContain('Sign out of the sign-in service too');
    expect(await accountsText(agent, page)).not.toContain('Ways you sign in');

    const logout = new URL(/href="([^"]*\/v2\/logout[^"]*)"/.exec(html)![1]!.replace(/&amp;/g, '&'));
    expect(logout.origin).toBe(server.url);
    expect(Object.fromEntries(logout.searchParams)).toEqual({ client_id: page.client.client_id, returnTo: signedOutUrl(page.url) });
    expect(agent.cookies.has(SESSION_COOKIE)).toBe(true);
    // The tenant checks returnTo against the application's Allowed Logout URLs: the page's is there, another is not.
    const elsewhere = new URL(logout);
    elsewhere.searchParams.set('returnTo', `${page.url}/elsewhere`);
    expect((await new BrowserlessAgent().get(elsewhere.href)).status).toBe(400);
    const back = await agent.follow(logout.href, server.url);
    expect(back.url).toBe(signedOutUrl(page.url));
    expect(agent.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(visibleText(await (await agent.get(back.url)).text())).toContain('You are signed out of this page and of the sign-in service');
  });
});
