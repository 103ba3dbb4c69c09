// The password reset page a reset link opens: GET shows the form, POST sets the password once and stamps last_password_reset.
// A reset leaves email_verified as it was: "if you created the user with email_verified=false the reset/change password
// would not update this value for you" (an Auth0 engineer, community.auth0.com/t/setting-user-password-after-email-verification/6133);
// only a Management API ticket made with mark_email_as_verified verifies it. The page's texts are the local tenant's.
import type { RouteGroup } from '../route.ts';
import type { TenantState } from '../state.ts';
import { hidden, html, page, readForm, redirect } from './html.ts';
import { checkPasswordPolicy, policyOf } from './password-policy.ts';
import type { ResetTicket } from './store.ts';

const EXPIRED = html`<p class="error" id="result">This link has expired or was already used.</p>`;

export const resetPageRoutes: RouteGroup = [
  {
    method: 'GET',
    path: '/u/reset-password',
    scopes: 'none',
    handle({ url, state }) {
      const value = url.searchParams.get('ticket') ?? '';
      const ticket = state.authentication.resetTicket(value);
      if (!ticket || !ownerOf(state, ticket)) return page('Change your password', EXPIRED, 400);
      return form(value);
    },
  },
  {
    method: 'POST',
    path: '/u/reset-password',
    scopes: 'none',
    async handle({ request, state }) {
      const fields = await readForm(request);
      const value = fields.ticket ?? '';
      const ticket = state.authentication.resetTicket(value);
      const owner = ticket && ownerOf(state, ticket);
      if (!ticket || !owner) return page('Change your password', EXPIRED, 400);
      const password = fields.password ?? '';
      const weak = checkPasswordPolicy(password, policyOf(state.connectionOptions(ticket.connection)));
      // A refused password leaves the ticket live, so the person can try another one.
      if (weak) return form(value, weak.policy, 400);
      state.authentication.takeResetTicket(value);
      state.changePassword(owner, ticket.connection, password, ticket.identity.user_id);
      if (ticket.markEmailVerified) state.patchUser(owner.user_id, { email_verified: true });
      if (ticket.resultUrl !== undefined) return redirect(ticket.resultUrl);
      return page('Password changed', html`<p id="result">Your password has been changed successfully.</p>`);
    },
  },
];

/** The user holding the ticket's identity now (itself, or the primary it was linked under since the mail went out). */
function ownerOf(state: TenantState, ticket: ResetTicket) {
  return state.ownerOfIdentity(ticket.identity.provider, ticket.identity.user_id);
}

function form(ticket: string, error?: string, status = 200) {
  return page(
    'Change your password',
    html`${error ? html`<p class="error" id="error">${error}</p>` : ''}
      <form method="post" action="/u/reset-password" id="reset">
        ${hidden('ticket', ticket)}
        <label>New password <input name="password" type="password" autocomplete="new-password" /></label>
        <button type="submit">Reset password</button>
      </form>`,
    status,
  );
}
