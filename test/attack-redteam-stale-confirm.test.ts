// Red-team story: the confirm path and a session from before the owner's password reset. The attacker pre-registers the
// victim's address on the tenant's main database (keeping its SSO session) and on a second database connection; the
// victim clicks both verification mails and resets the main account's password. The attacker's old SSO session then
// signs in to the main account: the reset is evidence, so the second account is offered, and the attacker proves it with
// their own password. Then the victim's Google login. What matters: the attacker's password of the second database
// reaches no account holding the victim's Google identity.
import { describe, expect, it } from 'vitest';
import { ATTACKER_PASSWORD, databaseAccount, holderOf, identitiesOf, Person, steppedClock, storyCast, text, VICTIM, type Story } from './support/attack.ts';
import { useHttpTenant } from './support/tenant.ts';

const http = useHttpTenant();
/** A second database connection on the tenant (partners, a legacy import): it shares the address space with the first. */
const PARTNER_DB = 'partner-db';
const VICTIM_GOOGLE = 'google-oauth2|vera-google';
const VERA = { email: VICTIM, password: 'Vera-Owns-It-9' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;

/** Clicks every verification mail sent to `email` (one per pre-registration), as a person clearing their inbox would. */
async function verifyAll(person: Person, email: string): Promise<void> {
  const { tenant, origin } = person.story;
  const mails = tenant.state.authentication.outbox.filter((m) => m.to === email && m.subject === 'Verify your email');
  for (const mail of mails) expect(await (await person.agent.get(`${origin}${mail.link!}`)).text()).toContain('successfully verified');
}

/** Signs in on the tenant's login page with the database form of `connection`; where that leads. */
async function logInOn(person: Person, loginPageUrl: string, connection: string, credentials: { email: string; password: string }): Promise<string> {
  const state = new URL(loginPageUrl).searchParams.get('state')!;
  const body = new URLSearchParams({ state, connection, username: credentials.email, password: credentials.password });
  return (await person.agent.follow(`${person.story.origin}/u/login`, person.story.origin, { method: 'POST', headers: FORM, body })).url;
}

function partnerAccount(story: Story): string {
  const found = [...story.tenant.state.allUsers()].find((u) => u.email === VICTIM && u.identities[0]!.connection === PARTNER_DB);
  expect(found).toBeDefined();
  return found!.user_id;
}

describe('a stale session on the login side of a confirmed link', () => {
  it('the attacker’s SSO session from before the reset cannot prove their own second database account into the victim’s', async () => {
    const story = await storyCast(http());
    const { tenant, page } = story;
    tenant.state.addConnection({ name: PARTNER_DB, strategy: 'auth0' });
    const clock = steppedClock(story);
    const attacker = new Person(story);
    const victim = new Person(story);

    // The attacker signs up on the main database through the app (an SSO session in their browser)…
    const signedUp = await attacker.appGot(await attacker.signUp(await attacker.startApp(), { email: VICTIM, password: ATTACKER_PASSWORD }));
    const planted = databaseAccount(tenant, VICTIM);
    expect(signedUp).toEqual({ sub: planted });
    // … and, a moment later, on the partner database with the public signup endpoint (no login, no mark).
    clock.step(1_000);
    const partner = await attacker.signUpWithoutLogin({ connection: PARTNER_DB, email: VICTIM, password: ATTACKER_PASSWORD });
    expect(partner.status).toBe(200);
    const second = partnerAccount(story);

    // The victim clicks both verification mails, and resets the main account's password through the mailbox.
    await verifyAll(victim, VICTIM);
    expect(tenant.state.getUser(second)!.email_verified).toBe(true);
    clock.step(1_000);
    await victim.resetPassword(VICTIM, VERA.password);

    // The attacker's browser signs in to the app with its old SSO session (no prompt): the main account logs in.
    clock.step(1_000);
    const url = await attacker.startApp();
    if (url.startsWith(`${page.url}/link?`)) {
      // Offered the partner account: the attacker proves it with the password they chose.
      expect(text(await attacker.openOffer(url))).toContain('You sign in to it with');
      const login = await attacker.startProof(0);
      expect(login).toContain('/u/login?');
      const back = await attacker.pageCallback(await logInOn(attacker, login, PARTNER_DB, { email: VICTIM, password: ATTACKER_PASSWORD }));
      if (back.status === 200) await attacker.appGot(await attacker.continueToApp(await back.text()));
    } else {
      await attacker.appGot(url);
    }

    // Later the victim signs in with Google, answering "Not now" to anything they cannot prove.
    clock.step(1_000);
    await victim.finish(await victim.appIdp('google-oauth2', 'vera-google', VICTIM));

    // The attacker signs in afresh with the partner database and their own password.
    clock.step(1_000);
    const attempt = await attacker.startApp({ connection: PARTNER_DB, prompt: 'login' });
    expect(attempt).toContain('/u/login?');
    const landed = await logInOn(attacker, attempt, PARTNER_DB, { email: VICTIM, password: ATTACKER_PASSWORD });
    const answer = landed.startsWith(`${page.url}/`) ? await attacker.finish(landed) : await attacker.appGot(landed);
    expect(answer).toMatchObject({ sub: expect.any(String) });
    const sub = (answer as { sub: string }).sub;
    // The outcome that matters: the attacker's partner password opens no account holding the victim's Google identity.
    expect(identitiesOf(tenant, sub), story.actionLogs.join(' // ')).not.toContain(VICTIM_GOOGLE);
    expect(holderOf(tenant, second)?.identities ?? [], story.actionLogs.join(' // ')).not.toContain(VICTIM_GOOGLE);
  });
});
