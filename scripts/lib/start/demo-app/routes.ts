// The demo app's Hono routes (page, /login, /callback, /logout) and its in-memory sessions under an unguessable cookie.
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Configuration } from 'openid-client';
import { messagePage, renderPage, type PageView } from '../demo-app-page.ts';
import { beginSignIn, finishSignIn, identitiesOf, type PendingSignIn, type SignedIn } from './tenant-sign-in.ts';

const COOKIE = 'demo_app_session';
const COOKIE_OPTIONS = { path: '/', httpOnly: true, sameSite: 'Lax' } as const;

interface Session {
  pending?: PendingSignIn;
  user?: SignedIn;
  notice?: string;
}

export interface DemoRoutes {
  config: Configuration;
  /** The app's own origin, known once it listens. */
  url: string;
  tenantUrl: string;
  domain: string;
  clientId: string;
  linkedClaim: string;
  accountsUrl?: string;
}

export function demoAppRoutes(options: DemoRoutes): Hono {
  const sessions = new Map<string, Session>();
  const callbackUrl = `${options.url}/callback`;
  const sessionOf = (c: Context): Session | undefined => sessions.get(getCookie(c, COOKIE) ?? '');
  /** A new session under a new id, replacing the visitor's: a signed-in session never keeps the id it had before. */
  const newSession = (c: Context, session: Session = {}): Session => {
    sessions.delete(getCookie(c, COOKIE) ?? '');
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, session);
    setCookie(c, COOKIE, id, COOKIE_OPTIONS);
    return session;
  };

  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    // Every answer is this visitor's own (their claims, their sign-in under way).
    c.res.headers.set('cache-control', 'no-store');
  });
  app.onError((error, c) => c.html(messagePage(`The demo app failed: ${error.message}`), 500));
  app.notFound((c) => c.html(messagePage('Not found.'), 404));

  app.get('/', async (c) => {
    const session = sessionOf(c);
    const view: PageView = { linkedClaim: options.linkedClaim, ...(options.accountsUrl ? { accountsUrl: options.accountsUrl } : {}) };
    if (session?.notice) {
      view.notice = session.notice;
      delete session.notice;
    }
    if (session?.user) {
      view.claims = session.user.claims;
      const identities = await identitiesOf(options.config, options.domain, session.user);
      if (identities) view.identities = identities;
    }
    return c.html(renderPage(view));
  });

  app.get('/login', async (c) => {
    const { url, pending } = await beginSignIn(options.config, callbackUrl, options.domain);
    (sessionOf(c) ?? newSession(c)).pending = pending;
    return c.redirect(url, 302);
  });

  app.get('/callback', async (c) => {
    const session = sessionOf(c);
    if (!session?.pending) {
      (session ?? newSession(c)).notice = 'That sign-in was not started here (no sign-in under way); sign in again.';
      return c.redirect('/', 302);
    }
    const pending = session.pending;
    // One use: whatever happens next, this sign-in's state, verifier and nonce are spent.
    delete session.pending;
    // The redirect_uri the code was issued for, whatever host name the browser used to reach the app.
    const result = await finishSignIn(options.config, new URL(`${callbackUrl}${new URL(c.req.url).search}`), pending);
    if ('failure' in result) session.notice = result.failure;
    else newSession(c, { user: result });
    return c.redirect('/', 302);
  });

  app.get('/logout', (c) => {
    sessions.delete(getCookie(c, COOKIE) ?? '');
    deleteCookie(c, COOKIE, COOKIE_OPTIONS);
    // Ends the tenant's session too, or the next sign-in would pass without a login page (SSO). Auth0's /v2/logout is
    // not in the discovery document, so its URL is built here.
    const logout = new URL('/v2/logout', options.tenantUrl);
    logout.searchParams.set('client_id', options.clientId);
    logout.searchParams.set('returnTo', options.url);
    return c.redirect(logout.href, 302);
  });
  return app;
}
