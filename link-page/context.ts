// What every route shares: settings, keys, the state cookie, OIDC, the clock, and how a view or an error is answered.
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { LinkKeys } from '../actions/link-page-tokens.ts';
import type { Oidc } from './oidc.ts';
import { PageStateCodec, STATE_TTL_SECONDS, type PageState } from './page-state.ts';
import { logoOrigin } from './brand.ts';
import type { Lang } from './i18n/catalogue.ts';
import { continueCsp } from './security.ts';
import type { Settings } from './settings.ts';
import { uiOf, type Ui } from './ui.ts';

export interface PageVariables {
  state: PageState;
  /** False when the browser brought no valid state cookie (a fresh state was made for this request). */
  hadState: boolean;
  form: Record<string, string>;
  /** The error code, if any, for the request's log line. */
  logCode: string | undefined;
  /** The person's language (ui_locales, else Accept-Language, else English). */
  lang: Lang;
}

export type PageEnv = { Variables: PageVariables };
export type PageContext = Context<PageEnv>;

export class Page {
  readonly cookieName: string;
  readonly secure: boolean;
  readonly settings: Settings;
  readonly keys: LinkKeys;
  readonly codec: PageStateCodec;
  readonly oidc: Oidc;
  readonly fetcher: typeof fetch;
  private readonly clock: () => number;

  constructor(input: { settings: Settings; keys: LinkKeys; codec: PageStateCodec; oidc: Oidc; fetcher: typeof fetch; clock: () => number }) {
    ({ settings: this.settings, keys: this.keys, codec: this.codec, oidc: this.oidc, fetcher: this.fetcher, clock: this.clock } = input);
    const settings = this.settings;
    this.secure = settings.baseUrl.startsWith('https:');
    // __Host- binds the cookie to this exact origin; browsers accept the prefix only with Secure, so not on plain http.
    this.cookieName = this.secure ? '__Host-link-page' : 'link-page';
  }

  /** The logo's origin, which the CSP's img-src allows. */
  get logoOrigin(): string | undefined {
    return logoOrigin(this.settings.brand);
  }

  /** What the views of this request render with: base URL, language, brand. */
  ui(c: PageContext): Ui {
    return uiOf({ baseUrl: this.settings.baseUrl, brand: this.settings.brand, lang: c.get('lang') });
  }

  nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  async readState(c: PageContext): Promise<PageState | undefined> {
    return this.codec.open(getCookie(c, this.cookieName), this.nowSeconds());
  }

  async saveState(c: PageContext, state: PageState): Promise<void> {
    c.set('state', state);
    const sealed = await this.codec.seal(state, this.nowSeconds());
    setCookie(c, this.cookieName, sealed, { httpOnly: true, secure: this.secure, sameSite: 'Lax', path: '/', maxAge: STATE_TTL_SECONDS });
  }

  /** The tenant's /continue for the transaction the offer came with. */
  continueUrl(state: string): string {
    return `${this.settings.tenantOrigin}/continue?${new URLSearchParams({ state })}`;
  }

  view(c: PageContext, body: string, status = 200): Response {
    return c.html(body, status as 200);
  }

  /** The view posting to /continue: the one response whose CSP has no form-action (see security.ts). */
  continueView(c: PageContext, body: string): Response {
    c.header('content-security-policy', continueCsp(this.logoOrigin));
    return c.html(body);
  }
}

export function newCsrfToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
