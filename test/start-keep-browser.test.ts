// `npm start -- --keep` in a real Chromium: the demo web app signs people in through the kept tenant's /authorize and
// login page and shows the tokens, the Action links on the way, a person goes through the confirmed path on the linking
// page kept beside the tenant, and unlinks on its connected accounts for good.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONFIRM_STORY } from '../scripts/lib/start/confirm-story.ts';
import type { KeepDetails } from '../scripts/lib/start/keep.ts';
import { browserTestsRun, launchBrowser, type LaunchedBrowser } from './support/browser.ts';

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

describe.skipIf(!browserTestsRun)('npm start -- --keep in Chromium: the demo app and the linking page beside the tenant', () => {
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
    expect(await page.locator('#connected-accounts').getAttribute('href')).toBe(details.linkPage.accountsUrl);
    await page.close();
  });

  it('a new Google account of a known person proves his never-reset password on the page, and the app shows the link', async () => {
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
    // Diego's password account was never reset since signup: nothing shows its password is his, so he proves it.
    await page.getByRole('heading', { name: 'Link your accounts?' }).waitFor();
    await page.getByRole('button', { name: 'Sign in with email and password to link' }).click();
    await signInWithPassword(page, diego.email!, diego.password!);
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
    expect((await page.locator('main').innerText()).replace(/\s+/g, ' ')).toContain('You sign in to it with Google.');
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

  it("from the demo app to the page's connected accounts: the person unlinks the Entra ID account, and the Action does not link it back", async () => {
    const { entra, google } = CONFIRM_STORY;
    const page = await browser.context.newPage();
    await page.goto(details.demoAppUrl);
    await page.locator('#sign-in').click();
    await signInWithIdentity(page, google.connection, `${google.connection}|${google.id}`);
    await expect.poll(() => page.locator('#sub').textContent()).toBe(`${google.connection}|${google.id}`);
    await page.locator('#connected-accounts').click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // The page's sign-in is always fresh: the tenant's session from the demo app's sign-in does not carry it through.
    await signInWithIdentity(page, google.connection, `${google.connection}|${google.id}`);
    await page.getByRole('button', { name: `Unlink ${entra.connection}` }).click();
    // Unlink asks first, naming the identity; its confirmation unlinks.
    await page.getByRole('heading', { name: new RegExp(`^Unlink ${entra.connection}.*\\?$`) }).waitFor();
    await page.getByRole('button', { name: `Unlink ${entra.connection}` }).click();
    await page.getByText('The account was unlinked').waitFor();

    await browser.context.clearCookies();
    await page.goto(details.demoAppUrl);
    await page.locator('#sign-in').click();
    await signInWithIdentity(page, entra.connection, `waad|${entra.id}`);
    // No linking page this time: the person's choice on the page keeps the two apart.
    await expect.poll(() => page.locator('#sub').textContent()).toBe(`waad|${entra.id}`);
    expect(await page.locator('#identities tr').count()).toBe(2);
    await page.close();
  });
});
