// What `npm start` and the tests use as a browser where no page needs rendering: a cookie jar and manual redirects over
// fetch, the tenant's login forms, and the linking page's hidden fields and meta-refresh hops.

const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;

export class BrowserlessAgent {
  /** Name → value; tests read and tamper with it. */
  readonly cookies = new Map<string, string>();
  private readonly fetcher: typeof fetch;

  constructor(fetcher: typeof fetch = fetch) {
    this.fetcher = fetcher;
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await this.fetcher(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(url: string): Promise<Response> {
    return this.request(url);
  }

  /** POSTs `form` urlencoded, as an HTML form does. */
  post(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(url, { method: 'POST', body: new URLSearchParams(form), headers: { ...FORM, ...headers } });
  }

  /** Follows redirects on `origin` until one leaves it (the callback or an Action's page) or a page is shown. */
  async follow(url: string, origin: string, init: RequestInit = {}): Promise<{ url: string; response: Response }> {
    let current = url;
    let response = await this.request(current, init);
    while (response.status === 302 || response.status === 303) {
      current = new URL(response.headers.get('location')!, current).href;
      if (!current.startsWith(origin)) return { url: current, response };
      response = await this.request(current);
    }
    return { url: current, response };
  }

  /** Submits the login page's database form with the given credentials. */
  logIn(loginPageUrl: string, origin: string, credentials: { email: string; password: string }): Promise<{ url: string; response: Response }> {
    return this.submitLoginForm(loginPageUrl, origin, '/u/login', { username: credentials.email, password: credentials.password });
  }

  /** Picks `userId` (the identity's own id) on the tenant's stand-in page of a social or enterprise connection. */
  pickIdentity(idpPageUrl: string, origin: string, identity: { connection: string; userId: string }): Promise<{ url: string; response: Response }> {
    return this.submitLoginForm(idpPageUrl, origin, '/u/idp', { connection: identity.connection, user_id: identity.userId });
  }

  /** POSTs a tenant login form for the transaction the page's URL names, and follows where it leads. */
  private submitLoginForm(pageUrl: string, origin: string, path: string, fields: Record<string, string>): Promise<{ url: string; response: Response }> {
    const state = new URL(pageUrl).searchParams.get('state')!;
    return this.follow(`${origin}${path}`, origin, { method: 'POST', headers: FORM, body: new URLSearchParams({ state, ...fields }) });
  }
}

/** The value of the hidden field `name` in a page's HTML. */
export function hiddenField(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
}

/** Where the page's sign-in step sends the browser on (its meta refresh). */
export function refreshTarget(html: string): string | undefined {
  return /http-equiv="refresh" content="0;url=([^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
}

/** The action of the first form in a page's HTML. */
export function formAction(html: string): string | undefined {
  return /<form method="post" action="([^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
}
