// The attack stories' support (test/attack-*.test.ts): the cast with the BUILT Action bound and the linking page in front,
// and the steps people take in their own browsers (BrowserlessAgent cookie jars): sign up, verify, reset, sign in to an
// app, answer the page, continue to the app. Every step goes over loopback HTTP to the local tenant and the page.
import * as oidc from 'openid-client';
import { expect } from 'vitest';
import { BrowserlessAgent, formAction, hiddenField, type LocalTenant, PASSWORD_REALM_GRANT, refreshTarget, signInRuntime } from '../../local-tenant/index.ts';
import { confirmCast, type CastOptions, type ConfirmCast } from './confirm-flow.ts';
import { visibleText } from './link-page.ts';
import { DATABASE, type HttpTestTenant } from './tenant.ts';

/** The victim's address in every story, and the attacker's own. */
export const VICTIM = 'vera.victim@example.com';
export const ATTACKER = 'mallory@attacker.example';
/** The password the attacker chose when signing up with the victim's address. */
export const ATTACKER_PASSWORD = 'Attacker-Chose-1';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;
const JSON_BODY = { 'content-type': 'application/json' } as const;

export interface Story extends ConfirmCast {
  tenant: LocalTenant;
  /** The tenant's loopback origin. */
  origin: string;
  /** The Action's log lines of every real sign-in (start and /continue), in order. */
  actionLogs: string[];
}

/**
 * The built Action bound (never the fixture), the page in front, an app with the code and refresh grants. Call before any
 * sign-in: it records the Action's log lines of the tenant's real sign-ins.
 */
export async function storyCast(t: HttpTestTenant, options: CastOptions = {}): Promise<Story> {
  const actionLogs = recordActionLogs(t.tenant);
  const cast = await confirmCast(t.tenant, t.server.url, t.client, 'bundle', {
    grantTypes: ['authorization_code', 'refresh_token', 'password', PASSWORD_REALM_GRANT],
    ...options,
  });
  return { ...cast, tenant: t.tenant, origin: t.server.url, actionLogs };
}

/** Keeps the post-login flow's log lines of the tenant's real sign-ins (the runtime they run through, made here first). */
function recordActionLogs(tenant: LocalTenant): string[] {
  const logs: string[] = [];
  const runtime = signInRuntime(tenant.state);
  const start = runtime.startLogin;
  const resume = runtime.continueLogin;
  runtime.startLogin = async (actions, request) => {
    const result = await start(actions, request);
    logs.push(...result.steps.flatMap((s) => s.logs));
    return result;
  };
  runtime.continueLogin = async (suspended, http) => {
    // The resumed flow's steps start with the ones before the redirect, already recorded.
    const before = suspended.steps.length;
    const result = await resume(suspended, http);
    logs.push(...result.steps.slice(before).flatMap((s) => s.logs));
    return result;
  };
  return logs;
}

/** The tenant's clock: the real one, moved on by `ahead` ms (kept small: the app checks the tokens' iat and exp). */
export function steppedClock(story: Story): { step(ms: number): void } {
  let ahead = 0;
  story.tenant.state.setClock(() => new Date(Date.now() + ahead));
  return { step: (ms) => (ahead += ms) };
}

/** What the app's callback got: tokens for `sub`, or an error. */
export type AppAnswer = { sub: string; refreshToken?: string } | { error: string; description: string };

/** The app's authorization request (PKCE, its own state) and how it redeems what comes back. */
export async function appAuthorize(
  story: Story,
  extra: Record<string, string> = {},
): Promise<{ url: string; state: string; redeem(callbackUrl: string): Promise<AppAnswer> }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = extra.state ?? oidc.randomState();
  const url = oidc.buildAuthorizationUrl(story.appConfig, {
    redirect_uri: story.appCallback,
    scope: 'openid email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
    state,
  }).href;
  return {
    url,
    state,
    async redeem(callbackUrl) {
      const back = new URL(callbackUrl);
      const error = back.searchParams.get('error');
      if (error) return { error, description: back.searchParams.get('error_description') ?? '' };
      const tokens = await oidc.authorizationCodeGrant(story.appConfig, back, { pkceCodeVerifier: verifier, expectedState: state });
      return { sub: tokens.claims()!.sub, ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}) };
    },
  };
}

/** A person's browser, and where its last step left it. */
export class Person {
  readonly agent = new BrowserlessAgent();
  readonly story: Story;
  /** The app's authorization this browser is in, if any. */
  private app: Awaited<ReturnType<typeof appAuthorize>> | undefined;

  constructor(story: Story) {
    this.story = story;
  }

  /** Starts signing in to the app (`extra` authorization parameters); where the tenant leads first. */
  async startApp(extra: Record<string, string> = {}): Promise<string> {
    this.app = await appAuthorize(this.story, extra);
    return (await this.agent.follow(this.app.url, this.story.origin)).url;
  }

  /** Signs up on the tenant's login page with the database form; where that leads. */
  async signUp(loginPageUrl: string, credentials: { email: string; password: string }): Promise<string> {
    const state = new URL(loginPageUrl).searchParams.get('state')!;
    const form = { state, connection: DATABASE, email: credentials.email, password: credentials.password };
    return (await this.agent.follow(`${this.story.origin}/u/signup`, this.story.origin, { method: 'POST', headers: FORM, body: new URLSearchParams(form) }))
      .url;
  }

  /** Signs up with the public signup endpoint (`connection` default the database): no login, so no mark; the answer. */
  async signUpWithoutLogin(fields: { email: string; password: string; connection?: string } & Record<string, unknown>): Promise<Response> {
    const body = { client_id: this.story.app.client_id, connection: DATABASE, ...fields };
    return this.agent.request(`${this.story.origin}/dbconnections/signup`, { method: 'POST', headers: JSON_BODY, body: JSON.stringify(body) });
  }

  async logIn(loginPageUrl: string, credentials: { email: string; password: string }): Promise<string> {
    return (await this.agent.logIn(loginPageUrl, this.story.origin, credentials)).url;
  }

  /** On a stand-in IdP page: signs in as the identity `userId`, made with a verified `email` on its first login. */
  async idp(idpPageUrl: string, identity: { connection: string; userId: string; email: string }): Promise<string> {
    const state = new URL(idpPageUrl).searchParams.get('state')!;
    const form = { state, connection: identity.connection, user_id: identity.userId, email: identity.email, email_verified: 'true' };
    return (await this.agent.follow(`${this.story.origin}/u/idp`, this.story.origin, { method: 'POST', headers: FORM, body: new URLSearchParams(form) })).url;
  }

  /** Signs in to the app afresh with the stand-in IdP of `connection` as `userId` (verified `email`); where that leads. */
  async appIdp(connection: string, userId: string, email: string, extra: Record<string, string> = {}): Promise<string> {
    const idp = await this.startApp({ connection, prompt: 'login', ...extra });
    expect(idp).toContain('/u/idp?');
    return this.idp(idp, { connection, userId, email });
  }

  /** Signs in to the app with a password (prompt=login: the password itself, not a session); where that leads. */
  async appPassword(credentials: { email: string; password: string }, extra: Record<string, string> = {}): Promise<string> {
    const login = await this.startApp({ connection: DATABASE, prompt: 'login', ...extra });
    expect(login).toContain('/u/login?');
    return this.logIn(login, credentials);
  }

  /** What the app got at its callback `url` (the end of its authorization). */
  async appGot(url: string): Promise<AppAnswer> {
    expect(url.startsWith(this.story.appCallback)).toBe(true);
    return this.app!.redeem(url);
  }

  /**
   * Ends an app sign-in that reached `url`: when the Action sent the browser to the page, the person answers "Not now"
   * there (they cannot prove the other account); then what the app got.
   */
  async finish(url: string): Promise<AppAnswer> {
    if (!url.startsWith(`${this.story.page.url}/`)) return this.appGot(url);
    await this.openOffer(url);
    return this.appGot(await this.continueToApp(await this.decline('later')));
  }

  /** The connected accounts view's sign-in, started; where the tenant leads. */
  async startAccounts(): Promise<string> {
    const { page, origin } = this.story;
    const signedOut = await (await this.agent.get(`${page.url}/accounts`)).text();
    const step = await this.agent.post(`${page.url}/accounts/sign-in`, { csrf: hiddenField(signedOut, 'csrf')! });
    const authorize = new URL(refreshTarget(await step.text())!);
    return (await this.agent.follow(authorize.href, origin)).url;
  }

  /** The connected accounts view after its sign-in came back to the page at `url`; its form token. */
  async accountsAfter(url: string): Promise<string> {
    const { page } = this.story;
    expect(url.startsWith(`${page.url}/callback?`)).toBe(true);
    expect((await this.agent.get(url)).headers.get('location')).toBe(`${page.url}/accounts`);
    const listed = await (await this.agent.get(`${page.url}/accounts`)).text();
    expect(visibleText(listed)).toContain('Ways you sign in');
    return hiddenField(listed, 'csrf')!;
  }

  /** "Link another account" on connected accounts (`connection`, if the page lists some); where the tenant leads. */
  async startLinkAnother(csrf: string, connection?: string): Promise<string> {
    const { page, origin } = this.story;
    const step = await this.agent.post(`${page.url}/accounts/link`, { csrf, ...(connection ? { connection } : {}) });
    expect(step.status).toBe(200);
    return (await this.agent.follow(refreshTarget(await step.text())!, origin)).url;
  }

  /** Unlinks the identity on connected accounts, through its confirmation; the result's text. */
  async unlink(csrf: string, identity: { provider: string; user_id: string }): Promise<string> {
    const { page } = this.story;
    expect((await this.agent.post(`${page.url}/accounts/unlink`, { csrf, ...identity })).status).toBe(200);
    const done = await this.agent.post(`${page.url}/accounts/unlink/confirm`, { csrf, ...identity });
    expect(done.status).toBe(200);
    return visibleText(await done.text());
  }

  /** prompt=none at the app: tokens while this browser's tenant session signs it in, else the error. */
  async silent(extra: Record<string, string> = {}): Promise<AppAnswer> {
    return this.appGot(await this.startApp({ prompt: 'none', ...extra }));
  }

  /** Follows the mail's link to `to` with `subject` from the tenant's outbox, in this browser. */
  async openMail(to: string, subject: string): Promise<Response> {
    const mail = this.story.tenant.state.authentication.outbox.filter((m) => m.to === to && m.subject === subject).at(-1);
    expect(mail, `a mail "${subject}" to ${to}`).toBeDefined();
    return this.agent.get(`${this.story.origin}${mail!.link!}`);
  }

  /** Clicks the verification mail that a signup with `email` sent. */
  async verifyEmail(email: string): Promise<void> {
    const page = await this.openMail(email, 'Verify your email');
    expect(await page.text()).toContain('successfully verified');
  }

  /** "Forgot your password": the reset mail to `email`, its link, a new password on the reset page. */
  async resetPassword(email: string, password: string): Promise<void> {
    const { origin } = this.story;
    const asked = await this.agent.post(`${origin}/dbconnections/change_password`, { client_id: this.story.app.client_id, connection: DATABASE, email });
    expect(asked.status).toBe(200);
    const form = await this.openMail(email, 'Reset your password');
    expect(form.status).toBe(200);
    const ticket = hiddenField(await form.text(), 'ticket')!;
    const done = await this.agent.post(`${origin}/u/reset-password`, { ticket, password });
    expect(await done.text()).toContain('changed successfully');
  }

  /** The page's confirm view after the Action's redirect to `offerUrl` (kept in the cookie, the URL cleaned). */
  async openOffer(offerUrl: string): Promise<string> {
    expect(offerUrl.startsWith(`${this.story.page.url}/link?`)).toBe(true);
    const read = await this.agent.get(offerUrl);
    expect(read.status).toBe(303);
    return this.confirmView();
  }

  /** The confirm view as this browser sees it now. */
  async confirmView(): Promise<string> {
    const view = await this.agent.get(`${this.story.page.url}/link`);
    expect(view.status).toBe(200);
    return view.text();
  }

  /** Answers the confirm view `decision`; the continue view's HTML. */
  async decline(decision: 'later' | 'never' | 'not-me'): Promise<string> {
    const csrf = hiddenField(await this.confirmView(), 'csrf')!;
    const answered = await this.agent.post(`${this.story.page.url}/link/decline`, { csrf, decision });
    expect(answered.status).toBe(200);
    return answered.text();
  }

  /** Presses "Sign in with … to link" for the offered account `index`; where the tenant leads. */
  async startProof(index = 0): Promise<string> {
    const csrf = hiddenField(await this.confirmView(), 'csrf')!;
    const step = await this.agent.post(`${this.story.page.url}/link/sign-in`, { csrf, account: String(index) });
    const authorize = new URL(refreshTarget(await step.text())!);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ prompt: 'login', max_age: '0' });
    return (await this.agent.follow(authorize.href, this.story.origin)).url;
  }

  /** The page's callback at `url` after a proof's sign-in: the continue view's HTML, or the page's refusal. */
  async pageCallback(url: string): Promise<Response> {
    expect(url.startsWith(`${this.story.page.url}/callback?`)).toBe(true);
    return this.agent.get(url);
  }

  /** Posts the continue view's proof to the tenant's /continue, as its form does; where the login ends. */
  async continueToApp(continueHtml: string): Promise<string> {
    const action = formAction(continueHtml)!;
    expect(action.startsWith(`${this.story.origin}/continue?state=`)).toBe(true);
    const proof = hiddenField(continueHtml, 'link_proof')!;
    return (await this.agent.follow(action, this.story.origin, { method: 'POST', headers: FORM, body: new URLSearchParams({ link_proof: proof }) })).url;
  }
}

/** The user holding the identity `provider|id`, and that user's identities as `provider|user_id`. */
export function holderOf(tenant: LocalTenant, userId: string): { user_id: string; identities: string[] } | undefined {
  const [provider, ...rest] = userId.split('|');
  const owner = tenant.state.ownerOfIdentity(provider!, rest.join('|'));
  return owner && { user_id: owner.user_id, identities: owner.identities.map((i) => `${i.provider}|${String(i.user_id)}`) };
}

/** The identities of the user `userId` as `provider|user_id`; empty when there is no such user. */
export function identitiesOf(tenant: LocalTenant, userId: string): string[] {
  return (tenant.state.getUser(userId)?.identities ?? []).map((i) => `${i.provider}|${String(i.user_id)}`);
}

/** A refresh token's exchange at /oauth/token: the sub it gives, or the error. */
export async function refresh(story: Story, token: string): Promise<AppAnswer> {
  try {
    return { sub: (await oidc.refreshTokenGrant(story.appConfig, token)).claims()!.sub };
  } catch (error) {
    return { error: String((error as { error?: string }).error), description: String((error as { error_description?: string }).error_description) };
  }
}

/** The database account made with `email` (the first one, when there are several). */
export function databaseAccount(tenant: LocalTenant, email: string): string {
  const found = [...tenant.state.allUsers()].find((u) => u.email === email && u.identities[0]!.connection === DATABASE);
  expect(found, `a database account with ${email}`).toBeDefined();
  return found!.user_id;
}

/** A view's text as a person reads it. */
export const text = visibleText;
