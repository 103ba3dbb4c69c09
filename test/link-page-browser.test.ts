// The linking page in Chromium against the local tenant: connected accounts (sign in, link another account, unlink it),
// with no JavaScript needed and nothing blocked by the page's CSP.
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { userMetadataRecords } from '../link-page/audit.ts';
import { browserTestsRun, useBrowser } from './support/browser.ts';
import { pageOnTenant, type RunningPage } from './support/link-page.ts';
import { SESSION_COOKIE } from '../local-tenant/index.ts';
import { DATABASE, useHttpTenant } from './support/tenant.ts';

const http = useHttpTenant();
const browser = useBrowser();
let page: RunningPage | undefined;
afterEach(async () => {
  await page?.close();
  page = undefined;
});

/** The local tenant's database login form (its #login form; the page also has a signup form). */
async function logIn(tab: Page, email: string, password: string): Promise<void> {
  const form = tab.locator('form#login');
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Continue' }).click();
}

describe.skipIf(!browserTestsRun)('connected accounts in Chromium', () => {
  it('a person signs in, links their Google account by signing in with it, then unlinks it', async () => {
    const { tenant, server } = http();
    const ana = tenant.state.createUser({ connection: DATABASE, email: 'ana@example.com', email_verified: true, password: 'local-demo-ana' });
    const google = tenant.state.createUser({ connection: 'google-oauth2', id: 'ana-google', email: 'ana@example.com', email_verified: true });
    page = await pageOnTenant(tenant, server.url, { connections: 'google-oauth2' });
    const tab = await browser().context.newPage();
    const blocked: string[] = [];
    tab.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });

    await tab.goto(`${page.url}/accounts`);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await logIn(tab, 'ana@example.com', 'local-demo-ana');
    await tab.getByRole('heading', { name: 'Ways you sign in' }).waitFor();
    expect(await tab.getByRole('listitem').allTextContents()).toEqual([expect.stringContaining('email and password')]);

    await tab.getByRole('button', { name: 'Link Google' }).click();
    await tab.getByRole('button', { name: /ana-google/ }).click();
    await tab.getByText('The account was linked').waitFor();
    expect(tenant.state.getUser(ana.user_id)!.identities.map((i) => i.connection)).toEqual([DATABASE, 'google-oauth2']);
    expect(userMetadataRecords(tenant.state.getUser(ana.user_id)!.user_metadata)).toEqual([
      expect.objectContaining({ user_id: google.user_id, by: 'connected' }),
    ]);

    // Unlink asks first, naming the identity with a masked address; nothing is unlinked until the person confirms.
    await tab.getByRole('button', { name: 'Unlink Google (a•••@e•••.com)' }).click();
    await tab.getByRole('heading', { name: 'Unlink Google (a•••@e•••.com)?' }).waitFor();
    expect(tenant.state.getUser(ana.user_id)!.identities).toHaveLength(2);
    await tab.getByRole('button', { name: 'Unlink Google (a•••@e•••.com)' }).click();
    await tab.getByText('The account was unlinked').waitFor();
    expect(tenant.state.getUser(ana.user_id)!.identities).toHaveLength(1);
    expect(tenant.state.getUser(google.user_id)).toBeDefined();
    expect(await tab.getByRole('button', { name: /^Unlink/ }).count()).toBe(0);
    expect(blocked).toEqual([]);
  });

  it("signs out of the page, then, through the tenant's logout, of the tenant too", async () => {
    const { tenant, server } = http();
    tenant.state.createUser({ connection: DATABASE, email: 'ana@example.com', email_verified: true, password: 'local-demo-ana' });
    page = await pageOnTenant(tenant, server.url);
    const { context } = browser();
    const tab = await context.newPage();
    const tenantSession = async () => (await context.cookies(server.url)).some((cookie) => cookie.name === SESSION_COOKIE);
    await tab.goto(`${page.url}/accounts`);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await logIn(tab, 'ana@example.com', 'local-demo-ana');
    await tab.getByRole('heading', { name: 'Ways you sign in' }).waitFor();

    await tab.getByRole('button', { name: 'Sign out of this page' }).click();
    await tab.getByRole('heading', { name: 'Signed out of this page' }).waitFor();
    expect(await tenantSession()).toBe(true);
    await tab.getByRole('link', { name: 'Sign out of the sign-in service too' }).click();
    await tab.waitForURL(`${page.url}/signed-out`);
    await tab.getByText('You are signed out of this page and of the sign-in service').waitFor();
    expect(await tenantSession()).toBe(false);
    await tab.getByRole('link', { name: 'Sign in to this page again' }).click();
    await tab.getByRole('button', { name: 'Sign in' }).waitFor();
  });
});
