// Every page a person can reach on the linking page and on the local tenant's login pages, in Chromium, in two languages
// and at two widths (desktop and a phone): axe finds no violation on any of them, and the page's CSP blocks nothing.
// With LINK_PAGE_SCREENSHOTS=<dir> the run also saves screenshots of the main views there (never committed).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { CATALOGUES, fill, type Lang } from '../link-page/i18n/catalogue.ts';
import { browserTestsRun, useBrowser } from './support/browser.ts';
import { offerToken, pageOnTenant, type RunningPage } from './support/link-page.ts';
import { DATABASE, useHttpTenant } from './support/tenant.ts';

const http = useHttpTenant();
const browser = useBrowser();
let page: RunningPage | undefined;
afterEach(async () => {
  await page?.close();
  page = undefined;
});

const AXE_SOURCE = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SCREENSHOTS = process.env.LINK_PAGE_SCREENSHOTS;
const LOGO_ORIGIN = 'https://cdn.contoso.example';
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32" viewBox="0 0 120 32"><rect width="32" height="32" rx="6" fill="#ffd000"/><text x="40" y="22" font-family="sans-serif" font-size="16" fill="#ffffff">Contoso</text></svg>';
const BRAND = {
  LINK_PAGE_BRAND_NAME: 'Contoso Travel',
  LINK_PAGE_LOGO_URL: `${LOGO_ORIGIN}/logo.svg`,
  LINK_PAGE_PRIMARY_COLOR: '#0a6e4f',
  LINK_PAGE_BACKGROUND_COLOR: '#102a43',
};
const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const RUNS = (['en', 'de'] as const).flatMap((lang) => (['desktop', 'phone'] as const).map((width) => ({ lang, width })));

interface Violation {
  id: string;
  impact: string | null;
  nodes: string[];
}

/** axe's violations on the page as it is now; its source is evaluated through the DevTools protocol, outside the page's CSP. */
async function violations(tab: Page): Promise<Violation[]> {
  await tab.evaluate(await AXE_SOURCE);
  return tab.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document) => Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> }> };
      }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

describe.skipIf(!browserTestsRun).each(RUNS)('the pages a person sees ($lang, $width)', ({ lang, width }) => {
  it('have no axe violations, in the person’s language, on every page of the linking page and the tenant’s login pages', async () => {
    const t = CATALOGUES[lang as Lang];
    const { tenant, server } = http();
    tenant.state.addConnection({ name: 'email', strategy: 'email' });
    const ana = tenant.state.createUser({ connection: DATABASE, email: 'ana@example.com', email_verified: true, password: 'local-demo-ana' });
    tenant.state.createUser({ connection: 'google-oauth2', id: 'ana-google', email: 'ana@example.com', email_verified: true });
    page = await pageOnTenant(tenant, server.url, { connections: 'google-oauth2', env: BRAND });
    const { context } = browser();
    await context.setExtraHTTPHeaders({ 'accept-language': lang === 'de' ? 'de-DE,de;q=0.9,en;q=0.5' : 'en-GB,en;q=0.9' });
    await context.route(`${LOGO_ORIGIN}/**`, (route) => route.fulfill({ status: 200, contentType: 'image/svg+xml', body: LOGO_SVG }));
    const tab = await context.newPage();
    await tab.setViewportSize(WIDTHS[width]);
    const blocked: string[] = [];
    tab.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    const found: Record<string, Violation[]> = {};
    const check = async (name: string, options: { screenshot?: boolean; ours?: boolean; loaded?: boolean } = {}) => {
      if (options.loaded !== false) await tab.waitForLoadState();
      found[name] = await violations(tab);
      if (options.ours !== false) expect(await tab.locator('html').getAttribute('lang'), name).toBe(lang);
      // No part of the page is wider than the window (a phone would scroll sideways).
      expect(await tab.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name} fits the width`).toBe(true);
      if (options.screenshot && SCREENSHOTS) await tab.screenshot({ path: join(SCREENSHOTS, `${lang}-${width}-${name}.png`), fullPage: true });
    };
    const logIn = async () => {
      const form = tab.locator('form#login');
      await form.getByLabel('Email').fill('ana@example.com');
      await form.getByLabel('Password').fill('local-demo-ana');
      await form.getByRole('button', { name: 'Continue' }).click();
    };

    // The page's 404 and an error, each with a way on.
    await tab.goto(`${page.url}/nowhere`);
    await tab.getByRole('heading', { name: t.errors.notFoundTitle }).waitFor();
    await check('not-found', { screenshot: true });
    await tab.goto(`${page.url}/link?offer=forged.offer.value&state=tx-forged`);
    await tab.getByRole('heading', { name: t.errors.title }).waitFor();
    await check('error', { screenshot: true });
    await tab.getByRole('link', { name: t.layout.backToAccounts }).click();

    // Connected accounts, signed out; the tenant's login page (with signup and the passwordless form).
    await tab.getByRole('heading', { name: t.accounts.title }).waitFor();
    await check('accounts-signed-out');
    await tab.getByRole('button', { name: t.accounts.signIn, exact: true }).click();
    await tab.locator('form#login').waitFor();
    await check('tenant-login', { ours: false, screenshot: true });
    await logIn();
    await tab.getByRole('heading', { name: t.accounts.waysHeading }).waitFor();
    await check('accounts', { screenshot: true });

    // Link Google through the tenant's stand-in IdP page, then the unlink confirmation.
    await tab.getByRole('button', { name: fill(t.accounts.link, { label: 'Google' }) }).click();
    await tab.getByRole('button', { name: /ana-google/ }).waitFor();
    await check('tenant-idp', { ours: false });
    await tab.getByRole('button', { name: /ana-google/ }).click();
    await tab.getByText(t.accounts.linked).waitFor();
    await check('accounts-linked', { screenshot: true });
    const google = 'Google (a•••@e•••.com)';
    await tab.getByRole('button', { name: fill(t.accounts.unlink, { name: google }) }).click();
    await tab.getByRole('heading', { name: fill(t.accounts.unlinkTitle, { name: google }) }).waitFor();
    await check('unlink-confirm', { screenshot: true });
    await tab.getByRole('button', { name: fill(t.accounts.unlink, { name: google }) }).click();
    await tab.getByText(fill(t.accounts.unlinked, { name: google })).waitFor();
    await check('accounts-unlinked');

    // Sign out of the page, then of the tenant.
    await tab.getByRole('button', { name: t.accounts.signOut }).click();
    await tab.getByRole('heading', { name: t.accounts.signedOutTitle }).waitFor();
    await check('signed-out');
    await tab.getByRole('link', { name: t.accounts.tenantSignOut }).click();
    await tab.getByRole('heading', { name: t.accounts.everywhereTitle }).waitFor();
    await check('signed-out-everywhere');

    // The confirm view, as the Action's redirect brings it, and the choice when a second request arrives.
    const offer = (state: string, login = { provider: 'waad', connection: 'contoso-entra', hint: 'a•••@e•••.com' }) =>
      offerToken({
        issuer: tenant.domain,
        sub: `waad|${state}`,
        login,
        offers: [{ user_id: 'google-oauth2|ana-google', provider: 'google-oauth2', connection: 'google-oauth2' }],
      });
    const arrive = async (state: string, login?: { provider: string; connection: string; hint: string }) =>
      tab.goto(`${page!.url}/link?${new URLSearchParams({ offer: await offer(state, login), state })}`);
    await arrive('tx-1');
    await tab.getByRole('heading', { name: t.confirm.title }).waitFor();
    await check('confirm', { screenshot: true });
    await arrive('tx-2', { provider: 'okta', connection: 'fabrikam', hint: 'a•••@e•••.com' });
    await tab.getByRole('heading', { name: t.confirm.chooseTitle }).waitFor();
    await check('choose', { screenshot: true });
    await tab.getByRole('button', { name: fill(t.confirm.keepEarlier, { login: 'contoso-entra' }) }).click();

    // The results that stop to say what was decided: never, and "this is not me".
    await tab.getByRole('button', { name: t.confirm.never }).click();
    await tab.getByRole('heading', { name: t.continue.neverTitle }).waitFor();
    await check('never', { screenshot: true });
    await arrive('tx-3');
    await tab.getByRole('button', { name: fill(t.confirm.notMeButton, { login: 'contoso-entra' }) }).click();
    await tab.getByRole('heading', { name: t.continue.notMeTitle }).waitFor();
    await check('not-me');
    // Not now: the view submits itself to the tenant's /continue; here that answers 204, so the view stays to be checked.
    const continued = new Promise<void>((resolve) => {
      void tab.route(`${server.url}/continue**`, async (route) => {
        await route.fulfill({ status: 204 });
        resolve();
      });
    });
    await arrive('tx-4');
    await tab.getByRole('button', { name: t.confirm.later }).click();
    await continued;
    await tab.getByRole('heading', { name: t.continue.title }).waitFor();
    // Its form submission ended without a navigation (204): there is no load to wait for.
    await check('later', { loaded: false });

    // The tenant's passwordless code page, its password reset page and its outbox.
    await tab.goto(`${page.url}/accounts`);
    await tab.getByRole('button', { name: t.accounts.signIn, exact: true }).click();
    await tab.locator('form#passwordless').getByLabel('Email me a code').fill('ana@example.com');
    await tab.locator('form#passwordless').getByRole('button', { name: 'Send code' }).click();
    await tab.locator('form#code').waitFor();
    await check('tenant-code', { ours: false });
    const ticket = tenant.state.authentication.newResetTicket({
      identity: { provider: 'auth0', user_id: String(ana.identities[0]!.user_id) },
      connection: DATABASE,
      markEmailVerified: false,
    });
    await tab.goto(`${server.url}/u/reset-password?ticket=${ticket}`);
    await tab.locator('form#reset').waitFor();
    await check('tenant-reset', { ours: false, screenshot: true });
    await tab.goto(`${server.url}/local/outbox`);
    await check('tenant-outbox', { ours: false });

    expect(Object.keys(found)).toHaveLength(19);
    expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
    expect(blocked).toEqual([]);
  }, 180_000);
});
