// The linking page as a Hono app: request log, security headers, the state cookie and CSRF check, then the three route groups.
import { Hono } from 'hono';
import { deriveKeyBytes, deriveLinkKeys, linkSecretFromClientSecret } from '../actions/link-page-tokens.ts';
import { Page, newCsrfToken, type PageEnv } from './context.ts';
import { PageError } from './errors.ts';
import { requestLine } from './log.ts';
import { tenantFetch } from './tenant-fetch.ts';
import { Oidc } from './oidc.ts';
import { PageStateCodec } from './page-state.ts';
import { accountsRoutes } from './routes/accounts.ts';
import { callbackRoutes } from './routes/callback.ts';
import { confirmRoutes } from './routes/confirm.ts';
import { checkCsrf, securityHeaders } from './security.ts';
import type { Settings } from './settings.ts';
import { messageView } from './views/message.ts';

/** The page's cookie key: derived from LINK_SECRET under its own label, so it is never a key of a token. */
const COOKIE_KEY_LABEL = 'auto-link page cookie v1';

export interface PageAssets {
  css: string;
  script: string;
}

export interface PageOptions {
  assets: PageAssets;
  fetch?: typeof fetch;
  /** Epoch milliseconds. */
  now?: () => number;
  log?: (line: string) => void;
}

export async function createLinkPage(settings: Settings, options: PageOptions): Promise<Hono<PageEnv>> {
  const fetcher = tenantFetch(settings, options.fetch ?? fetch);
  const log = options.log ?? ((line: string) => console.log(line));
  const linkSecret = settings.linkSecret ?? (await linkSecretFromClientSecret(settings.clientSecret));
  const [keys, cookieKey] = await Promise.all([deriveLinkKeys(linkSecret), deriveKeyBytes(linkSecret, COOKIE_KEY_LABEL)]);
  const codec = new PageStateCodec(cookieKey, settings.baseUrl);
  const page = new Page({ settings, keys, codec, oidc: new Oidc(settings, fetcher), fetcher, clock: options.now ?? Date.now });
  const prefix = new URL(settings.baseUrl).pathname.replace(/\/$/, '');
  const app = new Hono<PageEnv>();
  const routes = prefix === '' ? app : app.basePath(prefix);

  app.use(async (c, next) => {
    const started = performance.now();
    c.set('logCode', undefined);
    await next();
    log(requestLine({ method: c.req.method, path: c.req.path, status: c.res.status, ms: performance.now() - started, code: c.get('logCode') }));
  });
  app.use(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(securityHeaders(page.secure))) {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }
  });
  app.onError((error, c) => {
    const known = error instanceof PageError ? error : undefined;
    c.set('logCode', known?.code ?? `internal ${error.name}`);
    const body = messageView({
      baseUrl: settings.baseUrl,
      title: known ? 'That did not work' : 'Something went wrong',
      message: known?.message ?? 'The page failed on our side. Nothing was changed; try again in a moment.',
      error: true,
    });
    return c.html(body, (known?.status ?? 500) as 500);
  });

  routes.get('/static/styles.css', (c) =>
    c.body(options.assets.css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=300' }),
  );
  routes.get('/static/auto-submit.js', (c) =>
    c.body(options.assets.script, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' }),
  );

  routes.use(async (c, next) => {
    const existing = await page.readState(c);
    c.set('hadState', existing !== undefined);
    c.set('state', existing ?? { csrf: newCsrfToken() });
    if (c.req.method === 'POST') {
      const body = await c.req.parseBody().catch(() => ({}));
      const form: Record<string, string> = {};
      for (const [name, value] of Object.entries(body)) if (typeof value === 'string') form[name] = value;
      c.set('form', form);
      checkCsrf({ expected: existing?.csrf, sent: form.csrf, fetchSite: c.req.header('sec-fetch-site') });
    } else if (existing === undefined) {
      // The forms this GET renders carry the token, so the browser must hold it.
      await page.saveState(c, c.get('state'));
    }
    await next();
  });

  routes.get('/', (c) => c.redirect(`${settings.baseUrl}/accounts`, 303));
  confirmRoutes(routes, page);
  accountsRoutes(routes, page);
  callbackRoutes(routes, page);
  return app;
}
