// In a real Chromium: the demo web app signs a person in through the local tenant's /authorize and login page, shows
// the ID token's claims, and links another account the person signs in to (link_with with the user's own token),
// then unlinks it; and `npm start -- --keep`'s demo app shows the tokens of a sign-in the Action linked, and takes a
// person through the confirmed path on the linking page kept beside the tenant.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../scripts/lib/start/demo-app.ts';
import { CONFIRM_STORY, type KeepDetails } from '../scripts/lib/start/keep.ts';
import { serveHttp, type TenantHttpServer } from '../scripts/local-tenant/http-server.ts';
import type { Client } from '../scripts/local-tenant/state.ts';
import { browserTestsRun, launchBrowser, type LaunchedBrowser } from './support/browser.ts';
import { createTestTenant, DATABASE, type TestTenant } from './support/tenant.ts';

const PASSWORD = 'correct horse battery';
const LINKED_CLAIM = 'https://auto-link/linked';

/** Signs in on the tenant's login page with the database form. */
async function signInWithPassword(page: Page, email: string, password: string): Promise<void> {
  await page.locator('#login input[name=username]').fill(email);
  await page.locator('#login input[name=password]').fill(password);
  await page.locator('#login button[type=submit]').click();
}

/** Picks a known identity on the tenant's stand-in page for a social connection. */
async function signInWithIdentity(page: Page, connection: string, label: string): Promise<void> {
  await page.locator(`a.idp[data-connection="${connection}"]`).click();
  await page.locator('form.known button', { hasText: label }).click();
}

describe.skipIf(!browserTestsRun)('the demo app in Chromium: sign in, then link and unlink another account with link_with', () => {
  let browser: LaunchedBrowser;
  let fixture: TestTenant & { server: TenantHttpServer; app: DemoApp; web: Client; primary: string; secondary: string };

  beforeEach(async () => {
    const made = createTestTenant();
    const { state } = made.tenant;
    const primary = state.createUser({ connection: DATABASE, email: 'ana@x.io', email_verified: true, password: PASSWORD }).user_id;
    const secondary = state.createUser({ connection: 'google-oauth2', id: '1044', email: 'ana@x.io', email_verified: true }).user_id;
    const server = await serveHttp(made.tenant);
    const web = state.addClient({
      name: 'demo web app',
      scopes: [],
      app_type: 'regular_web',
      grant_types: ['authorization_code', 'refresh_token'],
      callbacks: [],
      allowed_logout_urls: [],
    });
    const app = await startDemoApp({
      tenantUrl: server.url,
      domain: made.tenant.domain,
      clientId: web.client_id,
      clientSecret: web.client_secret,
      linkedClaim: LINKED_CLAIM,
    });
    web.callbacks!.push(app.callbackUrl);
    web.allowed_logout_urls!.push(app.url);
    fixture = { ...made, server, app, web, primary, secondary };
    browser = await launchBrowser();
  });
  afterEach(async () => {
    await browser.close();
    await fixture.app.close();
    await fixture.server.close();
  });

  it('signs in as the primary, signs in to the secondary, and the page links it with the user token', async () => {
    const page = await browser.context.newPage();
    await page.goto(fixture.app.url);
    await page.locator('#sign-in').click();
    await signInWithPassword(page, 'ana@x.io', PASSWORD);
    await expect.poll(() => page.locator('#sub').textContent()).toBe(fixture.primary);
    expect(JSON.parse((await page.locator('#claims').textContent())!)).toMatchObject({ sub: fixture.primary, aud: fixture.web.client_id, email: 'ana@x.io' });
    expect(await page.locator('#identities tr').count()).toBe(2);

    await page.locator('#link-start').click();
    await signInWithIdentity(page, 'google-oauth2', fixture.secondary);
    await expect.poll(() => page.locator('#secondary-sub').textContent()).toBe(fixture.secondary);
    await page.locator('#link-confirm').click();
    await expect.poll(() => page.locator('#notice').textContent()).toBe(`Linked ${fixture.secondary} into your account.`);
    expect(await page.locator('#identities tr').count()).toBe(3);
    expect(fixture.tenant.state.getUser(fixture.secondary)).toBeUndefined();
    expect(fixture.tenant.state.getUser(fixture.primary)!.identities.map((i) => i.provider)).toEqual(['auth0', 'google-oauth2']);

    await page.getByRole('button', { name: 'Unlink' }).click();
    await expect.poll(() => page.locator('#notice').textContent()).toContain('Unlinked google-oauth2|1044');
    expect(fixture.tenant.state.getUser(fixture.secondary)).toBeDefined();
    await page.close();
  });

  it('shows the tenant’s refusal when the other sign-in names the same account', async () => {
    const page = await browser.context.newPage();
    await page.goto(fixture.app.url);
    await page.locator('#sign-in').click();
    await signInWithPassword(page, 'ana@x.io', PASSWORD);
    await page.locator('#link-start').click();
    await signInWithPassword(page, 'ana@x.io', PASSWORD);
    await page.locator('#link-confirm').click();
    await expect.poll(() => page.locator('#notice').textContent()).toBe('The tenant refused the link: Main identity and the new one are the same.');
    await page.close();
  });
});

describe.skipIf(!browserTestsRun)('npm start -- --keep in Chromium: the demo app signs in and shows the tokens, the linking page confirms', () => {
  let browser: LaunchedBrowser;
  let proc: ReturnType<typeof spawn>;
  let details: KeepDetails;

  beforeAll(async () => {
    proc = spawn(process.execPath, ['scripts/start.ts', '--keep', '--json'], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    details = await new Promise<KeepDetails>((resolve, reject) => {
      proc.stdout!.on('data', (d) => {
        stdout += d;
        if (stdout.includes('\n')) resolve(JSON.parse(stdout.slice(0, stdout.indexOf('\n'))) as KeepDetails);
      });
      proc.on('close', (code) => reject(new Error(`npm start exited with ${code}`)));
    });
    browser = await launchBrowser();
  }, 60_000);
  // One browser for the block: each test starts as a new visitor, without the demo app's or the tenant's cookies.
  beforeEach(() => browser.context.clearCookies());
  afterAll(async () => {
    await browser?.close();
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await once(proc, 'close');
    }
  });

  it('signs a database user in with the printed password, showing the ID token’s claims', async () => {
    const ana = details.users.find((user) => user.email === 'ana.silva@example.com')!;
    const page = await browser.context.newPage();
    await page.goto(details.demoAppUrl);
    await page.locator('#sign-in').click();
    await signInWithPassword(page, ana.email!, ana.password!);
    await expect.poll(() => page.locator('#sub').textContent()).toBe(ana.user_id);
    const claims = JSON.parse((await page.locator('#claims').textContent())!);
    expect(claims).toMatchObject({ iss: `https://${details.domain}/`, aud: details.app.clientId, sub: ana.user_id });
    // Ana's accounts were linked by the demo's replayed logins; this returning login links nothing more.
    expect(await page.locator('#identities tr').count()).toBe(4);
    await page.close();
  });

  it('shows the linked-accounts claim the Action sets when a new Google account of a known person signs in', async () => {
    const diego = details.users.find((user) => user.email === 'diego.ramos@example.com')!;
    const page = await browser.context.newPage();
    await page.goto(details.demoAppUrl);
    await page.locator('#sign-in').click();
    await page.locator('a.idp[data-connection="google-oauth2"]').click();
    const form = page.locator('#new-identity');
    await form.locator('input[name=user_id]').fill('105500660077');
    await form.locator('input[name=email]').fill('diego.ramos@example.com');
    await form.locator('input[name=email_verified]').check();
    await form.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('#sub').textContent()).toBe(diego.user_id);
    expect(JSON.parse((await page.locator('#linked-claim').textContent())!)).toEqual(['google-oauth2|105500660077']);
    expect(JSON.parse((await page.locator('#claims').textContent())!)[LINKED_CLAIM]).toEqual(['google-oauth2|105500660077']);
    await page.close();
  });

  it('the confirmed path as printed: an Entra ID login is asked, proves the Google account on the linking page, and gets the primary sub', async () => {
    const { entra, google } = CONFIRM_STORY;
    const page = await browser.context.newPage();
    const visited: string[] = [];
    page.on('request', (request) => visited.push(request.url()));
    await page.goto(details.demoAppUrl);
    await page.locator('#sign-in').click();
    await signInWithIdentity(page, entra.connection, `waad|${entra.id}`);
    await page.getByRole('heading', { name: 'Link your accounts?' }).waitFor();
    expect(page.url()).toBe(details.linkPage.confirmUrl);
    expect(await page.locator('main').textContent()).toContain('signed in with Google');
    await page.getByRole('button', { name: 'Sign in with Google to link' }).click();
    await page.locator('form.known button', { hasText: `${google.connection}|${google.id}` }).click();
    const primary = `${google.connection}|${google.id}`;
    await expect.poll(() => page.locator('#sub').textContent()).toBe(primary);
    const identities = await page.locator('#identities tr').allTextContents();
    expect(identities.join('\n')).toContain(entra.id);
    // The offer and the page's own sign-in never put the person's address in a URL.
    expect(visited.filter((url) => url.includes(CONFIRM_STORY.email) || url.includes(encodeURIComponent(CONFIRM_STORY.email)))).toEqual([]);
    await page.close();
  });
});
