// The connected accounts view: the signed-in person's identities, unlink for each but the main one, link another by signing in.
import type { Identity } from '../../actions/types.ts';
import { html } from '../html.ts';
import { layout, postForm } from '../layout.ts';
import { connectionLabel } from './connection-label.ts';

export function signedOutView(input: { baseUrl: string; csrf: string; problem?: string }): string {
  const { baseUrl, csrf, problem } = input;
  const body = html`
    ${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
    <p>Sign in to see the ways you can sign in to your account, link another one or unlink one.</p>
    ${postForm(`${baseUrl}/accounts/sign-in`, csrf, {}, html`<button class="primary" type="submit">Sign in</button>`)}
  `;
  return layout({ title: 'Connected accounts', baseUrl }, body);
}

export function accountsView(input: {
  baseUrl: string;
  csrf: string;
  identities: readonly Identity[];
  connections: readonly string[];
  notice?: string;
}): string {
  const { baseUrl, csrf, identities, connections, notice } = input;
  const [main, ...linked] = identities;
  const body = html`
    ${notice ? html`<p role="status">${notice}</p>` : ''}
    <h2>Ways you sign in</h2>
    <ul class="identities">
      ${
        main
          ? html`<li>
              <span>${connectionLabel(main.connection)} <span class="note">(main account)</span></span>
            </li>`
          : ''
      }
      ${linked.map(
        (identity) =>
          html`<li>
            <span>${connectionLabel(identity.connection)}</span>
            ${postForm(
              `${baseUrl}/accounts/unlink`,
              csrf,
              { provider: identity.provider, user_id: String(identity.user_id) },
              html`<button class="danger" type="submit">Unlink ${connectionLabel(identity.connection)}</button>`,
            )}
          </li>`,
      )}
    </ul>
    ${linked.length === 0 ? html`<p class="note">Only one way to sign in is linked; it cannot be unlinked.</p>` : ''}
    <h2>Link another account</h2>
    <p class="note">You will sign in to the other account; it then becomes part of this one. Its own saved settings are not kept.</p>
    <div class="choices">
      ${
        connections.length === 0
          ? postForm(`${baseUrl}/accounts/link`, csrf, {}, html`<button class="primary" type="submit">Sign in with another account</button>`)
          : connections.map((connection) =>
              postForm(
                `${baseUrl}/accounts/link`,
                csrf,
                { connection },
                html`<button class="primary" type="submit">Link ${connectionLabel(connection)}</button>`,
              ),
            )
      }
    </div>
    ${postForm(`${baseUrl}/accounts/sign-out`, csrf, {}, html`<button type="submit">Sign out of this page</button>`)}
  `;
  return layout({ title: 'Connected accounts', baseUrl }, body);
}
