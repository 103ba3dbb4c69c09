// Attack stories of issue 17, end to end: enterprise accounts an attacker controls, asserting the victim's address. A
// login the victim's browser did not start (IdP-initiated SAML), one an IdP that never prompts signs in (login CSRF), a
// proof on a connection that proves nothing, what the offer tells whoever holds the login, and a second offer sent to the
// victim's pending one. The built Action is bound, the page is in front, the victim and the attacker each have a browser.
import { describe, expect, it } from 'vitest';
import { hiddenField } from '../local-tenant/index.ts';
import { addEntra, ENTRA } from './support/confirm-flow.ts';
import { holderOf, identitiesOf, Person, storyCast, text, VICTIM, type Story } from './support/attack.ts';
import { useHttpTenant } from './support/tenant.ts';

const http = useHttpTenant();
/** The attacker's SAML connection: IdP-initiated SSO to the app is on, and its IdP asserts whatever the attacker types. */
const SAML = 'attacker-saml';
/** The attacker's IdP that signs any browser in as the attacker's account without prompting. */
const NO_PROMPT = 'attacker-idp';
const LABELS = `${SAML}=Acme (work account),${NO_PROMPT}=Fabrikam (work account)`;
const VICTIM_GOOGLE = 'google-oauth2|vera-google';
/** The victim's address as the page masks it. */
const HINT = 'v•••@e•••.com';

/** The cast, and the attacker's two enterprise connections (the SAML one opened to the app for IdP-initiated logins). */
async function setUp(): Promise<Story> {
  const story = await storyCast(http(), { connectionLabels: LABELS });
  const { tenant, app } = story;
  tenant.state.addConnection({
    name: SAML,
    strategy: 'samlp',
    options: {
      idpinitiated: { enabled: true, client_id: app.client_id, client_protocol: 'oidc', client_authorizequery: 'response_type=code&scope=openid email' },
    },
  });
  tenant.state.addConnection({
    name: NO_PROMPT,
    strategy: 'samlp',
    options: { localStandIn: { signInWithoutPrompt: { user_id: 'mallory-idp', email: VICTIM, email_verified: true } } },
  });
  return story;
}

/** The victim's first Google login, in their browser: nothing else has the address yet, so the app gets the Google account. */
async function victimHasGoogle(victim: Person): Promise<void> {
  expect(await victim.appGot(await victim.appIdp('google-oauth2', 'vera-google', VICTIM))).toEqual({ sub: VICTIM_GOOGLE });
}

/** Offers the page read from a browser (each GET /link with an offer). */
function offersRead(story: Story): number {
  return story.page.logs.filter((line) => line.startsWith('link-page GET /link 303')).length;
}

/** The victim's Google identity is where it was: its own account, alone. */
function victimIntact(story: Story): void {
  expect(holderOf(story.tenant, VICTIM_GOOGLE)).toEqual({ user_id: VICTIM_GOOGLE, identities: [VICTIM_GOOGLE] });
}

/** The attacker signs in with their own enterprise account in their own browser; the account the app's tokens are for. */
async function attackerSignsIn(attacker: Person, connection: string, userId: string): Promise<string> {
  const url = connection === NO_PROMPT ? await attacker.startApp({ connection }) : await attacker.appIdp(connection, userId, VICTIM);
  const answer = await attacker.finish(url);
  expect(answer).toMatchObject({ sub: `samlp|${userId}` });
  return (answer as { sub: string }).sub;
}

describe('login CSRF on the confirm view', () => {
  it('IdP-initiated: a SAMLResponse for the attacker’s account posted in the victim’s browser is never offered a link', async () => {
    const story = await setUp();
    const { origin, tenant } = story;
    const victim = new Person(story);
    const attacker = new Person(story);
    await victimHasGoogle(victim);
    // The attacker gets their IdP's response for their own account, asserting the victim's address…
    const idp = await attacker.agent.post(`${origin}/local/idp/${SAML}`, { user_id: 'mallory-saml', email: VICTIM, email_verified: 'true' });
    const response = hiddenField(await idp.text(), 'SAMLResponse')!;
    // … and a page of theirs makes the victim's browser post it to the tenant's ACS.
    const landed = await victim.agent.follow(`${origin}/login/callback?connection=${SAML}`, origin, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: response }),
    });
    // The Action did not send the browser to the linking page: the app got a code, and no offer was read anywhere.
    expect(landed.url.startsWith(`${story.appCallback}?code=`)).toBe(true);
    expect(offersRead(story)).toBe(0);
    expect(story.actionLogs.at(-1)).toBe('auto-link: skipped, an identity is on a connection not trusted for silent linking');
    victimIntact(story);
    expect(identitiesOf(tenant, 'samlp|mallory-saml')).toEqual(['samlp|mallory-saml']);

    // The attacker's own sign-in is asked to prove the victim's Google account, cannot, and stays their own account.
    const sub = await attackerSignsIn(attacker, SAML, 'mallory-saml');
    expect(identitiesOf(tenant, sub)).not.toContain(VICTIM_GOOGLE);
    victimIntact(story);
  });

  it('SP-initiated with an IdP that never prompts: the page names the login side; "This is not me" denies it, and it is not offered again', async () => {
    const story = await setUp();
    const { tenant } = story;
    const victim = new Person(story);
    const attacker = new Person(story);
    await victimHasGoogle(victim);
    // Another site sends the victim's browser to the app's sign-in with the attacker's connection: no prompt, signed in.
    const offer = await victim.startApp({ connection: NO_PROMPT });
    expect(offer.startsWith(`${story.page.url}/link?`)).toBe(true);
    const view = text(await victim.openOffer(offer));
    expect(view).toContain(`You are signing in with Fabrikam (work account) as ${HINT}.`);
    expect(view).toContain(
      `If you link them, anyone who can sign in with Fabrikam (work account) as ${HINT} will then be able to sign in to your Google account, and the other way round.`,
    );
    expect(view).toContain('This is not me: I did not sign in with Fabrikam (work account)');

    const answered = await victim.decline('not-me');
    expect(text(answered)).toContain('the application will say the sign-in was refused');
    const denied = await victim.appGot(await victim.continueToApp(answered));
    expect(denied).toEqual({ error: 'access_denied', description: expect.stringContaining('did not start this sign-in') });
    expect(tenant.state.getUser('samlp|mallory-idp')!.app_metadata?.auto_link_declined).toMatchObject({ decision: 'never', offers: [VICTIM_GOOGLE] });

    // Sent there again: no offer this time, and still nothing linked.
    const again = await victim.startApp({ connection: NO_PROMPT });
    expect(again.startsWith(story.appCallback)).toBe(true);
    expect(offersRead(story)).toBe(1);
    victimIntact(story);

    const sub = await attackerSignsIn(attacker, NO_PROMPT, 'mallory-idp');
    expect(identitiesOf(tenant, sub)).not.toContain(VICTIM_GOOGLE);
  });
});

describe('a proof that proves nothing', () => {
  it('an older enterprise account with the victim’s address is never offered to the victim’s Google login', async () => {
    const story = await setUp();
    const { tenant } = story;
    const victim = new Person(story);
    const attacker = new Person(story);
    // The attacker's account comes first (older): their IdP asserts the victim's address, verified.
    expect(await attacker.appGot(await attacker.appIdp(SAML, 'mallory-old', VICTIM))).toEqual({ sub: 'samlp|mallory-old' });

    // The victim's first Google login goes straight to the app: no invitation to "sign in with Acme if it is yours".
    const url = await victim.appIdp('google-oauth2', 'vera-google', VICTIM);
    expect(url.startsWith(story.appCallback)).toBe(true);
    expect(await victim.appGot(url)).toEqual({ sub: VICTIM_GOOGLE });
    expect(offersRead(story)).toBe(0);
    victimIntact(story);

    const sub = await attackerSignsIn(attacker, SAML, 'mallory-old');
    expect(identitiesOf(tenant, sub)).toEqual(['samlp|mallory-old']);
    victimIntact(story);
  });
});

describe('the offer names the victim’s accounts', () => {
  it('the attacker’s browser reads no user id, Google subject or email of the victim from the URL, the cookie or the page', async () => {
    const story = await setUp();
    const { tenant } = story;
    const victim = new Person(story);
    const attacker = new Person(story);
    await victimHasGoogle(victim);
    // The victim's GitHub login is linked into the Google account silently: two identities to hide.
    expect(await victim.appGot(await victim.appIdp('github', 'vera-github', VICTIM))).toEqual({ sub: VICTIM_GOOGLE });
    expect(identitiesOf(tenant, VICTIM_GOOGLE)).toEqual([VICTIM_GOOGLE, 'github|vera-github']);

    const offer = await attacker.appIdp(SAML, 'mallory-5', VICTIM);
    expect(offer.startsWith(`${story.page.url}/link?`)).toBe(true);
    const html = await attacker.openOffer(offer);
    const seen = [offer, decodeURIComponent(offer), ...readable(offer), html, ...[...attacker.agent.cookies.values()].flatMap((v) => [v, ...readable(v)])];
    const secrets = ['vera-google', 'vera-github', 'vera.victim', VICTIM, '%40', 'example.com', 'example%2Ecom'];
    for (const where of seen) for (const secret of secrets) expect(where).not.toContain(secret);
    // The page names the account to prove by its connection only.
    expect(text(html)).toContain('You sign in to it with Google.');

    const sub = (await attacker.appGot(await attacker.continueToApp(await attacker.decline('later')))) as { sub: string };
    expect(identitiesOf(tenant, sub.sub)).toEqual(['samlp|mallory-5']);
  });
});

describe('swapping a pending offer', () => {
  it('a cross-site GET with the attacker’s offer does not replace the victim’s; the victim’s proof goes to the victim’s own transaction', async () => {
    const story = await setUp();
    const { tenant } = story;
    addEntra(tenant);
    const victim = new Person(story);
    const attacker = new Person(story);
    await victimHasGoogle(victim);
    // The victim's work login is asked to prove the Google account: the offer is pending in the victim's browser.
    const pending = await victim.appIdp(ENTRA, 'vera-entra', VICTIM);
    const victimTransaction = new URL(pending).searchParams.get('state')!;
    expect(text(await victim.openOffer(pending))).toContain(`You are signing in with entra as ${HINT}.`);

    // The attacker's own login gets an offer; the attacker sends the victim's browser to it from another site.
    const planted = await attacker.appIdp(SAML, 'mallory-9', VICTIM);
    expect(planted.startsWith(`${story.page.url}/link?`)).toBe(true);
    const arrived = await victim.agent.request(planted, { headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } });
    expect(arrived.status).toBe(303);
    const choose = await victim.agent.get(`${story.page.url}/link`);
    const chooseText = text(await choose.text());
    expect(chooseText).toContain('Which sign-in is yours?');
    expect(chooseText).toContain(`Earlier request: signing in with entra as ${HINT}`);
    expect(chooseText).toContain(`New request: signing in with Acme (work account) as ${HINT}`);

    // The victim keeps the earlier request and proves the Google account.
    const csrf = hiddenField(await (await victim.agent.get(`${story.page.url}/link`)).text(), 'csrf')!;
    expect((await victim.agent.post(`${story.page.url}/link/choose`, { csrf, choice: 'earlier' })).status).toBe(303);
    const idp = await victim.startProof(0);
    const proven = await victim.pageCallback(await victim.idp(idp, { connection: 'google-oauth2', userId: 'vera-google', email: VICTIM }));
    expect(proven.status).toBe(200);
    const continueHtml = await proven.text();
    expect(continueHtml).toContain(`/continue?state=${victimTransaction}"`);
    expect(await victim.appGot(await victim.continueToApp(continueHtml))).toEqual({ sub: VICTIM_GOOGLE });
    expect(identitiesOf(tenant, VICTIM_GOOGLE)).toEqual([VICTIM_GOOGLE, `waad|vera-entra`]);

    // The attacker's own transaction: still only their account, which cannot prove the victim's Google.
    await attacker.openOffer(planted);
    const sub = (await attacker.appGot(await attacker.continueToApp(await attacker.decline('later')))) as { sub: string };
    expect(sub.sub).toBe('samlp|mallory-9');
    expect(identitiesOf(tenant, sub.sub)).toEqual(['samlp|mallory-9']);
  });
});

/** What base64url segments of a token (JWT, JWE) say when decoded: their readable text. */
function readable(value: string): string[] {
  const token = new URL(value, 'http://x').searchParams.get('offer') ?? value;
  return token.split('.').map((part) => Buffer.from(part, 'base64url').toString('utf8'));
}
