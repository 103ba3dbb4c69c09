// Attack stories of issue 17, end to end: pre-registrations. The attacker signs up with the victim's address and a
// password of their own (on the linking page, through an app and laundered, or with the public signup endpoint), the
// victim clicks the verification mail and later signs in with Google. The built Action is bound, the page is in front,
// and the victim and the attacker each have their own browser. What matters: the attacker's password opens no account
// holding the victim's Google identity, and the victim's Google identity does not end in the attacker's account.
import { describe, expect, it } from 'vitest';
import { ATTACKER, ATTACKER_PASSWORD, databaseAccount, holderOf, identitiesOf, Person, storyCast, text, VICTIM, type Story } from './support/attack.ts';
import { DATABASE, useHttpTenant } from './support/tenant.ts';

const http = useHttpTenant();
const VICTIM_GOOGLE = 'google-oauth2|vera-google';
const ATTACKER_OWN = { email: ATTACKER, password: 'Mallory-Own-Pass-1' };

/**
 * The victim's first Google login. When the page asks for the other account's password, the victim tries the one they
 * would use, is refused, and answers "Not now"; the app's answer.
 */
async function victimSignsInWithGoogle(victim: Person): Promise<ReturnType<Person['appGot']>> {
  const url = await victim.appIdp('google-oauth2', 'vera-google', VICTIM);
  if (!url.startsWith(`${victim.story.page.url}/`)) return victim.appGot(url);
  const view = text(await victim.openOffer(url));
  expect(view).toContain('You sign in to it with email and password.');
  const login = await victim.startProof(0);
  expect(login).toContain('/u/login?');
  expect(await victim.logIn(login, { email: VICTIM, password: 'Vera-Usual-Pass-1' })).toContain('/u/login');
  return victim.appGot(await victim.continueToApp(await victim.decline('later')));
}

/** The attacker signs in with the password they chose, answering "Not now" to any offer; the account their tokens are for. */
async function attackerSignsInWithPassword(attacker: Person): Promise<string> {
  const answer = await attacker.finish(await attacker.appPassword({ email: VICTIM, password: ATTACKER_PASSWORD }));
  expect(answer).toMatchObject({ sub: expect.any(String) });
  return (answer as { sub: string }).sub;
}

/** The outcome that matters, after the attacker's last attempt: nothing of the victim's reaches the attacker's account. */
function victimUnreached(story: Story, planted: string, attackerSub: string): void {
  expect(identitiesOf(story.tenant, attackerSub)).not.toContain(VICTIM_GOOGLE);
  expect(holderOf(story.tenant, VICTIM_GOOGLE)).toEqual({ user_id: VICTIM_GOOGLE, identities: [VICTIM_GOOGLE] });
  expect(identitiesOf(story.tenant, planted)).toEqual([planted]);
}

describe('pre-registration through the linking page', () => {
  it('the attacker signs up on connected accounts with the victim’s address; the victim verifies, signs in with Google: not merged', async () => {
    const story = await storyCast(http());
    const attacker = new Person(story);
    const victim = new Person(story);
    // Connected accounts' sign-in leads to the tenant's login page, where anyone may sign up: the page's own sign-up.
    const login = await attacker.startAccounts();
    expect(login).toContain('/u/login?');
    const back = await attacker.signUp(login, { email: VICTIM, password: ATTACKER_PASSWORD });
    await attacker.accountsAfter(back);
    const planted = databaseAccount(story.tenant, VICTIM);
    expect(story.tenant.state.getUser(planted)!.email_verified).toBe(false);

    await victim.verifyEmail(VICTIM);
    expect(story.tenant.state.getUser(planted)!.email_verified).toBe(true);
    expect(await victimSignsInWithGoogle(victim)).toEqual({ sub: VICTIM_GOOGLE });

    const attackerSub = await attackerSignsInWithPassword(attacker);
    expect(attackerSub).toBe(planted);
    victimUnreached(story, planted, attackerSub);
    // The victim was asked, not merged: the page's confirm view was shown to the victim's Google login.
    expect(story.actionLogs).toContain(`auto-link: 1 account needs the person's confirmation (${planted}), sent to the linking page`);
  });
});

describe('laundering the sign', () => {
  it('signed up through an app (marked), linked into the attacker’s own account and unlinked again (metadata gone): still not merged', async () => {
    const story = await storyCast(http());
    const { tenant } = story;
    const attacker = new Person(story);
    const victim = new Person(story);
    const own = tenant.state.createUser({ connection: DATABASE, email: ATTACKER, email_verified: true, password: ATTACKER_OWN.password });

    // The attacker signs up through the app: a login while the email is unverified, which the Action marks.
    const signedUp = await attacker.appGot(await attacker.signUp(await attacker.startApp(), { email: VICTIM, password: ATTACKER_PASSWORD }));
    const planted = databaseAccount(tenant, VICTIM);
    expect(signedUp).toEqual({ sub: planted });

    // On connected accounts, signed in to their own account, the attacker links the planted one and unlinks it again.
    const csrf = await attacker.accountsAfter(await attacker.logIn(await attacker.startAccounts(), ATTACKER_OWN));
    const linkLogin = await attacker.startLinkAnother(csrf);
    const linked = await attacker.agent.get(await attacker.logIn(linkLogin, { email: VICTIM, password: ATTACKER_PASSWORD }));
    expect(text(await linked.text())).toContain('The account was linked');
    expect(identitiesOf(tenant, own.user_id)).toEqual([own.user_id, planted]);
    const unlinked = await attacker.unlink(csrf, { provider: 'auth0', user_id: planted.slice('auth0|'.length) });
    expect(unlinked).toContain('The account was unlinked');
    // Auth0 re-creates the unlinked account with empty metadata: the mark of the unverified login is gone.
    expect(tenant.state.getUser(planted)!.app_metadata ?? {}).toEqual({});

    await victim.verifyEmail(VICTIM);
    expect(await victimSignsInWithGoogle(victim)).toEqual({ sub: VICTIM_GOOGLE });
    const attackerSub = await attackerSignsInWithPassword(attacker);
    expect(attackerSub).toBe(planted);
    victimUnreached(story, planted, attackerSub);
  });
});

describe('signup without a login', () => {
  it('POST /dbconnections/signup leaves no mark; the victim verifies and signs in with Google: confirmed, not silent', async () => {
    const story = await storyCast(http());
    const { tenant } = story;
    const attacker = new Person(story);
    const victim = new Person(story);
    const signup = await attacker.signUpWithoutLogin({ email: VICTIM, password: ATTACKER_PASSWORD });
    expect(signup.status).toBe(200);
    const planted = databaseAccount(tenant, VICTIM);
    // Nobody logged in: no login, so no mark of an unverified login, ever.
    expect(tenant.state.getUser(planted)!.last_login).toBeUndefined();

    await victim.verifyEmail(VICTIM);
    expect(await victimSignsInWithGoogle(victim)).toEqual({ sub: VICTIM_GOOGLE });
    expect(story.actionLogs).toContain(`auto-link: 1 account needs the person's confirmation (${planted}), sent to the linking page`);

    // The attacker signs in with the password: offered the victim's Google account to prove, they try their own Google.
    const offer = await attacker.appPassword({ email: VICTIM, password: ATTACKER_PASSWORD });
    expect(offer.startsWith(`${story.page.url}/link?`)).toBe(true);
    expect(text(await attacker.openOffer(offer))).toContain('You sign in to it with Google.');
    const idp = await attacker.startProof(0);
    const refused = await attacker.pageCallback(await attacker.idp(idp, { connection: 'google-oauth2', userId: 'mallory-google', email: ATTACKER }));
    expect(refused.status).toBe(403);
    expect(text(await refused.text())).toContain('not the one offered for linking, so nothing was linked');
    const answer = await attacker.appGot(await attacker.continueToApp(await attacker.decline('later')));
    expect(answer).toEqual({ sub: planted });
    victimUnreached(story, planted, planted);
    expect(identitiesOf(tenant, 'google-oauth2|mallory-google')).toEqual(['google-oauth2|mallory-google']);
  });
});
