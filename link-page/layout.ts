// The one layout every view renders into: language, title, the stylesheet and a main landmark. Rebrand here and in styles.css.
import { html, type Html } from './html.ts';

export interface LayoutOptions {
  title: string;
  baseUrl: string;
  /** Extra head elements (a meta refresh, the auto-submit script). */
  head?: Html;
}

export const PRODUCT_NAME = 'Account linking';

export function layout(options: LayoutOptions, body: Html): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${options.title} · ${PRODUCT_NAME}</title>
        <link rel="stylesheet" href="${options.baseUrl}/static/styles.css" />
        ${options.head}
      </head>
      <body>
        <header class="site"><p class="brand">${PRODUCT_NAME}</p></header>
        <main id="main">
          <h1>${options.title}</h1>
          ${body}
        </main>
      </body>
    </html> `.value;
}

/** A POST form to the page itself carrying the CSRF token. */
export function postForm(action: string, csrf: string, fields: Record<string, string>, button: Html): Html {
  return html`<form method="post" action="${action}">
    <input type="hidden" name="csrf" value="${csrf}" />
    ${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)} ${button}
  </form>`;
}
