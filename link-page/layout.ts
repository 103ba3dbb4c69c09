// The one layout every view renders into: the person's language, the title, the brand's header (name, logo), both
// stylesheets and a main landmark. Rebrand through the settings (brand.ts) and styles.css's custom properties.
import { fill } from './i18n/catalogue.ts';
import { html, type Html } from './html.ts';
import type { Ui } from './ui.ts';

export interface LayoutOptions {
  title: string;
  /** Extra head elements (a meta refresh, the auto-submit script). */
  head?: Html;
}

export function layout(ui: Ui, options: LayoutOptions, body: Html): string {
  const { baseUrl, lang, t, brand } = ui;
  const name = brand.name ?? t.layout.productName;
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${fill(t.layout.titleOf, { title: options.title, brand: name })}</title>
        <link rel="stylesheet" href="${baseUrl}/static/styles.css" />
        <link rel="stylesheet" href="${baseUrl}/static/theme.css" />
        ${options.head}
      </head>
      <body>
        <header class="site">
          <p class="brand">
            ${brand.logoUrl ? html`<img class="logo" src="${brand.logoUrl}" alt="${fill(t.layout.logoAlt, { brand: name })}" />` : ''}
            <span>${name}</span>
          </p>
        </header>
        <main id="main">
          <h1>${options.title}</h1>
          ${body}
        </main>
      </body>
    </html> `.toString();
}

/** A POST form to the page itself carrying the CSRF token. */
export function postForm(action: string, csrf: string, fields: Record<string, string>, button: Html): Html {
  return html`<form method="post" action="${action}">
    <input type="hidden" name="csrf" value="${csrf}" />
    ${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)} ${button}
  </form>`;
}
