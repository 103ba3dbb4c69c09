// The confirm view in memory (app.request, the test's clock): it names the account signing in now and, by its connection
// only, the account to prove; "this is not me" and "never" end as never and say so; a GET never replaces an open offer.
import { jwtVerify } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { deriveLinkKeys, offerRef, readProofClaims, type LoginSide, type ProofClaims } from '../actions/link-page-tokens.ts';
import { CONTINUE_CSP, PAGE_CSP } from '../link-page/security.ts';
import { IN_MEMORY_BASE_URL, LINK_SECRET, offerToken, pageInMemory, pageSettings, visibleText, type PageInMemory } from './support/link-page.ts';
import { BrowserlessAgent, hiddenField } from '../local-tenant/index.ts';

// No tenant answers here: these paths never call it. The offer's issuer is the settings' domain.
const TENANT = 'http://127.0.0.1:9';
const ISSUER = 'tenant.local';
const LABELS = 'contoso-entra=Contoso (work account),fabrikam-okta=Fabrikam';
const ANA_GOOGLE = { user_id: 'google-oauth2|ana.google.109876', provider: 'google-oauth2', connection: 'google-oauth2' };
/** Ana's own enterprise login, and the attacker's, whose IdP asserts an address like hers. */
const ANA_LOGIN: LoginSide = { provider: 'waad', connection: 'contoso-entra', hint: 'c•••@c•••.com' };
const MALLORY_LOGIN: LoginSide = { provider: 'okta', connection: 'fabrikam-okta', hint: 'a•••@e•••.com' };

let clock: number;
let page: PageInMemory;
beforeEach(async () => {
  clock = Date.now();
  page = await pageInMemory(pageSettings({ domain: ISSUER, localOrigin: TENANT, baseUrl: IN_MEMORY_BASE_URL, connectionLabels: LABELS }), { now: () => clock });
});

const seconds = () => Math.floor(clock / 1000);

/** The browser follows an offer's redirect as any site can make it do: a cross-site top-level GET (the Action's is one too). */
async function arrive(agent: BrowserlessAgent, input: { sub: string; login: LoginSide; state: string; offers?: (typeof ANA_GOOGLE)[] }): Promise<Response> {
  const offer = await offerToken({ issuer: ISSUER, sub: input.sub, login: input.login, offers: input.offers ?? [ANA_GOOGLE], exp: seconds() + 600 });
  return agent.request(`${page.url}/link?${new URLSearchParams({ offer, state: input.state })}`, { headers: { 'sec-fetch-site': 'cross-site' } });
}

/** Ana's browser, sent to the page by the Action after her Contoso login. */
async function anaArrives(): Promise<{ agent: BrowserlessAgent; html: string; csrf: string }> {
  const agent = new BrowserlessAgent(page.fetch);
  expect((await arrive(agent, { sub: 'waad|entra-ana', login: ANA_LOGIN, state: 'tx-ana' })).status).toBe(303);
  const view = await agent.get(`${page.url}/link`);
  expect(view.status).toBe(200);
  const html = await view.text();
  return { agent, html, csrf: hiddenField(html, 'csrf')! };
}

async function proofIn(html: string): Promise<ProofClaims> {
  const { payload } = await jwtVerify(hiddenField(html, 'link_proof')!, new TextEncoder().encode((await deriveLinkKeys(LINK_SECRET)).proofKey));
  return readProofClaims(payload, { issuer: ISSUER, user: payload.sub as string, nowSeconds: seconds() });
}

describe('the confirm view names both sides', () => {
  it('shows the account signing in now (its connection and masked address), the account to prove by its connection only, and what linking gives', async () => {
    const { agent, html } = await anaArrives();
    const text = visibleText(html);
    expect(text).toContain('You are signing in with Contoso (work account) as c•••@c•••.com.');
    expect(text).toContain('You sign in to it with Google.');
    expect(text).toContain(
      'anyone who can sign in with Contoso (work account) as c•••@c•••.com will then be able to sign in to your Google account, and the other way round.',
    );
    expect(text).toContain('Sign in with Google to link');
    expect(text).toContain('Not now');
    expect(text).toContain('Never ask again');
    expect(text).toContain('This is not me: I did not sign in with Contoso (work account)');
    // Nothing that identifies the offered account: not its id, not the keyed hash that names it in the offer.
    const ref = await offerRef(await deriveLinkKeys(LINK_SECRET), ANA_GOOGLE.user_id);
    for (const secret of [ANA_GOOGLE.user_id, 'ana.google', '109876', ref]) expect(html).not.toContain(secret);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect((await agent.get(`${page.url}/link`)).headers.get('content-security-policy')).toBe(PAGE_CSP);
  });

  it('names a connection the settings do not label by its connection name', async () => {
    page = await pageInMemory(pageSettings({ domain: ISSUER, localOrigin: TENANT, baseUrl: IN_MEMORY_BASE_URL }), { now: () => clock });
    const { html } = await anaArrives();
    expect(visibleText(html)).toContain('You are signing in with contoso-entra as c•••@c•••.com.');
  });

  it("escapes what the offer and the settings carry: markup in a login's hint, connection or label is shown as text", async () => {
    const label = `<b>Fabrikam</b> & "Co's"`;
    page = await pageInMemory(pageSettings({ domain: ISSUER, localOrigin: TENANT, baseUrl: IN_MEMORY_BASE_URL, connectionLabels: `fabrikam-okta=${label}` }), {
      now: () => clock,
    });
    const hint = `"><img src=x onerror=alert(1)>`;
    const connection = '<script>alert(1)</script>';
    const agent = new BrowserlessAgent(page.fetch);
    const offers = [{ ...ANA_GOOGLE, connection: 'fabrikam-okta' }];
    expect((await arrive(agent, { sub: 'okta|ana', login: { provider: 'okta', connection, hint }, state: 'tx-xss', offers })).status).toBe(303);
    const html = await (await agent.get(`${page.url}/link`)).text();
    for (const markup of [hint, connection, label, '<img', '<b>']) expect(html).not.toContain(markup);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;b&gt;Fabrikam&lt;/b&gt; &amp; &quot;Co&#39;s&quot;');
    const text = visibleText(html);
    expect(text).toContain(`You are signing in with ${connection} as ${hint}.`);
    expect(text).toContain(`Sign in with ${label} to link`);
  });
});

describe('declining', () => {
  it('"This is not me" ends as never, says this sign-in will not be offered again, and waits for the person before moving on', async () => {
    const { agent, csrf } = await anaArrives();
    const response = await agent.post(`${page.url}/link/decline`, { decision: 'not-me', csrf });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTINUE_CSP);
    const html = await response.text();
    expect(await proofIn(html)).toMatchObject({ sub: 'waad|entra-ana', state: 'tx-ana', decision: 'never' });
    expect(html).toContain(`action="${TENANT}/continue?state=tx-ana"`);
    const text = visibleText(html);
    expect(text).toContain('Nothing was linked');
    expect(text).toContain('This sign-in with Contoso (work account) will never be offered for linking to your account again');
    expect(html).not.toContain('data-auto-submit');
    expect(html).not.toContain('auto-submit.js');
  });

  it('"Never ask again" ends on a view that says it is recorded and who can clear it', async () => {
    const { agent, csrf } = await anaArrives();
    const html = await (await agent.post(`${page.url}/link/decline`, { decision: 'never', csrf })).text();
    expect(await proofIn(html)).toMatchObject({ decision: 'never', state: 'tx-ana' });
    const text = visibleText(html);
    expect(text).toContain('We will not ask you again to link your Contoso (work account) sign-in with your Google account.');
    expect(text).toContain("ask the site's support");
    expect(html).not.toContain('data-auto-submit');
  });

  it('"Not now" moves on by itself (and by its button without JavaScript)', async () => {
    const { agent, csrf } = await anaArrives();
    const html = await (await agent.post(`${page.url}/link/decline`, { decision: 'later', csrf })).text();
    expect(await proofIn(html)).toMatchObject({ decision: 'later' });
    expect(html).toContain('data-auto-submit');
    expect(visibleText(html)).toContain('Continue to the application');
  });
});

describe('a pending offer is replaced only by the person', () => {
  /** Ana holds her offer; the attacker makes her browser GET theirs (a link, an image, a redirect). */
  async function attackerSendsAnother(agent: BrowserlessAgent): Promise<void> {
    const sent = await arrive(agent, { sub: 'okta|mallory', login: MALLORY_LOGIN, state: 'tx-mallory' });
    expect(sent.status).toBe(303);
  }

  it("a cross-site GET with a second offer does not replace the pending one: Ana's answer still answers her own login", async () => {
    const { agent, csrf } = await anaArrives();
    await attackerSendsAnother(agent);
    const answered = await (await agent.post(`${page.url}/link/decline`, { decision: 'later', csrf })).text();
    expect(await proofIn(answered)).toMatchObject({ sub: 'waad|entra-ana', state: 'tx-ana' });
  });

  it('the page then asks which request to answer, naming both login sides, and keeps the earlier one when told', async () => {
    const { agent, csrf } = await anaArrives();
    await attackerSendsAnother(agent);
    const html = await (await agent.get(`${page.url}/link`)).text();
    const text = visibleText(html);
    expect(text).toContain('Earlier request: signing in with Contoso (work account) as c•••@c•••.com');
    expect(text).toContain('New request: signing in with Fabrikam (work account) as a•••@e•••.com');
    expect(text).not.toContain('Sign in with Google to link');
    expect((await agent.post(`${page.url}/link/choose`, { choice: 'earlier', csrf })).headers.get('location')).toBe(`${page.url}/link`);
    expect(visibleText(await (await agent.get(`${page.url}/link`)).text())).toContain('You are signing in with Contoso (work account)');
    const answered = await (await agent.post(`${page.url}/link/decline`, { decision: 'never', csrf })).text();
    expect(await proofIn(answered)).toMatchObject({ sub: 'waad|entra-ana', state: 'tx-ana' });
  });

  it("the person's own POST takes the new request; a cross-site or tokenless POST does not", async () => {
    const { agent, csrf } = await anaArrives();
    await attackerSendsAnother(agent);
    const crossSite = await agent.post(`${page.url}/link/choose`, { choice: 'new', csrf }, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect((await agent.post(`${page.url}/link/choose`, { choice: 'new' })).status).toBe(403);
    expect(visibleText(await (await agent.get(`${page.url}/link`)).text())).toContain('Earlier request');

    expect((await agent.post(`${page.url}/link/choose`, { choice: 'new', csrf })).status).toBe(303);
    expect(visibleText(await (await agent.get(`${page.url}/link`)).text())).toContain('You are signing in with Fabrikam (work account) as a•••@e•••.com.');
    const answered = await (await agent.post(`${page.url}/link/decline`, { decision: 'later', csrf })).text();
    expect(await proofIn(answered)).toMatchObject({ sub: 'okta|mallory', state: 'tx-mallory' });
  });

  it('the same request arriving again changes nothing, and an expired one does not hold a new one back', async () => {
    const { agent } = await anaArrives();
    await arrive(agent, { sub: 'waad|entra-ana', login: ANA_LOGIN, state: 'tx-ana' });
    expect(visibleText(await (await agent.get(`${page.url}/link`)).text())).toContain('You are signing in with Contoso');
    clock += 601_000;
    await arrive(agent, { sub: 'waad|entra-ana-2', login: MALLORY_LOGIN, state: 'tx-later' });
    expect(visibleText(await (await agent.get(`${page.url}/link`)).text())).toContain('You are signing in with Fabrikam');
  });
});
