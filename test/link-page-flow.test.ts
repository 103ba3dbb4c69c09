// The linking page against the local tenant's real sign-in, without a browser: proving an offered account, refusing one
// that was not offered, and connected accounts (sign in, link with, unlink) with the person's own token.
import { jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { deriveLinkKeys } from '../actions/link-page-tokens.ts';
import { userMetadataRecords } from '../link-page/audit.ts';
import { LINK_SECRET, offerToken, pageOnTenant, type RunningPage } from './support/link-page.ts';
import { BrowserlessAgent, hiddenField, refreshTarget } from '../scripts/lib/start/browserless-agent.ts';
import { DATABASE, useHttpTenant } from './support/tenant.ts';

const http = useHttpTenant();
let page: RunningPage | undefined;
afterEach(async () => {
  await page?.close();
  page = undefined;
});

const ANA = { email: 'ana@example.com', password: 'local-demo-ana' };
const BOB = { email: 'bob@example.com', password: 'local-demo-bob' };

/** Ana's database account, Bob's, and the Entra login the Action would have redirected. */
function people() {
  const { tenant } = http();
  const ana = tenant.state.createUser({ connection: DATABASE, email: ANA.email, email_verified: true, password: ANA.password });
  const bob = tenant.state.createUser({ connection: DATABASE, email: BOB.email, email_verified: true, password: BOB.password });
  return { ana, bob };
}

/** The browser arrives with an offer of Ana's account, chooses to sign in with it and lands on the tenant's login page. */
async function offeredAnaAndSignInStarted(anaId: string) {
  const { tenant, server } = http();
  page = await pageOnTenant(tenant, server.url);
  const agent = new BrowserlessAgent();
  const offer = await offerToken({ issuer: tenant.domain, sub: 'waad|entra-ana', offers: [{ user_id: anaId, provider: 'auth0', connection: DATABASE }] });
  expect((await agent.request(`${page.url}/link?${new URLSearchParams({ offer, state: 'tx-1' })}`)).status).toBe(303);
  const csrf = hiddenField(await (await agent.request(`${page.url}/link`)).text(), 'csrf')!;
  const step = await agent.request(`${page.url}/link/sign-in`, { method: 'POST', body: new URLSearchParams({ csrf, account: '0' }) });
  const authorize = new URL(refreshTarget(await step.text())!);
  expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ connection: DATABASE, prompt: 'login', max_age: '0', code_challenge_method: 'S256' });
  expect(authorize.searchParams.get('login_hint')).toBeNull();
  const login = await agent.follow(authorize.href, server.url);
  expect(login.url).toContain('/u/login?state=');
  return { agent, login, server };
}

describe('the confirm flow through the tenant sign-in', () => {
  it('a fresh sign-in to the offered account yields a link proof naming it, for /continue of the transaction', async () => {
    const { ana } = people();
    const { agent, login, server } = await offeredAnaAndSignInStarted(ana.user_id);
    const back = await agent.logIn(login.url, server.url, ANA);
    expect(back.url.startsWith(`${page!.url}/callback?`)).toBe(true);
    const done = await agent.request(back.url);
    expect(done.status).toBe(200);
    const html = await done.text();
    expect(html).toContain(`action="${server.url}/continue?state=tx-1"`);
    const { payload } = await jwtVerify(hiddenField(html, 'link_proof')!, new TextEncoder().encode((await deriveLinkKeys(LINK_SECRET)).proofKey));
    expect(payload).toMatchObject({ typ: 'auto-link/proof', sub: 'waad|entra-ana', decision: 'link', proven: ana.user_id, state: 'tx-1' });
  });

  it('signing in to an account that was not offered is refused and makes no proof', async () => {
    const { ana } = people();
    const { agent, login, server } = await offeredAnaAndSignInStarted(ana.user_id);
    const back = await agent.logIn(login.url, server.url, BOB);
    const refused = await agent.request(back.url);
    expect(refused.status).toBe(403);
    const html = await refused.text();
    expect(html).toContain('not the one offered for linking, so nothing was linked');
    expect(html).not.toContain('link_proof');
    expect(page!.logs.join('\n')).toContain('GET /callback 403');
    expect(page!.logs.join('\n')).toContain('not_offered');
    // The callback is one use: replaying it is refused too.
    expect((await agent.request(back.url)).status).toBe(400);
  });
});

describe('connected accounts through the tenant sign-in', () => {
  it('signs in, links another account with link_with (audit record first), and unlinks it', async () => {
    const { tenant, server } = http();
    const { ana } = people();
    const google = tenant.state.createUser({ connection: 'google-oauth2', id: 'ana-google', email: ANA.email, email_verified: true });
    page = await pageOnTenant(tenant, server.url, { connections: 'google-oauth2' });
    const agent = new BrowserlessAgent();
    const signedOut = await (await agent.request(`${page.url}/accounts`)).text();
    const step = await agent.request(`${page.url}/accounts/sign-in`, { method: 'POST', body: new URLSearchParams({ csrf: hiddenField(signedOut, 'csrf')! }) });
    const login = await agent.follow(refreshTarget(await step.text())!, server.url);
    const back = await agent.logIn(login.url, server.url, ANA);
    expect((await agent.request(back.url)).headers.get('location')).toBe(`${page.url}/accounts`);
    const listed = await (await agent.request(`${page.url}/accounts`)).text();
    expect(listed).toContain('email and password');
    const csrf = hiddenField(listed, 'csrf')!;

    const linkStep = await agent.request(`${page.url}/accounts/link`, { method: 'POST', body: new URLSearchParams({ csrf, connection: 'google-oauth2' }) });
    const idp = await agent.follow(refreshTarget(await linkStep.text())!, server.url);
    expect(idp.url).toContain('/u/idp?');
    const state = new URL(idp.url).searchParams.get('state')!;
    const chosen = await agent.follow(`${server.url}/u/idp`, server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ state, connection: 'google-oauth2', user_id: 'ana-google' }),
    });
    const linked = await agent.request(chosen.url);
    expect(linked.status).toBe(200);
    expect(await linked.text()).toContain('The account was linked');
    const primary = tenant.state.getUser(ana.user_id)!;
    expect(primary.identities.map((i) => `${i.provider}|${i.user_id}`)).toEqual([ana.user_id, google.user_id]);
    expect(userMetadataRecords(primary.user_metadata)).toEqual([
      expect.objectContaining({
        user_id: google.user_id,
        provider: 'google-oauth2',
        identity_user_id: 'ana-google',
        connection: 'google-oauth2',
        by: 'connected',
      }),
    ]);

    const unlinked = await agent.request(`${page.url}/accounts/unlink`, {
      method: 'POST',
      body: new URLSearchParams({ csrf, provider: 'google-oauth2', user_id: 'ana-google' }),
    });
    expect(unlinked.status).toBe(200);
    expect(await unlinked.text()).toContain('The account was unlinked');
    expect(tenant.state.getUser(ana.user_id)!.identities).toHaveLength(1);
    expect(tenant.state.getUser(google.user_id)).toBeDefined();
    expect(userMetadataRecords(tenant.state.getUser(ana.user_id)!.user_metadata)).toEqual([]);
    // The main account is never unlinked.
    const refused = await agent.request(`${page.url}/accounts/unlink`, {
      method: 'POST',
      body: new URLSearchParams({ csrf, provider: 'auth0', user_id: ana.user_id.slice(6) }),
    });
    expect(refused.status).toBe(400);
  });
});
