// The connected accounts views: sign in (always fresh), the person's identities with unlink for each but the main one and
// link another by signing in, the unlink confirmation naming the identity, and the two signed-out views. Their words are
// the catalogue's `accounts` section.
import type { Identity } from '../../actions/types.ts';
import { fill } from '../i18n/catalogue.ts';
import { html } from '../html.ts';
import { layout, postForm } from '../layout.ts';
import { formatDate, type Ui } from '../ui.ts';
import { connectionLabel, identityHint, identityName, type ConnectionLabels } from './connection-label.ts';

export function signedOutView(input: { ui: Ui; csrf: string; problem?: string }): string {
  const { ui, csrf, problem } = input;
  const TEXT = ui.t.accounts;
  const body = html`
    ${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
    <p>${TEXT.signInIntro}</p>
    <p class="note">${TEXT.signInFresh}</p>
    ${postForm(`${ui.baseUrl}/accounts/sign-in`, csrf, {}, html`<button class="primary" type="submit">${TEXT.signIn}</button>`)}
  `;
  return layout(ui, { title: TEXT.title }, body);
}

/** How the views name an identity: its connection's label and, where its profile has one, a masked identifier. */
export function identityLabel(ui: Ui, identity: Pick<Identity, 'connection' | 'provider' | 'profileData'>, labels: ConnectionLabels, email?: string): string {
  return identityName(connectionLabel(identity.connection, labels, { t: ui.t, provider: identity.provider }), identityHint(identity, email));
}

export function accountsView(input: {
  ui: Ui;
  csrf: string;
  identities: readonly Identity[];
  /** The user's email: the main identity's, which has no profileData. */
  email?: string;
  connections: readonly string[];
  labels: ConnectionLabels;
  /** When each linked identity was linked here (`provider|user_id` → ISO time), from the page's own records. */
  linkedAt?: Readonly<Record<string, string>>;
  notice?: { kind: 'linked' } | { kind: 'unlinked'; name: string };
}): string {
  const { ui, csrf, identities, email, connections, labels, linkedAt = {}, notice } = input;
  const { baseUrl } = ui;
  const TEXT = ui.t.accounts;
  const [main, ...linked] = identities;
  const message = notice === undefined ? undefined : notice.kind === 'linked' ? TEXT.linked : fill(TEXT.unlinked, { name: notice.name });
  const since = (identity: Identity) => {
    const at = linkedAt[`${identity.provider}|${identity.user_id}`];
    const date = at ? formatDate(ui, at) : undefined;
    return date ? html` <span class="note since">${fill(TEXT.linkedOn, { date })}</span>` : '';
  };
  const body = html`
    ${message ? html`<p role="status">${message}</p>` : ''}
    <h2>${TEXT.waysHeading}</h2>
    <ul class="identities">
      ${
        main
          ? html`<li>
              <span class="who">${identityLabel(ui, main, labels, email)} <span class="note">${TEXT.main}</span></span>
            </li>`
          : ''
      }
      ${linked.map(
        (identity) =>
          html`<li>
            <span class="who">${identityLabel(ui, identity, labels)}${since(identity)}</span>
            ${postForm(
              `${baseUrl}/accounts/unlink`,
              csrf,
              { provider: identity.provider, user_id: String(identity.user_id) },
              html`<button class="danger" type="submit">${fill(TEXT.unlink, { name: identityLabel(ui, identity, labels) })}</button>`,
            )}
          </li>`,
      )}
    </ul>
    ${linked.length === 0 ? html`<p class="note">${TEXT.onlyOne}</p>` : ''}
    <h2>${TEXT.linkHeading}</h2>
    <p class="note">${TEXT.linkNote}</p>
    <div class="choices">
      ${
        connections.length === 0
          ? postForm(`${baseUrl}/accounts/link`, csrf, {}, html`<button class="primary" type="submit">${TEXT.linkAny}</button>`)
          : connections.map((connection) =>
              postForm(
                `${baseUrl}/accounts/link`,
                csrf,
                { connection },
                html`<button class="primary" type="submit">${fill(TEXT.link, { label: connectionLabel(connection, labels, { t: ui.t }) })}</button>`,
              ),
            )
      }
    </div>
    ${postForm(`${baseUrl}/accounts/sign-out`, csrf, {}, html`<button type="submit">${TEXT.signOut}</button>`)}
  `;
  return layout(ui, { title: TEXT.title }, body);
}

/** "Unlink Google (j•••@g•••.com)?": nothing is unlinked until the person posts this view's form. */
export function unlinkConfirmView(input: {
  ui: Ui;
  csrf: string;
  identity: Pick<Identity, 'provider' | 'user_id' | 'connection' | 'profileData'>;
  labels: ConnectionLabels;
}): string {
  const { ui, csrf, identity, labels } = input;
  const TEXT = ui.t.accounts;
  const name = identityLabel(ui, identity, labels);
  const body = html`
    <p>${fill(TEXT.unlinkWhat, { name })}</p>
    <p class="note">${TEXT.unlinkUndo}</p>
    <div class="choices">
      ${postForm(
        `${ui.baseUrl}/accounts/unlink/confirm`,
        csrf,
        { provider: identity.provider, user_id: String(identity.user_id) },
        html`<button class="danger" type="submit">${fill(TEXT.unlink, { name })}</button>`,
      )}
      <p><a class="button" href="${ui.baseUrl}/accounts">${TEXT.unlinkKeep}</a></p>
    </div>
  `;
  return layout(ui, { title: fill(TEXT.unlinkTitle, { name }) }, body);
}

/** After the page's own sign-out: offers to end the tenant's session too (/v2/logout, back to the page's signed-out view). */
export function signedOutOfPageView(input: { ui: Ui; logoutUrl: string }): string {
  const { ui, logoutUrl } = input;
  const TEXT = ui.t.accounts;
  const body = html`
    <p role="status">${TEXT.signedOut}</p>
    <p>${TEXT.tenantStill}</p>
    <p><a class="button primary" href="${logoutUrl}">${TEXT.tenantSignOut}</a></p>
    <p><a href="${ui.baseUrl}/accounts">${TEXT.signInAgain}</a></p>
  `;
  return layout(ui, { title: TEXT.signedOutTitle }, body);
}

/** Where the tenant's /v2/logout returns to. */
export function signedOutEverywhereView(input: { ui: Ui }): string {
  const { ui } = input;
  const TEXT = ui.t.accounts;
  const body = html`
    <p role="status">${TEXT.everywhere}</p>
    <p><a href="${ui.baseUrl}/accounts">${TEXT.signInAgain}</a></p>
  `;
  return layout(ui, { title: TEXT.everywhereTitle }, body);
}
