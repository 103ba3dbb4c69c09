// The connected accounts views: sign in (always fresh), the person's identities with unlink for each but the main one and
// link another by signing in, the unlink confirmation naming the identity, and the two signed-out views.
import type { Identity } from '../../actions/types.ts';
import { html } from '../html.ts';
import { layout, postForm } from '../layout.ts';
import { connectionLabel, identityHint, identityName, type ConnectionLabels } from './connection-label.ts';

/** Every word these views show, in one place (issue 19 moves them to a catalogue). */
const TEXT = {
  title: 'Connected accounts',
  signInIntro: 'Sign in to see the ways you can sign in to your account, link another one or unlink one.',
  signInFresh:
    'You will be asked to sign in again, even if you did a moment ago: this page changes who can reach your account. Your sign-in here lasts 10 minutes.',
  signIn: 'Sign in',
  ended: 'Your sign-in to this page has ended. Sign in again.',
  waysHeading: 'Ways you sign in',
  main: '(main account)',
  unlink: (name: string) => `Unlink ${name}`,
  onlyOne: 'Only one way to sign in is linked; it cannot be unlinked.',
  linkHeading: 'Link another account',
  linkNote: 'You will sign in to the other account; it then becomes part of this one. Its own saved settings are not kept.',
  linkAny: 'Sign in with another account',
  link: (label: string) => `Link ${label}`,
  signOut: 'Sign out of this page',
  linked: 'The account was linked. You can now sign in with it too.',
  unlinked: (name: string) =>
    `The account was unlinked: ${name} is a separate account again, and you can no longer sign in to this account with it. It will not be linked back automatically; you can link it again here.`,
  unlinkTitle: (name: string) => `Unlink ${name}?`,
  unlinkWhat: (name: string) =>
    `After this you can no longer sign in to this account with ${name}. It becomes a separate account again, and it will not be linked back automatically.`,
  unlinkUndo: 'You can link it again later on this page, by signing in with it.',
  unlinkKeep: 'Keep it linked',
  signedOutTitle: 'Signed out of this page',
  signedOut: 'You are signed out of this page.',
  tenantStill:
    'This browser may still be signed in to the sign-in service of this site, so its applications could sign you in without asking for your password. On a shared or public computer, sign out of that too.',
  tenantSignOut: 'Sign out of the sign-in service too',
  signInAgain: 'Sign in to this page again',
  everywhereTitle: 'Signed out',
  everywhere: 'You are signed out of this page and of the sign-in service of this site in this browser.',
} as const;

export function signedOutView(input: { baseUrl: string; csrf: string; problem?: string }): string {
  const { baseUrl, csrf, problem } = input;
  const body = html`
    ${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
    <p>${TEXT.signInIntro}</p>
    <p class="note">${TEXT.signInFresh}</p>
    ${postForm(`${baseUrl}/accounts/sign-in`, csrf, {}, html`<button class="primary" type="submit">${TEXT.signIn}</button>`)}
  `;
  return layout({ title: TEXT.title, baseUrl }, body);
}

/** The problem shown when the page's sign-in ended. */
export const SESSION_ENDED = TEXT.ended;

/** How the views name an identity: its connection's label and, where its profile has one, a masked identifier. */
export function identityLabel(identity: Pick<Identity, 'connection' | 'profileData'>, labels: ConnectionLabels, email?: string): string {
  return identityName(connectionLabel(identity.connection, labels), identityHint(identity, email));
}

export function accountsView(input: {
  baseUrl: string;
  csrf: string;
  identities: readonly Identity[];
  /** The user's email: the main identity's, which has no profileData. */
  email?: string;
  connections: readonly string[];
  labels: ConnectionLabels;
  notice?: { kind: 'linked' } | { kind: 'unlinked'; name: string };
}): string {
  const { baseUrl, csrf, identities, email, connections, labels, notice } = input;
  const [main, ...linked] = identities;
  const message = notice === undefined ? undefined : notice.kind === 'linked' ? TEXT.linked : TEXT.unlinked(notice.name);
  const body = html`
    ${message ? html`<p role="status">${message}</p>` : ''}
    <h2>${TEXT.waysHeading}</h2>
    <ul class="identities">
      ${
        main
          ? html`<li>
              <span>${identityLabel(main, labels, email)} <span class="note">${TEXT.main}</span></span>
            </li>`
          : ''
      }
      ${linked.map(
        (identity) =>
          html`<li>
            <span>${identityLabel(identity, labels)}</span>
            ${postForm(
              `${baseUrl}/accounts/unlink`,
              csrf,
              { provider: identity.provider, user_id: String(identity.user_id) },
              html`<button class="danger" type="submit">${TEXT.unlink(identityLabel(identity, labels))}</button>`,
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
                html`<button class="primary" type="submit">${TEXT.link(connectionLabel(connection, labels))}</button>`,
              ),
            )
      }
    </div>
    ${postForm(`${baseUrl}/accounts/sign-out`, csrf, {}, html`<button type="submit">${TEXT.signOut}</button>`)}
  `;
  return layout({ title: TEXT.title, baseUrl }, body);
}

/** "Unlink Google (j•••@g•••.com)?": nothing is unlinked until the person posts this view's form. */
export function unlinkConfirmView(input: {
  baseUrl: string;
  csrf: string;
  identity: Pick<Identity, 'provider' | 'user_id' | 'connection' | 'profileData'>;
  labels: ConnectionLabels;
}): string {
  const { baseUrl, csrf, identity, labels } = input;
  const name = identityLabel(identity, labels);
  const body = html`
    <p>${TEXT.unlinkWhat(name)}</p>
    <p class="note">${TEXT.unlinkUndo}</p>
    <div class="choices">
      ${postForm(
        `${baseUrl}/accounts/unlink/confirm`,
        csrf,
        { provider: identity.provider, user_id: String(identity.user_id) },
        html`<button class="danger" type="submit">${TEXT.unlink(name)}</button>`,
      )}
      <p><a class="button" href="${baseUrl}/accounts">${TEXT.unlinkKeep}</a></p>
    </div>
  `;
  return layout({ title: TEXT.unlinkTitle(name), baseUrl }, body);
}

/** After the page's own sign-out: offers to end the tenant's session too (/v2/logout, back to the page's signed-out view). */
export function signedOutOfPageView(input: { baseUrl: string; logoutUrl: string }): string {
  const { baseUrl, logoutUrl } = input;
  const body = html`
    <p role="status">${TEXT.signedOut}</p>
    <p>${TEXT.tenantStill}</p>
    <p><a class="button primary" href="${logoutUrl}">${TEXT.tenantSignOut}</a></p>
    <p><a href="${baseUrl}/accounts">${TEXT.signInAgain}</a></p>
  `;
  return layout({ title: TEXT.signedOutTitle, baseUrl }, body);
}

/** Where the tenant's /v2/logout returns to. */
export function signedOutEverywhereView(input: { baseUrl: string }): string {
  const { baseUrl } = input;
  const body = html`
    <p role="status">${TEXT.everywhere}</p>
    <p><a href="${baseUrl}/accounts">${TEXT.signInAgain}</a></p>
  `;
  return layout({ title: TEXT.everywhereTitle, baseUrl }, body);
}
