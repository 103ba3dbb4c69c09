// Attack stories of issue 17, end to end: what an attacker's sessions reach. Connected accounts on a shared browser
// where the victim's tenant session lives; and a pre-registration whose SSO session and refresh token were issued before
// the victim reset the password, on a plan with the Session Management API and on one without. The built Action is
// bound, the page is in front, the victim and the attacker each have a browser (but the shared one).
import { describe, expect, it } from 'vitest';
import { hiddenField, refreshTarget } from '../local-tenant/index.ts';
import {
  ATTACKER_PASSWORD,
  databaseAccount,
  holderOf,
  identitiesOf,
  Person,
  refresh,
  steppedClock,
  storyCast,
  text,
  VICTIM,
  type Story,
} from './support/attack.ts';
import { DATABASE, useHttpTenant } from './support/tenant.ts';

const http = useHttpTenant();
const VICTIM_GOOGLE = 'google-oauth2|vera-google';
const VERA = { email: VICTIM, password: 'Vera-Owns-It-9' };
const OFFLINE = { scope: 'openid email offline_access' };

describe('connected accounts on a shared browser', () => {
  it('the victim’s live tenant session opens nothing: a fresh sign-in is demanded, linking fails, and signing out ends the session', async () => {
    const story = await storyCast(http());
    const { tenant, page, origin } = story;
    const victimId = tenant.state.createUser({ connection: DATABASE, email: VICTIM, email_verified: true, password: VERA.password }).user_id;
    const shared = new Person(story);
    // Half an hour ago the victim signed in to the app in this browser, and left it signed in.
    const clock = steppedClock(story);
    clock.step(-30 * 60_000);
    expect(await shared.appGot(await shared.appPassword(VERA))).toEqual({ sub: victimId });
    clock.step(30 * 60_000);
    expect(await shared.silent()).toEqual({ sub: victimId });

    // The attacker opens connected accounts there: the tenant asks for the password, which the attacker does not know.
    const signedOut = await (await shared.agent.get(`${page.url}/accounts`)).text();
    const csrf = hiddenField(signedOut, 'csrf')!;
    const step = await shared.agent.post(`${page.url}/accounts/sign-in`, { csrf });
    const authorize = new URL(refreshTarget(await step.text())!);
    const login = (await shared.agent.follow(authorize.href, origin)).url;
    expect(login).toContain('/u/login?');
    expect(await shared.logIn(login, { email: VICTIM, password: 'a-guess-1234' })).toContain('/u/login');
    // With prompt and max_age edited out, the tenant reuses the victim's session; the page refuses its old auth_time.
    authorize.searchParams.delete('prompt');
    authorize.searchParams.delete('max_age');
    const reused = (await shared.agent.follow(authorize.href, origin)).url;
    expect((await shared.pageCallback(reused)).status).toBe(401);
    expect(text(await (await shared.agent.get(`${page.url}/accounts`)).text())).not.toContain('Ways you sign in');

    // Linking the attacker's GitHub needs the page's session: refused, nothing linked.
    const link = await shared.agent.post(`${page.url}/accounts/link`, { csrf });
    expect(link.status).toBe(401);
    expect(refreshTarget(await link.text())).toBeUndefined();
    expect(identitiesOf(tenant, victimId)).toEqual([victimId]);

    // Signing out of the page offers the tenant's logout; used, the victim's tenant session is gone.
    const out = await (await shared.agent.get(`${page.url}/accounts/signed-out`)).text();
    expect(text(out)).toContain('Sign out of the sign-in service too');
    const logout = /href="([^"]*\/v2\/logout[^"]*)"/.exec(out)![1]!.replace(/&amp;/g, '&');
    expect((await shared.agent.follow(logout, origin)).url).toBe(`${page.url}/signed-out`);
    expect(await shared.silent()).toEqual({ error: 'login_required', description: 'Login required' });
  });
});

/**
 * The pre-registration whose sessions outlive the owner's reset: the attacker signs up through the app with offline_access
 * (an SSO session in their browser, a refresh token), the victim verifies the address and, unable to sign in, resets the
 * password through the mailbox; then the victim's first Google login. What the attacker's sessions reach afterwards.
 */
async function preRegisteredThenReset(story: Story) {
  const clock = steppedClock(story);
  const attacker = new Person(story);
  const victim = new Person(story);
  const signedUp = await attacker.appGot(await attacker.signUp(await attacker.startApp(OFFLINE), { email: VICTIM, password: ATTACKER_PASSWORD }));
  const planted = databaseAccount(story.tenant, VICTIM);
  expect(signedUp).toEqual({ sub: planted, refreshToken: expect.any(String) });
  const refreshToken = (signedUp as { refreshToken: string }).refreshToken;
  expect(await attacker.silent()).toEqual({ sub: planted });

  await victim.verifyEmail(VICTIM);
  clock.step(1_000);
  await victim.resetPassword(VICTIM, VERA.password);
  const victimLogin = await victim.appGot(await victim.appIdp('google-oauth2', 'vera-google', VICTIM));
  return { attacker, victim, planted, refreshToken, victimLogin };
}

describe('a password reset, and the attacker’s sessions', () => {
  it('Enterprise plan: the reset is evidence, the Google login links, and the attacker’s refresh token and SSO session are dead', async () => {
    const story = await storyCast(http());
    const { attacker, planted, refreshToken, victimLogin } = await preRegisteredThenReset(story);
    // Linked silently into the older account, the victim's own now that its password is theirs.
    expect(victimLogin).toEqual({ sub: planted });
    expect(identitiesOf(story.tenant, planted)).toEqual([planted, VICTIM_GOOGLE]);

    expect(await refresh(story, refreshToken)).toEqual({ error: 'invalid_grant', description: 'Unknown or invalid refresh token.' });
    expect(await attacker.silent(OFFLINE)).toEqual({ error: 'login_required', description: 'Login required' });
    expect(await attacker.appPassword({ email: VICTIM, password: ATTACKER_PASSWORD })).toContain('/u/login');
  });

  it('free plan, END_SESSIONS default: the sessions cannot be ended, so nothing is linked, and the log line says why', async () => {
    const story = await storyCast(http());
    story.tenant.state.plan = 'free';
    const { attacker, planted, refreshToken, victimLogin } = await preRegisteredThenReset(story);
    expect(victimLogin).toEqual({ sub: VICTIM_GOOGLE });
    // Fail closed: the sessions call is refused on this plan, so the link waits; the line names the call and the answer.
    expect(story.actionLogs.at(-1)).toBe(
      'auto-link: Management API 403 on DELETE /users/{id}/sessions: Session management is available on Enterprise plans only; this tenant is on the free plan., will retry next login',
    );
    expect(holderOf(story.tenant, VICTIM_GOOGLE)).toEqual({ user_id: VICTIM_GOOGLE, identities: [VICTIM_GOOGLE] });

    // Nothing was done: the refused sessions call comes first, so the refresh token and the SSO session live on, for an
    // account that holds nothing of the victim's.
    expect(await refresh(story, refreshToken)).toMatchObject({ sub: planted });
    expect(await attacker.silent(OFFLINE)).toMatchObject({ sub: planted });
    expect(identitiesOf(story.tenant, planted)).toEqual([planted]);
  });

  it('free plan, END_SESSIONS=refresh-only: linked, and the attacker’s refresh token is dead', async () => {
    const story = await storyCast(http(), { secrets: { END_SESSIONS: 'refresh-only' } });
    story.tenant.state.plan = 'free';
    const { attacker, planted, refreshToken, victimLogin } = await preRegisteredThenReset(story);
    expect(victimLogin).toEqual({ sub: planted });
    expect(identitiesOf(story.tenant, planted)).toEqual([planted, VICTIM_GOOGLE]);
    expect(await refresh(story, refreshToken)).toEqual({ error: 'invalid_grant', description: 'Unknown or invalid refresh token.' });
    // The documented residual of refresh-only (docs/security-model.md, "Whose sessions end"): the attacker's SSO session
    // from before the reset lives until it expires, and signs their browser in to the linked account meanwhile.
    expect(await attacker.silent()).toEqual({ sub: planted });
  });
});
