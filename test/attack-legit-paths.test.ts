// The legitimate paths beside issue 17's attack stories, the same way: the local tenant over loopback HTTP, the built
// Action bound, the linking page in front. A person with a password account and a Google account links them silently once
// the password was reset since signup, and by proving the password on the page when it was not (both in Chromium); an
// Entra ID person proves Google; connected accounts links and unlinks after a fresh sign-in.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserTestsRun, useBrowser } from './support/browser.ts';
import { addEntra, ENTRA } from './support/confirm-flow.ts';
import { appAuthorize, identitiesOf, Person, steppedClock, storyCast, text } from './support/attack.ts';
import { DATABASE, useHttpTenant } from './support/tenant.ts';

const http = useHttpTenant();
const ANA = { email: 'ana.person@example.com', password: 'Ana-Own-Pass-1' };
const ANA_GOOGLE = 'google-oauth2|ana-google';

/** Ana signs in with her Google account (a new identity on the tenant's stand-in provider page), in a real browser. */
async function signInAsAnasGoogle(tab: Page): Promise<void> {
  const idp = tab.locator('form#new-identity');
  await idp.getByLabel('Id at the provider').fill('ana-google');
  await idp.getByLabel('Email', { exact: true }).fill(ANA.email);
  await idp.getByLabel('the provider says the email is verified').check();
  await idp.getByRole('button', { name: 'Sign in as this identity' }).click();
}

describe.skipIf(!browserTestsRun)('a password account and a Google account, in Chromium', () => {
  const browser = useBrowser();

  it('signed up, verified and reset through the mailbox: the Google login links silently and the app gets the primary', async () => {
    const story = await storyCast(http());
    const { tenant, origin } = story;
    const clock = steppedClock(story);
    const tab = await browser().context.newPage();
    // Ana signs up in the app.
    const signup = await appAuthorize(story);
    await tab.goto(signup.url);
    const form = tab.locator('form#signup');
    await form.getByLabel('Email').fill(ANA.email);
    await form.getByLabel('Password').fill('Ana-First-Pass-1');
    await form.getByRole('button', { name: 'Sign up' }).click();
    await tab.waitForURL((url) => url.href.startsWith(story.appCallback));
    const ana = ((await signup.redeem(tab.url())) as { sub: string }).sub;
    expect(identitiesOf(tenant, ana)).toEqual([ana]);

    // She verifies her address, then resets her password through the mail the app's "forgot password" sends.
    await tab.goto(`${origin}/local/outbox`);
    await tab.locator(`li.mail[data-to="${ANA.email}"]`, { hasText: 'Verify your email' }).locator('a').click();
    await tab.locator('#result').waitFor();
    clock.step(1_000);
    const asked = await fetch(`${origin}/dbconnections/change_password`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: story.app.client_id, connection: DATABASE, email: ANA.email }),
    });
    expect(asked.status).toBe(200);
    await tab.goto(`${origin}/local/outbox`);
    await tab.locator(`li.mail[data-to="${ANA.email}"]`, { hasText: 'Reset your password' }).locator('a').click();
    await tab.getByLabel('New password').fill(ANA.password);
    await tab.getByRole('button', { name: 'Reset password' }).click();
    await tab.getByText('changed successfully').waitFor();

    // Her first Google login: linked at once, no page on the way, and the app gets her older account.
    const google = await appAuthorize(story, { connection: 'google-oauth2' });
    await tab.goto(google.url);
    await signInAsAnasGoogle(tab);
    await tab.waitForURL((url) => url.href.startsWith(story.appCallback));
    expect(await google.redeem(tab.url())).toEqual({ sub: ana });
    expect(identitiesOf(tenant, ana)).toEqual([ana, ANA_GOOGLE]);
    expect(story.page.logs.filter((line) => line.startsWith('link-page GET /link'))).toEqual([]);
  });

  it('never reset: the Google login is asked to prove the password on the page, she does, and they are linked', async () => {
    const story = await storyCast(http());
    const { tenant } = story;
    const ana = tenant.state.createUser({
      connection: DATABASE,
      email: ANA.email,
      email_verified: true,
      password: ANA.password,
      created_at: '2024-01-01T00:00:00.000Z',
    }).user_id;
    const tab = await browser().context.newPage();
    const google = await appAuthorize(story, { connection: 'google-oauth2' });
    await tab.goto(google.url);
    await signInAsAnasGoogle(tab);

    await tab.getByRole('heading', { name: 'Link your accounts?' }).waitFor();
    expect((await tab.locator('main').innerText()).replace(/\s+/g, ' ')).toContain('You sign in to it with email and password.');
    await tab.getByRole('button', { name: 'Sign in with email and password to link' }).click();
    const login = tab.locator('form#login');
    await login.getByLabel('Email').fill(ANA.email);
    await login.getByLabel('Password').fill(ANA.password);
    await login.getByRole('button', { name: 'Continue' }).click();
    await tab.waitForURL((url) => url.href.startsWith(story.appCallback));
    expect(await google.redeem(tab.url())).toEqual({ sub: ana });
    expect(identitiesOf(tenant, ana)).toEqual([ana, ANA_GOOGLE]);
  });
});

describe('an Entra ID person proves Google', () => {
  it('the work login is asked, proves the Google account on the page, and the app gets the Google account with both', async () => {
    const story = await storyCast(http());
    addEntra(story.tenant);
    const person = new Person(story);
    expect(await person.appGot(await person.appIdp('google-oauth2', 'ana-google', ANA.email))).toEqual({ sub: ANA_GOOGLE });
    const offer = await person.appIdp(ENTRA, 'ana-entra', ANA.email);
    expect(text(await person.openOffer(offer))).toContain('You are signing in with entra as a•••@e•••.com.');
    const idp = await person.startProof(0);
    expect(idp).toContain('/u/idp?');
    const proven = await person.pageCallback(
      await person.agent.pickIdentity(idp, story.origin, { connection: 'google-oauth2', userId: 'ana-google' }).then((r) => r.url),
    );
    expect(proven.status).toBe(200);
    expect(await person.appGot(await person.continueToApp(await proven.text()))).toEqual({ sub: ANA_GOOGLE });
    expect(identitiesOf(story.tenant, ANA_GOOGLE)).toEqual([ANA_GOOGLE, 'waad|ana-entra']);
  });
});

describe('connected accounts', () => {
  it('after a fresh sign-in, links the Google account and unlinks it; the Action then leaves it apart', async () => {
    const story = await storyCast(http(), { connections: 'google-oauth2' });
    const { tenant } = story;
    const ana = tenant.state.createUser({ connection: DATABASE, email: ANA.email, email_verified: true, password: ANA.password }).user_id;
    tenant.state.createUser({ connection: 'google-oauth2', id: 'ana-google', email: ANA.email, email_verified: true });
    const person = new Person(story);
    // Signed in to the app a moment ago (answering "Not now" to linking there): connected accounts still asks for the password.
    expect(await person.finish(await person.appPassword(ANA))).toEqual({ sub: ana });
    const login = await person.startAccounts();
    expect(login).toContain('/u/login?');
    const csrf = await person.accountsAfter(await person.logIn(login, ANA));

    const idp = await person.startLinkAnother(csrf, 'google-oauth2');
    expect(idp).toContain('/u/idp?');
    const linked = await person.agent.get((await person.agent.pickIdentity(idp, story.origin, { connection: 'google-oauth2', userId: 'ana-google' })).url);
    expect(text(await linked.text())).toContain('The account was linked');
    expect(identitiesOf(tenant, ana)).toEqual([ana, ANA_GOOGLE]);

    expect(await person.unlink(csrf, { provider: 'google-oauth2', user_id: 'ana-google' })).toContain('The account was unlinked');
    expect(identitiesOf(tenant, ana)).toEqual([ana]);
    // Her next Google login stays apart: the person's unlink sticks.
    expect(await person.appGot(await person.appIdp('google-oauth2', 'ana-google', ANA.email))).toEqual({ sub: ANA_GOOGLE });
    expect(identitiesOf(tenant, ANA_GOOGLE)).toEqual([ANA_GOOGLE]);
  });
});
