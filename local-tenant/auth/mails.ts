// The mails the tenant sends to its local outbox: the verification link after a signup, the password reset link.
import type { User } from '../../actions/types.ts';
import type { TenantState } from '../state.ts';
import type { LoginIdentity } from '../login-identity.ts';

/** A signup's verification mail ("Verify your email"), as the hosted signup and POST /dbconnections/signup send it. */
export function sendVerification(state: TenantState, user: User): void {
  const ticket = state.authentication.newVerificationTicket(user.user_id);
  state.authentication.send({
    to: user.email!,
    subject: 'Verify your email',
    text: 'Follow the link to verify your email address.',
    link: `/u/email-verification?ticket=${encodeURIComponent(ticket)}`,
  });
}

/** The "Change Password" mail of POST /dbconnections/change_password: a link to the reset page, valid 5 days, once. */
export function sendPasswordReset(state: TenantState, to: string, identity: LoginIdentity, connection: string): void {
  const ticket = state.authentication.newResetTicket({ identity, connection, markEmailVerified: false });
  state.authentication.send({
    to,
    subject: 'Reset your password',
    text: 'Follow the link to choose a new password. If you did not ask for it, ignore this mail.',
    link: resetPath(ticket),
  });
}

/** The reset page of a ticket, as Auth0's ticket URLs name it (`/u/reset-password?ticket=…#`, TestTicketManager_ChangePassword). */
export function resetPath(ticket: string): string {
  return `/u/reset-password?ticket=${encodeURIComponent(ticket)}`;
}
