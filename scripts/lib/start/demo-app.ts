// The demo web application `npm start -- --keep` serves beside the local tenant: a regular web app that signs people in
// through the tenant's /authorize (code flow with PKCE), shows the ID token's claims and the account's identities, and
// sends people to the linking page's connected accounts to link or unlink, as an application of the tenant would.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { escapeText, renderPage, type PageView } from './demo-app-page.ts';

export interface DemoAppOptions {
  /** Where the tenant really listens (http://127.0.0.1:port). */
  tenantUrl: string;
  /** The tenant's domain: its tokens' issuer is https://{domain}/ and its Management API https://{domain}/api/v2/. */
  domain: string;
  clientId: string;
  clientSecret: string;
  /** The claim the Action sets on the ID token with the accounts it linked. */
  linkedClaim: string;
  /** The linking page's connected-accounts view, where a signed-in person links and unlinks their own accounts. */
  accountsUrl?: string;
  /** Default 0: a free port. */
  port?: number;
}

export interface DemoApp {
  url: string;
  /** `{url}/callback`: register it among the application's callback URLs, and `url` among its logout URLs. */
  callbackUrl: string;
  close(): Promise<void>;
}

/** The scopes the app asks for: the profile, and reading the user's own identities from the Management API. */
export const DEMO_APP_SCOPES = 'openid profile email read:current_user';

const COOKIE = 'demo_app_session';

/** A sign-in under way: what the callback must find again (RFC 6749 §10.12 state, PKCE verifier, OIDC nonce). */
interface PendingSignIn {
  state: string;
  verifier: string;
  nonce: string;
}

interface SignedIn {
  claims: JWTPayload;
  accessToken: string;
}

interface Session {
  pending?: PendingSignIn;
  user?: SignedIn;
  notice?: { kind: 'ok' | 'error'; text: string };
}

/** Starts the demo app on 127.0.0.1; its sessions live in memory and die with it. */
export async function startDemoApp(options: DemoAppOptions): Promise<DemoApp> {
  const sessions = new Map<string, Session>();
  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', options.tenantUrl));
  let url = '';
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      send(res, 500, `<p>The demo app failed: ${escapeText(error instanceof Error ? error.message : String(error))}</p>`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const callbackUrl = `${url}/callback`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = new URL(req.url ?? '/', url);
    const [id, session] = sessionOf(req, res);
    const route = `${req.method} ${request.pathname}`;
    if (route === 'GET /') return showPage(res, session);
    if (route === 'GET /login') return redirect(res, beginSignIn(session));
    if (route === 'GET /callback') return redirect(res, await finishSignIn(session, request.searchParams));
    if (route === 'GET /logout') {
      sessions.delete(id);
      res.setHeader('set-cookie', `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
      // Ends the tenant's session too, or the next sign-in would pass without a login page (SSO).
      const logout = new URL('/v2/logout', options.tenantUrl);
      logout.searchParams.set('client_id', options.clientId);
      logout.searchParams.set('returnTo', url);
      return redirect(res, logout.href);
    }
    send(res, 404, '<p>Not found. <a href="/">Back to the demo app</a>.</p>');
  }

  function sessionOf(req: IncomingMessage, res: ServerResponse): [string, Session] {
    const cookie = /(?:^|;\s*)demo_app_session=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1];
    const known = cookie === undefined ? undefined : sessions.get(cookie);
    if (cookie !== undefined && known) return [cookie, known];
    const id = randomBytes(24).toString('base64url');
    const session: Session = {};
    sessions.set(id, session);
    res.setHeader('set-cookie', `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`);
    return [id, session];
  }

  function beginSignIn(session: Session): string {
    const pending: PendingSignIn = { state: random(), verifier: random(), nonce: random() };
    session.pending = pending;
    const authorize = new URL('/authorize', options.tenantUrl);
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: options.clientId,
      redirect_uri: callbackUrl,
      scope: DEMO_APP_SCOPES,
      audience: `https://${options.domain}/api/v2/`,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: createHash('sha256').update(pending.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    };
    for (const [key, value] of Object.entries(params)) authorize.searchParams.set(key, value);
    return authorize.href;
  }

  async function finishSignIn(session: Session, params: URLSearchParams): Promise<string> {
    const pending = session.pending;
    delete session.pending;
    if (!pending || params.get('state') !== pending.state) {
      session.notice = { kind: 'error', text: 'That sign-in was not started here (state mismatch); sign in again.' };
      return '/';
    }
    const error = params.get('error');
    if (error !== null) {
      session.notice = {
        kind: 'error',
        text: `The tenant refused the sign-in: ${error}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}.`,
      };
      return '/';
    }
    const tokens = await tenantCall('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: options.clientId,
        client_secret: options.clientSecret,
        code: params.get('code') ?? '',
        code_verifier: pending.verifier,
        redirect_uri: callbackUrl,
      }),
    });
    if (!tokens.ok) {
      session.notice = { kind: 'error', text: `The token exchange failed: ${describeError(tokens.body)}.` };
      return '/';
    }
    const idToken = String(tokens.body.id_token);
    const { payload } = await jwtVerify(idToken, jwks, { issuer: `https://${options.domain}/`, audience: options.clientId, algorithms: ['RS256'] });
    if (payload.nonce !== pending.nonce) {
      session.notice = { kind: 'error', text: 'The ID token does not carry this sign-in’s nonce; sign in again.' };
      return '/';
    }
    session.user = { claims: payload, accessToken: String(tokens.body.access_token) };
    return '/';
  }

  async function showPage(res: ServerResponse, session: Session): Promise<void> {
    const view: PageView = { linkedClaim: options.linkedClaim, ...(options.accountsUrl ? { accountsUrl: options.accountsUrl } : {}) };
    if (session.notice) {
      view.notice = session.notice;
      delete session.notice;
    }
    if (session.user) {
      view.claims = session.user.claims;
      const profile = await tenantCall(`/api/v2/users/${encodeURIComponent(String(session.user.claims.sub))}`, {
        headers: { authorization: `Bearer ${session.user.accessToken}` },
      });
      if (profile.ok) view.identities = profile.body.identities as PageView['identities'];
    }
    send(res, 200, renderPage(view));
  }

  async function tenantCall(path: string, init: RequestInit): Promise<{ ok: boolean; body: Record<string, unknown> }> {
    const response = await fetch(new URL(path, options.tenantUrl), init);
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return { ok: response.ok, body };
  }

  return {
    url,
    callbackUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function random(): string {
  return randomBytes(32).toString('base64url');
}

/** An OAuth (`error_description`) or Management API (`message`) error body as one phrase. */
function describeError(body: Record<string, unknown>): string {
  return String(body.message ?? body.error_description ?? body.error ?? 'no reason given').replace(/\.$/, '');
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

function send(res: ServerResponse, status: number, html: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}
