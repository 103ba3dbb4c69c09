// One login of the demo web app through the local tenant's real sign-in over HTTP, made as a person makes it: /authorize,
// the login page, their choice on the linking page when the Action sends them there, then the code for an ID token.
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { connectionLabel } from '../../link-page/views/connection-label.ts';
import { BrowserlessAgent, formAction, hiddenField, refreshTarget } from '../../local-tenant/index.ts';

/** Whom the person signs in as: a connection and the identity's own id; database identities with their email and password. */
export interface SignInAs {
  connection: string;
  id: string;
  database?: { email: string; password: string };
}

/** What the person does on the linking page: sign in to the offered account to prove it, or keep the accounts apart. */
export type LinkPageChoice = { prove: SignInAs } | { decline: 'later' | 'never' };

export interface WebLoginInput {
  /** Where the tenant listens, and its domain (the ID token's issuer is https://{domain}/). */
  tenantUrl: string;
  domain: string;
  app: { client_id: string; client_secret: string };
  /** One of the app's callback URLs; nothing needs to listen there, the login stops when the tenant sends the browser to it. */
  callbackUrl: string;
  as: SignInAs;
  /** Where the linking page is served: a login the Action sends elsewhere fails. */
  linkPageUrl: string;
  choice?: LinkPageChoice;
  /** The scripted browser's fetch (default the global one): the bench counts its requests through it. */
  browserFetch?: typeof fetch;
}

export type WebLogin = { outcome: 'success'; subject: string; askedToLink: boolean } | { outcome: 'failure'; reason: string; askedToLink: boolean };

export async function webLogin(input: WebLoginInput): Promise<WebLogin> {
  const agent = new BrowserlessAgent(input.browserFetch);
  const { tenantUrl } = input;
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const authorize = new URL('/authorize', tenantUrl);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: input.app.client_id,
    redirect_uri: input.callbackUrl,
    scope: 'openid profile email',
    state,
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    connection: input.as.connection,
    prompt: 'login',
  }).toString();
  let at = await authenticate(agent, (await agent.follow(authorize.href, tenantUrl)).url, tenantUrl, input.as);
  const pageOrigin = new URL(input.linkPageUrl).origin;
  const askedToLink = at.startsWith(`${pageOrigin}/`);
  if (askedToLink) {
    if (!input.choice) throw new Error('the Action sent the login to the linking page, and this login has no choice to make there');
    at = await answerLinkPage(agent, at, { tenantUrl, pageOrigin, choice: input.choice });
  }
  if (!at.startsWith(`${input.callbackUrl}?`)) throw new Error(`the login ended at ${new URL(at).pathname} instead of the app's callback`);
  const answer = new URL(at).searchParams;
  if (answer.get('state') !== state) throw new Error("the callback's state is not the app's");
  if (answer.get('error')) return { outcome: 'failure', reason: `${answer.get('error')}: ${answer.get('error_description') ?? ''}`, askedToLink };
  const subject = await redeem(input, answer.get('code') ?? '', verifier, nonce);
  return { outcome: 'success', subject, askedToLink };
}

/** Signs in on the tenant's login page (database form) or stand-in identity provider page; returns where it leads. */
async function authenticate(agent: BrowserlessAgent, loginPage: string, tenantUrl: string, as: SignInAs): Promise<string> {
  if (!loginPage.startsWith(`${tenantUrl}/u/`)) throw new Error(`expected the tenant's login page, got ${new URL(loginPage).pathname}`);
  const done = as.database
    ? await agent.logIn(loginPage, tenantUrl, as.database)
    : await agent.pickIdentity(loginPage, tenantUrl, { connection: as.connection, userId: as.id });
  if (done.url.startsWith(`${tenantUrl}/u/`)) throw new Error(`the tenant's login page did not accept the ${as.connection} identity (${done.response.status})`);
  return done.url;
}

/** On the linking page: proves the offered account by signing in to it, or declines; then back to the tenant's /continue. */
async function answerLinkPage(
  agent: BrowserlessAgent,
  pageUrl: string,
  at: { tenantUrl: string; pageOrigin: string; choice: LinkPageChoice },
): Promise<string> {
  const { tenantUrl, pageOrigin, choice } = at;
  const offer = await agent.follow(pageUrl, pageOrigin);
  const html = await offer.response.text();
  const csrf = hiddenField(html, 'csrf');
  if (offer.response.status !== 200 || csrf === undefined) throw new Error(`the linking page answered ${offer.response.status} to the Action's offer`);
  let answered: Response;
  if ('decline' in choice) answered = await agent.post(`${pageOrigin}/link/decline`, { csrf, decision: choice.decline });
  else {
    const account = offeredIndex(html, choice.prove.connection);
    const step = await agent.post(`${pageOrigin}/link/sign-in`, { csrf, account });
    const signIn = refreshTarget(await step.text());
    if (!signIn) throw new Error(`the linking page did not start the sign-in (${step.status})`);
    const back = await authenticate(agent, (await agent.follow(signIn, tenantUrl)).url, tenantUrl, choice.prove);
    answered = await agent.get(back);
  }
  const page = await answered.text();
  const continueUrl = formAction(page);
  const proof = hiddenField(page, 'link_proof');
  if (answered.status !== 200 || !continueUrl || proof === undefined)
    throw new Error(`the linking page answered ${answered.status} without a way back to the login`);
  return (
    await agent.follow(continueUrl, tenantUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ link_proof: proof }),
    })
  ).url;
}

/** The index of the offered account on `connection`: the page names each by its connection's label. */
function offeredIndex(html: string, connection: string): string {
  const label = connectionLabel(connection);
  for (const form of html.split('<form').slice(1)) {
    const index = /name="account" value="(\d+)"/.exec(form)?.[1];
    if (index !== undefined && form.includes(`Sign in with ${label} to link`)) return index;
  }
  throw new Error(`the linking page offers no ${connection} account`);
}

/** The authorization code for tokens at /oauth/token; the ID token verified against the tenant's keys. Returns its `sub`. */
async function redeem(input: WebLoginInput, code: string, verifier: string, nonce: string): Promise<string> {
  const response = await fetch(new URL('/oauth/token', input.tenantUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: input.callbackUrl,
      client_id: input.app.client_id,
      client_secret: input.app.client_secret,
      code_verifier: verifier,
    }),
  });
  if (!response.ok) throw new Error(`the tenant's token endpoint answered ${response.status} to the app's code`);
  const { id_token: idToken } = (await response.json()) as { id_token?: string };
  if (!idToken) throw new Error('the token endpoint returned no ID token');
  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', input.tenantUrl));
  const { payload } = await jwtVerify(idToken, jwks, { issuer: `https://${input.domain}/`, audience: input.app.client_id });
  if (payload.nonce !== nonce) throw new Error("the ID token's nonce is not the app's");
  return payload.sub!;
}
