// Red-team story: a Management API user token from before the link. The attacker pre-registers the victim's address
// through the app asking for the Management API's current_user scopes (any application may), and keeps minting fresh
// tokens with the SSO session that outlives the victim's reset (prompt=none: the stale-session rule refuses the link, not
// the token). The victim's Google login links silently into the reset account, ending its sessions and refresh tokens;
// access tokens are not revocable. What matters: the attacker's token cannot put an identity of theirs into the account
// that now holds the victim's Google identity, so that the attacker signs in to it.
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { ATTACKER, ATTACKER_PASSWORD, databaseAccount, identitiesOf, Person, steppedClock, storyCast, VICTIM, type Story } from './support/attack.ts';
import { useHttpTenant } from './support/tenant.ts';

const http = useHttpTenant();
const VICTIM_GOOGLE = 'google-oauth2|vera-google';
const ATTACKER_GITHUB = 'github|mallory-github';

function managementAudience(story: Story): string {
  return `https://${story.tenant.domain}/api/v2/`;
}

/** The app's authorization in `person`'s browser (after `step` on the tenant's pages); every token the app got. */
async function appTokens(
  person: Person,
  extra: Record<string, string>,
  step: (url: string) => Promise<string> = async (url) => url,
): Promise<{ sub: string; accessToken: string; idToken: string } | { error: string }> {
  const { story } = person;
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(story.appConfig, {
    redirect_uri: story.appCallback,
    scope: 'openid email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  }).href;
  const landed = await step((await person.agent.follow(url, story.origin)).url);
  if (landed.startsWith(`${story.page.url}/`)) {
    await person.openOffer(landed);
    return appTokensAfter(story, await person.continueToApp(await person.decline('later')), verifier, state);
  }
  return appTokensAfter(story, landed, verifier, state);
}

async function appTokensAfter(story: Story, landed: string, verifier: string, state: string) {
  expect(landed.startsWith(story.appCallback)).toBe(true);
  const back = new URL(landed);
  const error = back.searchParams.get('error');
  if (error) return { error };
  const tokens = await oidc.authorizationCodeGrant(story.appConfig, back, { pkceCodeVerifier: verifier, expectedState: state });
  return { sub: tokens.claims()!.sub, accessToken: tokens.access_token, idToken: tokens.id_token! };
}

describe('a Management API user token from before the link', () => {
  it('the attacker’s token cannot link their own GitHub into the reset account once it holds the victim’s Google', async () => {
    const story = await storyCast(http());
    const { tenant, origin } = story;
    const clock = steppedClock(story);
    const attacker = new Person(story);
    const victim = new Person(story);
    const mgmt = { audience: managementAudience(story), scope: 'openid email read:current_user update:current_user_identities' };

    // The attacker signs up with the victim's address through the app, asking for the Management API.
    await appTokens(attacker, mgmt, (url) => attacker.signUp(url, { email: VICTIM, password: ATTACKER_PASSWORD }));
    const planted = databaseAccount(tenant, VICTIM);

    // The victim verifies the address and, unable to sign in, resets the password through the mailbox.
    await victim.verifyEmail(VICTIM);
    clock.step(1_000);
    await victim.resetPassword(VICTIM, 'Vera-Owns-It-9');

    // The attacker's SSO session outlives the reset: prompt=none mints a fresh Management API token (no link is made).
    clock.step(1_000);
    const minted = await appTokens(attacker, { ...mgmt, prompt: 'none' });
    const token = 'accessToken' in minted ? minted.accessToken : undefined;

    // The victim's first Google login links silently into the reset account, ending its sessions and refresh tokens.
    clock.step(1_000);
    await victim.finish(await victim.appIdp('google-oauth2', 'vera-google', VICTIM));

    // The attacker signs in to the app with their own GitHub (their own address): an ID token for the app.
    clock.step(1_000);
    const own = await appTokens(attacker, { connection: 'github', prompt: 'login' }, (url) =>
      attacker.idp(url, { connection: 'github', userId: 'mallory-github', email: ATTACKER }),
    );
    expect(own).toMatchObject({ sub: ATTACKER_GITHUB });
    // With the token from before the link, the attacker links their GitHub into the account the token names.
    const linkWith =
      token === undefined
        ? undefined
        : await fetch(`${origin}/api/v2/users/${encodeURIComponent(planted)}/identities`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', host: tenant.domain },
            body: JSON.stringify({ link_with: (own as { idToken: string }).idToken }),
          });
    void linkWith?.status;

    // The attacker signs in with their GitHub: the account the app gets must not hold the victim's Google identity.
    clock.step(1_000);
    const last = await appTokens(attacker, { connection: 'github', prompt: 'login' }, (url) =>
      attacker.idp(url, { connection: 'github', userId: 'mallory-github', email: ATTACKER }),
    );
    expect(last).toMatchObject({ sub: expect.any(String) });
    const sub = (last as { sub: string }).sub;
    expect(identitiesOf(tenant, sub), `${linkWith?.status} ${story.actionLogs.join(' // ')}`).not.toContain(VICTIM_GOOGLE);
  });
});
