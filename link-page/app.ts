// The linking page as a Hono app: request log, security headers, the state cookie and CSRF check, then the three route groups.
import { Hono } from 'hono';
import { deriveKeyBytes, deriveLinkKeys, linkSecretFromClientSecret } from '../actions/link-page-tokens.ts';
import { Page, newCsrfToken, type PageEnv } from './context.ts';
import { themeCss } from './brand.ts';
import { logCodeOf, PageError } from './errors.ts';
import { DEFAULT_LANG, fromAcceptLanguage, fromUiLocales } from './i18n/catalogue.ts';
import { requestLine } from './log.ts';
import { tenantOriginFetch } from './tenant-origin-fetch.ts';
import { Oidc } from './oidc.ts';
import { PageStateCodec, type PageState } from './page-state.ts';
import { accountsRoutes } from './routes/accounts.ts';
import { callbackRoutes } from './routes/callback.ts';
import { confirmRoutes } from './routes/confirm.ts';
import { checkCsrf, securityHeaders } from './security.ts';
import type { Settings } from './settings.ts';
import type { Ui } from './ui.ts';
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
  const fetcher = tenantOriginFetch(settings, options.fetch ?? fetch);
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
    // The browser's language until the state cookie is read (which may hold one asked for with ui_locales).
    c.set('lang', fromUiLocales(c.req.query('ui_locales')) ?? fromAcceptLanguage(c.req.header('accept-language')) ?? DEFAULT_LANG);
    await next();
    for (const [name, value] of Object.entries(securityHeaders(page.secure, page.logoOrigin))) {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }
    if (c.res.headers.get('content-type')?.startsWith('text/html')) c.res.headers.set('content-language', c.get('lang'));
  });
  app.onError((error, c) => {
    const known = error instanceof PageError ? error : undefined;
    c.set('logCode', known ? logCodeOf(known) : `internal ${error.name}`);
    const ui = page.ui(c);
    const body = messageView({
      ui,
      title: known ? ui.t.errors.title : ui.t.errors.internalTitle,
      message: ui.t.errors[known?.key ?? 'internal'],
      error: true,
      back: wayBack(c.get('state'), known, ui),
    });
    return c.html(body, (known?.status ?? 500) as 500);
  });
  app.notFound((c) => {
    c.set('logCode', 'not_found');
    const ui = page.ui(c);
    return c.html(
      messageView({ ui, title: ui.t.errors.notFoundTitle, message: ui.t.errors.notFound, error: true, back: wayBack(c.get('state'), undefined, ui) }),
      404,
    );
  });

  routes.get('/static/styles.css', (c) =>
    c.body(options.assets.css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=300' }),
  );
  const theme = themeCss(settings.brand);
  routes.get('/static/theme.css', (c) => c.body(theme, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=300' }));
  routes.get('/static/auto-submit.js', (c) =>
    c.body(options.assets.script, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' }),
  );

  routes.use(async (c, next) => {
    const existing = await page.readState(c);
    c.set('hadState', existing !== undefined);
    c.set('state', existing ?? { csrf: newCsrfToken() });
    // ui_locales on one of the page's URLs (the query is dropped after it) is kept for the views that follow.
    const asked = fromUiLocales(c.req.query('ui_locales'));
    const kept = fromUiLocales(existing?.lang);
    if (asked && asked !== kept) c.set('state', { ...c.get('state'), lang: asked });
    c.set('lang', asked ?? kept ?? c.get('lang'));
    if (c.req.method === 'POST') {
      const body = await c.req.parseBody().catch(() => ({}));
      const form: Record<string, string> = {};
      for (const [name, value] of Object.entries(body)) if (typeof value === 'string') form[name] = value;
      c.set('form', form);
      checkCsrf({ expected: existing?.csrf, sent: form.csrf, fetchSite: c.req.header('sec-fetch-site') });
    } else if (existing === undefined || c.get('state') !== existing) {
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

/**
 * The error view's way on: back to the linking request while one is open (unless the error is about that request), else to
 * connected accounts. The application's own address is not known to the page (the offer does not carry it).
 */
function wayBack(state: PageState | undefined, error: PageError | undefined, ui: Ui): { href: string; label: string } {
  const aboutRequest = error?.code === 'offer_invalid' || error?.code === 'state_missing';
  if (state?.confirm && !aboutRequest) return { href: `${ui.baseUrl}/link`, label: ui.t.layout.backToRequest };
  return { href: `${ui.baseUrl}/accounts`, label: ui.t.layout.backToAccounts };
}
