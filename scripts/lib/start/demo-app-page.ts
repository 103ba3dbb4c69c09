// The demo app's one page: who is signed in, the ID token's claims (the Action's linked-accounts claim first), the
// account's identities, and the way to the linking page's connected accounts. Server-rendered, no script.
import type { JWTPayload } from 'jose';

export interface PageView {
  linkedClaim: string;
  /** The linking page's connected accounts, where the person links and unlinks. */
  accountsUrl?: string;
  notice?: { kind: 'ok' | 'error'; text: string };
  /** The signed-in user's ID token claims. */
  claims?: JWTPayload;
  /** The user's identities as the Management API answers them with the user's own token. */
  identities?: Array<{ provider: string; user_id: string | number; connection: string }>;
}

export function renderPage(view: PageView): string {
  const parts: string[] = ['<h1>Demo app <small>(local tenant)</small></h1>'];
  if (view.notice) parts.push(`<p class="${view.notice.kind}" id="notice">${escapeText(view.notice.text)}</p>`);
  if (!view.claims) {
    parts.push(
      '<p>Sign in through the local tenant’s login page; the post-login Action runs on the way.</p>',
      '<p><a id="sign-in" href="/login">Sign in</a></p>',
    );
    return layout(parts.join('\n'));
  }
  const linked = view.claims[view.linkedClaim];
  parts.push(
    `<p>Signed in as <code id="sub">${escapeText(String(view.claims.sub))}</code>. <a id="sign-out" href="/logout">Sign out</a></p>`,
    `<h2>Linked accounts claim <code>${escapeText(view.linkedClaim)}</code></h2>`,
    `<pre id="linked-claim">${escapeText(linked === undefined ? '(not set on this sign-in: the Action linked nothing)' : JSON.stringify(linked, null, 2))}</pre>`,
    '<h2>ID token claims</h2>',
    `<pre id="claims">${escapeText(JSON.stringify(view.claims, null, 2))}</pre>`,
  );
  if (view.identities) {
    const rows = view.identities.map(
      (identity, index) =>
        `<tr><td>${escapeText(identity.connection)}</td><td><code>${escapeText(`${identity.provider}|${identity.user_id}`)}</code></td><td>${index === 0 ? 'primary' : ''}</td></tr>`,
    );
    parts.push('<h2>Identities of this account</h2>', `<table id="identities"><tr><th>connection</th><th>identity</th><th></th></tr>${rows.join('')}</table>`);
  }
  if (view.accountsUrl) {
    parts.push(
      '<h2>Connected accounts</h2>',
      `<p><a id="connected-accounts" href="${escapeText(view.accountsUrl)}">Link or unlink accounts</a> on the linking page, with your own token.</p>`,
    );
  }
  return layout(parts.join('\n'));
}

export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo app — local tenant</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:.75rem;overflow:auto}
.ok{color:#075e20}.error{color:#9b1c1c}table{border-collapse:collapse}td,th{padding:.25rem .75rem;text-align:left}form{display:inline}</style>
</head><body><main>${body}</main></body></html>`;
}
