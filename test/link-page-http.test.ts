// The linking page over HTTP: the offer it accepts, CSRF and cross-site refusals, its CSP and cookie, tampering, clean logs.
import { jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveLinkKeys, readProofClaims } from '../actions/link-page-tokens.ts';
import { CONTINUE_CSP, PAGE_CSP } from '../link-page/security.ts';
import { LINK_SECRET, offerToken, pageSettings, servePage, type RunningPage } from './support/link-page.ts';
import { BrowserlessAgent, hiddenField } from '../local-tenant/index.ts';

// No tenant answers here: these paths never call it. The offer's issuer is this origin's host.
const TENANT = 'http://127.0.0.1:9';
const ISSUER = 'tenant.local';
const OFFERS = [{ user_id: 'google-oauth2|1234', provider: 'google-oauth2', connection: 'google-oauth2' }];

let page: RunningPage;
beforeEach(async () => {
  page = await servePage(pageSettings({ domain: ISSUER, localOrigin: TENANT }));
});
afterEach(() => page.close());

/** A browser that followed the Action's redirect: its cookie holds the offer, the confirm view is rendered. */
async function offered(): Promise<{ browser: BrowserlessAgent; html: string; csrf: string; offer: string }> {
  const browser = new BrowserlessAgent();
  const offer = await offerToken({ issuer: ISSUER, sub: 'waad|entra-1', offers: OFFERS });
  const first = await browser.get(`${page.url}/link?${new URLSearchParams({ offer, state: 'tx-state' })}`);
  expect(first.status).toBe(303);
  expect(first.headers.get('location')).toBe(`${page.url}/link`);
  const view = await browser.get(`${page.url}/link`);
  expect(view.status).toBe(200);
  const html = await view.text();
  return { browser, html, csrf: hiddenField(html, 'csrf')!, offer };
}

describe('the confirm view', () => {
  it('says which connection holds the other account, with the choices, under a strict CSP', async () => {
    const { browser, html } = await offered();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('You sign in to it with <strong>Google</strong>');
    expect(html).toContain('Sign in with Google to link');
    expect(html).toContain('Not now');
    expect(html).toContain('Never ask again');
    expect(html).toContain('This is not me');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    const view = await browser.get(`${page.url}/link`);
    expect(view.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(PAGE_CSP).toContain("default-src 'none'");
    expect(PAGE_CSP).toContain("form-action 'self'");
    expect(view.headers.get('x-frame-options')).toBe('DENY');
    expect(view.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('keeps its state in an HttpOnly, SameSite=Lax cookie that reveals nothing of the offer', async () => {
    const browser = new BrowserlessAgent();
    const offer = await offerToken({ issuer: ISSUER, sub: 'waad|entra-1', offers: OFFERS });
    const response = await browser.get(`${page.url}/link?${new URLSearchParams({ offer, state: 'tx-state' })}`);
    const cookie = response.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const value = [...browser.cookies.values()][0]!;
    expect(value.split('.')).toHaveLength(5); // a JWE, not a readable JWT
    expect(Buffer.from(value, 'base64url').toString('latin1')).not.toContain('google-oauth2|1234');
  });

  it('refuses a forged or expired offer with one clear message, and logs neither the token nor the query', async () => {
    const browser = new BrowserlessAgent();
    const forged = await offerToken({ issuer: ISSUER, sub: 'waad|entra-1', offers: OFFERS, secret: `${LINK_SECRET}-forged` });
    const response = await browser.get(`${page.url}/link?${new URLSearchParams({ offer: forged, state: 'tx-state' })}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('This linking request cannot be used');
    const expired = await offerToken({ issuer: ISSUER, sub: 'waad|entra-1', offers: OFFERS, exp: Math.floor(Date.now() / 1000) - 5 });
    expect((await browser.get(`${page.url}/link?${new URLSearchParams({ offer: expired, state: 's' })}`)).status).toBe(400);
    const logs = page.logs.join('\n');
    expect(logs).toContain('GET /link 400');
    expect(logs).toContain('offer_invalid');
    expect(logs).not.toContain(forged.slice(0, 20));
    expect(logs).not.toContain('tx-state');
  });
});

describe('CSRF', () => {
  it('refuses a POST without the token, with another token, or from another site', async () => {
    const { browser, csrf } = await offered();
    expect((await browser.post(`${page.url}/link/decline`, { decision: 'never' })).status).toBe(403);
    expect((await browser.post(`${page.url}/link/decline`, { decision: 'never', csrf: 'f'.repeat(64) })).status).toBe(403);
    const crossSite = await browser.post(`${page.url}/link/decline`, { decision: 'never', csrf }, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect(page.logs.filter((l) => l.includes('csrf_refused'))).toHaveLength(3);
  });

  it('refuses a POST from a browser without the state cookie, even with a token seen elsewhere', async () => {
    const { csrf } = await offered();
    const stranger = new BrowserlessAgent();
    expect((await stranger.post(`${page.url}/link/decline`, { decision: 'never', csrf })).status).toBe(403);
  });
});

describe('declining', () => {
  it('Never posts a signed proof to the tenant /continue for this transaction, under a CSP that lets it leave', async () => {
    const { browser, csrf } = await offered();
    const response = await browser.post(`${page.url}/link/decline`, { decision: 'never', csrf });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTINUE_CSP);
    const html = await response.text();
    expect(html).toContain(`action="${TENANT}/continue?state=tx-state"`);
    expect(html).toContain('Continue to the application');
    const { proofKey } = await deriveLinkKeys(LINK_SECRET);
    const { payload } = await jwtVerify(hiddenField(html, 'link_proof')!, new TextEncoder().encode(proofKey));
    const proof = readProofClaims(payload, { issuer: ISSUER, user: 'waad|entra-1', nowSeconds: Math.floor(Date.now() / 1000) });
    expect(proof).toMatchObject({ decision: 'never', state: 'tx-state' });
    // The offer is spent: answering twice is refused.
    expect((await browser.post(`${page.url}/link/decline`, { decision: 'later', csrf })).status).toBe(400);
  });
});

describe('cookie tampering', () => {
  it('a changed cookie is no state at all: no offer to answer, and no CSRF token that matches', async () => {
    const { browser, csrf } = await offered();
    const [name, value] = [...browser.cookies][0]!;
    const tampered = `${value.slice(0, -3)}${value.slice(-3) === 'AAA' ? 'BBB' : 'AAA'}`;
    browser.cookies.set(name, tampered);
    expect((await browser.post(`${page.url}/link/decline`, { decision: 'never', csrf })).status).toBe(403);
    browser.cookies.set(name, tampered);
    const view = await browser.get(`${page.url}/link`);
    expect(view.status).toBe(400);
    expect(await view.text()).toContain('There is no linking request to answer');
  });
});
