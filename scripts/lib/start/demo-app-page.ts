// The demo app's one page (claims, linked-accounts claim, identities, way to connected accounts); hono/html escapes all.
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Identity } from './demo-app/tenant-sign-in.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The page's few styles, a constant of this file (raw: CSS is not text to escape). */
const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}
pre{background:#f4f4f4;padding:.75rem;overflow:auto}.error{color:#9b1c1c}
table{border-collapse:collapse}td,th{padding:.25rem .75rem;text-align:left}`;

export interface PageView {
  linkedClaim: string;
  /** The linking page's connected accounts, where the person links and unlinks. */
  accountsUrl?: string;
  /** Why the last sign-in failed, shown once. */
  notice?: string;
  /** The signed-in user's ID token claims. */
  claims?: { sub: string; [claim: string]: unknown };
  /** The user's identities as the Management API answers them with the user's own token. */
  identities?: Identity[];
}

export function renderPage(view: PageView): Html {
  const notice = view.notice ? html`<p class="error" id="notice">${view.notice}</p>` : '';
  if (!view.claims) {
    return layout(
      html`${notice}
        <p>Sign in through the local tenant’s login page; the post-login Action runs on the way.</p>
        <p><a id="sign-in" href="/login">Sign in</a></p>`,
    );
  }
  const linked = view.claims[view.linkedClaim];
  return layout(
    html`${notice}
      <p>Signed in as <code id="sub">${view.claims.sub}</code>. <a id="sign-out" href="/logout">Sign out</a></p>
      <h2>Linked accounts claim <code>${view.linkedClaim}</code></h2>
      <pre id="linked-claim">${linked === undefined ? '(not set on this sign-in: the Action linked nothing)' : JSON.stringify(linked, null, 2)}</pre>
      <h2>ID token claims</h2>
      <pre id="claims">${JSON.stringify(view.claims, null, 2)}</pre>
      ${view.identities ? identitiesTable(view.identities) : ''}
      ${
        view.accountsUrl
          ? html`<h2>Connected accounts</h2>
              <p><a id="connected-accounts" href="${view.accountsUrl}">Link or unlink accounts</a> on the linking page, with your own token.</p>`
          : ''
      }`,
  );
}

/** A page with one message, for a failure or an unknown path. */
export function messagePage(text: string): Html {
  return layout(
    html`<p class="error">${text}</p>
      <p><a href="/">Back to the demo app</a></p>`,
  );
}

function identitiesTable(identities: Identity[]): Html {
  const rows = identities.map(
    (identity, index) =>
      html`<tr>
        <td>${identity.connection}</td>
        <td><code>${`${identity.provider}|${identity.user_id}`}</code></td>
        <td>${index === 0 ? 'primary' : ''}</td>
      </tr>`,
  );
  return html`<h2>Identities of this account</h2>
    <table id="identities">
      <tr>
        <th>connection</th>
        <th>identity</th>
        <th></th>
      </tr>
      ${rows}
    </table>`;
}

function layout(body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Demo app — local tenant</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <main>
          <h1>Demo app <small>(local tenant)</small></h1>
          ${body}
        </main>
      </body>
    </html>`;
}
