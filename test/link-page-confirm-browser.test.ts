// Confirmed linking in Chromium, end to end: app → login → the Action's offer → the page → a fresh sign-in → /continue → app.
// Each story runs with the project's built Action and with the contract's test fixture Action.
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { browserTestsRun, useBrowser } from './support/browser.ts';
import { addEntra, appSignIn, confirmCast, ENTRA, type ConfirmActionKind, type ConfirmCast } from './support/confirm-flow.ts';
import { BrowserlessAgent } from '../local-tenant/index.ts';
import { offerToken } from './support/link-page.ts';
import { DATABASE, useHttpTenant } from './support/tenant.ts';

const http = useHttpTenant();
/** The project's built Action, and the contract's test fixture (test/fixtures/confirm-link-action.ts) as a second judge. */
const KINDS: ConfirmActionKind[] = ['bundle', 'fixture'];
const browser = useBrowser();
let cast: ConfirmCast | undefined;
afterEach(async () => {
  await cast?.close();
  cast = undefined;
});

/** A tab recording CSP violations. */
async function tab(): Promise<{ tab: Page; blocked: string[] }> {
  const opened = await browser().context.newPage();
  const blocked: string[] = [];
  opened.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
  });
  return { tab: opened, blocked };
}

/** Signs in to the app through the stand-in IdP of `connection`, picking the identity `id`; returns the app's sub at the end. */
async function signInWithIdp(opened: Page, connection: string, id: string, then: (t: Page) => Promise<void>): Promise<string> {
  const app = await appSignIn(cast!);
  await opened.goto(app.url);
  await opened.locator(`a.idp[data-connection="${connection}"]`).click();
  await opened.getByRole('button', { name: new RegExp(`\\|${id}\\)`) }).click();
  await then(opened);
  await opened.waitForURL((url) => url.href.startsWith(cast!.appCallback));
  return app.finish(opened.url());
}

function people() {
  const { tenant, client } = http();
  addEntra(tenant);
  const google = tenant.state.createUser({ connection: 'google-oauth2', id: 'ana-google', email: 'ana@example.com', email_verified: true });
  const entra = tenant.state.createUser({ connection: ENTRA, id: 'ana-entra', email: 'ana@example.com', email_verified: true });
  return { tenant, client, google, entra };
}

describe.skipIf(!browserTestsRun).each(KINDS)('confirmed linking in Chromium (%s Action)', (kind) => {
  it('prompted → proves the Google account by signing in with it → linked, and the app gets the primary sub', async () => {
    const { tenant, client, google, entra } = people();
    cast = await confirmCast(tenant, http().server.url, client, kind);
    const { tab: opened, blocked } = await tab();
    const sub = await signInWithIdp(opened, ENTRA, 'ana-entra', async (t) => {
      await t.getByRole('heading', { name: 'Link your accounts?' }).waitFor();
      expect(new URL(t.url()).search).toBe('');
      const main = (await t.locator('main').innerText()).replace(/\s+/g, ' ');
      // Both sides named: the login by its connection and masked address, the account to prove by its connection only.
      expect(main).toContain('You are signing in with entra as a•••@e•••.com.');
      expect(main).toContain('You sign in to it with Google.');
      expect(main).not.toContain('ana-google');
      await t.getByRole('button', { name: 'Sign in with Google to link' }).click();
      await t.getByRole('button', { name: /\|ana-google\)/ }).click();
    });
    expect(sub).toBe(google.user_id);
    expect(tenant.state.getUser(google.user_id)!.identities.map((i) => `${i.provider}|${i.user_id}`)).toEqual([google.user_id, entra.user_id]);
    expect(tenant.state.getUser(entra.user_id)).toBeUndefined();
    expect(blocked).toEqual([]);
  });

  it('declined with Never → the login continues unlinked, and the next login is not asked again', async () => {
    const { tenant, client, google, entra } = people();
    cast = await confirmCast(tenant, http().server.url, client, kind);
    const { tab: opened } = await tab();
    const first = await signInWithIdp(opened, ENTRA, 'ana-entra', async (t) => {
      await t.getByRole('button', { name: 'Never ask again' }).click();
      // The page stops to say what was decided and who can clear it; the person moves on.
      await t.getByText("ask the site's support").waitFor();
      await t.getByRole('button', { name: 'Continue to the application' }).click();
    });
    expect(first).toBe(entra.user_id);
    expect(tenant.state.getUser(entra.user_id)!.app_metadata?.auto_link_declined).toMatchObject({ decision: 'never', offers: [google.user_id] });
    const second = await signInWithIdp(opened, ENTRA, 'ana-entra', async () => {});
    expect(second).toBe(entra.user_id);
    expect(cast.page.logs.filter((l) => l.startsWith('link-page GET /link 303'))).toHaveLength(1);
    expect(tenant.state.getUser(google.user_id)!.identities).toHaveLength(1);
  });

  it('"This is not me": someone else\'s login in this browser is denied, recorded as never, and not offered for linking again', async () => {
    const { tenant, client, google, entra } = people();
    cast = await confirmCast(tenant, http().server.url, client, kind);
    const { tab: opened, blocked } = await tab();
    const first = await signInWithIdp(opened, ENTRA, 'ana-entra', async (t) => {
      await t.getByRole('button', { name: 'This is not me: I did not sign in with entra' }).click();
      await t.getByRole('heading', { name: 'Nothing was linked' }).waitFor();
      await t.getByRole('button', { name: 'Continue to the application' }).click();
    }).then(
      () => 'signed in',
      (error: unknown) => (error as { error?: string }).error,
    );
    // The application gets an error, not tokens for the account that was signed in in this browser.
    expect(first).toBe('access_denied');
    expect(tenant.state.getUser(entra.user_id)!.app_metadata?.auto_link_declined).toMatchObject({ decision: 'never', offers: [google.user_id] });
    expect(await signInWithIdp(opened, ENTRA, 'ana-entra', async () => {})).toBe(entra.user_id);
    expect(cast.page.logs.filter((l) => l.startsWith('link-page GET /link 303'))).toHaveLength(1);
    expect(tenant.state.getUser(google.user_id)!.identities).toHaveLength(1);
    expect(blocked).toEqual([]);
  });

  it('the pre-hijack story: the victim verifies the attacker-made account, is prompted, and cannot link it without its password', async () => {
    const { tenant, client, server } = http();
    cast = await confirmCast(tenant, server.url, client, kind);
    // The attacker signs up first, with the victim's address and a password only the attacker knows (unverified).
    const attacker = new BrowserlessAgent();
    const attackerLogin = await attacker.follow((await appSignIn(cast)).url, server.url);
    const signupState = new URL(attackerLogin.url).searchParams.get('state')!;
    await attacker.follow(`${server.url}/u/signup`, server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ state: signupState, connection: DATABASE, email: 'ana@example.com', password: 'attacker-only-Pa55' }),
    });
    const planted = [...tenant.state.allUsers()].find((u) => u.identities[0]!.connection === DATABASE)!;
    expect(planted.email_verified).toBe(false);

    // The victim clicks the verification mail that signup sent: the attacker's account is now "verified".
    const { tab: opened } = await tab();
    await opened.goto(`${server.url}/local/outbox`);
    await opened.locator('li.mail[data-to="ana@example.com"] a').first().click();
    await opened.locator('#result').waitFor();
    expect(tenant.state.getUser(planted.user_id)!.email_verified).toBe(true);

    // The victim's Google login is prompted, not merged; the page asks for the database account's password.
    const victimSub = await signInWithNewIdentity(opened, 'google-oauth2', 'ana-google', async (t) => {
      await t.getByRole('heading', { name: 'Link your accounts?' }).waitFor();
      expect((await t.locator('main').innerText()).replace(/\s+/g, ' ')).toContain('You sign in to it with email and password.');
      await t.getByRole('button', { name: 'Sign in with email and password to link' }).click();
      const form = t.locator('form#login');
      await form.getByLabel('Email').fill('ana@example.com');
      await form.getByLabel('Password').fill('my-usual-password');
      await form.getByRole('button', { name: 'Continue' }).click();
      await t.getByText('Wrong email or password.').waitFor();
      // Without the attacker's password there is no way on but to decline.
      await t.goto(`${cast!.page.url}/link`);
      await t.getByRole('button', { name: 'Not now' }).click();
    });
    expect(victimSub).toBe('google-oauth2|ana-google');
    expect(tenant.state.getUser(planted.user_id)!.identities).toHaveLength(1);
    expect(tenant.state.getUser('google-oauth2|ana-google')!.identities).toHaveLength(1);
    expect(tenant.state.getUser('google-oauth2|ana-google')!.app_metadata?.auto_link_declined).toMatchObject({ decision: 'later', offers: [planted.user_id] });
  });
});

describe.skipIf(!browserTestsRun)('a pending offer in Chromium', () => {
  it("another site's link to the page with its own offer does not replace Ana's: she keeps hers and links her own accounts", async () => {
    const { tenant, client, google, entra } = people();
    cast = await confirmCast(tenant, http().server.url, client, 'fixture');
    const { tab: opened, blocked } = await tab();
    const mallory = await offerToken({
      issuer: tenant.domain,
      sub: 'waad|mallory',
      login: { provider: 'okta', connection: 'fabrikam', hint: 'a•••@e•••.com' },
      offers: [{ user_id: google.user_id, provider: 'google-oauth2', connection: 'google-oauth2' }],
    });
    const sub = await signInWithIdp(opened, ENTRA, 'ana-entra', async (t) => {
      await t.getByRole('heading', { name: 'Link your accounts?' }).waitFor();
      // A page on another site sends the browser to the linking page with the attacker's offer: a cross-site GET.
      await t.goto(`${cast!.appCallback}?elsewhere`);
      await t.evaluate((url) => window.location.assign(url), `${cast!.page.url}/link?${new URLSearchParams({ offer: mallory, state: 'tx-mallory' })}`);
      await t.getByRole('heading', { name: 'Which sign-in is yours?' }).waitFor();
      const main = (await t.locator('main').innerText()).replace(/\s+/g, ' ');
      expect(main).toContain('Earlier request: signing in with entra as a•••@e•••.com');
      expect(main).toContain('New request: signing in with fabrikam as a•••@e•••.com');
      await t.getByRole('button', { name: 'Keep the earlier request: entra' }).click();
      await t.getByRole('button', { name: 'Sign in with Google to link' }).click();
      await t.getByRole('button', { name: /\|ana-google\)/ }).click();
    });
    expect(sub).toBe(google.user_id);
    expect(tenant.state.getUser(google.user_id)!.identities.map((i) => `${i.provider}|${i.user_id}`)).toEqual([google.user_id, entra.user_id]);
    expect(blocked).toEqual([]);
  });
});

/** Signs in to the app through the stand-in IdP as a new identity with a verified email (a first login). */
async function signInWithNewIdentity(opened: Page, connection: string, id: string, then: (t: Page) => Promise<void>): Promise<string> {
  const app = await appSignIn(cast!);
  await opened.goto(app.url);
  await opened.locator(`a.idp[data-connection="${connection}"]`).click();
  const form = opened.locator('form#new-identity');
  await form.getByLabel('Id at the provider').fill(id);
  await form.getByLabel('Email', { exact: true }).fill('ana@example.com');
  await form.getByLabel('the provider says the email is verified').check();
  await form.getByRole('button', { name: 'Sign in as this identity' }).click();
  await then(opened);
  await opened.waitForURL((url) => url.href.startsWith(cast!.appCallback));
  return app.finish(opened.url());
}
