// Red-team stories the defences hold, end to end (the built Action bound, the page in front, a browser each): an offer
// forwarded to the victim, a "keep apart" entry planted at signup (a denial of service, no takeover), and cross-site
// answers on the confirm view. Each ends with the attacker's sign-in with the password they chose.
import { describe, expect, it } from 'vitest';
import { unlinkedKey } from '../actions/unlink-choice.ts';
import { hiddenField } from '../local-tenant/index.ts';
import { ATTACKER_PASSWORD, databaseAccount, holderOf, identitiesOf, Person, steppedClock, storyCast, text, VICTIM, type Story } from './support/attack.ts';
import { useHttpTenant } from './support/tenant.ts';

const http = useHttpTenant();
const VICTIM_GOOGLE = 'google-oauth2|vera-google';

/** The attacker pre-registers the victim's address with the public signup endpoint (no login); the planted account. */
async function preRegister(story: Story, attacker: Person, extra: Record<string, unknown> = {}): Promise<string> {
  const signup = await attacker.signUpWithoutLogin({ email: VICTIM, password: ATTACKER_PASSWORD, ...extra });
  expect(signup.status).toBe(200);
  return databaseAccount(story.tenant, VICTIM);
}

/** The attacker's last attempt: a fresh password sign-in; the account the app's tokens are for, or undefined when refused. */
async function attackerSignsIn(attacker: Person): Promise<string | undefined> {
  const landed = await attacker.appPassword({ email: VICTIM, password: ATTACKER_PASSWORD });
  if (landed.includes('/u/login')) return undefined;
  const answer = await attacker.finish(landed);
  return 'sub' in answer ? answer.sub : undefined;
}

describe('an offer forwarded to the victim', () => {
  it('the victim proves Google for the attacker’s transaction; /continue from the victim’s browser resumes nothing', async () => {
    const story = await storyCast(http());
    const { tenant, page } = story;
    const attacker = new Person(story);
    const victim = new Person(story);
    tenant.state.createUser({ connection: 'google-oauth2', id: 'vera-google', email: VICTIM, email_verified: true });
    const planted = await preRegister(story, attacker);
    await victim.verifyEmail(VICTIM);

    // The attacker signs in with the password they chose: the Action offers the victim's Google account. The attacker
    // does not follow the redirect; they send its URL (offer and transaction) to the victim.
    const offer = await attacker.appPassword({ email: VICTIM, password: ATTACKER_PASSWORD });
    expect(offer.startsWith(`${page.url}/link?`)).toBe(true);

    // The victim opens it: with no offer of their own open, the page takes it. The login side is named by its
    // connection and the victim's own masked address, so the victim proves their Google account.
    expect(text(await victim.openOffer(offer))).toContain('You are signing in with email and password as v•••@e•••.com.');
    const idp = await victim.startProof(0);
    const proven = await victim.pageCallback(await victim.idp(idp, { connection: 'google-oauth2', userId: 'vera-google', email: VICTIM }));
    expect(proven.status).toBe(200);
    // The proof goes to the attacker's transaction from the victim's browser: the tenant resumes nothing.
    const ended = await victim.continueToApp(await proven.text());
    expect(ended.startsWith(story.appCallback)).toBe(false);
    expect(holderOf(tenant, VICTIM_GOOGLE)).toEqual({ user_id: VICTIM_GOOGLE, identities: [VICTIM_GOOGLE] });

    const sub = await attackerSignsIn(attacker);
    expect(sub).toBe(planted);
    expect(identitiesOf(tenant, planted)).toEqual([planted]);
  });
});

describe('a "keep apart" entry planted at signup', () => {
  it('survives the victim’s reset and keeps the victim’s own accounts apart (a denial of service), and links nothing', async () => {
    const story = await storyCast(http());
    const { tenant } = story;
    const clock = steppedClock(story);
    const attacker = new Person(story);
    const victim = new Person(story);
    // The signup body's user_metadata (the public endpoint takes up to 10 string properties) names the victim's Google
    // identity as one "the person unlinked": the attacker needs to know the victim's Google subject.
    const planted = await preRegister(story, attacker, { user_metadata: { [unlinkedKey('google-oauth2', 'vera-google')]: 'planted' } });

    // The victim verifies the address and takes the account over with a reset: it is theirs now.
    await victim.verifyEmail(VICTIM);
    clock.step(1_000);
    await victim.resetPassword(VICTIM, 'Vera-Owns-It-9');
    clock.step(1_000);
    expect(await victim.finish(await victim.appIdp('google-oauth2', 'vera-google', VICTIM))).toEqual({ sub: VICTIM_GOOGLE });
    // Denial of service: the planted entry, read only to refuse, keeps the victim's two accounts apart (no offer either).
    expect(story.actionLogs.at(-1)).toContain('the person unlinked this account on the linking page');
    expect(holderOf(tenant, VICTIM_GOOGLE)).toEqual({ user_id: VICTIM_GOOGLE, identities: [VICTIM_GOOGLE] });
    clock.step(1_000);
    expect(await victim.finish(await victim.appPassword({ email: VICTIM, password: 'Vera-Owns-It-9' }))).toEqual({ sub: planted });
    expect(identitiesOf(tenant, planted)).toEqual([planted]);

    // No takeover: the attacker's password was replaced, and no account holds both.
    expect(await attackerSignsIn(attacker)).toBeUndefined();
  });
});

describe('cross-site answers on the confirm view', () => {
  it('"This is not me" and "Never" posted without the browser’s form token are refused; the victim’s offer stays open', async () => {
    const story = await storyCast(http());
    const { tenant, page } = story;
    tenant.state.addConnection({ name: 'entra', strategy: 'waad' });
    const victim = new Person(story);
    tenant.state.createUser({ connection: 'google-oauth2', id: 'vera-google', email: VICTIM, email_verified: true });
    // The victim's work login is asked to prove the Google account: an offer is open in the victim's browser.
    const offer = await victim.appIdp('entra', 'vera-entra', VICTIM);
    const view = await victim.openOffer(offer);
    const csrf = hiddenField(view, 'csrf')!;

    // Another site makes the victim's browser post the page's answers: no token, a guessed one, the right one cross-site.
    for (const decision of ['not-me', 'never']) {
      const bare = await victim.agent.post(`${page.url}/link/decline`, { decision }, { 'sec-fetch-site': 'cross-site' });
      expect(bare.status).toBe(403);
      const guessed = await victim.agent.post(`${page.url}/link/decline`, { decision, csrf: 'x'.repeat(csrf.length) });
      expect(guessed.status).toBe(403);
      const crossSite = await victim.agent.post(`${page.url}/link/decline`, { decision, csrf }, { 'sec-fetch-site': 'cross-site' });
      expect(crossSite.status).toBe(403);
    }
    // Nothing was recorded, and the victim's own proof still links the two.
    expect(tenant.state.getUser('waad|vera-entra')!.app_metadata?.auto_link_declined).toBeUndefined();
    const idp = await victim.startProof(0);
    const proven = await victim.pageCallback(await victim.idp(idp, { connection: 'google-oauth2', userId: 'vera-google', email: VICTIM }));
    expect(proven.status).toBe(200);
    expect(await victim.appGot(await victim.continueToApp(await proven.text()))).toEqual({ sub: VICTIM_GOOGLE });
    expect(identitiesOf(tenant, VICTIM_GOOGLE)).toEqual([VICTIM_GOOGLE, 'waad|vera-entra']);
  });
});
