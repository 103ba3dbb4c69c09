// The linking page against the local tenant's real sign-in, without a browser: proving an offered account, refusing one
// that was not offered, connected accounts (sign in, link with, unlink) with the person's own token, and the built Action
// honouring the person's unlink (it never links that account back).
import { jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKED_KEY } from '../actions/link-record.ts';
import { deriveLinkKeys } from '../actions/link-page-tokens.ts';
import { unlinkedKey } from '../actions/unlink-choice.ts';
import { userMetadataRecords } from '../link-page/audit.ts';
import { calls, loadAction, succeeded } from './support/action.ts';
import { LINK_SECRET, offerToken, pageOnTenant, type RunningPage } from './support/link-page.ts';
import { BrowserlessAgent, hiddenField, refreshTarget } from '../local-tenant/index.ts';
import { DATABASE, useHttpTenant, resetAfter } from './support/tenant.ts';

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
  const ana = tenant.state.createUser({ connection: DATABASE, email: ANA.email, email_verified: true, password: ANA.password, ...resetAfter(undefined) });
  const bob = tenant.state.createUser({ connection: DATABASE, email: BOB.email, email_verified: true, password: BOB.password, ...resetAfter(undefined) });
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

/** Ana signs in to the connected accounts view with her password; the form token of the page she sees. */
async function signedInToAccounts(agent: BrowserlessAgent): Promise<string> {
  const { server } = http();
  const signedOut = await (await agent.request(`${page!.url}/accounts`)).text();
  const step = await agent.request(`${page!.url}/accounts/sign-in`, { method: 'POST', body: new URLSearchParams({ csrf: hiddenField(signedOut, 'csrf')! }) });
  const authorize = new URL(refreshTarget(await step.text())!);
  // The token must let the page record the person's choices in their own user_metadata.
  expect(authorize.searchParams.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['update:current_user_identities', 'update:current_user_metadata']));
  const login = await agent.follow(authorize.href, server.url);
  const back = await agent.logIn(login.url, server.url, ANA);
  expect((await agent.request(back.url)).headers.get('location')).toBe(`${page!.url}/accounts`);
  const listed = await (await agent.request(`${page!.url}/accounts`)).text();
  expect(listed).toContain('email and password');
  return hiddenField(listed, 'csrf')!;
}

/** Links Ana's Google account `googleId` from the connected accounts view (a fresh sign-in with it, then link_with). */
async function linkGoogle(agent: BrowserlessAgent, csrf: string, googleId: string): Promise<Response> {
  const { server } = http();
  const linkStep = await agent.request(`${page!.url}/accounts/link`, { method: 'POST', body: new URLSearchParams({ csrf, connection: 'google-oauth2' }) });
  const idp = await agent.follow(refreshTarget(await linkStep.text())!, server.url);
  expect(idp.url).toContain('/u/idp?');
  const state = new URL(idp.url).searchParams.get('state')!;
  const chosen = await agent.follow(`${server.url}/u/idp`, server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ state, connection: 'google-oauth2', user_id: googleId }),
  });
  return agent.request(chosen.url);
}

/** Unlinks Ana's Google identity: the unlink button asks first, and its confirmation's POST unlinks. */
async function unlinkGoogle(agent: BrowserlessAgent, csrf: string, googleId: string): Promise<Response> {
  const body = () => new URLSearchParams({ csrf, provider: 'google-oauth2', user_id: googleId });
  const asked = await agent.request(`${page!.url}/accounts/unlink`, { method: 'POST', body: body() });
  expect(await asked.text()).toContain(`action="${page!.url}/accounts/unlink/confirm"`);
  return agent.request(`${page!.url}/accounts/unlink/confirm`, { method: 'POST', body: body() });
}

describe('connected accounts through the tenant sign-in', () => {
  it('signs in, links another account with link_with (audit record first), and unlinks it', async () => {
    const { tenant, server } = http();
    const { ana } = people();
    const google = tenant.state.createUser({ connection: 'google-oauth2', id: 'ana-google', email: ANA.email, email_verified: true });
    page = await pageOnTenant(tenant, server.url, { connections: 'google-oauth2' });
    const agent = new BrowserlessAgent();
    const csrf = await signedInToAccounts(agent);

    const linked = await linkGoogle(agent, csrf, 'ana-google');
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

    const unlinked = await unlinkGoogle(agent, csrf, 'ana-google');
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

describe("the person's unlink sticks", () => {
  it('the built Action does not link an unlinked identity back at its next login; linking it again on the page clears the choice', async () => {
    const { tenant, server, fetch } = http();
    const { ana } = people();
    const google = tenant.state.createUser({ connection: 'google-oauth2', id: 'ana-google', email: ANA.email, email_verified: true });
    tenant.state.patchUser(ana.user_id, { user_metadata: { theme: 'dark' } });
    const { action } = await loadAction(http(), {}, { fetch });
    // Both connections are trusted: the Google login is linked silently into the older database account.
    const first = succeeded(await action.login({ userId: google.user_id }), http());
    expect(first.subject).toBe(ana.user_id);
    expect(tenant.state.getUser(google.user_id)).toBeUndefined();

    page = await pageOnTenant(tenant, server.url, { connections: 'google-oauth2' });
    const agent = new BrowserlessAgent();
    const csrf = await signedInToAccounts(agent);
    const unlinked = await unlinkGoogle(agent, csrf, 'ana-google');
    expect(unlinked.status).toBe(200);
    expect(await unlinked.text()).toContain('will not be linked back automatically');
    const choice = unlinkedKey('google-oauth2', 'ana-google');
    const metadata = tenant.state.getUser(ana.user_id)!.user_metadata!;
    // Merged beside the person's own settings; a hashed key, a time and the provider: no id in clear, no email.
    expect(metadata).toMatchObject({ theme: 'dark', [choice]: { at: expect.any(String), provider: 'google-oauth2' } });
    expect(JSON.stringify(metadata)).not.toMatch(/@|ana-google/);

    // The standalone Google account logs in: found by email beside its former primary, and left alone.
    const again = succeeded(await action.login({ userId: google.user_id }), http());
    expect(again.subject).toBe(google.user_id);
    // One lookup, as any check costs (the Action's token is still in its module scope): the choice added no call.
    expect(calls(again)).toEqual(['GET /api/v2/users-by-email']);
    expect(again.logs).toEqual(['auto-link: skipped, the person unlinked this account on the linking page']);
    expect(tenant.state.getUser(ana.user_id)!.identities).toHaveLength(1);
    // Settled: its next logins cost no call at all.
    expect(succeeded(await action.login({ userId: google.user_id }), http())).toMatchObject({ subject: google.user_id, httpCalls: [] });
    // The former primary, checked again from scratch, does not take it back either.
    tenant.state.patchUser(ana.user_id, { app_metadata: { [CHECKED_KEY]: null } });
    const primary = succeeded(await action.login({ userId: ana.user_id }), http());
    expect(primary.subject).toBe(ana.user_id);
    expect(tenant.state.getUser(google.user_id)).toBeDefined();

    // The person links it again on the page: linked, and the choice is gone, the rest of user_metadata kept.
    const relinked = await linkGoogle(agent, csrf, 'ana-google');
    expect(relinked.status).toBe(200);
    const after = tenant.state.getUser(ana.user_id)!;
    expect(after.identities.map((i) => i.connection)).toEqual([DATABASE, 'google-oauth2']);
    expect(after.user_metadata![choice]).toBeUndefined();
    expect(after.user_metadata!.theme).toBe('dark');
  });
});
