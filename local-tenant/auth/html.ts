// The hosted pages' HTML: one plain layout, each page labelled as the local tenant's. Pages are written with Hono's `html`
// tagged template (`hono/html`), which escapes every interpolated value unless it is already markup.
import { html as honoHtml, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { RouteResult } from '../route.ts';

/** Escaped markup: a page's body or a part of it. */
export type Html = HtmlEscapedString;

/** Hono's `html` tagged template, kept synchronous: no page interpolates a promise. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const out = honoHtml(strings, ...values);
  if (out instanceof Promise) throw new TypeError('a page interpolated a promise: the pages render synchronously');
  return out;
}

/** Markup parts, one a line. */
export function lines(parts: readonly Html[]): Html {
  return raw(parts.join('\n'));
}

/** A page of the local tenant: no scripts, no external resources; `no-store` as Auth0's login pages are; landmarks (header, main) and a viewport for phones. */
export function page(title: string, body: Html, status = 200, headers: Record<string, string> = {}): RouteResult {
  const text = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <style>
          body {
            font-family: system-ui, sans-serif;
            max-width: 32rem;
            margin: 2rem auto;
            padding: 0 1rem;
          }
          form {
            margin: 1rem 0;
            padding: 1rem;
            border: 1px solid #ccc;
            border-radius: 6px;
          }
          label {
            display: block;
            margin: 0.5rem 0;
          }
          input {
            width: 100%;
            padding: 0.4rem;
            box-sizing: border-box;
          }
          button {
            padding: 0.5rem 1rem;
            margin-top: 0.5rem;
          }
          .local {
            background: #fff3cd;
            padding: 0.5rem;
            border-radius: 4px;
          }
          .error {
            color: #b00020;
          }
        </style>
      </head>
      <body>
        <header><p class="local">Local Auth0 tenant (for development and tests on this machine: not Auth0).</p></header>
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`.toString();
  return { status, body: null, text, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers } };
}

/** Auth0's error page for a request it cannot send back to the application (unknown client, callback mismatch). */
export function errorPage(status: number, error: string, description: string): RouteResult {
  return page(
    'Oops!, something went wrong',
    html`<p class="error" id="error"><strong>${error}</strong>: <span id="error_description">${description}</span></p>`,
    status,
  );
}

export function hidden(name: string, value: string | undefined): Html | undefined {
  return value === undefined ? undefined : html`<input type="hidden" name="${name}" value="${value}" />`;
}

export function redirect(location: string, headers: Record<string, string> = {}): RouteResult {
  return { status: 302, body: null, text: '', headers: { location, 'cache-control': 'no-store', 'content-type': 'text/plain; charset=utf-8', ...headers } };
}

/** The form or query parameters of a request (application/x-www-form-urlencoded or JSON), strings only. */
export async function readForm(request: Request): Promise<Record<string, string>> {
  const text = await request.text();
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
      }
    } catch {
      return {};
    }
    return {};
  }
  return Object.fromEntries(new URLSearchParams(text));
}
