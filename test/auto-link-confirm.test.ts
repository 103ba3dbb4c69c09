// Confirmed linking on the BUILT Action in the local runtime: when it redirects to the linking page, what /continue
// refuses and links, decline memory, and the pre-registration and recycled-address attacks.
import { SignJWT, decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { DECLINED_KEY } from '../actions/decline-memory.ts';
import { deriveLinkKeys, offerRef, PROOF_TTL_SECONDS, PROOF_TYP, type OfferClaims } from '../actions/link-page-tokens.ts';
import { verifyOffer } from '../link-page/tokens.ts';
import { linkRecords } from '../actions/link-record.ts';
import { UNVERIFIED_LOGIN_KEY } from '../actions/risk-signs.ts';
import type { User } from '../actions/types.ts';
import type { FlowResult, LoginRequest, SuspendedFlow } from '../local-tenant/index.ts';
import { loadAction } from './support/action.ts';
import { createTestTenant, DATABASE, useInProcessTenant, type TestTenant } from './support/tenant.ts';

const LINK_SECRET = 'a-link-secret-of-at-least-32-characters!';
const PAGE = { LINK_PAGE_URL: 'https://link.example.com/link', LINK_SECRET, LINK_PAGE_CLIENT_ID: 'link-page-app' };
const LOOKUP = ['POST /oauth/token', 'GET /api/v2/users-by-email'];

const current = useInProcessTenant((): TestTenant => {
  const made = createTestTenant();
  made.tenant.state.addConnection({ name: 'entra', strategy: 'waad' });
  return made;
});

function create(
  connection: string,
  fields: { email_verified?: boolean; created_at?: string; last_password_reset?: string; app_metadata?: Record<string, unknown> } = {},
): User {
  return current().tenant.state.createUser({ connection, email: 'ann@x.io', email_verified: true, ...fields });
}

/** A login an application started at /authorize: interactive, with the application's own `state`. */
const INTERACTIVE: Partial<LoginRequest> = { canRedirect: true, protocol: 'oidc-basic-profile', transaction: { state: 'app-state' } };

async function start(secrets: Record<string, string | undefined>, request: LoginRequest) {
  const { runtime, action } = await loadAction(current(), secrets);
  return { runtime, action, result: await runtime.startLogin([action], { ...INTERACTIVE, ...request }) };
}

function redirected(result: FlowResult | SuspendedFlow): SuspendedFlow {
  if (result.outcome !== 'redirect') throw new Error(`expected a redirect, got ${result.outcome}: ${result.steps.flatMap((s) => s.logs).join(' | ')}`);
  return result;
}

const pathCalls = (result: { steps: Array<{ httpCalls: Array<{ method: string; url: string }> }> }) =>
  result.steps.flatMap((s) => s.httpCalls).map((c) => `${c.method} ${new URL(c.url).pathname.replace(/^\/api\/v2\/users\/[^/]+/, '/api/v2/users/{id}')}`);
const logsOf = (result: { steps: Array<{ logs: string[] }> }) => result.steps.flatMap((s) => s.logs);

/** The page's proof, as link-page/ signs it with jose (or with another key, for a forgery). */
async function proof(suspended: SuspendedFlow, claims: Record<string, unknown>, key?: string): Promise<string> {
  const { proofKey } = await deriveLinkKeys(LINK_SECRET);
  const now = Math.floor(Date.now() / 1000);
  const body = {
    typ: PROOF_TYP,
    sub: decodeJwt(offerOf(suspended)).sub,
    state: suspended.state,
    iss: current().tenant.domain,
    iat: now,
    exp: now + PROOF_TTL_SECONDS,
    jti: 'j1',
    ...claims,
  };
  return new SignJWT(body).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(key ?? proofKey));
}

const offerOf = (suspended: SuspendedFlow) => new URL(suspended.url).searchParams.get('offer')!;

/** The offer as the linking page opens it (signature, expiry, sealed box). */
async function openOffer(suspended: SuspendedFlow): Promise<OfferClaims> {
  return verifyOffer(offerOf(suspended), await deriveLinkKeys(LINK_SECRET), current().tenant.domain, Math.floor(Date.now() / 1000));
}

/** The ref by which an offer names `userId`. */
async function refOf(userId: string): Promise<string> {
  return offerRef(await deriveLinkKeys(LINK_SECRET), userId);
}
const post = (token: string, state: string) => ({ method: 'POST', query: { state }, body: { link_proof: token } });

describe('redirect decisions', () => {
  it('sends an Entra login next to a verified Google account to the page with a signed offer, and no email in the URL', async () => {
    const google = create('google-oauth2', { created_at: '2020-01-01T00:00:00.000Z' });
    const entra = create('entra');
    const suspended = redirected((await start(PAGE, { userId: entra.user_id })).result);
    const url = new URL(suspended.url);
    expect(`${url.origin}${url.pathname}`).toBe(PAGE.LINK_PAGE_URL);
    // No email, in clear or encoded (the sealed box is base64url, which holds neither @ nor a dot).
    expect(suspended.url).not.toMatch(/%40|@/);
    expect(JSON.stringify(decodeJwt(offerOf(suspended)))).not.toMatch(/@|x\.io/);
    expect(decodeJwt(offerOf(suspended))).toMatchObject({ typ: 'auto-link/offer', sub: entra.user_id });
    expect(JSON.stringify(decodeJwt(offerOf(suspended)))).not.toContain(google.user_id.split('|')[1]);
    expect(await openOffer(suspended)).toMatchObject({
      login: { provider: 'waad', connection: 'entra', hint: 'a•••@x•••.io' },
      offers: [{ ref: await refOf(google.user_id), provider: 'google-oauth2', connection: 'google-oauth2' }],
    });
    expect(pathCalls(suspended)).toEqual(LOOKUP);
  });

  it('does not redirect without a page, with prompt=none, on a password grant or a refresh-token exchange, and not for the page itself', async () => {
    create('google-oauth2', { created_at: '2020-01-01T00:00:00.000Z' });
    const entra = create('entra');
    const none = (await start({}, { userId: entra.user_id })).result as FlowResult;
    expect(none).toMatchObject({ outcome: 'success', subject: entra.user_id });
    expect(logsOf(none)).toEqual(['auto-link: skipped, an identity is on a connection not trusted for silent linking']);
    expect(pathCalls(none)).toEqual([]);
    for (const request of [{ transaction: { prompt: ['none'] } }, { protocol: 'oauth2-password' as const }, { protocol: 'oauth2-refresh-token' as const }]) {
      const result = (await start(PAGE, { userId: entra.user_id, ...request })).result as FlowResult;
      expect(result, JSON.stringify(request)).toMatchObject({ outcome: 'success', subject: entra.user_id });
      expect(pathCalls(result)).toEqual([]);
    }
    const page = (await start(PAGE, { userId: entra.user_id, clientId: 'link-page-app' })).result as FlowResult;
    expect(page).toMatchObject({ outcome: 'success', subject: entra.user_id });
    expect([pathCalls(page), logsOf(page)]).toEqual([[], []]);
  });
});

describe("the linking page's own logins", () => {
  it('are never looked up or redirected, but an unverified one is still marked: a sign-up there leaves its trace', async () => {
    const signup = create(DATABASE, { email_verified: false });
    const page = (await start(PAGE, { userId: signup.user_id, clientId: 'link-page-app' })).result as FlowResult;
    expect(page).toMatchObject({ outcome: 'success', subject: signup.user_id, appMetadataApplied: { [UNVERIFIED_LOGIN_KEY]: { at: expect.any(String) } } });
    expect([pathCalls(page), logsOf(page)]).toEqual([[], []]);
  });
});

describe('logins that cannot be sent to the page', () => {
  it('look up once, then cost nothing until an interactive login asks (auto_link_pending)', async () => {
    // A Google login next to a password account never reset: only the person can link them, on the page.
    create(DATABASE, { created_at: '2020-01-01T00:00:00.000Z' });
    const google = create('google-oauth2');
    const silent = { userId: google.user_id, transaction: { state: 'app-state', prompt: ['none'] } };
    const first = (await start(PAGE, silent)).result as FlowResult;
    expect(pathCalls(first)).toEqual(LOOKUP);
    expect(first).toMatchObject({ outcome: 'success', appMetadataApplied: { auto_link_pending: { email: 'ann@x.io' } } });
    const again = (await start(PAGE, silent)).result as FlowResult;
    expect([pathCalls(again), logsOf(again)]).toEqual([[], []]);
    // An interactive login still looks and asks.
    expect(redirected((await start(PAGE, { userId: google.user_id })).result).url).toContain(PAGE.LINK_PAGE_URL);
  });
});

describe('/continue', () => {
  it('links the proven account with the audit record by: confirmed and continues as the primary', async () => {
    const google = create('google-oauth2', { created_at: '2020-01-01T00:00:00.000Z' });
    const entra = create('entra');
    const { runtime, result } = await start(PAGE, { userId: entra.user_id });
    const suspended = redirected(result);
    const done = (await runtime.continueLogin(
      suspended,
      post(await proof(suspended, { decision: 'link', proven: google.user_id }), suspended.state),
    )) as FlowResult;
    expect(done).toMatchObject({ outcome: 'success', subject: google.user_id });
    expect(pathCalls({ steps: done.steps.slice(1) })).toEqual(['GET /api/v2/users-by-email', 'PATCH /api/v2/users/{id}', 'POST /api/v2/users/{id}/identities']);
    const primary = current().tenant.state.getUser(google.user_id)!;
    expect(primary.identities.map((i) => i.connection)).toEqual(['google-oauth2', 'entra']);
    expect(linkRecords(primary)).toMatchObject([{ user_id: entra.user_id, by: 'confirmed' }]);
  });

  it('links nothing for a forged, expired, replayed or not-offered proof, or the offer token sent back', async () => {
    const google = create('google-oauth2', { created_at: '2020-01-01T00:00:00.000Z' });
    const other = create(DATABASE, { email_verified: true, created_at: '2019-01-01T00:00:00.000Z', app_metadata: { auto_link_exclude: true } });
    const entra = create('entra');
    const attempts: Array<[string, (s: SuspendedFlow, previous: SuspendedFlow) => Promise<string> | string]> = [
      ['forged', (s) => proof(s, { decision: 'link', proven: google.user_id }, 'not-the-proof-key-but-32-characters-long')],
      ['expired', (s) => proof(s, { decision: 'link', proven: google.user_id, iat: 1000, exp: 1100 })],
      ['replayed', (_s, previous) => proof(previous, { decision: 'link', proven: google.user_id })],
      ['not offered', (s) => proof(s, { decision: 'link', proven: other.user_id })],
      ['offer sent back', (s) => offerOf(s)],
    ];
    let previous: SuspendedFlow | undefined;
    for (const [name, token] of attempts) {
      const { runtime, result } = await start(PAGE, { userId: entra.user_id });
      const suspended = redirected(result);
      const done = (await runtime.continueLogin(suspended, post(await token(suspended, previous ?? suspended), suspended.state))) as FlowResult;
      expect(done, name).toMatchObject({ outcome: 'success', subject: entra.user_id });
      expect(logsOf({ steps: done.steps.slice(1) }), name).toEqual([expect.stringMatching(/^auto-link: link proof refused \(.+\), nothing linked/)]);
      expect(current().tenant.state.getUser(google.user_id)!.identities, name).toHaveLength(1);
      previous = suspended;
    }
  });

  it('remembers "Not now" and "Never" for free, and a declined user costs 0 HTTP calls at its next logins', async () => {
    create('google-oauth2', { created_at: '2020-01-01T00:00:00.000Z' });
    for (const decision of ['later', 'never'] as const) {
      const entra = create('entra', { created_at: decision === 'later' ? '2024-01-01T00:00:00.000Z' : '2024-02-01T00:00:00.000Z' });
      const { runtime, result } = await start(PAGE, { userId: entra.user_id });
      const suspended = redirected(result);
      const done = (await runtime.continueLogin(suspended, post(await proof(suspended, { decision }), suspended.state))) as FlowResult;
      expect(done).toMatchObject({ outcome: 'success', subject: entra.user_id, appMetadataApplied: { [DECLINED_KEY]: { decision } } });
      expect(pathCalls({ steps: done.steps.slice(1) })).toEqual([]);
      const next = (await start(PAGE, { userId: entra.user_id })).result as FlowResult;
      expect(next).toMatchObject({ outcome: 'success', subject: entra.user_id });
      expect([pathCalls(next), logsOf(next)]).toEqual([[], []]);
    }
  });
});

describe('/continue, "This is not me"', () => {
  it('records Never for the account that was signed in and denies the login, so the browser does not end in it', async () => {
    create('google-oauth2', { created_at: '2020-01-01T00:00:00.000Z' });
    const planted = create('entra');
    const { runtime, result } = await start(PAGE, { userId: planted.user_id });
    const suspended = redirected(result);
    const done = (await runtime.continueLogin(suspended, post(await proof(suspended, { decision: 'never', not_me: true }), suspended.state))) as FlowResult;
    expect(done).toMatchObject({ outcome: 'failure', kind: 'denied', appMetadataApplied: { [DECLINED_KEY]: { decision: 'never' } } });
    expect(logsOf(done).join(' ')).toContain('did not start this sign-in');
    // Without the claim, the same answer is a plain Never and the sign-in completes as the planted account.
    const again = redirected((await start(PAGE, { userId: create('entra').user_id })).result);
    const plain = (await runtime.continueLogin(again, post(await proof(again, { decision: 'never' }), again.state))) as FlowResult;
    expect(plain).toMatchObject({ outcome: 'success' });
  });
});

describe('attacks', () => {
  it('victim-verified pre-registration: the attacker signs up unverified and logs in, the victim verifies it; the victim’s Google login is not merged', async () => {
    const attacker = create(DATABASE, { email_verified: false, created_at: '2024-01-01T00:00:00.000Z' });
    const { action } = await loadAction(current());
    expect(await action.login({ userId: attacker.user_id })).toMatchObject({
      outcome: 'success',
      appMetadataApplied: { [UNVERIFIED_LOGIN_KEY]: { at: expect.any(String) } },
    });
    current().tenant.state.patchUser(attacker.user_id, { email_verified: true });
    const victim = create('google-oauth2');
    const login = await action.login({ userId: victim.user_id });
    expect(login).toMatchObject({ outcome: 'success', subject: victim.user_id });
    expect(login.logs).toEqual(["auto-link: 1 account needs the person's confirmation, not linked: no linking page"]);
    expect(current().tenant.state.getUser(attacker.user_id)!.identities).toHaveLength(1);
    // Without the mark (laundered, or a signup that never logged in) the pair still waits: no reset, no evidence.
    current().tenant.state.patchUser(attacker.user_id, { app_metadata: { [UNVERIFIED_LOGIN_KEY]: null } });
    const victim2 = create('github');
    // (The victim's own GitHub and Google accounts link, as they should; the attacker's account stays apart.)
    expect(await action.login({ userId: victim2.user_id })).toMatchObject({ outcome: 'success', subject: victim.user_id });
    expect(current().tenant.state.getUser(attacker.user_id)!.identities).toHaveLength(1);
    // Once the owner of the address resets that password (evidence), a login links them, ending its sessions first.
    current().tenant.state.changePassword(current().tenant.state.getUser(attacker.user_id)!, DATABASE, 'the-owners-new-password-1');
    current().tenant.state.patchUser(victim.user_id, { app_metadata: { auto_link_checked: null } });
    const after = await action.login({ userId: victim.user_id });
    expect(after, after.logs.join(' | ')).toMatchObject({ outcome: 'success', subject: attacker.user_id });
    expect(after.httpCalls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toContain(
      `DELETE /api/v2/users/${encodeURIComponent(attacker.user_id)}/sessions`,
    );
  });

  it('recycled address: a new, verified Google identity is not merged into an account dormant beyond DORMANT_DAYS', async () => {
    const dormant = create(DATABASE, { created_at: '2019-01-01T00:00:00.000Z', last_password_reset: '2020-01-01T00:00:00.000Z' });
    current().tenant.state.getUser(dormant.user_id)!.last_login = '2022-01-01T00:00:00.000Z';
    const newcomer = create('google-oauth2');
    const guarded = (await start(PAGE, { userId: newcomer.user_id })).result;
    expect(await openOffer(redirected(guarded))).toMatchObject({ offers: [{ ref: await refOf(dormant.user_id) }] });
    // Without the defence (a threshold longer than the dormancy), the same login merges it silently.
    const { action } = await loadAction(current(), { DORMANT_DAYS: '36500' });
    expect(await action.login({ userId: newcomer.user_id })).toMatchObject({ outcome: 'success', subject: dormant.user_id });
  });
});
