// A hole the attack review found, closed: the attacker's SSO session from before the victim's password reset must not
// make the silent link in its own login (a reset is evidence only for sign-ins after it).
import { describe, expect, it } from 'vitest';
import { ATTACKER_PASSWORD, databaseAccount, identitiesOf, Person, refresh, steppedClock, storyCast, VICTIM } from './support/attack.ts';
import { useHttpTenant } from './support/tenant.ts';

const http = useHttpTenant();

describe('a session from before the password reset', () => {
  it("the attacker's prompt=none login after the victim's reset links nothing and reaches no account with the victim's Google", async () => {
    const story = await storyCast(http());
    const { tenant } = story;
    const attacker = new Person(story);
    const victim = new Person(story);
    // The attacker signs up through the app with the victim's address, offline_access: an SSO session and a refresh token.
    const login = await attacker.startApp({ scope: 'openid email offline_access' });
    const signedUp = await attacker.appGot(await attacker.signUp(login, { email: VICTIM, password: ATTACKER_PASSWORD }));
    const planted = databaseAccount(tenant, VICTIM);
    expect(signedUp).toMatchObject({ sub: planted, refreshToken: expect.any(String) });
    // The victim verifies, signs in with Google: asked to prove the password, cannot, "Not now".
    await victim.verifyEmail(VICTIM);
    const offer = await victim.appIdp('google-oauth2', 'vera-google', VICTIM);
    await victim.openOffer(offer);
    expect(await victim.appGot(await victim.continueToApp(await victim.decline('later')))).toEqual({ sub: 'google-oauth2|vera-google' });
    // As the security model advises, the victim resets the password through the mailbox (to link later).
    const clock = steppedClock(story);
    clock.step(1_000);
    await victim.resetPassword(VICTIM, 'Vera-Owns-It-9');
    // The attacker's browser still holds the SSO session from the signup: its next silent login makes the link.
    const silent = await attacker.silent({ scope: 'openid email offline_access' });
    expect('sub' in silent).toBe(true);
    const sub = (silent as { sub: string }).sub;
    // The outcome that matters: the attacker's tokens are for an account that does NOT hold the victim's Google identity.
    expect(identitiesOf(tenant, sub)).not.toContain('google-oauth2|vera-google');
    const fresh = (silent as { refreshToken?: string }).refreshToken;
    if (fresh) expect(identitiesOf(tenant, ((await refresh(story, fresh)) as { sub: string }).sub)).not.toContain('google-oauth2|vera-google');
    // The Action withholds the link from this login: its session began before the reset.
    expect(story.actionLogs.at(-1)).not.toContain('linked google-oauth2|vera-google');
    expect(story.actionLogs.at(-1)).toContain('session began before the password was last reset');
    // The victim's fresh sign-in with the new password makes the link (their "Not now" holds on the Google account),
    // ending the password account's sessions and refresh tokens first: the attacker's old session and token reach nothing.
    clock.step(1_000);
    const linked = await victim.appGot(await victim.appPassword({ email: VICTIM, password: 'Vera-Owns-It-9' }));
    expect(linked).toMatchObject({ sub: planted });
    expect(identitiesOf(tenant, planted), story.actionLogs.slice(-3).join(' // ')).toContain('google-oauth2|vera-google');
    expect(await attacker.silent()).toMatchObject({ error: 'login_required' });
    expect(await refresh(story, (signedUp as { refreshToken: string }).refreshToken)).toMatchObject({ error: 'invalid_grant' });
  });
});
