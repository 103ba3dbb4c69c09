// The confirm view: another account with this email exists; sign in with it to link, not now, or never.
import type { OfferedAccount } from '../../actions/link-page-tokens.ts';
import { html, type Html } from '../html.ts';
import { layout, postForm } from '../layout.ts';
import { connectionLabel } from './connection-label.ts';

export function confirmView(input: { baseUrl: string; csrf: string; offers: readonly OfferedAccount[]; problem?: string }): string {
  const { baseUrl, csrf, offers, problem } = input;
  const where = offers.map((o) => connectionLabel(o.connection));
  const body = html`
    ${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
    <p>
      Another account with the same email address exists, signed in with ${where.join(', ')}. If it is yours, sign in with it once and both become one account,
      so you can use either way to sign in.
    </p>
    <p class="note">You will be asked to sign in to that account again, even if you did recently. Nothing is linked unless you do.</p>
    <h2>Link it</h2>
    ${offers.map((offer, index) =>
      postForm(
        `${baseUrl}/link/sign-in`,
        csrf,
        { account: String(index) },
        html`<button class="primary" type="submit">Sign in with ${connectionLabel(offer.connection)} to link</button>`,
      ),
    )}
    <h2>Or keep them apart</h2>
    ${decline(baseUrl, csrf)}
  `;
  return layout({ title: 'Link your accounts?', baseUrl }, body);
}

function decline(baseUrl: string, csrf: string): Html {
  return html`<form method="post" action="${baseUrl}/link/decline" class="choices">
    <input type="hidden" name="csrf" value="${csrf}" />
    <button type="submit" name="decision" value="later">Not now</button>
    <button type="submit" name="decision" value="never">Never ask again</button>
  </form>`;
}
